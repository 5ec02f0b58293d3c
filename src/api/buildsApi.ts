/**
 * Build endpoints B1-B16 of docs/appcircle-api.md §4, in their real wrapper styles. Lists accept a bare array or
 * `{data:[…]}` (§5). Logs are read from a byte offset (`readLog`, what LogFollower uses): 404 means "not ready".
 */
import type { ApiClient } from './http/httpClient';
import { checkId } from './http/ids';
import { isApiError } from './http/errors';
import { refuseHtmlLog } from './http/htmlBody';
import { unwrapList } from './dto';

export interface ProfileDto {
  id: string;
  name: string;
  pinned?: boolean;
  os?: number;
  buildPlatformType?: number;
  repositoryName?: string | null;
  lastBuildDate?: string | null;
}

export interface BranchDto {
  id: string;
  name: string;
  lastBuildDate?: string | null;
  buildStatus?: number | null;
}

export interface ProfileWithBranchesDto extends ProfileDto {
  branches?: BranchDto[];
}

export interface WorkflowDto {
  id: string;
  workflowName: string;
  lastUsedTime?: string | null;
}

export interface ConfigurationTupleDto {
  item1: { id: string; configurationName: string; updateDate?: string | null };
  item2?: unknown;
}

export interface CommitDto {
  id: string;
  hash: string;
  commitDate?: string | null;
  author?: string | null;
  message?: string | null;
  branchId?: string;
}

export interface BuildDto {
  id: string;
  commitId: string;
  hash?: string;
  status: number;
  hasWarning?: boolean;
  startDate?: string | null;
  endDate?: string | null;
  duration?: string | null;
  isDistributable?: boolean;
  /** Sandbox and some servers send these; unverified in production. */
  workflowName?: string | null;
  configurationName?: string | null;
  commitMessage?: string | null;
  author?: string | null;
  branchId?: string;
  profileId?: string;
}

export interface CommitWithBuildsDto extends CommitDto {
  builds?: BuildDto[];
}

export interface StartBuildDto {
  taskId: string;
  queueItemId: string;
}

export interface QueueItemDto {
  id?: string;
  taskId?: string;
  profileId?: string;
  branchId?: string;
  commitId?: string;
  buildId?: string;
  buildStatus?: number;
  hasWarning?: boolean;
  queueItemStatus?: number;
  cancelling?: boolean;
}

export interface QueueRowDto {
  id: string;
  commitId?: string;
  commitHash?: string;
  profileId?: string;
  profileName?: string;
  branchName?: string;
  branchId?: string;
  queueItemStatus?: number;
  publishId?: string | null;
  startQueueDateTime?: string | null;
  email?: string | null;
  os?: number;
  buildId?: string;
  buildStatus?: number;
}

export const ZERO_GUID = '00000000-0000-0000-0000-000000000000';
/** B13's body while a log is not ready (§4.5). */
export const NO_LOGS = 'No Logs Available';

/** Where a log is read: B12 by commit and build, or B13 by queue item (before a build id exists). */
export type LogSource = { commitId: string; buildId: string } | { queueItemId: string };

/** A log read from a byte offset (§4.5; Range support is unverified in production). */
export type LogRead =
  | { kind: 'notReady' }
  /** Nothing past the offset (416). */
  | { kind: 'nothingNew' }
  /** `start` is the byte offset of the stream's first byte in the whole log: the asked offset (206), or 0 when the server ignored Range. */
  | { kind: 'bytes'; start: number; stream: NodeJS.ReadableStream };

/** An id for a path or query, checked first (N12): a bad one is ApiError('invalidId') and nothing is sent. */
const id = (value: string, route: string, method: 'GET' | 'POST' = 'GET'): string => checkId(value, method, route);

export class BuildsApi {
  constructor(private readonly client: ApiClient) {}

  /** B1 */
  async profiles(signal?: AbortSignal): Promise<ProfileDto[]> {
    return unwrapList<ProfileDto>(await this.client.get<unknown>('build/v2/profiles', { signal }));
  }

  /** B2 */
  async profile(profileId: string, signal?: AbortSignal): Promise<ProfileWithBranchesDto> {
    return this.client.get<ProfileWithBranchesDto>(`build/v1/profiles/${id(profileId, 'build/v1/profiles/{id}')}`, { signal });
  }

  /** B3 */
  async workflows(profileId: string): Promise<WorkflowDto[]> {
    return unwrapList<WorkflowDto>(
      await this.client.get<unknown>(`build/v2/profiles/${id(profileId, 'build/v2/profiles/{id}/workflows')}/workflows`),
    );
  }

  /** B4 */
  async configurations(profileId: string): Promise<ConfigurationTupleDto[]> {
    return unwrapList<ConfigurationTupleDto>(
      await this.client.get<unknown>(`build/v2/profiles/${id(profileId, 'build/v2/profiles/{id}/configurations')}/configurations`),
    );
  }

  /** B5, newest first */
  async commits(branchId: string, signal?: AbortSignal): Promise<CommitDto[]> {
    return unwrapList<CommitDto>(
      await this.client.get<unknown>('build/v2/commits', { params: { branchId: id(branchId, 'build/v2/commits') }, signal }),
    );
  }

  /** B6 */
  async commit(commitId: string): Promise<CommitWithBuildsDto> {
    return this.client.get<CommitWithBuildsDto>(`build/v2/commits/${id(commitId, 'build/v2/commits/{id}')}`);
  }

  /** B7: never retried automatically. */
  async startBuild(commitId: string, workflowId: string, configurationId: string): Promise<StartBuildDto> {
    const route = 'build/v2/commits/{id}';
    return this.client.post<StartBuildDto>(`build/v2/commits/${id(commitId, route, 'POST')}`, {
      params: { action: 'build', workflowId: id(workflowId, route, 'POST'), configurationId: id(configurationId, route, 'POST') },
      form: {},
    });
  }

  /** B8: either the queueItemId or the taskId. */
  async queueItem(queueId: string, signal?: AbortSignal): Promise<QueueItemDto> {
    return this.client.get<QueueItemDto>(`build/v1/queue/${id(queueId, 'build/v1/queue/{id}')}`, { signal });
  }

  /** B9: build rows only (rows with a publishId are publishes). */
  async myDashboard(signal?: AbortSignal): Promise<QueueRowDto[]> {
    const rows = unwrapList<QueueRowDto>(
      await this.client.get<unknown>('build/v1/queue/my-dashboard', { params: { page: 1, size: 1000 }, signal }),
    );
    return rows.filter((r) => !r.publishId);
  }

  /** B10, newest first */
  async builds(profileId: string, branchId: string, signal?: AbortSignal): Promise<BuildDto[]> {
    return unwrapList<BuildDto>(
      await this.client.get<unknown>('build/v1/builds', {
        params: { branchId: id(branchId, 'build/v1/builds'), profileId: id(profileId, 'build/v1/builds') },
        signal,
      }),
    );
  }

  /**
   * B12 or B13 from byte `from` on: asks with `Range: bytes=from-` (from > 0) and says where the answer starts,
   * so a server that ignores Range (200, the whole log) still works. 404 means "not ready" (§4.5).
   */
  async readLog(source: LogSource, from: number, signal?: AbortSignal): Promise<LogRead> {
    const path = logPath(source);
    try {
      const r = await this.client.getStream(path, { signal, headers: from > 0 ? { Range: `bytes=${from}-` } : undefined });
      const m = /^bytes\s+(\d+)-/i.exec(r.contentRange ?? '');
      const start = r.status !== 206 ? 0 : m ? Number(m[1]) : from;
      // a captive portal's 200 page is not the log (S11c)
      return { kind: 'bytes', start, stream: await refuseHtmlLog(r, 'GET', path, start) };
    } catch (e) {
      if (isApiError(e) && e.kind === 'notFound') {
        return { kind: 'notReady' };
      }
      if (isApiError(e) && e.status === 416) {
        return { kind: 'nothingNew' };
      }
      throw e;
    }
  }

  /** B14: the artifacts zip as a stream; undefined when there is none (404). */
  async artifacts(
    commitId: string,
    buildId: string,
    signal?: AbortSignal,
  ): Promise<{ stream: NodeJS.ReadableStream; contentLength?: number } | undefined> {
    try {
      const route = 'build/v1/commits/{id}/builds/{id}';
      return await this.client.getStream(`build/v1/commits/${id(commitId, route)}/builds/${id(buildId, route)}`, { signal });
    } catch (e) {
      if (isApiError(e) && e.kind === 'notFound') {
        return undefined;
      }
      throw e;
    }
  }

  /** B16 (unverified in production): cancel by task or queue item id. */
  async cancel(queueId: string): Promise<void> {
    await this.client.get<unknown>(`build/v1/queue/${id(queueId, 'build/v1/queue/{id}')}`, { params: { action: 'cancel' } });
  }
}

/** B12 or B13, ids checked. */
function logPath(source: LogSource): string {
  if ('queueItemId' in source) {
    return `build/v1/queue/logs/${id(source.queueItemId, 'build/v1/queue/logs/{id}')}`;
  }
  const route = 'build/v1/commits/{id}/builds/{id}/logs';
  return `build/v1/commits/${id(source.commitId, route)}/builds/${id(source.buildId, route)}/logs`;
}
