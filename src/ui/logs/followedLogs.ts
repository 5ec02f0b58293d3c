/**
 * The logs of running builds that are open, followed at every poll tick of the one scheduler: each fetches only
 * what is new (LogFollower) and says when it grew. A log keeps the scheduler polling while it is followed; once
 * its build has left the queue its last lines are read for a few more ticks, then the build counts as ended and
 * the text is dropped after VS Code has read it once more. The output log says once per log that the server
 * ignores Range or that the log's file reached its ceiling.
 */
import type * as vscode from 'vscode';
import type { BuildService, PollTick } from '../../core/builds/buildService';
import { DisposableBase } from '../../core/events';
import { RANGE_IGNORED_INTERVAL_MS } from '../../core/logs/logFollower';
import type { LogFollower } from '../../core/logs/logFollower';
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
}

export interface FollowedLogEvents {
  /** A followed log grew (or was read anew); `wasOnDisk`: it was in its temporary file before this update. */
  grew(uri: vscode.Uri, follower: LogFollower, wasOnDisk: boolean): void;
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

  /** Follows the log of a build in the queue from now on; resolves once its first read is done. */
  async start(uri: vscode.Uri, follower: LogFollower, queueItemId: string, signal: AbortSignal): Promise<void> {
    const entry: Followed = {
      uri,
      follower,
      queueItemId,
      watch: this.builds.keepPolling(),
      busy: true,
      ticksSinceQueue: 0,
      ended: false,
      told: { rangeIgnored: false, capped: false },
    };
    this.following.set(uri.toString(), entry);
    try {
      await follower.update(signal);
    } finally {
      entry.busy = false;
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
    f.busy = true;
    const before = f.follower.byteLength;
    const wasOnDisk = f.follower.spilledTo !== undefined;
    const inQueue = tick.activeIds.has(f.queueItemId);
    f.ticksSinceQueue = inQueue ? 0 : f.ticksSinceQueue + 1;
    let grew = false;
    try {
      // once the build has left the queue its last lines are read at every tick, even from a server that ignores Range
      const r = await f.follower.update(undefined, { force: !inQueue });
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
      this.events.grew(f.uri, f.follower, wasOnDisk);
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
    this.following.get(key)?.watch?.dispose();
    this.following.delete(key);
    this.events.unfollowed(key);
  }

  /** Logs followed whose build has not ended. */
  get count(): number {
    return [...this.following.values()].filter((f) => !f.ended).length;
  }
}
