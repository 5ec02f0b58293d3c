/**
 * Typed errors of Testing Distribution, the Enterprise App Store and uploads (src/ui puts them into words).
 * Nothing half-made: every error thrown BEFORE the commit (U3) — too large, URL refused, upload cut, cancelled —
 * means the server was never asked to make a version, so none exists. After the commit the server owns the
 * outcome: the task says whether a version was made (DuplicateVersionError, UploadTaskFailedError: none;
 * UploadTaskTimeoutError and UploadCommitUncertainError: unknown, look at the profile before sending again).
 */

/** The file is over the limit: the 3 GiB pre-check (nothing sent) or U1's "The file is too large" (nothing stored). */
export class FileTooLargeError extends Error {
  constructor(
    readonly size: number,
    /** The client-side limit when the pre-check refused; undefined when the server refused. */
    readonly limitBytes?: number,
  ) {
    super(limitBytes ? `The file (${size} bytes) is over the ${limitBytes}-byte upload limit` : 'The server refused the file as too large');
    this.name = 'FileTooLargeError';
  }
}

/**
 * The signed URL was not used: storage refused it (401: expired or not valid; 403: not allowed, which a storage
 * policy answers as well as an expired signature), or, with no status, the URL was not https and nothing was
 * sent. Nothing was committed, no version exists.
 */
export class UploadUrlRefusedError extends Error {
  constructor(
    readonly status: number | undefined,
    override readonly cause?: unknown,
  ) {
    super(status ? `Storage refused the upload URL (HTTP ${status})` : 'The upload URL is not a secure https URL; nothing was sent');
    this.name = 'UploadUrlRefusedError';
  }
}

/**
 * The upload did not reach storage: connection resets or 503 on every try, another storage answer (a 4xx is a
 * refusal, a 5xx a failure: `status`), or no upload URL given at all (`tries` 0). Nothing was committed.
 */
export class UploadInterruptedError extends Error {
  constructor(
    readonly tries: number,
    override readonly cause?: unknown,
  ) {
    super(
      tries === 0
        ? 'No upload URL was given; no version was made'
        : `The upload failed after ${tries} ${tries === 1 ? 'try' : 'tries'}; no version was made`,
    );
    this.name = 'UploadInterruptedError';
  }

  /** Storage's HTTP status when it answered (undefined: the connection broke, or no URL was given). */
  get status(): number | undefined {
    const s = (this.cause as { status?: unknown } | undefined)?.status;
    return typeof s === 'number' ? s : undefined;
  }
}

/**
 * The commit (U3) failed without saying whether the server made the version: a 5xx, a timeout, the connection cut,
 * or an answer that could not be read (or had no task). The version may exist, so sending again may make a second.
 */
export class UploadCommitUncertainError extends Error {
  constructor(override readonly cause?: unknown) {
    super('The upload was sent but its commit was not confirmed; the version may have been made');
    this.name = 'UploadCommitUncertainError';
  }
}

/**
 * The task after the commit ended in state 2 with words naming the version, or without words right away: the server's way to
 * refuse a version number that already exists in the profile. No version was made. The CLI's words: "make sure
 * that the app version number is unique".
 */
export class DuplicateVersionError extends Error {
  /** The server's words (task message or state name), for the log. */
  constructor(readonly detail?: string) {
    super('The upload was refused: make sure that the app version number is unique');
    this.name = 'DuplicateVersionError';
  }

  /** Whether the server's words said so; false when it failed at once without words (the likely cause, not a fact). */
  get confirmed(): boolean {
    return DUPLICATE_WORDS.test(this.detail ?? '');
  }
}

/** Words of a task refusing a version number that exists (uploadService.ts tells a duplicate by them too). */
export const DUPLICATE_WORDS = /version|exist|duplicate|unique/i;

/** The task after the commit ended as failed (state 2) for another reason; no version was made. */
export class UploadTaskFailedError extends Error {
  /** The server's words (task message or state name), for the log. */
  constructor(readonly detail?: string) {
    super(`The server could not process the upload${detail ? ` (${detail})` : ''}`);
    this.name = 'UploadTaskFailedError';
  }
}

/** The task did not end within the bounded wait: the version may still appear; nothing more is done here. */
export class UploadTaskTimeoutError extends Error {
  constructor(
    readonly taskId: string,
    readonly waitedMs: number,
  ) {
    super(`The server did not finish processing the upload within ${Math.round(waitedMs / 1000)} s`);
    this.name = 'UploadTaskTimeoutError';
  }
}

/** The task completed but no new version shows up in the profile (or no profile, for a new store profile). */
export class UploadedVersionNotFoundError extends Error {
  constructor() {
    super('The upload completed but the new version was not found');
    this.name = 'UploadedVersionNotFoundError';
  }
}

/**
 * A write that answered success but whose effect is not there when read back (an unverified endpoint is checked
 * by its effect, not its status code): the setting or channel did not change.
 */
export class WriteNotAppliedError extends Error {
  constructor(readonly what: 'testingGroups' | 'publish' | 'unpublish' | 'releaseNotes') {
    super(`Appcircle answered but the change (${what}) is not there`);
    this.name = 'WriteNotAppliedError';
  }
}

/** The file is not a binary Testing Distribution or the store takes (.ipa, .apk, .aab for TD; .ipa, .apk for the store). */
export class UnsupportedBinaryError extends Error {
  constructor(readonly fileName: string) {
    super('Only .ipa, .apk and .aab files can be uploaded');
    this.name = 'UnsupportedBinaryError';
  }
}
