/**
 * Enterprise App Store endpoints of docs/appcircle-api.md §11.3: E1 profiles, E2 a profile's versions (newest
 * first, optionally one channel), E3 publish to Beta or Live (`publishType` the string "1" or "2", as every client
 * sends it), E4 unpublish, E7 a version's download link (a JSON string), E8 the signed-URL upload's information
 * and commit (v1, to a new profile or an existing one). QR and channel links have no known API (E10).
 */
import type { ApiClient } from './http/httpClient';
import { checkId } from './http/ids';
import { malformed, unwrapList } from './dto';
import type { CommitDto as UploadCommitDto, UploadInfoDto } from './uploadApi';

export interface StoreProfileDto {
  id: string;
  name: string;
  version?: string | null;
  totalDownloadCount?: number;
  latestPublishDate?: string | null;
  lastBinaryReceivedDate?: string | null;
}

export interface StoreVersionDto {
  id: string;
  name?: string | null;
  summary?: string | null;
  version?: string | null;
  versionCode?: string | null;
  /** 0 none, 1 Beta, 2 Live (a number in answers). */
  publishType?: number;
  publishDate?: string | null;
  /** 0 none, 1 iOS, 2 Android. */
  platformType?: number;
  downloadCount?: number;
  createDate?: string | null;
  updateDate?: string | null;
}

export const PUBLISH_TYPE = { none: 0, beta: 1, live: 2 } as const;
export type StoreChannel = 'Beta' | 'Live';

const VERSION = 'store/v2/profiles/{id}/app-versions/{id}';

export class StoreApi {
  constructor(private readonly client: ApiClient) {}

  /** E1 */
  async profiles(signal?: AbortSignal): Promise<StoreProfileDto[]> {
    return unwrapList<StoreProfileDto>(await this.client.get<unknown>('store/v2/profiles', { signal }));
  }

  /** E2, newest first; `channel` filters with `publishtype=Beta|Live`. */
  async versions(profileId: string, channel?: StoreChannel, signal?: AbortSignal): Promise<StoreVersionDto[]> {
    const p = checkId(profileId, 'GET', 'store/v2/profiles/{id}/app-versions');
    return unwrapList<StoreVersionDto>(
      await this.client.get<unknown>(`store/v2/profiles/${p}/app-versions`, { params: { publishtype: channel }, signal }),
    );
  }

  /** E3: publish to Beta ("1") or Live ("2"). The answer is not trusted (StoreService re-reads the version). */
  async publish(
    profileId: string,
    versionId: string,
    channel: StoreChannel,
    notes: { summary?: string; releaseNotes?: string } = {},
  ): Promise<void> {
    await this.client.patch<unknown>(this.versionPath(profileId, versionId), {
      params: { action: 'publish' },
      json: { summary: notes.summary ?? '', releaseNotes: notes.releaseNotes ?? '', publishType: channel === 'Beta' ? '1' : '2' },
    });
  }

  /** E4 */
  async unpublish(profileId: string, versionId: string): Promise<void> {
    await this.client.patch<unknown>(this.versionPath(profileId, versionId), { params: { action: 'unpublish' }, json: {} });
  }

  /** E7: the download link, a plain JSON string. */
  async downloadLink(profileId: string, versionId: string, signal?: AbortSignal): Promise<string> {
    const body = await this.client.get<unknown>(this.versionPath(profileId, versionId, 'GET'), { params: { action: 'download' }, signal });
    if (typeof body !== 'string' || body.trim() === '') {
      throw malformed('store download link');
    }
    return body.trim();
  }

  /** E8 / U1 */
  async uploadInformation(fileName: string, fileSize: number, signal?: AbortSignal): Promise<UploadInfoDto> {
    return this.client.get<UploadInfoDto>('store/v1/profiles/app-versions', {
      params: { action: 'uploadInformation', fileSize, fileName },
      signal,
    });
  }

  /** E8 / U3: to a new profile made from the binary, or to `profileId`. Never retried. */
  async commitFileUpload(
    fileId: string,
    fileName: string,
    target: { createNewProfile: true } | { createNewProfile: false; profileId: string },
  ): Promise<UploadCommitDto> {
    const profileId = target.createNewProfile ? undefined : checkId(target.profileId, 'POST', 'store/v1/profiles/app-versions');
    return this.client.post<UploadCommitDto>('store/v1/profiles/app-versions', {
      params: { action: 'commitFileUpload', createNewProfile: String(target.createNewProfile), profileId },
      json: { fileId, fileName },
    });
  }

  private versionPath(profileId: string, versionId: string, method: 'GET' | 'PATCH' = 'PATCH'): string {
    return `store/v2/profiles/${checkId(profileId, method, VERSION)}/app-versions/${checkId(versionId, method, VERSION)}`;
  }
}
