/**
 * One polling loop for every consumer (ARCHITECTURE.md §5): one queue request per tick, whatever the number of
 * active builds. Runs while something is active or watched, stops when idle, slows down in the background,
 * backs off exponentially on errors and honors Retry-After. Driven by a Clock, so tests use fake time.
 */
import { isApiError, NotSignedInError, SessionChangedError, SessionExpiredError, errorText } from '../errors';
import { DisposableBase, Emitter } from '../events';
import type { Event } from '../events';
import type { Clock, Logger } from '../ports';

export const MIN_INTERVAL_MS = 2_000;
export const MAX_INTERVAL_MS = 300_000;
export const DEFAULT_INTERVAL_MS = 5_000;
export const MAX_BACKOFF_MS = 5 * 60_000;
/** The longest a server may make us wait (Retry-After); more is taken as this. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;
/** setTimeout's largest delay: anything longer fires at once in Node (a request storm). */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** A build still active this long after it was first seen is not polled for any more (it never reached a final status). */
export const MAX_FOLLOW_MS = 24 * 60 * 60_000;

export interface PollResult {
  /** Number of builds still waiting or running after this tick; 0 lets the loop stop. */
  active: number;
  /** Their ids: a build active for longer than MAX_FOLLOW_MS no longer keeps the loop going. */
  activeIds?: readonly string[];
}

/** The poll interval in ms from any setting value: a number of ms or a numeric string, clamped to 2–300 s; else 5 s. */
export function clampIntervalMs(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) {
    return DEFAULT_INTERVAL_MS;
  }
  return Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, n));
}

/** A delay safe to give setTimeout: finite, ≥ 0, ≤ 2^31-1. */
export function safeDelay(ms: number): number {
  return Number.isFinite(ms) ? Math.min(MAX_TIMER_MS, Math.max(0, ms)) : MAX_TIMER_MS;
}

export interface PollingSchedulerOptions {
  clock: Clock;
  logger: Logger;
  /** The work of one tick: one request for everything. */
  tick: () => Promise<PollResult>;
  /** Interval in ms from settings (clamped here to 2–300 s, whatever it returns). */
  intervalMs: () => number;
  /** Multiplier while the window is unfocused and no Appcircle view is visible. */
  backgroundFactor?: number;
  random?: () => number;
}

export type SchedulerState = 'idle' | 'scheduled' | 'polling' | 'stopped';

export class PollingScheduler extends DisposableBase {
  private timer: unknown;
  private state: SchedulerState = 'idle';
  private failures = 0;
  private background = false;
  private watchers = 0;
  private lastActive = 0;
  private pendingImmediate = false;
  /** Bumped by stop(): a tick that was in flight then is ignored when it lands. */
  private epoch = 0;
  /** When each active build was first seen (MAX_FOLLOW_MS). */
  private readonly firstSeen = new Map<string, number>();
  private readonly givenUp = new Set<string>();
  private readonly _onDidChangeState = this._register(new Emitter<SchedulerState>());
  readonly onDidChangeState: Event<SchedulerState> = this._onDidChangeState.event;
  private readonly _onDidFail = this._register(new Emitter<unknown>());
  readonly onDidFail: Event<unknown> = this._onDidFail.event;
  /** Ticks made since creation (benchmarks and tests). */
  ticks = 0;

  private disposed = false;

  constructor(private readonly options: PollingSchedulerOptions) {
    super();
    this._register({
      dispose: () => {
        this.stop();
        // an operation that lands after deactivation (a start, a cancel) must not re-arm the loop
        this.disposed = true;
      },
    });
  }

  get current(): SchedulerState {
    return this.state;
  }

  /** Next delay in ms with the current interval, background factor and backoff. */
  nextDelay(retryAfterMs?: number): number {
    const base = clampIntervalMs(this.options.intervalMs());
    const normal = this.background ? base * (this.options.backgroundFactor ?? 6) : base;
    if (this.failures === 0) {
      return safeDelay(normal);
    }
    const exp = Math.min(MAX_BACKOFF_MS, base * 2 ** Math.min(30, this.failures - 1));
    const jitter = 1 + ((this.options.random ?? Math.random)() * 0.2 - 0.1);
    const retryAfter =
      retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(0, retryAfterMs)) : 0;
    return safeDelay(Math.max(normal, Math.round(exp * jitter), retryAfter));
  }

  /** Something started or a consumer needs fresh data now: poll at once and keep going while active. */
  pokeNow(): void {
    if (this.state === 'polling') {
      this.pendingImmediate = true;
      return;
    }
    this.clearTimer();
    this.schedule(0);
  }

  /** A consumer that wants polling while it lives (a followed log, a watched build). */
  watch(): { dispose(): void } {
    this.watchers++;
    if (this.state === 'idle' || this.state === 'stopped') {
      this.schedule(0);
    }
    let done = false;
    return {
      dispose: () => {
        if (!done) {
          done = true;
          this.watchers--;
        }
      },
    };
  }

  setBackground(background: boolean): void {
    if (this.background === background) {
      return;
    }
    this.background = background;
    if (!background && this.state === 'scheduled') {
      // coming back to the foreground: catch up at once
      this.clearTimer();
      this.schedule(0);
    }
  }

  /** Settings changed: re-arm with the new interval. */
  reschedule(): void {
    if (this.state === 'scheduled') {
      this.clearTimer();
      this.schedule(this.nextDelay());
    }
  }

  /** Stops polling; a tick in flight is ignored when it lands (a sign-out or switch must not be undone by it). */
  stop(): void {
    this.epoch++;
    this.clearTimer();
    this.failures = 0;
    this.pendingImmediate = false;
    this.firstSeen.clear();
    this.givenUp.clear();
    this.setState('stopped');
  }

  private schedule(ms: number): void {
    if (this.disposed) {
      return;
    }
    this.setState('scheduled');
    this.timer = this.options.clock.setTimeout(() => void this.run(), safeDelay(ms));
  }

  /** Active builds, minus those followed for longer than MAX_FOLLOW_MS (logged once each). */
  private countActive(r: PollResult): number {
    if (!r.activeIds) {
      return r.active;
    }
    const now = this.options.clock.now();
    const ids = new Set(r.activeIds);
    for (const id of [...this.firstSeen.keys()]) {
      if (!ids.has(id)) {
        this.firstSeen.delete(id);
        this.givenUp.delete(id);
      }
    }
    let active = r.active;
    for (const id of ids) {
      const first = this.firstSeen.get(id) ?? now;
      this.firstSeen.set(id, first);
      if (now - first >= MAX_FOLLOW_MS) {
        active--;
        if (!this.givenUp.has(id)) {
          this.givenUp.add(id);
          this.options.logger.info(
            `Build ${id} has been waiting or running for more than 24 hours without a final status; it no longer keeps polling going (Refresh looks again).`,
          );
        }
      }
    }
    return Math.max(0, active);
  }

  private async run(): Promise<void> {
    const epoch = this.epoch;
    this.timer = undefined;
    this.setState('polling');
    this.ticks++;
    let retryAfter: number | undefined;
    try {
      const r = await this.options.tick();
      if (epoch !== this.epoch) {
        return; // stopped (sign-out, switch) while this tick was in flight: its result is not ours to act on
      }
      this.lastActive = this.countActive(r);
      this.failures = 0;
    } catch (e) {
      if (epoch !== this.epoch) {
        return;
      }
      if (e instanceof NotSignedInError || e instanceof SessionExpiredError) {
        this.stop();
        return;
      }
      if (!(e instanceof SessionChangedError)) {
        // (a tick whose session moved on under it is no failure: the next one polls the new session)
        this.failures++;
        retryAfter = isApiError(e) ? e.retryAfterMs : undefined;
        this.options.logger.warn(`Polling failed (${this.failures} in a row): ${errorText(e)}`);
        this._onDidFail.fire(e);
      }
    }
    if (this.state !== 'polling') {
      return; // stopped meanwhile
    }
    if (this.pendingImmediate) {
      this.pendingImmediate = false;
      this.schedule(0);
      return;
    }
    if (this.failures === 0 && this.lastActive === 0 && this.watchers === 0) {
      this.setState('idle');
      return;
    }
    this.schedule(this.nextDelay(retryAfter));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      this.options.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private setState(s: SchedulerState): void {
    if (this.state !== s) {
      this.state = s;
      this._onDidChangeState.fire(s);
    }
  }
}
