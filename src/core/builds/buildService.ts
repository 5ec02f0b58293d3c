/**
 * Build data of the active organization: profiles → branches → builds, start / cancel, logs and artifacts. Owns
 * the caches (ARCHITECTURE.md §4) and the one polling loop (ARCHITECTURE.md §5), whose tick is the queue
 * watcher's (queueWatcher.ts); the trees only render.
 */
import type { CommitDto, LogRead, LogSource, QueueItemDto } from '../../api/buildsApi';
import { uncertainStart, errorText } from '../errors';
import type { Branch, BuildProfile, BuildStatusCode, Commit, Configuration, DataChange, FinishedBuild, PollTick } from './buildModels';
import type { Build, QueueEntry, Workflow } from './buildModels';
import { BuildStatus, isTerminal, toBuildStatus } from './buildModels';
import { matchProfiles } from '../commit/repositoryMatch';
import { BuildList, realBuildId, sortProfiles, toBranch, toBuild, toProfile, toQueueEntry, byRecent } from './buildMapping';
import { buildsRequest } from './buildsRequest';
import type { BuildsRequest } from './buildsRequest';
import { KeepLastGoodCache } from './cache';
import { DisposableBase, Emitter } from '../events';
import type { Event } from '../events';
import { PollingScheduler } from './pollingScheduler';
import { QueueWatcher } from './queueWatcher';
import type { Clock, Logger } from '../ports';
import { componentLogger } from '../ports';
import type { SessionService } from '../session/sessionService';

export type { DataChange, FinishedBuild, PollTick } from './buildModels';

export const BUILDS_PAGE_SIZE = 20;

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
  /** The builds API in the current session; by default through `session` (buildsRequest.ts). */
  request?: BuildsRequest;
  /** Poll interval multiplier in the background (setBackground); PollingScheduler's default when not set. */
  backgroundFactor?: number;
}

export class BuildService extends DisposableBase {
  private readonly profilesCache = new KeepLastGoodCache<BuildProfile[]>();
  private readonly branchesCache = new KeepLastGoodCache<Branch[]>();
  private readonly buildsCache = new KeepLastGoodCache<BuildList>();
  private readonly shown = new Map<string, number>();
  private readonly profileNames = new Map<string, string>();
  private readonly request: BuildsRequest;
  private readonly watcher: QueueWatcher;
  /**
   * The one poll loop. For tests and benchmarks (its state, ticks, stop); the extension's code asks through
   * pollNow(), keepPolling(), setBackground() and pollIntervalChanged().
   */
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
    const { session } = options;
    this.logger = componentLogger(options.logger, 'builds');
    this.request = options.request ?? buildsRequest(session);
    this.watcher = new QueueWatcher({
      request: this.request,
      isSignedIn: () => session.isSignedIn,
      logger: this.logger,
      profileNames: this.profileNames,
      branchesCache: this.branchesCache,
      buildsCache: this.buildsCache,
      changed: (change) => this._onDidChangeData.fire(change),
      finished: (builds) => this._onDidFinishBuilds.fire(builds),
      polled: (tick) => this._onDidPoll.fire(tick),
    });
    this.scheduler = this._register(
      new PollingScheduler({
        clock: options.clock,
        logger: componentLogger(options.logger, 'poller'),
        intervalMs: options.pollIntervalMs,
        backgroundFactor: options.backgroundFactor,
        tick: () => this.watcher.poll(),
      }),
    );
    this._register(
      session.onDidChangeSession((e) => {
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

  /** Sign-out or organization switch: forget everything and tell the views. */
  clear(): void {
    this.profilesCache.clear();
    this.branchesCache.clear();
    this.buildsCache.clear();
    this.shown.clear();
    this.watcher.clear();
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
      const [dtos, remotes] = await Promise.all([this.request((a) => a.profiles()), this.options.gitRemotes().catch(() => [])]);
      const mapped = dtos.map((d) => toProfile(d));
      const mine = new Set(matchProfiles(mapped, remotes));
      const list = mapped.map((p) => ({ ...p, matchesWorkspace: mine.has(p) }));
      for (const p of list) {
        this.profileNames.set(p.id, p.name);
      }
      return sortProfiles(list);
    });
  }

  async branches(profileId: string): Promise<{ value: Branch[]; error?: unknown }> {
    return this.branchesCache.get(profileId, async () => {
      const p = await this.request((a) => a.profile(profileId));
      return (p.branches ?? []).map((b) => toBranch(b, profileId)).sort(byRecent);
    });
  }

  /** Newest first, one page more each time loadMore() is called. */
  async builds(profileId: string, branchId: string): Promise<BuildPage> {
    const key = `${profileId}/${branchId}`;
    const r = await this.buildsCache.get(key, async () => {
      const [builds, commits] = await Promise.all([
        this.request((a) => a.builds(profileId, branchId)),
        this.request((a) => a.commits(branchId)).catch(() => [] as CommitDto[]),
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

  // ---- the queue (queueWatcher.ts) and its polling ----------------------------------------------

  /** The last polled queue (waiting and running builds of the active organization). */
  get queue(): { entries: QueueEntry[]; loaded: boolean; error?: unknown } {
    const q = this.watcher.queue;
    return { entries: q.rows.map(toQueueEntry), loaded: q.loaded, error: q.error };
  }

  get runningCount(): number {
    return this.watcher.runningCount;
  }

  /** Follow a build until it ends (notifications for 'watched'). */
  watch(queueItemId: string, info: Partial<FinishedBuild> = {}): void {
    this.watcher.watch(queueItemId, info);
    this.scheduler.pokeNow();
  }

  isWatched(queueItemId: string): boolean {
    return this.watcher.isWatched(queueItemId);
  }

  /** A view needs the queue now (it has none yet): poll at once. */
  pollNow(): void {
    this.scheduler.pokeNow();
  }

  /** Keeps the queue polled while the returned handle lives (a followed log, HEAD's running build, a push). */
  keepPolling(): { dispose(): void } {
    return this.scheduler.watch();
  }

  /** The window is unfocused and no Appcircle view is visible: poll less often (backgroundFactor). */
  setBackground(background: boolean): void {
    this.scheduler.setBackground(background);
  }

  /** The poll interval setting changed: the next tick uses the new one. */
  pollIntervalChanged(): void {
    this.scheduler.reschedule();
  }

  // ---- start, cancel ------------------------------------------------------------------------------

  workflows(profileId: string): Promise<Workflow[]> {
    return this.request((a) => a.workflows(profileId)).then((w) => w.map((x) => ({ id: x.id, name: x.workflowName })));
  }

  configurations(profileId: string): Promise<Configuration[]> {
    return this.request((a) => a.configurations(profileId)).then((c) =>
      c.map((x) => ({ id: x.item1.id, name: x.item1.configurationName })),
    );
  }

  commits(branchId: string): Promise<Commit[]> {
    return this.request((a) => a.commits(branchId)).then((cs) =>
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
    const r = await this.request((a) => a.startBuild(req.commitId, req.workflowId, req.configurationId)).catch((e: unknown) => {
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
   * B16 (unverified), then B8 again: only `cancelling: true` or status Canceled confirms the cancel (docs/appcircle-api.md §4.7: a real
   * server most likely ignores `action=cancel` and answers 200 with the unchanged queue item). A refused B16 throws.
   */
  async cancel(queueItemOrTaskId: string): Promise<CancelOutcome> {
    const id = queueItemOrTaskId;
    await this.request((a) => a.cancel(id));
    this.scheduler.pokeNow();
    let q: QueueItemDto;
    try {
      q = await this.request((a) => a.queueItem(id));
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

  /** The queue item of a build that is still waiting or running, matched by id (QueueWatcher.queueItemFor). */
  queueItemFor(build: { id: string; queueItemId?: string }): string | undefined {
    return this.watcher.queueItemFor(build);
  }

  /** The queue item id is in the last polled queue (waiting or running). */
  isQueued(queueItemId: string): boolean {
    return this.watcher.isQueued(queueItemId);
  }

  profileName(profileId: string): string | undefined {
    return this.profileNames.get(profileId);
  }

  // ---- logs, artifacts (thin: streaming and files live in the ui/platform side) -------------------

  queueItem(id: string): Promise<{
    status: BuildStatusCode;
    taskId?: string;
    buildId?: string;
    commitId?: string;
    profileId?: string;
    hasWarning: boolean;
    cancelling: boolean;
  }> {
    return this.request((a) => a.queueItem(id)).then((q) => {
      const buildId = realBuildId(q);
      if (buildId) {
        this.watcher.learnBuildId(buildId, id);
      }
      return {
        status: toBuildStatus(q.buildStatus),
        taskId: q.taskId,
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
    return this.request((a) => a.readLog(source, from, signal));
  }

  artifacts(
    commitId: string,
    buildId: string,
    signal?: AbortSignal,
  ): Promise<{ stream: NodeJS.ReadableStream; contentLength?: number } | undefined> {
    return this.request((a) => a.artifacts(commitId, buildId, signal));
  }
}
