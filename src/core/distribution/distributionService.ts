/**
 * Testing Distribution and Enterprise App Store data of the active organization, for views, commands and tools:
 * profiles, their versions newest first, testing groups, and the writes — auto-send testing groups, publish to
 * Beta/Live, unpublish — each VERIFIED by reading its effect back (these endpoints are known from clients, not
 * from a specification: a 200 that changed nothing is WriteNotAppliedError, never a success).
 */
import type { DistributionProfileDto, DistributionVersionDto, TestingGroupDto } from '../../api/distributionApi';
import type { StoreChannel, StoreProfileDto, StoreVersionDto } from '../../api/storeApi';
import { PUBLISH_TYPE } from '../../api/storeApi';
import { WriteNotAppliedError } from './distributionErrors';
import type { DistributionRequest } from './distributionRequest';

/** Newest first by the first date a version carries (ISO strings); versions without one keep their order, last. */
export function newestFirst<T>(items: readonly T[], dateOf: (t: T) => string | null | undefined): T[] {
  const time = (t: T) => {
    const ms = Date.parse(dateOf(t) ?? '');
    return Number.isNaN(ms) ? -Infinity : ms;
  };
  return items
    .map((t, i) => ({ t, i, ms: time(t) }))
    .sort((a, b) => (b.ms === a.ms ? a.i - b.i : b.ms - a.ms))
    .map((x) => x.t);
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === new Set(b).size && a.every((x) => b.includes(x));

export class DistributionService {
  constructor(private readonly request: DistributionRequest) {}

  /** TD1 */
  profiles(signal?: AbortSignal): Promise<DistributionProfileDto[]> {
    return this.request((a) => a.distribution.profiles(signal));
  }

  /** TD2's app versions, newest `createdAt` first. */
  async versions(profileId: string, signal?: AbortSignal): Promise<DistributionVersionDto[]> {
    const p = await this.request((a) => a.distribution.profile(profileId, signal));
    return newestFirst(p.appVersions ?? [], (v) => v.createdAt);
  }

  /** TD5 */
  testingGroups(signal?: AbortSignal): Promise<TestingGroupDto[]> {
    return this.request((a) => a.distribution.testingGroups(signal));
  }

  /**
   * TD4: the testing groups every new version of the profile is sent to; then TD2 read back. Resolves with the
   * profile as read; WriteNotAppliedError('testingGroups') when its `testingGroupIds` are not the ones asked for.
   */
  async setTestingGroups(profileId: string, testingGroupIds: readonly string[]): Promise<DistributionProfileDto> {
    const wanted = [...new Set(testingGroupIds)];
    await this.request((a) => a.distribution.setTestingGroups(profileId, wanted));
    const back = await this.request((a) => a.distribution.profile(profileId));
    if (!sameSet(wanted, back.testingGroupIds ?? [])) {
      throw new WriteNotAppliedError('testingGroups');
    }
    return back;
  }

  /**
   * TD10: a version's release notes. Verified by reading the version back when TD2 carries its `message`
   * (the field is not documented; without it the server's 2xx is all there is).
   */
  async setReleaseNotes(profileId: string, versionId: string, message: string): Promise<void> {
    await this.request((a) => a.distribution.updateMessage(profileId, versionId, message));
    const v = (await this.versions(profileId)).find((x) => x.id === versionId);
    if (v && typeof v.message === 'string' && v.message !== message) {
      throw new WriteNotAppliedError('releaseNotes');
    }
  }
}

export class StoreService {
  constructor(private readonly request: DistributionRequest) {}

  /** E1 */
  profiles(signal?: AbortSignal): Promise<StoreProfileDto[]> {
    return this.request((a) => a.store.profiles(signal));
  }

  /** E2, newest first (the server's order; by `createDate` when every version has one). */
  async versions(profileId: string, channel?: StoreChannel, signal?: AbortSignal): Promise<StoreVersionDto[]> {
    const list = await this.request((a) => a.store.versions(profileId, channel, signal));
    return list.every((v) => v.createDate) ? newestFirst(list, (v) => v.createDate) : list;
  }

  /** E3 to Beta or Live, then E2 read back: resolves with the version as read; WriteNotAppliedError('publish') if not on that channel. */
  async publish(
    profileId: string,
    versionId: string,
    channel: StoreChannel,
    notes: { summary?: string; releaseNotes?: string } = {},
  ): Promise<StoreVersionDto> {
    await this.request((a) => a.store.publish(profileId, versionId, channel, notes));
    const v = await this.version(profileId, versionId);
    if (v?.publishType !== (channel === 'Beta' ? PUBLISH_TYPE.beta : PUBLISH_TYPE.live)) {
      throw new WriteNotAppliedError('publish');
    }
    return v;
  }

  /** E4, then E2 read back: WriteNotAppliedError('unpublish') while the version is still on Beta or Live. */
  async unpublish(profileId: string, versionId: string): Promise<StoreVersionDto> {
    await this.request((a) => a.store.unpublish(profileId, versionId));
    const v = await this.version(profileId, versionId);
    if (!v || v.publishType === PUBLISH_TYPE.beta || v.publishType === PUBLISH_TYPE.live) {
      throw new WriteNotAppliedError('unpublish');
    }
    return v;
  }

  /** E7: the version's download link (a URL string as the server sent it). */
  downloadLink(profileId: string, versionId: string, signal?: AbortSignal): Promise<string> {
    return this.request((a) => a.store.downloadLink(profileId, versionId, signal));
  }

  private async version(profileId: string, versionId: string): Promise<StoreVersionDto | undefined> {
    return (await this.request((a) => a.store.versions(profileId))).find((v) => v.id === versionId);
  }
}
