/**
 * The hook service's build-log stream for this window (docs: appcircle-api-next §6): ONE connection for every
 * followed build, opened at the first and closed after the last; each build subscribed (L3) and unsubscribed (L4)
 * on it. A build's messages are put at their byte position in its log (StreamAligner) through its StreamTarget,
 * one at a time with the target's own polled reads, so streamed and polled text are the same bytes.
 *
 * A build counts as streamed from its first message on; until then, and whenever the stream is refused, drops,
 * stays silent past the idle timeout (any byte counts, keep-alives too), breaks its framing, or cannot continue a
 * build's log exactly, the build is followed by polling from the bytes shown (`mode(false, why)`). The connection is
 * tried again with backoff (1 s, 2 s, 5 s, …, 60 s at most); after each subscribe the server replays the build from
 * its first message, and the byte alignment drops what is shown already, so a build moves back to the stream exactly.
 * The log says once per build and per change which way it is followed, and why. No token is ever logged.
 */
import type * as Crypto from 'node:crypto';
import type { BuildLogMessage, HookApiOptions, HookIdentity, HookStream } from '../../api/hookApi';
import { HookApi, hookIdentity, toBuildLogMessage, whyRefused } from '../../api/hookApi';
import { SseParser } from '../../api/sseParser';
import { errorText, isApiError } from '../errors';
import { DisposableBase } from '../events';
import type { Clock, HookEndpoint, Logger } from '../ports';
import type { SessionService } from '../session/sessionService';
import { HOLE_WAIT_MS } from './streamAligner';
import { newEntry } from './streamEntry';
import type { Entry, StreamTarget } from './streamEntry';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- node:crypto on first use, not at activation
const nodeCrypto = (): typeof Crypto => require('node:crypto') as typeof Crypto;

/** No byte for this long while a followed build runs: the stream counts as lost (the server's keep-alive is 15 s). */
export const STREAM_IDLE_MS = 20_000;
/** Waits before the connection is tried again after the n-th failure in a row (the last repeats). */
export const RECONNECT_DELAYS_MS = [1_000, 2_000, 5_000, 5_000, 15_000, 30_000, 60_000];
/** A build the stream could not continue exactly is subscribed again after this long, this many times at most. */
const RESUBSCRIBE_MS = 5_000;
const MAX_RESUBSCRIBES = 3;
/** Messages waiting for the log shown to take them, at most: beyond, the build is polled (and subscribed again later). */
const MAX_PENDING = 50_000;

export interface LogStreamOptions {
  session: Pick<SessionService, 'getAccessToken' | 'onDidChangeSession' | 'isSignedIn'>;
  endpoint: () => HookEndpoint;
  clock: Clock;
  logger: Logger;
  /** Default STREAM_IDLE_MS. */
  idleMs?: number;
  /** Default RECONNECT_DELAYS_MS. */
  reconnectDelaysMs?: readonly number[];
  /** Tests: the hook client (default HookApi). */
  api?: (o: HookApiOptions) => HookApi;
}

interface Connection {
  readonly api: HookApi;
  readonly who: HookIdentity;
  readonly stream: HookStream;
  readonly parser: SseParser;
  readonly closed: AbortController; // aborted on close: an L3 being tried again gives up
}

export class BuildLogStream extends DisposableBase {
  private readonly entries = new Set<Entry>();
  private readonly byId = new Map<string, Entry>();
  private conn: Connection | undefined;
  private epoch = 0;
  private connecting = false;
  private failures = 0;
  private retry: unknown;
  private idle: unknown;
  private readonly browserId = `vscode-${nodeCrypto().randomBytes(8).toString('hex')}`;
  /** Streams opened so far (tests and the bench). */
  connectionsOpened = 0;
  /** No byte for this long: the stream counts as lost (STREAM_IDLE_MS unless the options say otherwise; tests set it). */
  idleMs: number;

  constructor(private readonly o: LogStreamOptions) {
    super();
    this.idleMs = o.idleMs ?? STREAM_IDLE_MS;
    this._register(o.session.onDidChangeSession(() => this.restart()));
    this._register({ dispose: () => this.close() });
  }

  /** Streams open now: 0 or 1. */
  get connections(): number {
    return this.conn ? 1 : 0;
  }

  /** Follows a build (`ids`: its queue item id and task id, as messages may name either) until disposed. */
  follow(ids: readonly string[], target: StreamTarget): { dispose(): void } {
    const entry = newEntry(ids, target, () => this.o.clock.now());
    this.entries.add(entry);
    ids.forEach((id) => this.byId.set(id, entry));
    if (this.conn) {
      void this.subscribe(this.conn, entry);
    } else {
      this.ensure();
    }
    return { dispose: () => this.unfollow(entry) };
  }

  /** The hook URL setting changed, or the session: a new connection for the builds still followed. */
  restart(): void {
    this.close();
    this.failures = 0;
    this.ensure();
  }

  private unfollow(entry: Entry): void {
    if (!this.entries.delete(entry)) {
      return;
    }
    this.o.clock.clearTimeout(entry.hole);
    entry.ids.forEach((id) => this.byId.get(id) === entry && this.byId.delete(id));
    if (this.conn && (entry.state === 'subscribed' || entry.state === 'streamed')) {
      this.stop(this.conn, entry);
    }
    if (!this.needed()) {
      this.close();
    }
  }

  private needed(): boolean {
    return [...this.entries].some((e) => e.state !== 'ended');
  }

  /** Connects when a build needs the stream and no connection is open, under way or waiting for its retry. */
  private ensure(): void {
    if (!this.needed() || this.conn || this.connecting || this.retry !== undefined || !this.o.session.isSignedIn) {
      return;
    }
    const ep = this.o.endpoint();
    if (!ep.url) {
      this.allPolled(`no hook service: ${ep.problem ?? 'appcircle.hookUrl is not set'}`);
      return;
    }
    void this.connect(ep.url, ep.allowInsecureHttp);
  }

  private async connect(url: string, allowInsecureHttp: boolean): Promise<void> {
    const epoch = ++this.epoch;
    this.connecting = true;
    try {
      const access = await this.o.session.getAccessToken();
      const who = hookIdentity(access, this.browserId);
      const api = (this.o.api ?? ((x) => new HookApi(x)))({ hookUrl: url, allowInsecureHttp, logger: this.o.logger });
      const { token } = await api.token(access);
      if (epoch !== this.epoch) {
        return;
      }
      const stream = await api.openStream(token, who);
      if (epoch !== this.epoch || !this.needed()) {
        stream.close();
        return;
      }
      this.opened({ api, who, stream, parser: new SseParser(), closed: new AbortController() }, epoch);
    } catch (e) {
      if (epoch === this.epoch) {
        this.failed(whyRefused(e));
      }
    } finally {
      if (epoch === this.epoch) {
        this.connecting = false;
      }
    }
  }

  private opened(conn: Connection, epoch: number): void {
    this.conn = conn;
    this.connectionsOpened++;
    const lost = (why: string) => epoch === this.epoch && this.drop(why);
    conn.stream.body.on('data', (chunk: Buffer) => {
      if (epoch !== this.epoch) {
        return;
      }
      this.armIdle(epoch);
      for (const f of conn.parser.push(chunk)) {
        if (f.event === 'build-log') {
          this.message(toBuildLogMessage(f.data));
        }
      }
      if (conn.parser.broken) {
        lost(`the stream broke its framing (${conn.parser.broken})`);
      }
    });
    conn.stream.body.on('end', () => lost('the server closed the stream'));
    conn.stream.body.on('close', () => lost('the stream was cut'));
    conn.stream.body.on('error', () => lost('the stream was cut'));
    this.armIdle(epoch);
    for (const entry of this.entries) {
      if (entry.state !== 'ended') {
        void this.subscribe(conn, entry);
      }
    }
  }

  private armIdle(epoch: number): void {
    this.o.clock.clearTimeout(this.idle);
    const ms = this.idleMs;
    this.idle = this.o.clock.setTimeout(() => epoch === this.epoch && this.drop(`the stream sent nothing for ${ms / 1000} s`), ms);
  }

  /** L3 for one build (HookApi tries a 5xx or a reset again; then it is polled); the replay starts the alignment again. */
  private async subscribe(conn: Connection, entry: Entry): Promise<void> {
    entry.aligner.reset();
    entry.pending = [];
    entry.state = 'subscribed';
    try {
      const access = await this.o.session.getAccessToken();
      for (const id of entry.ids.slice(0, 1)) {
        await conn.api.subscribe(access, id, conn.who, conn.closed.signal);
      }
    } catch (e) {
      if (this.conn === conn && this.entries.has(entry) && entry.state === 'subscribed') {
        this.polled(entry, isApiError(e) && e.status === 404 ? 'the hook service does not know this build (HTTP 404)' : whyRefused(e));
      }
    }
  }

  /** L4 for one build (its failures are only noted). */
  private stop(conn: Connection, entry: Entry): void {
    const id = entry.ids[0];
    if (id === undefined) {
      return;
    }
    void this.o.session
      .getAccessToken()
      .then((access) => conn.api.unsubscribe(access, id, conn.who))
      .catch((e: unknown) => this.o.logger.debug(`Unsubscribing the log of ${id} failed: ${errorText(e)}`));
  }

  private message(m: BuildLogMessage | undefined): void {
    const entry = m && this.byId.get(m.taskId);
    if (!m || !entry || (entry.state !== 'subscribed' && entry.state !== 'streamed')) {
      return;
    }
    // a fast log sends thousands of messages a second: what came while an append ran goes in the next, together
    if (entry.pending.push(m) === 1) {
      entry.chain = entry.chain.then(() => this.apply(entry));
    } else if (entry.pending.length > MAX_PENDING) {
      this.polled(entry, `more than ${MAX_PENDING} messages waited to be shown`, true);
    }
  }

  private async apply(entry: Entry): Promise<void> {
    const batch = entry.pending.splice(0);
    if (!this.entries.has(entry) || (entry.state !== 'subscribed' && entry.state !== 'streamed') || batch.length === 0) {
      return;
    }
    let broken: string | undefined;
    await entry.target
      .append((shown) => {
        const r = entry.aligner.offerAll(batch, shown);
        if (r.kind === 'broken') {
          broken = r.why;
          return '';
        }
        return r.text;
      })
      .catch((e: unknown) => (broken = `the streamed text could not be added (${errorText(e)})`));
    if (broken !== undefined) {
      this.polled(entry, `the stream could not continue this log exactly: ${broken}`, true);
      return;
    }
    this.setMode(entry, 'streamed', 'over the stream');
    if (entry.aligner.ended) {
      this.ended(entry);
      return;
    }
    this.watchHole(entry);
  }

  private watchHole(entry: Entry): void {
    this.o.clock.clearTimeout(entry.hole);
    entry.hole = this.o.clock.setTimeout(() => {
      if (entry.aligner.overdue() && this.entries.has(entry) && entry.state === 'streamed') {
        this.polled(entry, `a message did not come within ${HOLE_WAIT_MS / 1000} s`, true);
      }
    }, HOLE_WAIT_MS + 50);
  }

  /** The build's last message came: no more of it on the stream; the follower's final read confirms the tail. */
  private ended(entry: Entry): void {
    entry.state = 'ended';
    this.o.clock.clearTimeout(entry.hole);
    if (this.conn) {
      this.stop(this.conn, entry);
    }
    if (!this.needed()) {
      this.close();
    }
  }

  /**
   * One build back to polling. `unsubscribe`: the connection stays up for the others (L4 for this one), and this
   * one is subscribed again a little later (a few times at most): the replay aligns it from what polling showed.
   */
  private polled(entry: Entry, why: string, unsubscribe = false): void {
    this.o.clock.clearTimeout(entry.hole);
    this.setMode(entry, 'polled', `over polling: ${why}`);
    const conn = this.conn;
    if (unsubscribe && conn) {
      this.stop(conn, entry);
      if (entry.retries++ < MAX_RESUBSCRIBES) {
        entry.hole = this.o.clock.setTimeout(() => {
          if (this.conn === conn && this.entries.has(entry) && entry.state === 'polled') {
            void this.subscribe(conn, entry);
          }
        }, RESUBSCRIBE_MS);
      }
    }
  }

  private allPolled(why: string): void {
    for (const entry of this.entries) {
      if (entry.state !== 'ended') {
        this.polled(entry, why);
      }
    }
  }

  private setMode(entry: Entry, state: 'streamed' | 'polled', text: string): void {
    entry.state = state;
    this.tell(entry, state === 'streamed');
    if (entry.told !== text) {
      entry.told = text;
      this.o.logger.info(`The log of ${entry.ids[0] ?? '?'} is followed ${text}`);
    }
  }

  /** The connection failed or was refused: every build is polled, and it is tried again later. */
  private failed(why: string): void {
    this.allPolled(why);
    const delays = this.o.reconnectDelaysMs ?? RECONNECT_DELAYS_MS;
    const wait = delays[Math.min(this.failures, delays.length - 1)] ?? 60_000;
    this.failures++;
    this.o.clock.clearTimeout(this.retry);
    this.retry = this.o.clock.setTimeout(() => {
      this.retry = undefined;
      this.ensure();
    }, wait);
  }

  /** The open connection is gone: builds still followed want it back. */
  private drop(why: string): void {
    if (this.conn) {
      this.close();
      this.failed(why);
    }
  }

  private close(): void {
    this.epoch++;
    this.connecting = false;
    const conn = this.conn;
    this.conn = undefined;
    this.o.clock.clearTimeout(this.idle);
    this.o.clock.clearTimeout(this.retry);
    this.retry = undefined;
    conn?.stream.close();
    conn?.closed.abort();
    for (const entry of this.entries) {
      if (entry.state === 'subscribed' || entry.state === 'streamed') {
        entry.state = 'waiting';
        this.tell(entry, false);
      }
    }
  }

  private tell(entry: Entry, streamed: boolean): void {
    if (entry.streamed !== streamed) {
      entry.streamed = streamed;
      entry.target.mode(streamed);
    }
  }
}
