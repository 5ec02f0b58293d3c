/**
 * The session's errors in words (src/core/errors.ts, src/core/session): input validation, signed in or not, an
 * ended or changed session, organizations a credential cannot reach, and VS Code's secret storage. Each describer
 * returns undefined for an error that is not its own, so describeError (errorMessages.ts) can try the next.
 */
import * as vscode from 'vscode';
import {
  AlreadySignedInError,
  AuthOriginChangedError,
  CannotSwitchError,
  NotSignedInError,
  OrganizationAccessLostError,
  OrganizationMismatchError,
  OrganizationUnreachableError,
  SecretStorageError,
  SessionChangedError,
  SessionExpiredError,
  UnreadableSessionError,
  ValidationError,
} from '../../core/errors';
import { plain } from '../../core/plainText';
import { UnknownOrganizationError } from '../../core/session/organizationService';
import { err, warn } from './described';
import type { DescribedError } from './described';
import { validationMessage } from './validationMessages';

/** Signing in and the session's life: invalid input, already or not signed in, ended, unreadable or changed. */
export function describeSessionError(e: unknown): DescribedError | undefined {
  if (e instanceof ValidationError) {
    return warn(validationMessage(e.field, e.problem));
  }
  if (e instanceof AlreadySignedInError) {
    return warn(
      vscode.l10n.t(
        'You are already signed in to Appcircle as {0} (organization {1}). Sign out first to use another account.',
        plain(e.account),
        plain(e.organizationName),
      ),
    );
  }
  if (e instanceof NotSignedInError) {
    return warn(vscode.l10n.t('You are not signed in to Appcircle. Sign in first.'), true);
  }
  // before SessionExpiredError: it is one
  if (e instanceof AuthOriginChangedError) {
    return err(
      vscode.l10n.t(
        'The Appcircle sign-in URL changed from {0} to {1}. Your stored credential belongs to the old address and was not sent to the new one. Sign in again, or set appcircle.authUrl back.',
        e.boundOrigin,
        e.currentOrigin,
      ),
      true,
    );
  }
  if (e instanceof SessionExpiredError) {
    return err(
      vscode.l10n.t(
        'Your Appcircle session has ended: the credential was refused (revoked, expired, or its access removed). Sign in again.',
      ),
      true,
    );
  }
  if (e instanceof UnreadableSessionError) {
    return warn(
      e.problem === 'unknownVersion'
        ? vscode.l10n.t(
            'The stored Appcircle session was written by a newer version of this extension. It was left as it is; update the extension, or sign in again to replace it.',
          )
        : vscode.l10n.t(
            'The stored Appcircle session could not be read (it is damaged). It was left as it is; sign in again to replace it.',
          ),
      true,
    );
  }
  if (e instanceof SessionChangedError) {
    return warn(
      vscode.l10n.t(
        'The Appcircle session changed (sign-out, organization switch or another window) while this ran, so its result was dropped. Try again if you still need it.',
      ),
    );
  }
  return undefined;
}

/** Organizations: a token for the wrong one, a session that cannot switch, one the credential does not (or no longer) reach. */
export function describeOrganizationError(e: unknown): DescribedError | undefined {
  if (e instanceof OrganizationMismatchError) {
    return err(
      vscode.l10n.t(
        "Appcircle issued a token for a different organization than the one requested. The previous organization stays active; try again or check the credential's access.",
      ),
    );
  }
  if (e instanceof CannotSwitchError) {
    return err(
      vscode.l10n.t(
        'This session uses a ready-made access token, which is bound to one organization. Sign out and sign in with a Personal Access Key (Personal API Token) or an API key to switch organizations.',
      ),
    );
  }
  if (e instanceof UnknownOrganizationError) {
    return err(
      vscode.l10n.t('Organization {0} is not reachable with this session. Pick one from Switch Organization.', plain(e.organizationId)),
    );
  }
  if (e instanceof OrganizationUnreachableError) {
    return err(
      vscode.l10n.t(
        'This credential cannot reach the organization {0}. You stay in the current organization; pick one the credential reaches, or ask an owner of {0} for access.',
        plain(e.organizationName),
      ),
    );
  }
  if (e instanceof OrganizationAccessLostError) {
    return err(
      vscode.l10n.t(
        'This credential can no longer reach the organization {0}; your session was kept. Switch back to an organization it reaches (Appcircle: Switch Organization), or ask an owner of {0} for access.',
        plain(e.organizationName),
      ),
    );
  }
  return undefined;
}

/** VS Code's secret storage failed or hung: on sign-out the window is signed out anyway, otherwise nothing changed. */
export function describeSecretStorageError(e: unknown): DescribedError | undefined {
  if (!(e instanceof SecretStorageError)) {
    return undefined;
  }
  if (e.operation === 'delete') {
    return err(
      e.timedOut
        ? vscode.l10n.t(
            "You are signed out in this window, but VS Code's secret storage did not answer in time, so the stored credential may still be there. Unlock or restart your system keychain and try Sign Out again.",
          )
        : vscode.l10n.t(
            'You are signed out in this window, but VS Code could not delete the stored credential from its secret storage. Check your system keychain and try Sign Out again.',
          ),
    );
  }
  return err(
    e.timedOut
      ? vscode.l10n.t(
          "VS Code's secret storage did not answer in time (a keychain prompt may be waiting, or the keychain service is stuck), so nothing was changed. Unlock or restart your system keychain and try again.",
        )
      : vscode.l10n.t(
          "VS Code's secret storage failed, so nothing was changed. Check that your system keychain is available (on Linux: gnome-keyring or a similar service) and try again.",
        ),
  );
}
