/** Wire shapes (src/api/buildsApi.ts) → build domain types (buildModels.ts), and their orderings. */
import type { BranchDto, BuildDto, CommitDto, ProfileDto, QueueRowDto } from '../../api/buildsApi';
import { ZERO_GUID } from '../../api/buildsApi';
import { wireId, wireNumber, wireObject, wireString as str } from '../../api/dto';
import type { Branch, Build, BuildProfile, Platform, QueueEntry } from './buildModels';
import { parseDuration, repoSlug, toBuildStatus } from './buildModels';

export function definedOnly<T extends object>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A queue item's (B8) build id, or undefined while it is the all-zero GUID: no build record yet (docs/appcircle-api.md §4.2). */
export function realBuildId(q: { buildId?: string }): string | undefined {
  return q.buildId && q.buildId !== ZERO_GUID ? q.buildId : undefined;
}

function platformOf(os: number | undefined): Platform {
  return os === 1 ? 'ios' : os === 2 ? 'android' : 'unknown';
}

/**
 * The mappers read each field with its documented type and drop one of another type (a server is not trusted to
 * keep its types); an object without its id, or a non-object, is a typed malformedResponse (ApiError).
 * `workspaceRepos` (`owner/name` slugs) is for the tests: BuildService marks the workspace's profiles itself, on host
 * and full path (src/core/commit/repositoryMatch.ts).
 */
export function toProfile(d: ProfileDto, workspaceRepos: ReadonlySet<string> = new Set()): BuildProfile {
  const o = wireObject(d, 'profile');
  const id = wireId(o, 'id', 'profile');
  const repositoryName = str(o.repositoryName);
  const slug = repoSlug(repositoryName);
  return {
    id,
    name: str(o.name) || id,
    platform: platformOf(wireNumber(o.os)),
    repositoryName,
    pinned: o.pinned === true,
    lastBuildDate: str(o.lastBuildDate),
    matchesWorkspace: slug !== undefined && workspaceRepos.has(slug),
  };
}

/** Workspace match first, then pinned, then by name. */
export function sortProfiles(list: BuildProfile[]): BuildProfile[] {
  const rank = (p: BuildProfile) => (p.matchesWorkspace ? 0 : p.pinned ? 1 : 2);
  return [...list].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

export function toBranch(b: BranchDto, profileId: string): Branch {
  const o = wireObject(b, 'branch');
  const id = wireId(o, 'id', 'branch');
  return {
    id,
    name: str(o.name) ?? id,
    profileId,
    lastBuildDate: str(o.lastBuildDate),
    lastStatus: o.buildStatus === null || o.buildStatus === undefined ? undefined : toBuildStatus(wireNumber(o.buildStatus)),
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
      .map((b) => ({ b, t: Date.parse(str((b as Partial<BuildDto> | null)?.startDate) ?? '') || 0 }))
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
  const o = wireObject(b, 'build');
  const c: Record<string, unknown> = commit && typeof commit === 'object' ? (commit as unknown as Record<string, unknown>) : {};
  const duration = typeof o.duration === 'string' || typeof o.duration === 'number' ? o.duration : undefined;
  return {
    id: wireId(o, 'id', 'build'),
    profileId,
    branchId,
    commitId: wireId(o, 'commitId', 'build'),
    commitHash: str(o.hash) ?? str(c.hash),
    commitMessage: str(o.commitMessage) ?? str(c.message),
    author: str(o.author) ?? str(c.author),
    status: toBuildStatus(wireNumber(o.status)),
    hasWarning: o.hasWarning === true,
    startDate: str(o.startDate),
    endDate: str(o.endDate),
    durationSec: parseDuration(duration),
    workflowName: str(o.workflowName),
    configurationName: str(o.configurationName),
  };
}

export function toQueueEntry(r: QueueRowDto): QueueEntry {
  const o = wireObject(r, 'queue item');
  return {
    id: wireId(o, 'id', 'queue item'),
    commitId: str(o.commitId),
    commitHash: str(o.commitHash),
    profileId: str(o.profileId),
    profileName: str(o.profileName),
    branchName: str(o.branchName),
    queueItemStatus: wireNumber(o.queueItemStatus) ?? 0,
    startQueueDateTime: str(o.startQueueDateTime),
    email: str(o.email),
    os: wireNumber(o.os),
  };
}
