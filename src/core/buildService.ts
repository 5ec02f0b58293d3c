/**
 * Build data of the active organization: profiles → branches → builds, the active queue, start / cancel,
 * logs and artifacts. Owns the caches (STYLE.md P8) and the one polling loop (P4); the trees only render.
 */
import { BuildsApi, ZERO_GUID } from '../api/buildsApi';
import type { BranchDto, BuildDto, CommitDto, ProfileDto, QueueRowDto } from '../api/buildsApi';
import type { ApiClient } from '../api/httpClient';
import type { Branch, Build, BuildProfile, BuildStatusCode, Commit, Configuration, Platform, QueueEntry, Workflow } from './buildModels';
import { isTerminal, parseDuration, repoSlug } from './buildModels';
import { KeepLastGoodCache } from './cache';
import { DisposableBase, Emitter } from './events';
import type { Event } from './events';
import type { PollResult } from './pollingScheduler';
import { PollingScheduler } from './pollingScheduler';
import type { Clock, Logger } from './ports';
import type { SessionService } from './sessionService';

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
  private readonly buildsCache = new KeepLastGoodCache<Build[]>();
  private readonly shown = new Map<string, number>();
  private readonly watched = new Map<string, WatchInfo>();
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

  constructor(private readonly o: BuildServiceOptions) {
    super();
    this.scheduler = this._register(
      new PollingScheduler({
        clock: o.clock,
        logger: o.logger,
        intervalMs: o.pollIntervalMs,
        backgroundFactor: o.backgroundFactor,
        tick: () => this.pollQueue(),
      }),
    );
    this._register(
      o.session.onDidChangeSession((e) => {
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
    return this.o.session.request((client) => fn(new BuildsApi(client), client));
  }

  /** Sign-out or organization switch: forget everything and tell the views. */
  clear(): void {
    this.profilesCache.clear();
    this.branchesCache.clear();
    this.buildsCache.clear();
    this.shown.clear();
    this.watched.clear();
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
      const [dtos, remotes] = await Promise.all([this.api((a) => a.profiles()), this.o.gitRemotes().catch(() => [])]);
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
      const [builds, commits] = await Promise.all([this.api((a) => a.builds(profileId, branchId)), this.api((a) => a.commits(branchId)).catch(() => [] as CommitDto[])]);
      const byId = new Map(commits.map((c) => [c.id, c]));
      return builds.map((b) => toBuild(b, profileId, branchId, byId.get(b.commitId))).sort(byStartDesc);
    });
    const shown = this.shown.get(key) ?? BUILDS_PAGE_SIZE;
    return { items: r.value.slice(0, shown), hasMore: r.value.length > shown, error: r.error };
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
    return this.queueRows.filter((r) => r.queueItemStatus === 1).length;
  }

  /** One request per tick, whatever the number of active builds. */
  private async pollQueue(): Promise<PollResult> {
    if (!this.o.session.isSignedIn) {
      return { active: 0 };
    }
    let rows: QueueRowDto[];
    try {
      rows = await this.api((a) => a.myDashboard());
    } catch (e) {
      this.queueError = e;
      this._onDidChangeData.fire({ kind: 'queue' });
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
    // watched builds that never showed up in the queue (finished between ticks) also count as gone
    for (const [id, w] of this.watched) {
      if (!now.has(id) && !before.has(id)) {
        gone.push({ id, profileId: w.profileId, commitId: w.commitId, branchName: w.branchName, profileName: w.profileName });
      }
    }
    if (changed || gone.length) {
      this._onDidChangeData.fire({ kind: 'queue' });
      this.invalidateAffected([...rows, ...gone]);
    }
    if (gone.length) {
      await this.announceFinished(gone);
    }
    return { active: rows.length + [...this.watched.keys()].filter((id) => !now.has(id)).length };
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

  /** One B8 lookup per build that left the queue (not per tick), then one batched event. */
  private async announceFinished(gone: QueueRowDto[]): Promise<void> {
    const finished: FinishedBuild[] = [];
    for (const r of gone) {
      const watched = this.watched.get(r.id);
      try {
        const q = await this.api((a) => a.queueItem(r.id));
        const status = q.buildStatus ?? 99;
        if (!isTerminal(status)) {
          if (watched) {
            continue; // still completing: the next tick looks again
          }
        }
        this.watched.delete(r.id);
        finished.push({
          queueItemId: r.id,
          profileId: q.profileId ?? r.profileId ?? watched?.profileId,
          profileName: r.profileName ?? this.profileNames.get(q.profileId ?? r.profileId ?? ''),
          branchId: q.branchId ?? watched?.branchId,
          branchName: r.branchName ?? watched?.branchName,
          commitId: q.commitId ?? r.commitId,
          buildId: q.buildId && q.buildId !== ZERO_GUID ? q.buildId : undefined,
          status,
          hasWarning: q.hasWarning === true,
          watched: watched !== undefined,
        });
      } catch (e) {
        this.o.logger.warn(`Could not read the final status of queue item ${r.id}: ${e instanceof Error ? e.message : String(e)}`);
        this.watched.delete(r.id);
      }
    }
    if (finished.length) {
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
      cs.map((c) => ({ id: c.id, hash: c.hash, message: c.message ?? undefined, author: c.author ?? undefined, commitDate: c.commitDate ?? undefined })),
    );
  }

  async startBuild(req: { profileId: string; branchId: string; branchName?: string; commitId: string; workflowId: string; configurationId: string }): Promise<StartedBuild> {
    const r = await this.api((a) => a.startBuild(req.commitId, req.workflowId, req.configurationId));
    const started: StartedBuild = { queueItemId: r.queueItemId, taskId: r.taskId, commitId: req.commitId, profileId: req.profileId, branchId: req.branchId };
    this.watch(r.queueItemId, { profileId: req.profileId, branchId: req.branchId, branchName: req.branchName, commitId: req.commitId, profileName: this.profileNames.get(req.profileId) });
    // the new build is listed at once (appcircle-api.md §7.7): refresh its branch and the queue now
    this.branchesCache.invalidate(req.profileId);
    this.buildsCache.invalidate(`${req.profileId}/${req.branchId}`);
    this._onDidChangeData.fire({ kind: 'branches', profileId: req.profileId });
    this._onDidChangeData.fire({ kind: 'builds', profileId: req.profileId, branchId: req.branchId });
    return started;
  }

  /** Cancel by queue item (or task) id; the UI says so when the server refuses. */
  async cancel(queueItemOrTaskId: string): Promise<void> {
    await this.api((a) => a.cancel(queueItemOrTaskId));
    this.scheduler.pokeNow();
  }

  /** The queue item behind a build that is still active, so Cancel can act from a tree build node. */
  queueItemFor(build: { commitId: string; queueItemId?: string }): string | undefined {
    return build.queueItemId ?? this.queueRows.find((r) => r.commitId === build.commitId)?.id;
  }

  profileName(profileId: string): string | undefined {
    return this.profileNames.get(profileId);
  }

  // ---- logs, artifacts (thin: streaming and files live in the ui/platform side) -------------------

  logText(commitId: string, buildId: string, signal?: AbortSignal): Promise<string | undefined> {
    return this.api((a) => a.buildLog(commitId, buildId, signal));
  }

  queueLogText(queueItemId: string, signal?: AbortSignal): Promise<string | undefined> {
    return this.api((a) => a.queueLog(queueItemId, signal));
  }

  queueItem(id: string): Promise<{ status: BuildStatusCode; buildId?: string; commitId?: string; hasWarning: boolean }> {
    return this.api((a) => a.queueItem(id)).then((q) => ({
      status: q.buildStatus ?? 99,
      buildId: q.buildId && q.buildId !== ZERO_GUID ? q.buildId : undefined,
      commitId: q.commitId,
      hasWarning: q.hasWarning === true,
    }));
  }

  artifacts(commitId: string, buildId: string, signal?: AbortSignal): Promise<{ stream: NodeJS.ReadableStream; contentLength?: number } | undefined> {
    return this.api((a) => a.artifacts(commitId, buildId, signal));
  }

  logStream(commitId: string, buildId: string, signal?: AbortSignal): Promise<{ stream: NodeJS.ReadableStream; contentLength?: number } | undefined> {
    return this.api((a) => a.buildLogStream(commitId, buildId, signal));
  }
}

// ---- mapping --------------------------------------------------------------------------------------

function platformOf(os: number | undefined): Platform {
  return os === 1 ? 'ios' : os === 2 ? 'android' : 'unknown';
}

export function toProfile(d: ProfileDto, workspaceRepos: Set<string>): BuildProfile {
  const slug = repoSlug(d.repositoryName ?? undefined);
  return {
    id: d.id,
    name: d.name || d.id,
    platform: platformOf(d.os),
    repositoryName: d.repositoryName ?? undefined,
    pinned: d.pinned === true,
    lastBuildDate: d.lastBuildDate ?? undefined,
    matchesWorkspace: slug !== undefined && workspaceRepos.has(slug),
  };
}

/** Workspace match first, then pinned, then by name. */
export function sortProfiles(list: BuildProfile[]): BuildProfile[] {
  const rank = (p: BuildProfile) => (p.matchesWorkspace ? 0 : p.pinned ? 1 : 2);
  return [...list].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

function toBranch(b: BranchDto, profileId: string): Branch {
  return { id: b.id, name: b.name, profileId, lastBuildDate: b.lastBuildDate ?? undefined, lastStatus: b.buildStatus ?? undefined };
}

function byRecent(a: Branch, b: Branch): number {
  return (Date.parse(b.lastBuildDate ?? '') || 0) - (Date.parse(a.lastBuildDate ?? '') || 0) || a.name.localeCompare(b.name);
}

function byStartDesc(a: Build, b: Build): number {
  return (Date.parse(b.startDate ?? '') || 0) - (Date.parse(a.startDate ?? '') || 0);
}

export function toBuild(b: BuildDto, profileId: string, branchId: string, commit?: CommitDto): Build {
  return {
    id: b.id,
    profileId,
    branchId,
    commitId: b.commitId,
    commitHash: b.hash ?? commit?.hash,
    commitMessage: b.commitMessage ?? commit?.message ?? undefined,
    author: b.author ?? commit?.author ?? undefined,
    status: b.status,
    hasWarning: b.hasWarning === true,
    startDate: b.startDate ?? undefined,
    endDate: b.endDate ?? undefined,
    durationSec: parseDuration(b.duration),
    workflowName: b.workflowName ?? undefined,
    configurationName: b.configurationName ?? undefined,
  };
}

function toQueueEntry(r: QueueRowDto): QueueEntry {
  return {
    id: r.id,
    commitId: r.commitId,
    commitHash: r.commitHash,
    profileId: r.profileId,
    profileName: r.profileName,
    branchName: r.branchName,
    queueItemStatus: r.queueItemStatus ?? 0,
    startQueueDateTime: r.startQueueDateTime ?? undefined,
    email: r.email ?? undefined,
    os: r.os,
  };
}
