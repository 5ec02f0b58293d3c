/** Wire shapes (src/api/buildsApi.ts) → build domain types (buildModels.ts), and their orderings. */
import type { BranchDto, BuildDto, CommitDto, ProfileDto, QueueRowDto } from '../api/buildsApi';
import type { Branch, Build, BuildProfile, Platform, QueueEntry } from './buildModels';
import { parseDuration, repoSlug, toBuildStatus } from './buildModels';

export function definedOnly<T extends object>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Partial<T>;
}

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

export function toBranch(b: BranchDto, profileId: string): Branch {
  return {
    id: b.id,
    name: b.name,
    profileId,
    lastBuildDate: b.lastBuildDate ?? undefined,
    lastStatus: b.buildStatus === null || b.buildStatus === undefined ? undefined : toBuildStatus(b.buildStatus),
  };
}

export function byRecent(a: Branch, b: Branch): number {
  return (Date.parse(b.lastBuildDate ?? '') || 0) - (Date.parse(a.lastBuildDate ?? '') || 0) || a.name.localeCompare(b.name);
}

/**
 * A branch's builds, newest start first, turned into `Build`s only as far as they are shown: a 10,000-build branch
 * shows 20 at first. Each start date is parsed once for the sort (in a comparator a 10,000-build branch would parse
 * it ~280,000 times).
 */
export class BuildList {
  private readonly sorted: readonly BuildDto[];
  private readonly mapped: Build[] = [];

  constructor(
    dtos: readonly BuildDto[],
    private readonly map: (b: BuildDto) => Build,
  ) {
    this.sorted = dtos
      .map((b) => ({ b, t: Date.parse(b.startDate ?? '') || 0 }))
      .sort((x, y) => y.t - x.t)
      .map((x) => x.b);
  }

  get length(): number {
    return this.sorted.length;
  }

  /** The first `count` builds. */
  first(count: number): Build[] {
    const end = Math.min(count, this.sorted.length);
    for (let i = this.mapped.length; i < end; i++) {
      this.mapped.push(this.map(this.sorted[i]));
    }
    return this.mapped.slice(0, end);
  }
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
    status: toBuildStatus(b.status),
    hasWarning: b.hasWarning === true,
    startDate: b.startDate ?? undefined,
    endDate: b.endDate ?? undefined,
    durationSec: parseDuration(b.duration),
    workflowName: b.workflowName ?? undefined,
    configurationName: b.configurationName ?? undefined,
  };
}

export function toQueueEntry(r: QueueRowDto): QueueEntry {
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
