/**
 * The build of the commit you are on: from the workspace's git HEAD (branch, commit, remotes), the matching build
 * profile (its repository is one of the remotes), the branch of that name in Appcircle, and the newest build of
 * HEAD's commit in that branch's builds (B10 joined with B5, from BuildService's caches, shared with the tree).
 *
 * No request when nothing changes: a state is computed when HEAD changes (at most one lookup) and when
 * BuildService says the branch's builds changed (its caches were invalidated by a poll tick, a start, a refresh).
 * While HEAD's build runs the scheduler keeps polling (a watch); after a push, HEAD's branch is followed through
 * the same poll ticks for a bounded time until Appcircle (told by its webhook) shows a build of the commit.
 */
import type { Branch, Build, BuildProfile } from '../builds/buildModels';
import { isActive } from '../builds/buildModels';
import type { BuildService, DataChange, PollTick } from '../builds/buildService';
import { SessionChangedError, errorText } from '../errors';
import { DisposableBase, Emitter } from '../events';
import type { Event } from '../events';
import type { Clock, Logger } from '../ports';
import type { SessionService } from '../session/sessionService';
import { matchProfiles } from './repositoryMatch';

/** What git says about the workspace (the folder of the active editor, else the first). */
export interface GitHead {
  /** The repository's root, to tell repositories apart. */
  root: string;
  remotes: string[];
  /** The checked-out branch; undefined when HEAD is detached. */
  branch?: string;
  /** HEAD's commit hash (40 hex). */
  commit?: string;
  /** Commits HEAD is ahead of its upstream (not pushed), when it has one. */
  ahead?: number;
  /** The upstream's commit, when git knows it. */
  upstreamCommit?: string;
}

export type CommitBuildState =
  /** Signed out, no git repository, no commit, or no build profile of this repository: no item. */
  | { kind: 'none' }
  /** Looking it up (the first time for this HEAD). */
  | { kind: 'loading'; head: GitHead; profile: BuildProfile }
  /** No build of HEAD's commit: the branch is unknown to Appcircle, or it has no build of this commit (yet). */
  | { kind: 'notBuilt'; head: GitHead; profile: BuildProfile; branch?: Branch; following: boolean }
  | { kind: 'build'; head: GitHead; profile: BuildProfile; branch: Branch; build: Build }
  /** The lookup failed (offline, 5xx): keeps what was shown and says so in the tooltip. */
  | { kind: 'error'; head: GitHead; profile: BuildProfile; error: unknown };

/** How long a pushed commit is followed before Appcircle shows a build of it (its webhook is usually quick). */
export const PUSH_FOLLOW_MS = 5 * 60_000;
/** During a follow, every this many poll ticks the branch's builds are read again (a build may start and end between ticks). */
export const FOLLOW_REFRESH_TICKS = 5;
/** A detached HEAD: how many branches (their first page of builds each) are searched for its commit, over all profiles. */
export const DETACHED_BRANCH_LOOKUPS = 8;

export interface CommitStatusOptions {
  builds: BuildService;
  session: SessionService;
  clock: Clock;
  logger: Logger;
}

export function sameHead(a: GitHead | undefined, b: GitHead | undefined): boolean {
  return (
    a?.root === b?.root &&
    a?.branch === b?.branch &&
    a?.commit === b?.commit &&
    (a?.remotes ?? []).join('\n') === (b?.remotes ?? []).join('\n')
  );
}

/** The profiles whose repository is one of the remotes (host and full path; `owner/name` only as a fallback). */
export function matchingProfiles(profiles: readonly BuildProfile[], remotes: readonly string[]): BuildProfile[] {
  return matchProfiles(profiles, remotes);
}

/** Two commit hashes name the same commit (full hashes, or an abbreviation of at least 7 characters). */
export function sameCommit(a: string | undefined, b: string | undefined): boolean {
  const x = a?.toLowerCase();
  const y = b?.toLowerCase();
  return !!x && !!y && (x === y || (x.length >= 7 && y.startsWith(x)) || (y.length >= 7 && x.startsWith(y)));
}

/** The newest build of a commit in a newest-first list. */
export function buildOfCommit(builds: readonly Build[], commit: string): Build | undefined {
  return builds.find((b) => sameCommit(b.commitHash, commit));
}

export class CommitStatusService extends DisposableBase {
  private head: GitHead | undefined;
  private _state: CommitBuildState = { kind: 'none' };
  private generation = 0;
  private runningWatch: { dispose(): void } | undefined;
  private follow: { commit: string; until: number; ticks: number; watch: { dispose(): void } } | undefined;
  /** Lookups made (for tests: switching editors or branches does at most one). */
  lookups = 0;

  private readonly _onDidChange = this._register(new Emitter<CommitBuildState>());
  readonly onDidChange: Event<CommitBuildState> = this._onDidChange.event;

  constructor(private readonly options: CommitStatusOptions) {
    super();
    this._register(options.builds.onDidChangeData((c) => this.onDataChange(c)));
    this._register(options.builds.onDidPoll((t) => this.onTick(t)));
    this._register(
      options.session.onDidChangeSession((e) => {
        this.stopFollowing();
        if (!e.session) {
          this.set({ kind: 'none' });
        } else {
          void this.refresh();
        }
      }),
    );
    this._register({ dispose: () => (this.stopFollowing(), this.setRunningWatch(false)) });
  }

  get state(): CommitBuildState {
    return this._state;
  }

  /** The HEAD last reported by git. */
  get gitHead(): GitHead | undefined {
    return this.head;
  }

  get isFollowing(): boolean {
    return this.follow !== undefined;
  }

  /** Git's view changed (checkout, commit, editor in another repository): one lookup if HEAD really changed. */
  setHead(head: GitHead | undefined): void {
    if (sameHead(head, this.head)) {
      this.head = head; // ahead/upstream may change without a lookup
      return;
    }
    if (this.follow && head?.commit !== this.follow.commit) {
      this.stopFollowing();
    }
    this.head = head;
    void this.refresh();
  }

  /** HEAD's upstream moved to HEAD (a push): follow the branch until Appcircle shows a build of the commit. */
  pushed(head: GitHead): void {
    this.head = head;
    if (!head.commit || !this.options.session.isSignedIn) {
      return;
    }
    this.stopFollowing();
    this.follow = {
      commit: head.commit,
      until: this.options.clock.now() + PUSH_FOLLOW_MS,
      ticks: 0,
      watch: this.options.builds.keepPolling(),
    };
    this.options.logger.info(`Following the build of pushed commit ${head.commit.slice(0, 7)} on ${head.branch ?? 'a detached HEAD'}`);
    void this.refresh();
  }

  private stopFollowing(): void {
    this.follow?.watch.dispose();
    this.follow = undefined;
  }

  private onDataChange(c: DataChange): void {
    const s = this._state;
    if (s.kind === 'none' && c.kind !== 'all' && c.kind !== 'profiles') {
      return;
    }
    if (c.kind === 'queue') {
      return; // the queue's own changes reach the builds cache as 'builds' changes
    }
    const profileId = 'profile' in s ? s.profile.id : undefined;
    const relevant =
      c.kind === 'all' ||
      c.kind === 'profiles' ||
      (c.kind === 'branches' && c.profileId === profileId) ||
      (c.kind === 'builds' && c.profileId === profileId);
    if (relevant) {
      void this.refresh();
    }
  }

  /** A poll tick while following a push: the queue shows a build of the commit, or the branch is read again now and then. */
  private onTick(tick: PollTick): void {
    const f = this.follow;
    if (!f) {
      return;
    }
    f.ticks++;
    const s = this._state;
    if (this.options.clock.now() > f.until) {
      this.options.logger.info(
        `Stopped following commit ${f.commit.slice(0, 7)}: Appcircle showed no build of it in ${PUSH_FOLLOW_MS / 60_000} min`,
      );
      this.stopFollowing();
      this.set(s.kind === 'notBuilt' ? { ...s, following: false } : s);
      return;
    }
    const entry = this.options.builds.queue.entries.find((e) => tick.activeIds.has(e.id) && sameCommit(e.commitHash, f.commit));
    if (entry) {
      this.options.builds.watch(entry.id, {
        profileId: entry.profileId,
        profileName: entry.profileName,
        branchName: entry.branchName,
        commitId: entry.commitId,
      });
      this.stopFollowing();
      this.refreshBranch();
      return;
    }
    if (f.ticks % FOLLOW_REFRESH_TICKS === 0) {
      this.refreshBranch();
    }
  }

  /** The branch's builds are read again (BuildService fires 'builds', which recomputes the state). */
  private refreshBranch(): void {
    const s = this._state;
    if ((s.kind === 'notBuilt' || s.kind === 'build') && s.branch) {
      this.options.builds.refresh({ kind: 'builds', profileId: s.profile.id, branchId: s.branch.id });
    } else if ('profile' in s) {
      this.options.builds.refresh({ kind: 'branches', profileId: s.profile.id });
    }
  }

  /** Recomputes the state from the caches (a request only for what is not cached or was invalidated). */
  async refresh(): Promise<CommitBuildState> {
    const generation = ++this.generation;
    const head = this.head;
    if (!head?.commit || !this.options.session.isSignedIn || head.remotes.length === 0) {
      return this.set({ kind: 'none' });
    }
    this.lookups++;
    let profile: BuildProfile | undefined;
    try {
      const profiles = await this.options.builds.profiles();
      const matches = matchingProfiles(profiles.value, head.remotes);
      if (!matches.length) {
        return generation === this.generation ? this.set({ kind: 'none' }) : this._state;
      }
      profile = matches[0];
      if (this._state.kind === 'none' || !('head' in this._state) || !sameHead(this._state.head, head)) {
        if (generation === this.generation) {
          this.set({ kind: 'loading', head, profile });
        }
      }
      const found = await this.findBuild(matches, head, head.commit);
      if (generation !== this.generation) {
        return this._state;
      }
      return found.build && found.branch
        ? this.set({ kind: 'build', head, profile: found.profile, branch: found.branch, build: found.build })
        : this.set({ kind: 'notBuilt', head, profile: found.profile, branch: found.branch, following: this.follow !== undefined });
    } catch (e) {
      if (e instanceof SessionChangedError) {
        return this._state; // a sign-out or switch meanwhile: its own event looks up again
      }
      this.options.logger.info(`The build of HEAD could not be looked up: ${errorText(e)}`);
      if (generation !== this.generation || !profile) {
        return this._state;
      }
      return this.set({ kind: 'error', head, profile, error: e });
    }
  }

  /**
   * Several profiles may build this repository (iOS and Android): the one with a build of HEAD, else the one with
   * the branch. A detached HEAD (a tag, a bisect) has no branch to ask: the commit is looked up in the builds of the
   * profiles' most recent branches, at most DETACHED_BRANCH_LOOKUPS of them (their first page each).
   */
  private async findBuild(
    matches: readonly BuildProfile[],
    head: GitHead,
    commit: string,
  ): Promise<{ profile: BuildProfile; branch?: Branch; build?: Build }> {
    let fallback: { profile: BuildProfile; branch?: Branch } | undefined;
    let budget = DETACHED_BRANCH_LOOKUPS;
    for (const p of matches) {
      const all = (await this.options.builds.branches(p.id)).value;
      const candidates = head.branch ? all.filter((b) => b.name === head.branch) : all.slice(0, Math.max(0, budget));
      budget -= head.branch ? 0 : candidates.length;
      for (const branch of candidates) {
        fallback ??= head.branch ? { profile: p, branch } : undefined;
        const build = buildOfCommit((await this.options.builds.builds(p.id, branch.id)).items, commit);
        if (build) {
          return { profile: p, branch, build };
        }
      }
    }
    return fallback ?? { profile: matches[0] };
  }

  private set(s: CommitBuildState): CommitBuildState {
    this._state = s;
    this.setRunningWatch(s.kind === 'build' && isActive(s.build.status));
    this._onDidChange.fire(s);
    return s;
  }

  /** HEAD's build runs: the one scheduler keeps polling, so its end shows without a request of ours. */
  private setRunningWatch(on: boolean): void {
    if (on && !this.runningWatch) {
      this.runningWatch = this.options.builds.keepPolling();
    } else if (!on && this.runningWatch) {
      this.runningWatch.dispose();
      this.runningWatch = undefined;
    }
  }

  /**
   * Build This Commit: what can be built. 'build' with the commit's Appcircle id; otherwise why not: not pushed
   * (HEAD is ahead of its upstream), the branch is not in Appcircle, or Appcircle has not received the commit yet.
   */
  async buildTarget(): Promise<
    | { kind: 'ok'; profile: BuildProfile; branch: Branch; commitId: string; commit: string }
    | { kind: 'noRepository' }
    | { kind: 'noProfile' }
    | { kind: 'notPushed'; commit: string; ahead: number }
    | { kind: 'noBranch'; profile: BuildProfile; branchName?: string }
    | { kind: 'notReceived'; profile: BuildProfile; branch: Branch; commit: string }
  > {
    const head = this.head;
    if (!head?.commit) {
      return { kind: 'noRepository' };
    }
    const s = this._state.kind === 'none' || this._state.kind === 'loading' ? await this.refresh() : this._state;
    if (!('profile' in s)) {
      return { kind: 'noProfile' };
    }
    if ((head.ahead ?? 0) > 0) {
      return { kind: 'notPushed', commit: head.commit, ahead: head.ahead ?? 0 };
    }
    const branch = s.kind === 'build' ? s.branch : s.kind === 'notBuilt' ? s.branch : undefined;
    if (!branch) {
      return { kind: 'noBranch', profile: s.profile, branchName: head.branch };
    }
    // B5: Appcircle's commits of the branch (it learns of pushes through its webhook)
    const commits = await this.options.builds.commits(branch.id);
    const c = commits.find((x) => sameCommit(x.hash, head.commit));
    if (!c) {
      return { kind: 'notReceived', profile: s.profile, branch, commit: head.commit };
    }
    return { kind: 'ok', profile: s.profile, branch, commitId: c.id, commit: head.commit };
  }
}
