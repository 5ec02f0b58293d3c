/**
 * Build data of the active organization: profiles → branches → builds, the active queue, start / cancel,
 * logs and artifacts. Owns the caches (ARCHITECTURE.md §4) and the one polling loop (§5); the trees only render.
 */
import { BuildsApi, ZERO_GUID } from '../../api/buildsApi';
import type { CommitDto, LogRead, LogSource, QueueItemDto, QueueRowDto } from '../../api/buildsApi';
import { SessionChangedError, uncertainStart, errorText } from '../errors';
import type { ApiClient } from '../../api/http/httpClient';
import type { Branch, Build, BuildProfile, BuildStatusCode, Commit, Configuration, QueueEntry, Workflow } from './buildModels';
import { BuildStatus, isTerminal, QueueItemStatus, repoSlug, toBuildStatus } from './buildModels';
import { BuildList, definedOnly, sortProfiles, toBranch, toBuild, toProfile, toQueueEntry, byRecent } from './buildMapping';
import { FinalStatusReader } from './finalStatus';
import type { Leaving } from './finalStatus';
import { KeepLastGoodCache } from './cache';
import { DisposableBase, Emitter } from '../events';
import type { Event } from '../events';
import type { PollResult } from './pollingScheduler';
import { PollingScheduler } from './pollingScheduler';
import type { Clock, Logger } from '../ports';
import { componentLogger } from '../ports';
import type { SessionService } from '../session/sessionService';

export const BUILDS_PAGE_SIZE = 20;

export type DataChange =
  | { kind: 'all' }
  | { kind: 'profiles' }
  | { kind: 'branches'; profileId: string }
  | { kind: 'builds'; profileId: string; branchId: string }
  | { kind: 'queue' };

export interface FinishedBuild {
  queueItemId: string;
  profileId?: string;
  profileName?: string;
  branchId?: string;
  branchName?: string;
  commitId?: string;
  buildId?: string;
  status: BuildStatusCode;
  hasWarning: boolean;
  /** Started or followed from this window. */
  watched: boolean;
}

type WatchInfo = Partial<FinishedBuild>;

/** Ticks a build that left the queue is looked up before giving up on its final status (about a minute). */
export const MAX_LEAVING_ATTEMPTS = 12;

/** What a cancel request achieved, read back from the queue item (docs/appcircle-api.md §4.7: a 2xx proves nothing). */
export interface CancelOutcome {
  /**
   * 'canceled': status Canceled (2); 'cancelling': `cancelling: true`; 'ended': it had already ended otherwise;
   * 'notConfirmed': anything else.
   */
  kind: 'canceled' | 'cancelling' | 'ended' | 'notConfirmed';
  queueItemId: string;
  status?: BuildStatusCode;
  profileId?: string;
  commitId?: string;
}

/** One poll tick's view of the queue, for consumers that work per tick (a followed log). */
export interface PollTick {
  /** Queue item ids of the waiting and running builds. */
  activeIds: ReadonlySet<string>;
}
export interface BuildPage {
  items: Build[];
  hasMore: boolean;
  /** Set when a refresh failed and the last good list is shown. */
  error?: unknown;
}

export interface StartedBuild {
  queueItemId: string;
  taskId: string;
  commitId: string;
  profileId: string;
  branchId: string;
}

export interface BuildServiceOptions {
  session: SessionService;
  clock: Clock;
  logger: Logger;
  pollIntervalMs: () => number;
  gitRemotes: () => Promise<string[]>;
  /** Followed-build bookkeeping survives only as long as the window. */
  backgroundFactor?: number;
}

export class BuildService extends DisposableBase {
  private readonly profilesCache = new KeepLastGoodCache<BuildProfile[]>();
  private readonly branchesCache = new KeepLastGoodCache<Branch[]>();
  private readonly buildsCache = new KeepLastGoodCache<BuildList>();
  private readonly shown = new Map<string, number>();
  private readonly watched = new Map<string, WatchInfo>();
  private readonly leaving = new Map<string, Leaving>();
  /** Build id → queue item id, learned from B8 (the same value in production; §10). */
  private readonly queueIdByBuildId = new Map<string, string>();
  private readonly finalStatus = new FinalStatusReader({
    api: (fn) => this.api((a) => fn(a)),
    profileName: (id) => this.profileNames.get(id),
    queueIdByBuildId: this.queueIdByBuildId,
  });
  private queueRows: QueueRowDto[] = [];
  private queueLoaded = false;
  private queueError: unknown;
  private profileNames = new Map<string, string>();
  readonly scheduler: PollingScheduler;

  private readonly _onDidChangeData = this._register(new Emitter<DataChange>());
  readonly onDidChangeData: Event<DataChange> = this._onDidChangeData.event;
  private readonly _onDidFinishBuilds = this._register(new Emitter<FinishedBuild[]>());
  /** Builds that left the queue during one tick, batched. */
  readonly onDidFinishBuilds: Event<FinishedBuild[]> = this._onDidFinishBuilds.event;
  private readonly _onDidPoll = this._register(new Emitter<PollTick>());
  /** After every successful poll tick (the one scheduler's rhythm; no second timer). */
  readonly onDidPoll: Event<PollTick> = this._onDidPoll.event;

  private readonly logger: Logger;

  constructor(private readonly options: BuildServiceOptions) {
    super();
    this.logger = componentLogger(options.logger, 'builds');
    this.scheduler = this._register(
      new PollingScheduler({
        clock: options.clock,
        logger: componentLogger(options.logger, 'poller'),
        intervalMs: options.pollIntervalMs,
        backgroundFactor: options.backgroundFactor,
        tick: () => this.pollQueue(),
      }),
    );
    this._register(
      options.session.onDidChangeSession((e) => {
        if (e.reason !== 'restore') {
          this.clear();
        }
        // a restored session polls nothing until a view or a followed build asks (startup makes no request)
        if (e.session && e.reason !== 'restore') {
          this.scheduler.pokeNow();
        }
      }),
    );
  }

  private api<T>(fn: (api: BuildsApi, client: ApiClient) => Promise<T>): Promise<T> {
    return this.options.session.request((client) => fn(new BuildsApi(client), client));
  }

  /** Sign-out or organization switch: forget everything and tell the views. */
  clear(): void {
    this.profilesCache.clear();
    this.branchesCache.clear();
    this.buildsCache.clear();
    this.shown.clear();
    this.watched.clear();
    this.leaving.clear();
    this.queueIdByBuildId.clear();
    this.queueRows = [];
    this.queueLoaded = false;
    this.queueError = undefined;
    this.profileNames.clear();
    this.scheduler.stop();
    this._onDidChangeData.fire({ kind: 'all' });
  }

  refresh(change: DataChange = { kind: 'all' }): void {
    switch (change.kind) {
      case 'all':
        this.profilesCache.invalidate();
        this.branchesCache.invalidate();
        this.buildsCache.invalidate();
        this.scheduler.pokeNow();
        break;
      case 'profiles':
        this.profilesCache.invalidate();
        break;
      case 'branches':
        this.branchesCache.invalidate(change.profileId);
        break;
      case 'builds':
        this.buildsCache.invalidate(`${change.profileId}/${change.branchId}`);
        break;
      case 'queue':
        this.scheduler.pokeNow();
        break;
    }
    this._onDidChangeData.fire(change);
  }

  // ---- profiles → branches → builds ---------------------------------------------------------------

  async profiles(): Promise<{ value: BuildProfile[]; error?: unknown }> {
    return this.profilesCache.get('all', async () => {
      const [dtos, remotes] = await Promise.all([this.api((a) => a.profiles()), this.options.gitRemotes().catch(() => [])]);
      const slugs = new Set(remotes.map(repoSlug).filter((s): s is string => !!s));
      const list = dtos.map((d) => toProfile(d, slugs));
      for (const p of list) {
        this.profileNames.set(p.id, p.name);
      }
      return sortProfiles(list);
    });
  }

  async branches(profileId: string): Promise<{ value: Branch[]; error?: unknown }> {
    return this.branchesCache.get(profileId, async () => {
      const p = await this.api((a) => a.profile(profileId));
      return (p.branches ?? []).map((b) => toBranch(b, profileId)).sort(byRecent);
    });
  }

  /** Newest first, one page more each time loadMore() is called. */
  async builds(profileId: string, branchId: string): Promise<BuildPage> {
    const key = `${profileId}/${branchId}`;
    const r = await this.buildsCache.get(key, async () => {
      const [builds, commits] = await Promise.all([
        this.api((a) => a.builds(profileId, branchId)),
        this.api((a) => a.commits(branchId)).catch(() => [] as CommitDto[]),
      ]);
      const byId = new Map(commits.map((c) => [c.id, c]));
      return new BuildList(builds, (b) => toBuild(b, profileId, branchId, byId.get(b.commitId)));
    });
    const shown = this.shown.get(key) ?? BUILDS_PAGE_SIZE;
    return { items: r.value.first(shown), hasMore: r.value.length > shown, error: r.error };
  }

  loadMore(profileId: string, branchId: string): void {
    const key = `${profileId}/${branchId}`;
    this.shown.set(key, (this.shown.get(key) ?? BUILDS_PAGE_SIZE) + BUILDS_PAGE_SIZE);
    this._onDidChangeData.fire({ kind: 'builds', profileId, branchId });
  }

  // ---- the queue ----------------------------------------------------------------------------------

  /** The last polled queue (waiting and running builds of the active organization). */
  get queue(): { entries: QueueEntry[]; loaded: boolean; error?: unknown } {
    return { entries: this.queueRows.map(toQueueEntry), loaded: this.queueLoaded, error: this.queueError };
  }

  get runningCount(): number {
    return this.queueRows.filter((r) => r.queueItemStatus === QueueItemStatus.Running).length;
  }

  /** One request per tick, whatever the number of active builds. */
  private async pollQueue(): Promise<PollResult> {
    if (!this.options.session.isSignedIn) {
      return { active: 0 };
    }
    let rows: QueueRowDto[];
    try {
      rows = await this.api((a) => a.myDashboard());
    } catch (e) {
      // an answer for the previous session (switch, sign-out) is no error of this one
      if (!(e instanceof SessionChangedError)) {
        this.queueError = e;
        this._onDidChangeData.fire({ kind: 'queue' });
      }
      throw e;
    }
    const before = new Map(this.queueRows.map((r) => [r.id, r]));
    const now = new Map(rows.map((r) => [r.id, r]));
    const changed = rows.length !== before.size || rows.some((r) => before.get(r.id)?.queueItemStatus !== r.queueItemStatus);
    this.queueRows = rows;
    this.queueLoaded = true;
    this.queueError = undefined;
    for (const r of rows) {
      if (r.profileId && r.profileName) {
        this.profileNames.set(r.profileId, r.profileName);
      }
    }
    const gone = [...before.values()].filter((r) => !now.has(r.id));
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
    if (changed || gone.length) {
      this._onDidChangeData.fire({ kind: 'queue' });
      this.invalidateAffected([...rows, ...gone]);
    }
    if (this.leaving.size) {
      await this.resolveLeaving();
    }
    this._onDidPoll.fire({ activeIds: new Set(now.keys()) });
    return {
      active: rows.length + this.leaving.size,
      activeIds: [...now.keys(), ...[...this.leaving.keys()].filter((id) => !now.has(id))],
    };
  }

  private invalidateAffected(rows: QueueRowDto[]): void {
    const profiles = new Set(rows.map((r) => r.profileId).filter((p): p is string => !!p));
    for (const p of profiles) {
      if (this.branchesCache.has(p)) {
        this.branchesCache.invalidate(p);
        this._onDidChangeData.fire({ kind: 'branches', profileId: p });
      }
      for (const key of this.buildsCache.keys().filter((k) => k.startsWith(`${p}/`))) {
        this.buildsCache.invalidate(key);
        const branchId = key.slice(p.length + 1);
        this._onDidChangeData.fire({ kind: 'builds', profileId: p, branchId });
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
   * (unknown in production whether it does; §10). A build is announced only with a final status; one that is
   * still completing, or whose lookup failed, is looked up again next tick, and is never announced as failed.
   */
  private async resolveLeaving(): Promise<void> {
    const finished: FinishedBuild[] = [];
    for (const [id, entry] of [...this.leaving]) {
      entry.attempts++;
      let final: FinishedBuild | undefined;
      try {
        final = await this.finalStatus.read(entry);
      } catch (e) {
        this.logger.info(`Final status of build ${id} not read yet (${entry.attempts}/${MAX_LEAVING_ATTEMPTS}): ${errorText(e)}`);
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
        this.logger.info(`Build ${id} left the queue; its final status could not be read, so it is not announced.`);
      }
    }
    if (finished.length) {
      this.invalidateAffected(finished.map((f) => ({ id: f.queueItemId, profileId: f.profileId })));
      this._onDidFinishBuilds.fire(finished);
    }
  }

  /** Follow a build until it ends (notifications for 'watched'). */
  watch(queueItemId: string, info: Partial<FinishedBuild> = {}): void {
    this.watched.set(queueItemId, { ...info, queueItemId });
    this.scheduler.pokeNow();
  }

  isWatched(queueItemId: string): boolean {
    return this.watched.has(queueItemId);
  }

  // ---- start, cancel ------------------------------------------------------------------------------

  workflows(profileId: string): Promise<Workflow[]> {
    return this.api((a) => a.workflows(profileId)).then((w) => w.map((x) => ({ id: x.id, name: x.workflowName })));
  }

  configurations(profileId: string): Promise<Configuration[]> {
    return this.api((a) => a.configurations(profileId)).then((c) => c.map((x) => ({ id: x.item1.id, name: x.item1.configurationName })));
  }

  commits(branchId: string): Promise<Commit[]> {
    return this.api((a) => a.commits(branchId)).then((cs) =>
      cs.map((c) => ({
        id: c.id,
        hash: c.hash,
        message: c.message ?? undefined,
        author: c.author ?? undefined,
        commitDate: c.commitDate ?? undefined,
      })),
    );
  }

  async startBuild(req: {
    profileId: string;
    branchId: string;
    branchName?: string;
    commitId: string;
    workflowId: string;
    configurationId: string;
  }): Promise<StartedBuild> {
    // an answer that broke may hide a started build: say so and look at the queue now
    const r = await this.api((a) => a.startBuild(req.commitId, req.workflowId, req.configurationId)).catch((e: unknown) => {
      throw uncertainStart(e, () => this.refresh({ kind: 'queue' }));
    });
    const started: StartedBuild = {
      queueItemId: r.queueItemId,
      taskId: r.taskId,
      commitId: req.commitId,
      profileId: req.profileId,
      branchId: req.branchId,
    };
    this.watch(r.queueItemId, {
      profileId: req.profileId,
      branchId: req.branchId,
      branchName: req.branchName,
      commitId: req.commitId,
      profileName: this.profileNames.get(req.profileId),
    });
    // the new build is listed at once (docs/appcircle-api.md §7.7): refresh its branch and the queue now
    this.branchesCache.invalidate(req.profileId);
    this.buildsCache.invalidate(`${req.profileId}/${req.branchId}`);
    this._onDidChangeData.fire({ kind: 'branches', profileId: req.profileId });
    this._onDidChangeData.fire({ kind: 'builds', profileId: req.profileId, branchId: req.branchId });
    return started;
  }

  /**
   * B16 (unverified), then B8 again: only `cancelling: true` or status Canceled confirms the cancel (§4.7: a real
   * server most likely ignores `action=cancel` and answers 200 with the unchanged queue item). A refused B16 throws.
   */
  async cancel(queueItemOrTaskId: string): Promise<CancelOutcome> {
    const id = queueItemOrTaskId;
    await this.api((a) => a.cancel(id));
    this.scheduler.pokeNow();
    let q: QueueItemDto;
    try {
      q = await this.api((a) => a.queueItem(id));
    } catch (e) {
      this.logger.info(`Cancel of ${id}: the queue item could not be read back (${errorText(e)}); not confirmed`);
      return { kind: 'notConfirmed', queueItemId: id };
    }
    const status = toBuildStatus(q.buildStatus);
    const base = { queueItemId: id, status, profileId: q.profileId, commitId: q.commitId };
    if (status === BuildStatus.Canceled) {
      return { kind: 'canceled', ...base };
    }
    if (q.cancelling === true) {
      return { kind: 'cancelling', ...base };
    }
    return { kind: isTerminal(status) ? 'ended' : 'notConfirmed', ...base };
  }

  /**
   * The queue item of a build that is still waiting or running, matched by id: the active queue row with the
   * build's id (queue item id = build id in production, §10), or an id learned from B8. Never by commit: two
   * builds of one commit (a rebuild) are common.
   */
  queueItemFor(build: { id: string; queueItemId?: string }): string | undefined {
    return build.queueItemId ?? this.queueRows.find((r) => r.id === build.id)?.id ?? this.queueIdByBuildId.get(build.id);
  }

  /** The queue item id is in the last polled queue (waiting or running). */
  isQueued(queueItemId: string): boolean {
    return this.queueRows.some((r) => r.id === queueItemId);
  }

  profileName(profileId: string): string | undefined {
    return this.profileNames.get(profileId);
  }

  // ---- logs, artifacts (thin: streaming and files live in the ui/platform side) -------------------

  queueItem(id: string): Promise<{
    status: BuildStatusCode;
    buildId?: string;
    commitId?: string;
    profileId?: string;
    hasWarning: boolean;
    cancelling: boolean;
  }> {
    return this.api((a) => a.queueItem(id)).then((q) => {
      const buildId = q.buildId && q.buildId !== ZERO_GUID ? q.buildId : undefined;
      if (buildId) {
        this.queueIdByBuildId.set(buildId, id);
      }
      return {
        status: toBuildStatus(q.buildStatus),
        buildId,
        commitId: q.commitId,
        profileId: q.profileId,
        hasWarning: q.hasWarning === true,
        cancelling: q.cancelling === true,
      };
    });
  }

  /** A log (B12 or B13) from a byte offset; see BuildsApi.readLog. */
  readLog(source: LogSource, from: number, signal?: AbortSignal): Promise<LogRead> {
    return this.api((a) => a.readLog(source, from, signal));
  }

  artifacts(
    commitId: string,
    buildId: string,
    signal?: AbortSignal,
  ): Promise<{ stream: NodeJS.ReadableStream; contentLength?: number } | undefined> {
    return this.api((a) => a.artifacts(commitId, buildId, signal));
  }
}
