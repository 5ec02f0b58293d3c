/**
 * The one argument of the build commands. A command is invoked with a tree row (a build, an Active Builds row, a
 * profile or a branch), the commit item's build, a finished build from a notification, or ids from a command link
 * or another extension; `toBuildRef` turns each of them into a `BuildRef` in one place (the command table in
 * src/features.ts), so that no command dispatches on where it was invoked from. Ids from a caller are never sent on
 * as they came (security review S17): one id that is not a GUID and the whole argument is ignored.
 */
import type { Branch, Build, BuildProfile, BuildStatusCode, QueueEntry } from '../../core/builds/buildModels';
import { BuildStatus, QueueItemStatus, toBuildStatus } from '../../core/builds/buildModels';
import { isGuid } from '../../core/session/validation';
import { BranchNode, BuildNode, ProfileNode, QueueNode } from '../tree/nodes';

/**
 * Where the ref came from: `build` (a build of the tree or of the commit item), `queue` (an Active Builds row),
 * `profile` / `branch` (a tree row), `ids` (a notification's finished build, a command link, another extension).
 */
export type BuildRefSource = 'build' | 'queue' | 'profile' | 'branch' | 'ids';

export interface BuildRef {
  readonly source: BuildRefSource;
  readonly profileId?: string;
  readonly branchId?: string;
  readonly commitId?: string;
  /** A `build` ref always has one (the tree's build id); a `queue` ref never. */
  readonly buildId?: string;
  /** A `queue` ref's row id; a `build` ref's queue item when Appcircle named it (else looked up when needed). */
  readonly queueItemId?: string;
  /** Start Build's choices, from a caller. */
  readonly workflowId?: string;
  readonly configurationId?: string;
  readonly status?: BuildStatusCode;
  readonly profileName?: string;
  readonly branchName?: string;
  readonly commitHash?: string;
  readonly commitMessage?: string;
  /** The tree's own profile and branch (a profile or branch row): Start Build starts from them. */
  readonly profile?: BuildProfile;
  readonly branch?: Branch;
}

/** The id fields a caller may pass; each one absent or a GUID. */
const ID_KEYS = ['profileId', 'branchId', 'commitId', 'buildId', 'queueItemId', 'workflowId', 'configurationId'] as const;
type IdKey = (typeof ID_KEYS)[number];

/** Refs this extension made itself (the commit item's build): taken as they are, like a tree row. */
const made = new WeakSet<object>();

function own(ref: BuildRef): BuildRef {
  made.add(ref);
  return Object.freeze(ref);
}

/** The ref of a build of the tree (or of the commit item): its ids and names, no lookup. */
export function buildRefOf(build: Build, profile: BuildProfile, branch: Branch): BuildRef {
  return own({
    source: 'build',
    profileId: profile.id,
    branchId: branch.id,
    commitId: build.commitId,
    buildId: build.id,
    queueItemId: build.queueItemId,
    status: build.status,
    profileName: profile.name,
    branchName: branch.name,
    commitHash: build.commitHash,
    commitMessage: build.commitMessage,
  });
}

function queueRefOf(e: QueueEntry): BuildRef {
  return own({
    source: 'queue',
    profileId: e.profileId,
    commitId: e.commitId,
    queueItemId: e.id,
    status: e.queueItemStatus === QueueItemStatus.Running ? BuildStatus.Running : BuildStatus.Waiting,
    profileName: e.profileName,
    branchName: e.branchName,
    commitHash: e.commitHash,
  });
}

/** Ids from outside: every id absent or a GUID (else undefined), names only when strings, nothing else read. */
function idsRefOf(x: object): BuildRef | undefined {
  const r = x as Record<string, unknown>;
  const ids: Partial<Record<IdKey, string>> = {};
  for (const k of ID_KEYS) {
    const v = r[k];
    if (v === undefined) {
      continue;
    }
    if (typeof v !== 'string' || !isGuid(v)) {
      return undefined;
    }
    ids[k] = v;
  }
  if (Object.keys(ids).length === 0) {
    return undefined;
  }
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    source: 'ids',
    ...ids,
    status: typeof r.status === 'number' ? toBuildStatus(r.status) : undefined,
    profileName: text(r.profileName),
    branchName: text(r.branchName),
  };
}

/** Whatever invoked a build command, as a `BuildRef`; undefined when it names no build, profile or branch. */
export function toBuildRef(arg: unknown): BuildRef | undefined {
  if (!arg || typeof arg !== 'object') {
    return undefined;
  }
  if (made.has(arg)) {
    return arg as BuildRef;
  }
  if (arg instanceof BuildNode) {
    return buildRefOf(arg.build, arg.profile, arg.branch);
  }
  if (arg instanceof QueueNode) {
    return queueRefOf(arg.entry);
  }
  if (arg instanceof ProfileNode) {
    return own({ source: 'profile', profileId: arg.profile.id, profileName: arg.profile.name, profile: arg.profile });
  }
  if (arg instanceof BranchNode) {
    const { profile, branch } = arg;
    return own({
      source: 'branch',
      profileId: profile.id,
      branchId: branch.id,
      profileName: profile.name,
      branchName: branch.name,
      profile,
      branch,
    });
  }
  return idsRefOf(arg);
}

/** The ref names one build: a build, an Active Builds row, or ids with a queue item (a finished build). */
export function namesBuild(ref: BuildRef): boolean {
  return ref.source === 'build' || ref.source === 'queue' || (ref.source === 'ids' && ref.queueItemId !== undefined);
}
