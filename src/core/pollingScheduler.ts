/**
 * One polling loop for every consumer (STYLE.md §1.4): one queue request per tick, whatever the number of
 * active builds. Runs while something is active or watched, stops when idle, slows down in the background,
 * backs off exponentially on errors and honors Retry-After. Driven by a Clock, so tests use fake time.
 */
import { isApiError, NotSignedInError, SessionExpiredError } from './errors';
import { DisposableBase, Emitter } from './events';
import type { Event } from './events';
import type { Clock, Logger } from './ports';

export const MIN_INTERVAL_MS = 2_000;
export const DEFAULT_INTERVAL_MS = 5_000;
export const MAX_BACKOFF_MS = 5 * 60_000;

export interface PollResult {
  /** Number of builds still waiting or running after this tick; 0 lets the loop stop. */
  active: number;
}

export interface PollingSchedulerOptions {
  clock: Clock;
  logger: Logger;
  /** The work of one tick: one request for everything. */
  tick: () => Promise<PollResult>;
  /** Interval in ms from settings (clamped to MIN_INTERVAL_MS). */
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
  private readonly _onDidChangeState = this._register(new Emitter<SchedulerState>());
  readonly onDidChangeState: Event<SchedulerState> = this._onDidChangeState.event;
  private readonly _onDidFail = this._register(new Emitter<unknown>());
  readonly onDidFail: Event<unknown> = this._onDidFail.event;
  /** Ticks made since creation (benchmarks and tests). */
  ticks = 0;

  constructor(private readonly o: PollingSchedulerOptions) {
    super();
    this._register({ dispose: () => this.stop() });
  }

  get current(): SchedulerState {
    return this.state;
  }

  /** Next delay in ms with the current interval, background factor and backoff. */
  nextDelay(retryAfterMs?: number): number {
    const base = Math.max(MIN_INTERVAL_MS, this.o.intervalMs());
    const normal = this.background ? base * (this.o.backgroundFactor ?? 6) : base;
    if (this.failures === 0) {
      return normal;
    }
    const exp = Math.min(MAX_BACKOFF_MS, base * 2 ** (this.failures - 1));
    const jitter = 1 + ((this.o.random ?? Math.random)() * 0.2 - 0.1);
    return Math.max(normal, Math.round(exp * jitter), retryAfterMs ?? 0);
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

  stop(): void {
    this.clearTimer();
    this.failures = 0;
    this.pendingImmediate = false;
    this.setState('stopped');
  }

  private schedule(ms: number): void {
    this.setState('scheduled');
    this.timer = this.o.clock.setTimeout(() => void this.run(), ms);
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.setState('polling');
    this.ticks++;
    let retryAfter: number | undefined;
    try {
      const r = await this.o.tick();
      this.lastActive = r.active;
      this.failures = 0;
    } catch (e) {
      if (e instanceof NotSignedInError || e instanceof SessionExpiredError) {
        this.stop();
        return;
      }
      this.failures++;
      retryAfter = isApiError(e) ? e.retryAfterMs : undefined;
      this.o.logger.warn(`Polling failed (${this.failures} in a row): ${e instanceof Error ? e.message : String(e)}`);
      this._onDidFail.fire(e);
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
      this.o.clock.clearTimeout(this.timer);
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
