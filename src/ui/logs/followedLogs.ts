/**
 * The logs of running builds that are open, followed at every poll tick of the one scheduler: each fetches only
 * what is new (LogFollower) and says when it grew. With the hook service's stream (BuildLogStream, one connection
 * for all of them), a build whose messages come over it is not read at the ticks: the streamed text is appended
 * where the log shown ends, one at a time with the polled reads; whenever the stream says the build is polled
 * again, its log is read at once and at every tick. A log keeps the scheduler polling (the build's status) while
 * it is followed; once its build has left the queue its last lines are read for a few more ticks (the first read
 * confirms the streamed tail), then the build counts as ended and the text is dropped after VS Code has read it
 * once more. The output log says once per log that the server ignores Range or that the log's file reached its ceiling.
 */
import type * as vscode from 'vscode';
import type { BuildService, PollTick } from '../../core/builds/buildService';
import { DisposableBase } from '../../core/events';
import { RANGE_IGNORED_INTERVAL_MS } from '../../core/logs/logFollower';
import type { LogFollower } from '../../core/logs/logFollower';
import type { BuildLogStream } from '../../core/logs/logStream';
import type { Logger } from '../../core/ports';
import { errorText } from '../../core/errors';

/** Ticks a log is still read after its build left the queue, while it keeps growing (its last lines). */
const TAIL_TICKS = 3;

interface Followed {
  uri: vscode.Uri;
  follower: LogFollower;
  queueItemId: string;
  /** Keeps the scheduler polling while the log is followed. */
  watch: { dispose(): void } | undefined;
  busy: boolean;
  ticksSinceQueue: number;
  /** The build has ended and the last update is out: drop the text once VS Code has read it. */
  ended: boolean;
  /** Said once in the log: the server ignores Range (read less often), the file reached its ceiling. */
  told: { rangeIgnored: boolean; capped: boolean };
  /** Its messages come over the stream: the poll ticks do not read it while its build is in the queue. */
  streamed: boolean;
  /** Followed on the stream until disposed. */
  stream: { dispose(): void } | undefined;
  /** The follower's reads and appends, one at a time. */
  lock: Promise<unknown>;
}

export interface FollowedLogEvents {
  /**
   * A followed log grew (or was read anew); `wasOnDisk`: it was in its temporary file before this update; `paced`:
   * the text came over the stream (its document then changes at most once per short gap).
   */
  grew(uri: vscode.Uri, follower: LogFollower, wasOnDisk: boolean, paced: boolean): void;
  /** A log is no longer followed (closed, ended, or failed to load). */
  unfollowed(key: string): void;
}

export class FollowedLogs extends DisposableBase {
  /** Open documents of builds still running (or just ended) → their growing text. */
  private readonly following = new Map<string, Followed>();
  /** Updates made (each one an append or, rarely, a whole re-read): for tests and the log. */
  updates = 0;
  private lastTick: Promise<void> = Promise.resolve();

  constructor(
    private readonly builds: BuildService,
    private readonly events: FollowedLogEvents,
    private readonly logger?: Logger,
    private readonly stream?: BuildLogStream,
  ) {
    super();
    this._register(builds.onDidPoll((tick) => void this.onTick(tick)));
    this._register({ dispose: () => [...this.following.keys()].forEach((k) => this.unfollow(k)) });
  }

  /**
   * The text of a followed log for VS Code to read, or undefined if the log is not followed. A log whose build
   * has ended is dropped here: VS Code has the whole log now; no second copy is kept.
   */
  textFor(key: string): string | undefined {
    const followed = this.following.get(key);
    if (!followed) {
      return undefined;
    }
    const text = followed.follower.text;
    if (followed.ended) {
      this.unfollow(key);
    }
    return text;
  }

  /**
   * Follows the log of a build in the queue from now on; resolves once its first read is done. `taskId`: the
   * build's other id, which the stream's messages may carry.
   */
  async start(uri: vscode.Uri, follower: LogFollower, queueItemId: string, signal: AbortSignal, taskId?: string): Promise<void> {
    const entry: Followed = {
      uri,
      follower,
      queueItemId,
      watch: this.builds.keepPolling(),
      busy: true,
      ticksSinceQueue: 0,
      ended: false,
      told: { rangeIgnored: false, capped: false },
      streamed: false,
      stream: undefined,
      lock: Promise.resolve(),
    };
    const key = uri.toString();
    this.following.set(key, entry);
    try {
      await this.exclusive(entry, () => follower.update(signal));
    } finally {
      entry.busy = false;
    }
    if (this.stream && this.following.get(key) === entry) {
      const ids = taskId && taskId !== queueItemId ? [queueItemId, taskId] : [queueItemId];
      entry.stream = this.stream.follow(ids, {
        append: (fn) => this.appendStreamed(key, entry, fn),
        mode: (streamed) => this.modeChanged(key, entry, streamed),
      });
    }
  }

  /** Runs one read or append of a follower after the ones before it. */
  private exclusive<T>(f: Followed, op: () => Promise<T>): Promise<T> {
    const run = f.lock.then(op);
    f.lock = run.catch(() => undefined);
    return run;
  }

  /** Streamed text at the end of the log shown (the stream decides what, from the bytes shown). */
  private async appendStreamed(key: string, f: Followed, fn: (shown: number) => string): Promise<void> {
    const wasOnDisk = f.follower.spilledTo !== undefined;
    const r = await this.exclusive(f, () => f.follower.appendStreamed(fn(f.follower.byteLength)));
    this.tellOnce(f);
    if (r === 'appended' && this.following.get(key) === f) {
      this.updates++;
      this.events.grew(f.uri, f.follower, wasOnDisk, true);
    }
  }

  /** The stream took the build over, or gave it back: polled again, it is read at once (no gap until the next tick). */
  private modeChanged(key: string, f: Followed, streamed: boolean): void {
    f.streamed = streamed;
    if (!streamed && !f.ended && this.following.get(key) === f) {
      void this.updateOne(key, f, { activeIds: new Set(this.builds.isQueued(f.queueItemId) ? [f.queueItemId] : []) });
    }
  }

  /** One poll tick: every followed log fetches what is new (only that, where the server allows it). */
  private async onTick(tick: PollTick): Promise<void> {
    const done = Promise.all([...this.following.entries()].map(([key, f]) => this.updateOne(key, f, tick))).then(() => undefined);
    this.lastTick = done;
    await done;
  }

  /** Resolves once the updates started by the last poll tick are done (tests and the bench wait on it). */
  settled(): Promise<void> {
    return this.lastTick;
  }

  private async updateOne(key: string, f: Followed, tick: PollTick): Promise<void> {
    if (f.busy || f.ended) {
      return;
    }
    const inQueue = tick.activeIds.has(f.queueItemId);
    if (f.streamed && inQueue) {
      f.ticksSinceQueue = 0;
      return; // its text comes over the stream
    }
    f.busy = true;
    const before = f.follower.byteLength;
    const wasOnDisk = f.follower.spilledTo !== undefined;
    f.ticksSinceQueue = inQueue ? 0 : f.ticksSinceQueue + 1;
    let grew = false;
    try {
      // once the build has left the queue its last lines are read at every tick, even from a server that ignores Range
      const r = await this.exclusive(f, () => f.follower.update(undefined, { force: !inQueue }));
      grew = r === 'replaced' || f.follower.byteLength !== before;
    } catch (e) {
      grew = f.follower.byteLength !== before;
      this.logger?.info(`Log update of ${f.queueItemId} failed (the next tick tries again): ${errorText(e)}`);
    } finally {
      f.busy = false;
    }
    this.tellOnce(f);
    if (this.following.get(key) !== f) {
      return; // closed meanwhile
    }
    if (!inQueue && (!grew || f.ticksSinceQueue >= TAIL_TICKS)) {
      // the build has ended and its log stopped growing: stop polling for it
      f.watch?.dispose();
      f.watch = undefined;
      f.stream?.dispose();
      f.stream = undefined;
      f.ended = true;
      if (!grew) {
        this.unfollow(key);
      }
    }
    if (f.ended && f.follower.spilledTo) {
      await f.follower.closeFile();
    }
    if (grew) {
      this.updates++;
      this.events.grew(f.uri, f.follower, wasOnDisk, false);
    }
  }

  /** The output log says once per followed log that the server ignores Range, and that its file reached its ceiling. */
  private tellOnce(f: Followed): void {
    if (f.follower.rangeIgnored && !f.told.rangeIgnored) {
      f.told.rangeIgnored = true;
      this.logger?.info(
        `The server ignores Range for the log of ${f.queueItemId} (it answers with the whole log): it is read every ${RANGE_IGNORED_INTERVAL_MS / 1000} s instead of at every poll tick`,
      );
    }
    if (f.follower.capped && !f.told.capped) {
      f.told.capped = true;
      this.logger?.info(`The log of ${f.queueItemId} reached its file's ceiling: the rest is not read`);
    }
  }

  unfollow(key: string): void {
    this.following.get(key)?.stream?.dispose();
    this.following.get(key)?.watch?.dispose();
    this.following.delete(key);
    this.events.unfollowed(key);
  }

  /** Logs followed whose build has not ended. */
  get count(): number {
    return [...this.following.values()].filter((f) => !f.ended).length;
  }
}
