/**
 * Testing Distribution endpoints of docs/appcircle-api.md §11.2: TD1 profiles, TD2 a profile with its app
 * versions, TD4 the auto-send testing groups (v2 PATCH), TD5 testing groups, TD9 the signed-URL upload's
 * information and commit (v1), TD10 a version's release notes (v1). Sharing a version with people directly, share
 * links and QR codes have no known API (TD12, TD13) and are not here.
 */
import type { ApiClient } from './http/httpClient';
import { checkId } from './http/ids';
import { unwrapList } from './dto';
import type { CommitDto as UploadCommitDto, UploadInfoDto } from './uploadApi';

export interface DistributionProfileDto {
  id: string;
  name: string;
  pinned?: boolean;
  iOSVersion?: string | null;
  androidVersion?: string | null;
  updateDate?: string | null;
  lastAppVersionSharedDate?: string | null;
  settings?: { authenticationType?: number } | null;
  testingGroupIds?: string[] | null;
}

export interface DistributionVersionDto {
  id: string;
  createdAt?: string | null;
  name?: string | null;
  version?: string | null;
  versionCode?: string | null;
  fileName?: string | null;
  message?: string | null;
  platformType?: number;
}

export interface DistributionProfileDetailDto extends DistributionProfileDto {
  appVersions?: DistributionVersionDto[] | null;
}

export interface TestingGroupDto {
  id: string;
  name: string;
}

const PROFILE = 'distribution/v2/profiles/{id}';
const VERSIONS = 'distribution/v1/profiles/{id}/app-versions';

export class DistributionApi {
  constructor(private readonly client: ApiClient) {}

  /** TD1 */
  async profiles(signal?: AbortSignal): Promise<DistributionProfileDto[]> {
    return unwrapList<DistributionProfileDto>(await this.client.get<unknown>('distribution/v2/profiles', { signal }));
  }

  /** TD2: the profile with its app versions (the server's order; DistributionService sorts newest first). */
  async profile(profileId: string, signal?: AbortSignal): Promise<DistributionProfileDetailDto> {
    return this.client.get<DistributionProfileDetailDto>(`distribution/v2/profiles/${checkId(profileId, 'GET', PROFILE)}`, { signal });
  }

  /** TD4 (v2, as the CLI): the testing groups a new version is sent to automatically. The answer is not trusted. */
  async setTestingGroups(profileId: string, testingGroupIds: readonly string[], signal?: AbortSignal): Promise<void> {
    const ids = testingGroupIds.map((g) => checkId(g, 'PATCH', PROFILE));
    await this.client.patch<unknown>(`distribution/v2/profiles/${checkId(profileId, 'PATCH', PROFILE)}`, {
      json: { testingGroupIds: ids },
      signal,
    });
  }

  /** TD5 */
  async testingGroups(signal?: AbortSignal): Promise<TestingGroupDto[]> {
    return unwrapList<TestingGroupDto>(await this.client.get<unknown>('distribution/v2/testing-groups', { signal }));
  }

  /** TD9 / U1: where to send the file. */
  async uploadInformation(profileId: string, fileName: string, fileSize: number, signal?: AbortSignal): Promise<UploadInfoDto> {
    return this.client.get<UploadInfoDto>(`distribution/v1/profiles/${checkId(profileId, 'GET', VERSIONS)}/app-versions`, {
      params: { action: 'uploadInformation', fileSize, fileName },
      signal,
    });
  }

  /** TD9 / U3: the stored file becomes a version, asynchronously (poll the task). Never retried. */
  async commitFileUpload(profileId: string, fileId: string, fileName: string, message?: string): Promise<UploadCommitDto> {
    return this.client.post<UploadCommitDto>(`distribution/v1/profiles/${checkId(profileId, 'POST', VERSIONS)}/app-versions`, {
      params: { action: 'commitFileUpload' },
      json: message === undefined ? { fileId, fileName } : { fileId, fileName, message },
    });
  }

  /** TD10: a version's release notes. */
  async updateMessage(profileId: string, versionId: string, message: string, signal?: AbortSignal): Promise<void> {
    const route = `${VERSIONS}/{id}`;
    await this.client.patch<unknown>(
      `distribution/v1/profiles/${checkId(profileId, 'PATCH', route)}/app-versions/${checkId(versionId, 'PATCH', route)}`,
      { params: { action: 'updateMessage' }, json: { message }, signal },
    );
  }
}
