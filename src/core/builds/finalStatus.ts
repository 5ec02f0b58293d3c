/**
 * The final status of a build that left the queue: B8 (the queue item), or its branch's builds list (B10) when B8
 * answers 404 (unknown in production whether it does; docs/appcircle-api.md §10). Answers undefined while the
 * build is still completing or not listed yet: the queue follower looks again on the next tick.
 */
import type { QueueItemDto } from '../../api/buildsApi';
import { isApiError } from '../../api/http/errors';
import { isTerminal, toBuildStatus } from './buildModels';
import type { BuildStatusCode, FinishedBuild } from './buildModels';
import { realBuildId } from './buildMapping';
import type { BuildsRequest } from './buildsRequest';

/** A build that left the queue, with what was known of it, and whether this window started or followed it. */
export interface Leaving {
  info: Partial<FinishedBuild> & { queueItemId: string };
  watched: boolean;
  attempts: number;
}

export interface FinalStatusDeps {
  /** One API call in the current session. */
  readonly api: BuildsRequest;
  profileName(profileId: string): string | undefined;
  /** Build id → queue item id, learned from B8 (the two are one value in production, but a server may differ). */
  readonly queueIdByBuildId: Map<string, string>;
}

/** The fields of an ended build read from B8 or B10. */
interface FoundBuild {
  profileId?: string;
  branchId?: string;
  commitId?: string;
  buildId?: string;
  status: BuildStatusCode;
  hasWarning?: boolean;
}

export class FinalStatusReader {
  constructor(private readonly deps: FinalStatusDeps) {}

  async read(entry: Leaving): Promise<FinishedBuild | undefined> {
    const id = entry.info.queueItemId;
    let q: QueueItemDto;
    try {
      q = await this.deps.api((a) => a.queueItem(id));
    } catch (e) {
      if (isApiError(e) && e.kind === 'notFound') {
        return this.fromBuildsList(entry);
      }
      throw e;
    }
    const buildId = realBuildId(q);
    if (buildId) {
      this.deps.queueIdByBuildId.set(buildId, id);
    }
    const status = toBuildStatus(q.buildStatus);
    if (!isTerminal(status)) {
      return undefined; // still completing: the next tick looks again
    }
    return this.finished(entry, {
      profileId: q.profileId,
      branchId: q.branchId,
      commitId: q.commitId,
      buildId,
      status,
      hasWarning: q.hasWarning,
    });
  }

  /** B10 of the build's branch, the build found by its id (queue item id = build id in production, docs/appcircle-api.md §10). */
  private async fromBuildsList(entry: Leaving): Promise<FinishedBuild | undefined> {
    const i = entry.info;
    if (!i.profileId) {
      throw new Error('the queue item is gone and its profile is not known');
    }
    const profileId = i.profileId;
    let branchId = i.branchId;
    if (!branchId && i.branchName) {
      branchId = (await this.deps.api((a) => a.profile(profileId))).branches?.find((b) => b.name === i.branchName)?.id;
    }
    if (!branchId) {
      throw new Error('the queue item is gone and its branch is not known');
    }
    const knownBuildId = [...this.deps.queueIdByBuildId].find(([, q]) => q === i.queueItemId)?.[0];
    const list = await this.deps.api((a) => a.builds(profileId, branchId));
    const b = list.find((x) => x.id === i.queueItemId || x.id === knownBuildId);
    const status = toBuildStatus(b?.status);
    if (!b || !isTerminal(status)) {
      return undefined; // not listed (yet) or still completing
    }
    return this.finished(entry, { profileId, branchId, commitId: b.commitId, buildId: b.id, status, hasWarning: b.hasWarning });
  }

  /** What the server said of the ended build, completed with what was known of it when it left the queue. */
  private finished(entry: Leaving, found: FoundBuild): FinishedBuild {
    const i = entry.info;
    const profileId = found.profileId ?? i.profileId;
    return {
      queueItemId: i.queueItemId,
      profileId,
      profileName: i.profileName ?? this.deps.profileName(profileId ?? ''),
      branchId: found.branchId ?? i.branchId,
      branchName: i.branchName,
      commitId: found.commitId ?? i.commitId,
      buildId: found.buildId,
      status: found.status,
      hasWarning: found.hasWarning === true,
      watched: entry.watched,
    };
  }
}
