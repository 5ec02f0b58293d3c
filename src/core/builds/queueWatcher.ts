/**
 * The queue watcher: the work of one poll tick (ARCHITECTURE.md §5). It reads the active queue (B9), keeps the last
 * polled rows, drops the cached branches and builds the queue's moves make stale, and turns a build that left the
 * queue into a FinishedBuild once its final status is read (finalStatus.ts). It also keeps the builds followed from
 * this window. It has no timer and no events: BuildService's PollingScheduler calls poll(), and BuildService
 * fires what the watcher reports.
 */
import type { QueueRowDto } from '../../api/buildsApi';
import { SessionChangedError, errorText } from '../errors';
import type { Logger } from '../ports';
import type { Branch, DataChange, FinishedBuild, PollTick } from './buildModels';
import { BuildStatus, QueueItemStatus } from './buildModels';
import type { BuildList } from './buildMapping';
import { definedOnly } from './buildMapping';
import type { BuildsRequest } from './buildsRequest';
import type { KeepLastGoodCache } from './cache';
import { FinalStatusReader } from './finalStatus';
import type { Leaving } from './finalStatus';
import type { PollResult } from './pollingScheduler';

type WatchInfo = Partial<FinishedBuild>;

/** Ticks a build that left the queue is looked up before giving up on its final status (about a minute). */
export const MAX_LEAVING_ATTEMPTS = 12;

export interface QueueWatcherDeps {
  request: BuildsRequest;
  isSignedIn(): boolean;
  logger: Logger;
  /** Profile id → name, shared with BuildService: the queue rows name profiles too. */
  profileNames: Map<string, string>;
  /** BuildService's caches: a build that moved makes its profile's branches and builds stale. */
  branchesCache: KeepLastGoodCache<Branch[]>;
  buildsCache: KeepLastGoodCache<BuildList>;
  /** The queue, or a profile's branches or builds, changed (BuildService's onDidChangeData). */
  changed(change: DataChange): void;
  /** Builds that left the queue during one tick, batched (BuildService's onDidFinishBuilds). */
  finished(builds: FinishedBuild[]): void;
  /** After every successful poll tick (BuildService's onDidPoll). */
  polled(tick: PollTick): void;
}

export class QueueWatcher {
  /** Followed-build bookkeeping survives only as long as the window. */
  private readonly watched = new Map<string, WatchInfo>();
  private readonly leaving = new Map<string, Leaving>();
  /** Build id → queue item id, learned from B8 (the same value in production; docs/appcircle-api.md §10). */
  private readonly queueIdByBuildId = new Map<string, string>();
  private readonly finalStatus: FinalStatusReader;
  private rows: QueueRowDto[] = [];
  private loaded = false;
  private error: unknown;

  constructor(private readonly deps: QueueWatcherDeps) {
    this.finalStatus = new FinalStatusReader({
      api: deps.request,
      profileName: (id) => deps.profileNames.get(id),
      queueIdByBuildId: this.queueIdByBuildId,
    });
  }

  /** Sign-out or organization switch: forget the queue and every followed build. */
  clear(): void {
    this.watched.clear();
    this.leaving.clear();
    this.queueIdByBuildId.clear();
    this.rows = [];
    this.loaded = false;
    this.error = undefined;
  }

  /** The last polled queue (waiting and running builds of the active organization). */
  get queue(): { rows: readonly QueueRowDto[]; loaded: boolean; error?: unknown } {
    return { rows: this.rows, loaded: this.loaded, error: this.error };
  }

  get runningCount(): number {
    return this.rows.filter((r) => r.queueItemStatus === QueueItemStatus.Running).length;
  }

  /** One request per tick, whatever the number of active builds. */
  async poll(): Promise<PollResult> {
    if (!this.deps.isSignedIn()) {
      return { active: 0 };
    }
    let rows: QueueRowDto[];
    try {
      rows = await this.deps.request((a) => a.myDashboard());
    } catch (e) {
      // an answer for the previous session (switch, sign-out) is no error of this one
      if (!(e instanceof SessionChangedError)) {
        this.error = e;
        this.deps.changed({ kind: 'queue' });
      }
      throw e;
    }
    const before = new Map(this.rows.map((r) => [r.id, r]));
    const now = new Map(rows.map((r) => [r.id, r]));
    const changed = rows.length !== before.size || rows.some((r) => before.get(r.id)?.queueItemStatus !== r.queueItemStatus);
    this.rows = rows;
    this.loaded = true;
    this.error = undefined;
    for (const r of rows) {
      if (r.profileId && r.profileName) {
        this.deps.profileNames.set(r.profileId, r.profileName);
      }
    }
    const gone = [...before.values()].filter((r) => !now.has(r.id));
    this.noteLeaving(gone, now);
    if (changed || gone.length) {
      this.deps.changed({ kind: 'queue' });
      this.invalidateAffected([...rows, ...gone]);
    }
    if (this.leaving.size) {
      await this.resolveLeaving();
    }
    this.deps.polled({ activeIds: new Set(now.keys()) });
    return {
      active: rows.length + this.leaving.size,
      activeIds: [...now.keys(), ...[...this.leaving.keys()].filter((id) => !now.has(id))],
    };
  }

  /** The builds that are leaving the queue after this tick's rows (`now`); `gone` are the rows it no longer lists. */
  private noteLeaving(gone: QueueRowDto[], now: ReadonlyMap<string, QueueRowDto>): void {
    for (const r of gone) {
      this.startLeaving(r.id, {
        profileId: r.profileId,
        profileName: r.profileName,
        branchId: r.branchId,
        branchName: r.branchName,
        commitId: r.commitId,
      });
    }
    // watched builds that never showed up in the queue (finished between ticks) leave it too
    for (const id of this.watched.keys()) {
      if (!now.has(id)) {
        this.startLeaving(id, {});
      }
    }
    // back in the queue (a start the queue did not list yet): not leaving after all
    for (const id of [...this.leaving.keys()]) {
      if (now.has(id)) {
        this.leaving.delete(id);
      }
    }
  }

  private invalidateAffected(rows: { profileId?: string }[]): void {
    const profiles = new Set(rows.map((r) => r.profileId).filter((p): p is string => !!p));
    for (const p of profiles) {
      if (this.deps.branchesCache.has(p)) {
        this.deps.branchesCache.invalidate(p);
        this.deps.changed({ kind: 'branches', profileId: p });
      }
      for (const key of this.deps.buildsCache.keys().filter((k) => k.startsWith(`${p}/`))) {
        this.deps.buildsCache.invalidate(key);
        const branchId = key.slice(p.length + 1);
        this.deps.changed({ kind: 'builds', profileId: p, branchId });
      }
    }
  }

  private startLeaving(id: string, info: WatchInfo): void {
    if (this.leaving.has(id)) {
      return;
    }
    const w = this.watched.get(id);
    this.leaving.set(id, { info: { ...info, ...definedOnly(w ?? {}), queueItemId: id }, watched: w !== undefined, attempts: 0 });
  }

  /**
   * The final status of each build that left the queue: B8, or its branch's builds list (B10) when B8 answers 404
   * (unknown in production whether it does; docs/appcircle-api.md §10). A build is announced only with a final
   * status; one that is still completing, or whose lookup failed, is looked up again next tick, and is never
   * announced as failed.
   */
  private async resolveLeaving(): Promise<void> {
    const finished: FinishedBuild[] = [];
    for (const [id, entry] of [...this.leaving]) {
      entry.attempts++;
      let final: FinishedBuild | undefined;
      try {
        final = await this.finalStatus.read(entry);
      } catch (e) {
        this.deps.logger.info(`Final status of build ${id} not read yet (${entry.attempts}/${MAX_LEAVING_ATTEMPTS}): ${errorText(e)}`);
      }
      if (!final && entry.attempts < MAX_LEAVING_ATTEMPTS) {
        continue;
      }
      this.leaving.delete(id);
      this.watched.delete(id);
      if (final) {
        finished.push(final);
      } else if (entry.watched) {
        // followed from this window: say that it left the queue rather than nothing (status Unknown, never "failed")
        finished.push({ ...entry.info, queueItemId: id, status: BuildStatus.Unknown, hasWarning: false, watched: true });
      } else {
        this.deps.logger.info(`Build ${id} left the queue; its final status could not be read, so it is not announced.`);
      }
    }
    if (finished.length) {
      this.invalidateAffected(finished);
      this.deps.finished(finished);
    }
  }

  /** Follow a build until it ends (notifications for 'watched'); the caller makes the scheduler poll. */
  watch(queueItemId: string, info: WatchInfo): void {
    this.watched.set(queueItemId, { ...info, queueItemId });
  }

  isWatched(queueItemId: string): boolean {
    return this.watched.has(queueItemId);
  }

  /** A queue item (B8) named its build: remember which queue item the build id belongs to. */
  learnBuildId(buildId: string, queueItemId: string): void {
    this.queueIdByBuildId.set(buildId, queueItemId);
  }

  /**
   * The queue item of a build that is still waiting or running, matched by id: the active queue row with the
   * build's id (queue item id = build id in production, docs/appcircle-api.md §10), or an id learned from B8.
   * Never by commit: two builds of one commit (a rebuild) are common.
   */
  queueItemFor(build: { id: string; queueItemId?: string }): string | undefined {
    return build.queueItemId ?? this.rows.find((r) => r.id === build.id)?.id ?? this.queueIdByBuildId.get(build.id);
  }

  /** The queue item id is in the last polled queue (waiting or running). */
  isQueued(queueItemId: string): boolean {
    return this.rows.some((r) => r.id === queueItemId);
  }
}
