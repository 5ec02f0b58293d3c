/**
 * Testing Distribution, Enterprise App Store and upload failures in words (src/core/distribution/distributionErrors.ts):
 * what happened, what was or was not made, and what to do. Nothing is left half-made by an upload that fails before
 * Appcircle accepted it; after that, the message says the version may still appear.
 */
import * as vscode from 'vscode';
import { ArtifactsZipError, MAX_ZIP_BINARIES, MAX_ZIP_ENTRIES } from '../../core/distribution/artifactBinaries';
import type { ArtifactsZipProblem } from '../../core/distribution/artifactBinaries';
import {
  DuplicateVersionError,
  FileTooLargeError,
  UnsupportedBinaryError,
  UploadCommitUncertainError,
  UploadInterruptedError,
  UploadTaskFailedError,
  UploadTaskTimeoutError,
  UploadUrlRefusedError,
  UploadedVersionNotFoundError,
  WriteNotAppliedError,
} from '../../core/distribution/distributionErrors';
import { plain } from '../../core/plainText';
import { err, warn } from './described';
import type { DescribedError } from './described';

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

export function describeDistributionError(e: unknown): DescribedError | undefined {
  if (e instanceof DuplicateVersionError) {
    return err(
      e.confirmed
        ? vscode.l10n.t(
            'Appcircle refused the upload: this version number is already in the profile. Raise the version or build number and upload again.',
          )
        : vscode.l10n.t(
            'Appcircle refused the new version right after the upload without saying why, so no version was made. A version or build number that is already in the profile is refused this way: raise it and upload again, or look at the profile in the Appcircle dashboard.',
          ),
    );
  }
  if (e instanceof FileTooLargeError) {
    return err(
      e.limitBytes
        ? vscode.l10n.t('The file is too large to upload ({0} MB; the limit is {1} MB).', mb(e.size), mb(e.limitBytes))
        : vscode.l10n.t('Appcircle refused the file as too large ({0} MB).', mb(e.size)),
    );
  }
  if (e instanceof UploadUrlRefusedError) {
    return err(urlRefusedMessage(e));
  }
  if (e instanceof UploadInterruptedError) {
    return err(interruptedMessage(e));
  }
  if (e instanceof UploadTaskFailedError) {
    return err(
      vscode.l10n.t(
        'Appcircle could not process the uploaded file, so no version was made. Check that it is a signed build and try again.',
      ),
    );
  }
  if (e instanceof UploadTaskTimeoutError) {
    const minutes = Math.max(1, Math.round(e.waitedMs / 60_000));
    return warn(
      minutes === 1
        ? vscode.l10n.t(
            'Appcircle accepted the file but has not finished processing it after 1 minute. The version may still appear: refresh the Distribution view later.',
          )
        : vscode.l10n.t(
            'Appcircle accepted the file but has not finished processing it after {0} minutes. The version may still appear: refresh the Distribution view later.',
            minutes,
          ),
    );
  }
  if (e instanceof UploadedVersionNotFoundError) {
    return warn(
      vscode.l10n.t(
        'Appcircle finished processing the file, but the new version is not listed yet. Refresh the Distribution view in a moment.',
      ),
    );
  }
  if (e instanceof WriteNotAppliedError) {
    return err(notAppliedMessage(e.what));
  }
  if (e instanceof UnsupportedBinaryError) {
    return err(vscode.l10n.t('{0} is not an .ipa, .apk or .aab file (the Enterprise App Store takes .ipa and .apk).', plain(e.fileName)));
  }
  if (e instanceof ArtifactsZipError) {
    return err(zipMessage(e.problem));
  }
  if (e instanceof UploadCommitUncertainError) {
    return warn(
      vscode.l10n.t(
        'Appcircle has the file, but its answer to the last step of the upload was lost. Appcircle may have made the version. Refresh the Distribution view before sending again.',
      ),
    );
  }
  return undefined;
}

/**
 * No status: the URL policy refused it before sending (plain http elsewhere, or this machine from a remote API);
 * 401: the signed address is no longer (or never was) valid; 403: not allowed, which is not always an expiry.
 */
function urlRefusedMessage(e: UploadUrlRefusedError): string {
  if (e.status === undefined) {
    return vscode.l10n.t(
      'Appcircle gave an upload address this extension does not send files to (plain http to another machine, or a service on this machine), so nothing was uploaded. Check appcircle.apiUrl, or ask your Appcircle administrator about the storage address.',
    );
  }
  return e.status === 401
    ? vscode.l10n.t(
        'The storage service did not accept the upload address Appcircle gave (HTTP 401: expired or not valid). Nothing was uploaded; try again for a new address.',
      )
    : vscode.l10n.t(
        'The storage service refused the upload (HTTP {0}: not allowed). Nothing was uploaded; try again, and if it is refused again, ask your Appcircle administrator about the storage access policy.',
        e.status,
      );
}

/** A broken connection is "cut off"; a storage answer is a refusal (4xx) or a failure (5xx), said as such. */
function interruptedMessage(e: UploadInterruptedError): string {
  const status = e.status;
  if (e.tries === 0) {
    return vscode.l10n.t('Appcircle did not give an address to upload the file to, so nothing was uploaded. Try again in a moment.');
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return vscode.l10n.t(
      'The storage service refused the file (HTTP {0}). Nothing was made in Appcircle; try again, or upload the file in the Appcircle dashboard.',
      status,
    );
  }
  if (status === 503) {
    return e.tries === 1
      ? vscode.l10n.t('The storage service was unavailable (HTTP 503). Nothing was made in Appcircle; try again later.')
      : vscode.l10n.t(
          'The storage service was unavailable (HTTP 503) on each of {0} tries. Nothing was made in Appcircle; try again later.',
          e.tries,
        );
  }
  if (status !== undefined) {
    return vscode.l10n.t('The storage service failed to take the file (HTTP {0}). Nothing was made in Appcircle; try again later.', status);
  }
  return e.tries === 1
    ? vscode.l10n.t('The upload was cut off. Nothing was made in Appcircle; check your connection and try again.')
    : vscode.l10n.t(
        'The upload was cut off on each of {0} tries. Nothing was made in Appcircle; check your connection and try again.',
        e.tries,
      );
}

function notAppliedMessage(what: WriteNotAppliedError['what']): string {
  switch (what) {
    case 'testingGroups':
      return vscode.l10n.t(
        'Appcircle answered, but the auto-send testing groups are unchanged when read back. Try again, or change them in the Appcircle dashboard.',
      );
    case 'publish':
      return vscode.l10n.t(
        'Appcircle answered, but the version is not published when read back. Try again, or publish it in the Appcircle dashboard.',
      );
    case 'unpublish':
      return vscode.l10n.t(
        'Appcircle answered, but the version is still published when read back. Try again, or unpublish it in the Appcircle dashboard.',
      );
    case 'releaseNotes':
      return vscode.l10n.t(
        'Appcircle answered, but the release notes are unchanged when read back. Try again, or edit them in the Appcircle dashboard.',
      );
  }
}

function zipMessage(problem: ArtifactsZipProblem): string {
  switch (problem) {
    case 'noArtifacts':
      return vscode.l10n.t('This build has no artifacts to send.');
    case 'tooLarge':
      return vscode.l10n.t("This build's artifacts are too large to read here.");
    case 'tooManyEntries':
      return vscode.l10n.t(
        "This build's artifacts hold more than {0} files, too many to read here. Download the binary from the Appcircle dashboard and upload it from the Explorer.",
        MAX_ZIP_ENTRIES,
      );
    case 'tooManyBinaries':
      return vscode.l10n.t(
        "This build's artifacts hold more than {0} .ipa, .apk and .aab files, too many to choose from here. Download the binary from the Appcircle dashboard and upload it from the Explorer.",
        MAX_ZIP_BINARIES,
      );
    case 'notAZip':
      return vscode.l10n.t("This build's artifacts are not a zip file Appcircle for VS Code can read.");
  }
}
