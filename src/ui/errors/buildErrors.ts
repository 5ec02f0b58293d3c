/**
 * The build flows' errors: the classes the Start Build wizard and the artifact download throw (no artifacts, no
 * commits on a branch, nothing to choose in a step, a download that is not a zip) and their sentences, with those
 * for a start whose answer broke, for an artifacts folder that is not on this computer and for an artifacts file
 * that could not be written.
 */
import * as vscode from 'vscode';
import { StartBuildUncertainError } from '../../core/errors';
import { plain } from '../../core/plainText';
import { err, warn } from './described';
import type { DescribedError, Operation } from './described';

export class NoArtifactsError extends Error {
  constructor() {
    super('No artifacts');
    this.name = 'NoArtifactsError';
  }
}

export class NoCommitsError extends Error {
  constructor(readonly branchName: string) {
    super(`Branch ${branchName} has no commits`);
    this.name = 'NoCommitsError';
  }
}

export class NothingToChooseError extends Error {
  constructor(readonly step: string) {
    super(`Nothing to choose for ${step}`);
    this.name = 'NothingToChooseError';
  }
}

/** A download that is not a zip (no `PK` signature: a proxy's page, an error text); refused before anything is kept. */
export class NotAZipError extends Error {
  constructor() {
    super('The download is not a zip file');
    this.name = 'NotAZipError';
  }
}

/** A folder picked on a file system other than this computer's disk (a virtual workspace's): nothing is written. */
export class NotALocalFolderError extends Error {
  constructor() {
    super('The picked folder is not on this computer');
    this.name = 'NotALocalFolderError';
  }
}

/** A file-system error code of a failed artifacts write (disk full, no permission, read-only, …). */
const WRITE_FAILURE = /^E(NOSPC|ACCES|PERM|ROFS|EXIST|NOENT|ISDIR)$/;

/** Undefined for an error that is not a build flow's. */
export function describeBuildError(e: unknown, op: Operation): DescribedError | undefined {
  if (e instanceof StartBuildUncertainError) {
    return warn(
      vscode.l10n.t(
        'The connection broke before Appcircle confirmed the start, so the build may have started. Active Builds is being refreshed: check it before starting the build again.',
      ),
    );
  }
  if (e instanceof NotAZipError) {
    return err(
      vscode.l10n.t(
        'The download was not a zip file (a proxy or sign-in page may have answered instead of Appcircle), so it was refused and nothing was saved. Check your network and try again.',
      ),
    );
  }
  if (e instanceof NotALocalFolderError) {
    return warn(
      vscode.l10n.t(
        'Download Artifacts saves to a folder on this computer, and the folder you picked is not on its disk (a virtual workspace). Pick a local folder.',
      ),
    );
  }
  if (e instanceof NoArtifactsError) {
    return warn(vscode.l10n.t('This build has no artifacts to download (yet). Builds that failed early, or are still running, have none.'));
  }
  if (e instanceof NoCommitsError) {
    return warn(
      vscode.l10n.t(
        'Branch {0} has no commits Appcircle knows of, so there is nothing to build. Push a commit or pick another branch.',
        plain(e.branchName),
      ),
    );
  }
  if (e instanceof NothingToChooseError) {
    return warn(
      vscode.l10n.t(
        'Nothing to choose for "{0}": the build profile needs at least one workflow and configuration in Appcircle.',
        plain(e.step),
      ),
    );
  }
  const fsCode = (e as { code?: unknown } | undefined)?.code;
  if (op === 'download' && typeof fsCode === 'string' && WRITE_FAILURE.test(fsCode)) {
    return err(
      vscode.l10n.t(
        'Could not write the artifacts file ({0}). Pick another folder with enough free space and write access; no partial file was left behind.',
        fsCode,
      ),
    );
  }
  return undefined;
}
