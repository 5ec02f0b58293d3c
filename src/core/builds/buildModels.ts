/** Build domain types (docs/appcircle-api.md §4), independent of wire shapes. */

export const BuildStatus = {
  Success: 0,
  Failed: 1,
  Canceled: 2,
  Timeout: 3,
  Waiting: 90,
  Running: 91,
  Completing: 92,
  Unknown: 99,
} as const;
/** One of the BuildStatus codes; anything else from the server is read as Unknown (toBuildStatus). */
export type BuildStatusCode = (typeof BuildStatus)[keyof typeof BuildStatus];

const KNOWN_STATUSES = new Set<number>(Object.values(BuildStatus));

/** A status from the wire. A code this extension does not know (publish steps' 100, 200-203) is Unknown. */
export function toBuildStatus(code: number | null | undefined): BuildStatusCode {
  return code !== null && code !== undefined && KNOWN_STATUSES.has(code) ? (code as BuildStatusCode) : BuildStatus.Unknown;
}

/** Success, Failed, Canceled or Timeout: the build has ended. */
export function isTerminal(status: BuildStatusCode | undefined): boolean {
  return (
    status === BuildStatus.Success || status === BuildStatus.Failed || status === BuildStatus.Canceled || status === BuildStatus.Timeout
  );
}

/** Waiting, Running or Completing. Unknown is neither active nor terminal (transient: look again). */
export function isActive(status: BuildStatusCode | undefined): boolean {
  return status === BuildStatus.Waiting || status === BuildStatus.Running || status === BuildStatus.Completing;
}

/** Failed or timed out: the outcomes that count as failures (not a cancel). */
export function isFailure(status: BuildStatusCode | undefined): boolean {
  return status === BuildStatus.Failed || status === BuildStatus.Timeout;
}

/** The queue's own status of an item (B9 `queueItemStatus`). */
export const QueueItemStatus = {
  Waiting: 0,
  Running: 1,
} as const;

export type Platform = 'ios' | 'android' | 'unknown';

export interface BuildProfile {
  id: string;
  name: string;
  platform: Platform;
  repositoryName?: string;
  pinned: boolean;
  lastBuildDate?: string;
  /** The profile's repository matches a git remote of the open workspace. */
  matchesWorkspace: boolean;
}

export interface Branch {
  id: string;
  name: string;
  profileId: string;
  lastBuildDate?: string;
  lastStatus?: BuildStatusCode;
}

export interface Build {
  id: string;
  profileId: string;
  branchId: string;
  commitId: string;
  commitHash?: string;
  commitMessage?: string;
  author?: string;
  status: BuildStatusCode;
  hasWarning: boolean;
  startDate?: string;
  endDate?: string;
  /** Seconds, when known. */
  durationSec?: number;
  workflowName?: string;
  configurationName?: string;
  queueItemId?: string;
}

export interface QueueEntry {
  id: string;
  commitId?: string;
  commitHash?: string;
  profileId?: string;
  profileName?: string;
  branchName?: string;
  /** 0 waiting, 1 running. */
  queueItemStatus: number;
  startQueueDateTime?: string;
  email?: string;
  os?: number;
}

/** What changed in BuildService's data, for the views that show it (onDidChangeData). */
export type DataChange =
  | { kind: 'all' }
  | { kind: 'profiles' }
  | { kind: 'branches'; profileId: string }
  | { kind: 'builds'; profileId: string; branchId: string }
  | { kind: 'queue' };

/** A build that left the queue with its final status (onDidFinishBuilds), with what was known of it. */
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

/** One poll tick's view of the queue, for consumers that work per tick (a followed log). */
export interface PollTick {
  /** Queue item ids of the waiting and running builds. */
  activeIds: ReadonlySet<string>;
}

export interface Workflow {
  id: string;
  name: string;
}

export interface Configuration {
  id: string;
  name: string;
}

export interface Commit {
  id: string;
  hash: string;
  message?: string;
  author?: string;
  commitDate?: string;
}

/** "hh:mm:ss", "d.hh:mm:ss" or ISO-8601 "PT1H2M3S" → seconds. */
export function parseDuration(value: string | number | undefined | null): number | undefined {
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : undefined;
  }
  const hms = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(value);
  if (hms) {
    return Number(hms[1] ?? 0) * 86400 + Number(hms[2]) * 3600 + Number(hms[3]) * 60 + Number(hms[4]);
  }
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (iso) {
    return Number(iso[1] ?? 0) * 86400 + Number(iso[2] ?? 0) * 3600 + Number(iso[3] ?? 0) * 60 + Math.round(Number(iso[4] ?? 0));
  }
  return undefined;
}

/** Normalizes a git remote or repository name to "owner/name" in lower case. */
export function repoSlug(remoteOrName: string | undefined): string | undefined {
  if (!remoteOrName) {
    return undefined;
  }
  let s = remoteOrName.trim().toLowerCase();
  s = s.replace(/\.git$/, '').replace(/\/+$/, '');
  const scp = /^[^@/]+@[^:/]+:(.+)$/.exec(s);
  if (scp?.[1]) {
    s = scp[1];
  } else {
    const url = /^[a-z+]+:\/\/[^/]+\/(.+)$/.exec(s);
    if (url?.[1]) {
      s = url[1];
    }
  }
  const parts = s.split('/').filter(Boolean);
  if (parts.length < 2) {
    return parts[0];
  }
  return parts.slice(-2).join('/');
}
