/**
 * Testing Distribution, Enterprise App Store and upload failures in words (src/core/distribution/distributionErrors.ts):
 * what happened, what was or was not made, and what to do. Nothing is left half-made by an upload that fails before
 * Appcircle accepted it; after that, the message says the version may still appear.
 */
import * as vscode from 'vscode';
import { ArtifactsZipError } from '../../core/distribution/artifactBinaries';
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
      vscode.l10n.t(
        'Appcircle refused the upload: this version number is already in the profile. Raise the version or build number and upload again.',
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
    return err(
      vscode.l10n.t('The upload was cut off ({0} tries). Nothing was made in Appcircle; check your connection and try again.', e.tries),
    );
  }
  if (e instanceof UploadTaskFailedError) {
    return err(
      vscode.l10n.t(
        'Appcircle could not process the uploaded file, so no version was made. Check that it is a signed build and try again.',
      ),
    );
  }
  if (e instanceof UploadTaskTimeoutError) {
    return warn(
      vscode.l10n.t(
        'Appcircle accepted the file but has not finished processing it after {0} minutes. The version may still appear: refresh the Distribution view later.',
        Math.round(e.waitedMs / 60_000),
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
    return err(
      vscode.l10n.t(
        'Appcircle answered, but the change is not there when read back ({0}). Nothing changed; try again, or make the change in the Appcircle dashboard.',
        e.what,
      ),
    );
  }
  if (e instanceof UnsupportedBinaryError) {
    return err(vscode.l10n.t('{0} is not an .ipa, .apk or .aab file (the Enterprise App Store takes .ipa and .apk).', plain(e.fileName)));
  }
  if (e instanceof ArtifactsZipError) {
    return err(
      e.problem === 'noArtifacts'
        ? vscode.l10n.t('This build has no artifacts to send.')
        : e.problem === 'tooLarge'
          ? vscode.l10n.t("This build's artifacts are too large to read here.")
          : vscode.l10n.t("This build's artifacts are not a zip file Appcircle for VS Code can read."),
    );
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

/** No status: the URL policy refused it before sending (plain http elsewhere, or this machine from a remote API). */
function urlRefusedMessage(e: UploadUrlRefusedError): string {
  return e.status === undefined
    ? vscode.l10n.t(
        'Appcircle gave an upload address this extension does not send files to (plain http to another machine, or a service on this machine), so nothing was uploaded. Check appcircle.apiUrl.',
      )
    : vscode.l10n.t('The upload address Appcircle gave was refused (it may have expired). Nothing was uploaded; try again.');
}
