/**
 * Uploads a binary to Testing Distribution or the Enterprise App Store the way every current official client does
 * (docs/appcircle-api.md §11.1): U1 asks where to send it, U2 streams it to the signed storage URL (no bearer),
 * U3 commits it (Testing Distribution: with the release notes as `message`, as fastlane's and Azure DevOps' clients
 * send them), T1 is polled until the server has made the version (every ~2 s, bounded), then the new version is found.
 * Testing Distribution: one read of the profile after the task, the newest version with the uploaded file's name
 * among those made since the upload started (CLOCK_SKEW_MS allowed: an older version of the same name is never
 * taken, nor its notes changed; a duplicate number fails the task, so a completed task made a new one); when that
 * version does not carry the notes (a server that ignores U3's `message`), TD10 sets them. The store: the newest version not there before.
 *
 * Nothing half-made: a cancel or failure before U3 leaves no version (the server was never asked to make one).
 * After U3 the server owns the outcome (see distributionErrors.ts). U3 itself is never retried: a refusal (4xx) is
 * the ApiError as it came; a failure that leaves the outcome open (5xx, timeout, cut, unreadable answer, no task) is
 * UploadCommitUncertainError, since the version may already exist and a second send would duplicate it.
 */
import type { Readable } from 'node:stream';
import type { DistributionVersionDto } from '../../api/distributionApi';
import { isApiError } from '../../api/http/errors';
import type { StoreProfileDto, StoreVersionDto } from '../../api/storeApi';
import { TASK_STATE } from '../../api/tasksApi';
import type { TaskDto } from '../../api/tasksApi';
import type { CommitDto, UploadInfoDto } from '../../api/uploadApi';
import { UPLOAD_MAX_TRIES, uploadMethodOf, uploadToSignedUrl } from '../../api/uploadApi';
import { UserCancelledError } from '../errors';
import type { Clock } from '../ports';
import { systemClock } from '../ports';
import {
  DuplicateVersionError,
  FileTooLargeError,
  UnsupportedBinaryError,
  UploadCommitUncertainError,
  UploadedVersionNotFoundError,
  UploadInterruptedError,
  UploadTaskFailedError,
  UploadTaskTimeoutError,
  UploadUrlRefusedError,
} from './distributionErrors';
import type { DistributionApis, DistributionRequest } from './distributionRequest';
import { newestFirst } from './distributionService';

/** The CLI's client-side limit (`src/utils/size-limit.ts`); the server may refuse less. */
export const MAX_UPLOAD_BYTES = 3 * 1024 ** 3;
export const TASK_POLL_MS = 2_000;
export const TASK_MAX_WAIT_MS = 10 * 60_000;
/** How far the server's clock may be behind this one when a version's createdAt is compared with the upload start. */
export const CLOCK_SKEW_MS = 5 * 60_000;

export type UploadTarget =
  | { kind: 'testing'; profileId: string }
  | { kind: 'store'; createNewProfile: true }
  | { kind: 'store'; createNewProfile: false; profileId: string };

export interface UploadRequest {
  target: UploadTarget;
  /** The binary's name (`.ipa`, `.apk`, `.aab`; the store takes `.ipa`, `.apk`). */
  fileName: string;
  /** Exact size in bytes of what `open()` yields. */
  size: number;
  /** A new stream of the binary from its first byte; called again for a retry. */
  open: () => Readable;
  /** Testing Distribution: the version's release notes (U3's `message`; TD10 when the made version lacks them). */
  releaseNotes?: string;
  /** Before U3: cancels, nothing is made. After U3: stops waiting (the server may still make the version). */
  signal?: AbortSignal;
  onProgress?: (sent: number, total: number, bytesPerSec: number) => void;
  /** U3 accepted: from here a cancel no longer prevents the version. */
  onCommitted?: () => void;
}

export type UploadResult =
  { kind: 'testing'; profileId: string; version: DistributionVersionDto } | { kind: 'store'; profileId: string; version: StoreVersionDto };

export interface UploadServiceOptions {
  clock?: Clock;
  pollMs?: number;
  maxWaitMs?: number;
  /** Signed-URL retries: the wait before try n + 1 (tests make it 0). */
  retryDelayMs?: (n: number) => number;
}

/** U3 failures after which the server may still have made the version (the request may have reached it). */
const UNCERTAIN_COMMIT: ReadonlySet<string> = new Set(['server', 'timeout', 'network', 'malformedResponse', 'htmlResponse', 'tooLarge']);

const TD_EXTENSIONS = ['.ipa', '.apk', '.aab'];
const STORE_EXTENSIONS = ['.ipa', '.apk'];

/** Whether Testing Distribution (.ipa, .apk, .aab) or the store (.ipa, .apk) takes a file of this name. */
export function acceptsBinary(kind: UploadTarget['kind'], fileName: string): boolean {
  const ext = /\.[^./\\]+$/.exec(fileName.toLowerCase())?.[0] ?? '';
  return (kind === 'testing' ? TD_EXTENSIONS : STORE_EXTENSIONS).includes(ext);
}

export class UploadService {
  private readonly clock: Clock;

  constructor(
    private readonly request: DistributionRequest,
    private readonly options: UploadServiceOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** U1 → U2 → U3 → T1 → the new version (see the file's doc and distributionErrors.ts for each failure). */
  async upload(r: UploadRequest): Promise<UploadResult> {
    if (!acceptsBinary(r.target.kind, r.fileName)) {
      throw new UnsupportedBinaryError(r.fileName);
    }
    if (r.size > MAX_UPLOAD_BYTES) {
      throw new FileTooLargeError(r.size, MAX_UPLOAD_BYTES);
    }
    this.throwIfCancelled(r.signal);
    const since = this.clock.now() - CLOCK_SKEW_MS;
    const before = await this.snapshot(r.target, r.signal);
    const info = await this.uploadInformation(r);
    await this.send(r, info);
    this.throwIfCancelled(r.signal);
    const commit = await this.commit(r, info.fileId);
    r.onCommitted?.();
    await this.waitForTask(commit.taskId, r.signal);
    return this.findNew(r, before, since);
  }

  private throwIfCancelled(signal: AbortSignal | undefined): void {
    if (signal?.aborted) {
      throw new UserCancelledError();
    }
  }

  /** The store's versions before (or its profiles, for a new profile); Testing Distribution needs none. */
  private async snapshot(t: UploadTarget, signal?: AbortSignal): Promise<Set<string>> {
    if (t.kind === 'testing') {
      return new Set();
    }
    if (t.createNewProfile) {
      return new Set((await this.request((a) => a.store.profiles(signal))).map((p) => p.id));
    }
    return new Set((await this.request((a) => a.store.versions(t.profileId, undefined, signal))).map((v) => v.id));
  }

  /** U1; the server's "The file is too large" as FileTooLargeError. */
  private async uploadInformation(r: UploadRequest): Promise<UploadInfoDto> {
    try {
      const info = await this.request((a) =>
        r.target.kind === 'testing'
          ? a.distribution.uploadInformation(r.target.profileId, r.fileName, r.size, r.signal)
          : a.store.uploadInformation(r.fileName, r.size, r.signal),
      );
      if (!info || typeof info.fileId !== 'string' || typeof info.uploadUrl !== 'string') {
        throw new UploadInterruptedError(0);
      }
      return info;
    } catch (e) {
      if (isApiError(e) && /file is too large/i.test(e.serverMessage ?? '')) {
        throw new FileTooLargeError(r.size);
      }
      if (isApiError(e) && e.kind === 'canceled') {
        throw new UserCancelledError();
      }
      throw e;
    }
  }

  /** U2 with progress (bytes, total, rate); its failures as this module's errors. */
  private async send(r: UploadRequest, info: UploadInfoDto): Promise<void> {
    let started = this.clock.now();
    try {
      await this.request(async (a) => {
        const t = a.client.transport;
        await uploadToSignedUrl({
          url: info.uploadUrl,
          apiBase: t.apiBase,
          method: uploadMethodOf(info),
          signParameters: info.configuration?.signParameters ?? undefined,
          fileName: r.fileName,
          size: r.size,
          open: () => {
            started = this.clock.now();
            return r.open();
          },
          signal: r.signal,
          onProgress: (sent) => {
            const s = (this.clock.now() - started) / 1000;
            r.onProgress?.(sent, r.size, s > 0 ? Math.round(sent / s) : 0);
          },
          allowInsecureHttp: t.allowInsecureHttp,
          logger: t.logger,
          retryDelayMs: this.options.retryDelayMs,
        });
      });
    } catch (e) {
      throw uploadError(e, r);
    }
  }

  /** U3, once: a failure that may still have made the version is UploadCommitUncertainError. */
  private async commit(r: UploadRequest, fileId: string): Promise<CommitDto> {
    let commit: CommitDto | undefined;
    try {
      commit = await this.request((a) => commitOf(a, r, fileId));
    } catch (e) {
      throw isApiError(e) && UNCERTAIN_COMMIT.has(e.kind) ? new UploadCommitUncertainError(e) : e;
    }
    if (!commit || typeof commit.taskId !== 'string' || commit.taskId === '') {
      throw new UploadCommitUncertainError();
    }
    return commit;
  }

  /** T1 every pollMs until 3 (done) or 2 (refused); transient errors keep polling; bounded by maxWaitMs. */
  private async waitForTask(taskId: string, signal?: AbortSignal): Promise<void> {
    const maxWait = this.options.maxWaitMs ?? TASK_MAX_WAIT_MS;
    const start = this.clock.now();
    for (let poll = 1; ; poll++) {
      await this.sleep(this.options.pollMs ?? TASK_POLL_MS, signal);
      const task = await this.request((a) => a.tasks.task(taskId, signal)).catch((e: unknown) => {
        if (isApiError(e) && (e.kind === 'network' || e.kind === 'timeout' || e.kind === 'server' || e.kind === 'rateLimited')) {
          return undefined;
        }
        throw isApiError(e) && e.kind === 'canceled' ? new UserCancelledError() : e;
      });
      if (task?.stateValue === TASK_STATE.completed) {
        return;
      }
      if (task?.stateValue === TASK_STATE.canceled) {
        throw taskFailure(task, poll);
      }
      if (this.clock.now() - start >= maxWait) {
        throw new UploadTaskTimeoutError(taskId, this.clock.now() - start);
      }
    }
  }

  private sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.clock.clearTimeout(h);
        reject(new UserCancelledError());
      };
      const h = this.clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) {
        onAbort();
      }
    });
  }

  /**
   * The version the upload made. Testing Distribution: of the versions created since `since` (epoch ms), the newest
   * with the file's name (the newest at all when the server renamed it), its notes set by TD10 if U3's `message` did
   * not reach it. The store: the newest one not there before (a new store profile: the newest new profile).
   */
  private async findNew(r: UploadRequest, before: Set<string>, since: number): Promise<UploadResult> {
    const t = r.target;
    if (t.kind === 'testing') {
      const p = await this.request((a) => a.distribution.profile(t.profileId));
      const made = (p.appVersions ?? []).filter((v) => Date.parse(v.createdAt ?? '') >= since);
      const versions = newestFirst(made, (v) => v.createdAt);
      const version = versions.find((v) => v.fileName === r.fileName) ?? versions[0];
      if (!version) {
        throw new UploadedVersionNotFoundError();
      }
      const notes = r.releaseNotes ?? '';
      if (notes !== '' && version.message !== notes) {
        await this.request((a) => a.distribution.updateMessage(t.profileId, version.id, notes));
        return { kind: 'testing', profileId: t.profileId, version: { ...version, message: notes } };
      }
      return { kind: 'testing', profileId: t.profileId, version };
    }
    const profileId = t.createNewProfile ? await this.newProfile(before) : t.profileId;
    const versions = await this.request((a) => a.store.versions(profileId));
    const version = t.createNewProfile ? versions[0] : versions.find((v) => !before.has(v.id));
    if (!version) {
      throw new UploadedVersionNotFoundError();
    }
    return { kind: 'store', profileId, version };
  }

  private async newProfile(before: Set<string>): Promise<string> {
    const fresh: StoreProfileDto[] = (await this.request((a) => a.store.profiles())).filter((p) => !before.has(p.id));
    const p = newestFirst(fresh, (x) => x.lastBinaryReceivedDate)[0];
    if (!p) {
      throw new UploadedVersionNotFoundError();
    }
    return p.id;
  }
}

/**
 * A task that ended in 2: a duplicate version number when its words say so, or, without words, when it failed right
 * after the commit (within 3 polls, as the server refuses a known number at once); otherwise a task failure.
 */
function taskFailure(task: TaskDto, poll: number): Error {
  const words = task.message ?? '';
  const duplicate = /version|exist|duplicate|unique/i.test(words) || (words === '' && poll <= 3);
  return duplicate ? new DuplicateVersionError(words || task.stateName) : new UploadTaskFailedError(words || task.stateName);
}

function commitOf(a: DistributionApis, r: UploadRequest, fileId: string): Promise<CommitDto> {
  const { target: t, fileName } = r;
  if (t.kind === 'testing') {
    const notes = r.releaseNotes === undefined || r.releaseNotes === '' ? undefined : r.releaseNotes;
    return a.distribution.commitFileUpload(t.profileId, fileId, fileName, notes);
  }
  return a.store.commitFileUpload(
    fileId,
    fileName,
    t.createNewProfile ? { createNewProfile: true } : { createNewProfile: false, profileId: t.profileId },
  );
}

/** A U2 failure as this module's error: cancelled, URL refused, too large, or cut. */
function uploadError(e: unknown, r: UploadRequest): unknown {
  if (r.signal?.aborted || (isApiError(e) && e.kind === 'canceled')) {
    return new UserCancelledError();
  }
  if (!isApiError(e)) {
    return e;
  }
  if (e.kind === 'insecureUrl' || e.kind === 'redirected') {
    return new UploadUrlRefusedError(undefined, e);
  }
  if (e.status === 401 || e.status === 403) {
    return new UploadUrlRefusedError(e.status, e);
  }
  if (e.status === 413 || /too large/i.test(e.serverMessage ?? '')) {
    return new FileTooLargeError(r.size);
  }
  return new UploadInterruptedError(e.status === 503 || e.status === undefined ? UPLOAD_MAX_TRIES : 1, e);
}
