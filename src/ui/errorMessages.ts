/** Puts core/api typed errors into words (ARCHITECTURE.md §6): every message says what happened and what to do. */
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
  StartBuildUncertainError,
  UnreadableSessionError,
  UserCancelledError,
  ValidationError,
  isApiError,
  redact,
  errorText,
} from '../core/errors';
import type { InputField, ValidationProblem } from '../core/errors';
import { MAX_MESSAGE_LENGTH, plain } from '../core/plainText';
import { UnknownOrganizationError } from '../core/session/organizationService';
import { NoArtifactsError, NoCommitsError, NotAZipError, NothingToChooseError } from './uiErrors';

export type Operation =
  'signInPat' | 'signInApiKey' | 'signInToken' | 'switch' | 'signOut' | 'load' | 'startBuild' | 'cancelBuild' | 'download' | 'other';

export interface DescribedError {
  message: string;
  /** Offer a Sign In button. */
  signIn: boolean;
  severity: 'error' | 'warning';
}

/**
 * One whole sentence per field and problem (a translator cannot make a field name agree with a sentence it is
 * spliced into). Only an organization id can be "not a GUID". A few sentences per call are built and one is kept.
 */
export function validationMessage(field: InputField, problem: ValidationProblem): string {
  if (problem === 'notGuid') {
    return vscode.l10n.t(
      'The Organization id must be a GUID such as 3f5d9a12-7c41-4e8b-9b0d-2a6e4c1f8b73: paste it from the organization settings, or leave it empty.',
    );
  }
  switch (field) {
    case 'pat':
      return {
        empty: vscode.l10n.t('Enter the Personal Access Key (Personal API Token).'),
        whitespace: vscode.l10n.t('The Personal Access Key contains only spaces. Paste the value itself.'),
        controlCharacters: vscode.l10n.t(
          'The Personal Access Key contains line breaks or control characters. Paste it again as a single line.',
        ),
        tooLong: vscode.l10n.t('The Personal Access Key is longer than 4 KB, which no Appcircle credential is. Check what you pasted.'),
      }[problem];
    case 'apiKeyName':
      return {
        empty: vscode.l10n.t('Enter the API key name.'),
        whitespace: vscode.l10n.t('The API key name contains only spaces. Paste the value itself.'),
        controlCharacters: vscode.l10n.t('The API key name contains line breaks or control characters. Paste it again as a single line.'),
        tooLong: vscode.l10n.t('The API key name is longer than 4 KB, which no Appcircle credential is. Check what you pasted.'),
      }[problem];
    case 'apiKeySecret':
      return {
        empty: vscode.l10n.t('Enter the API key secret.'),
        whitespace: vscode.l10n.t('The API key secret contains only spaces. Paste the value itself.'),
        controlCharacters: vscode.l10n.t('The API key secret contains line breaks or control characters. Paste it again as a single line.'),
        tooLong: vscode.l10n.t('The API key secret is longer than 4 KB, which no Appcircle credential is. Check what you pasted.'),
      }[problem];
    case 'organizationId':
      return {
        empty: vscode.l10n.t('Enter the Organization id.'),
        whitespace: vscode.l10n.t('The Organization id contains only spaces. Paste the value itself.'),
        controlCharacters: vscode.l10n.t(
          'The Organization id contains line breaks or control characters. Paste it again as a single line.',
        ),
        tooLong: vscode.l10n.t('The Organization id is longer than 4 KB, which no Appcircle credential is. Check what you pasted.'),
      }[problem];
    case 'accessToken':
      return {
        empty: vscode.l10n.t('Enter the Access token.'),
        whitespace: vscode.l10n.t('The Access token contains only spaces. Paste the value itself.'),
        controlCharacters: vscode.l10n.t('The Access token contains line breaks or control characters. Paste it again as a single line.'),
        tooLong: vscode.l10n.t('The Access token is longer than 4 KB, which no Appcircle credential is. Check what you pasted.'),
      }[problem];
  }
}

/** Returns undefined for errors that must stay silent (user cancellation). */
export function describeError(e: unknown, op: Operation = 'other'): DescribedError | undefined {
  const err = (message: string, signIn = false): DescribedError => ({ message, signIn, severity: 'error' });
  if (e instanceof UserCancelledError) {
    return undefined;
  }
  if (e instanceof ValidationError) {
    return { message: validationMessage(e.field, e.problem), signIn: false, severity: 'warning' };
  }
  if (e instanceof AlreadySignedInError) {
    return {
      message: vscode.l10n.t(
        'You are already signed in to Appcircle as {0} (organization {1}). Sign out first to use another account.',
        plain(e.account),
        plain(e.organizationName),
      ),
      signIn: false,
      severity: 'warning',
    };
  }
  if (e instanceof NotSignedInError) {
    return { message: vscode.l10n.t('You are not signed in to Appcircle. Sign in first.'), signIn: true, severity: 'warning' };
  }
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
  if (e instanceof SecretStorageError) {
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
  if (e instanceof UnreadableSessionError) {
    return {
      message:
        e.problem === 'unknownVersion'
          ? vscode.l10n.t(
              'The stored Appcircle session was written by a newer version of this extension. It was left as it is; update the extension, or sign in again to replace it.',
            )
          : vscode.l10n.t(
              'The stored Appcircle session could not be read (it is damaged). It was left as it is; sign in again to replace it.',
            ),
      signIn: true,
      severity: 'warning',
    };
  }
  if (e instanceof SessionChangedError) {
    return {
      message: vscode.l10n.t(
        'The Appcircle session changed (sign-out, organization switch or another window) while this ran, so its result was dropped. Try again if you still need it.',
      ),
      signIn: false,
      severity: 'warning',
    };
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
  if (e instanceof StartBuildUncertainError) {
    return {
      message: vscode.l10n.t(
        'The connection broke before Appcircle confirmed the start, so the build may have started. Active Builds is being refreshed: check it before starting the build again.',
      ),
      signIn: false,
      severity: 'warning',
    };
  }
  if (e instanceof NotAZipError) {
    return err(
      vscode.l10n.t(
        'The download was not a zip file (a proxy or sign-in page may have answered instead of Appcircle), so it was refused and nothing was saved. Check your network and try again.',
      ),
    );
  }
  if (e instanceof NoArtifactsError) {
    return {
      message: vscode.l10n.t('This build has no artifacts to download (yet). Builds that failed early, or are still running, have none.'),
      signIn: false,
      severity: 'warning',
    };
  }
  if (e instanceof NoCommitsError) {
    return {
      message: vscode.l10n.t(
        'Branch {0} has no commits Appcircle knows of, so there is nothing to build. Push a commit or pick another branch.',
        plain(e.branchName),
      ),
      signIn: false,
      severity: 'warning',
    };
  }
  if (e instanceof NothingToChooseError) {
    return {
      message: vscode.l10n.t(
        'Nothing to choose for "{0}": the build profile needs at least one workflow and configuration in Appcircle.',
        plain(e.step),
      ),
      signIn: false,
      severity: 'warning',
    };
  }
  const fsCode = (e as { code?: unknown } | undefined)?.code;
  if (op === 'download' && typeof fsCode === 'string' && /^E(NOSPC|ACCES|PERM|ROFS|EXIST|NOENT|ISDIR)$/.test(fsCode)) {
    return err(
      vscode.l10n.t(
        'Could not write the artifacts file ({0}). Pick another folder with enough free space and write access; no partial file was left behind.',
        fsCode,
      ),
    );
  }
  if (isApiError(e)) {
    const forbiddenAction = e.kind === 'forbidden' ? forbiddenMessage(op) : undefined;
    if (forbiddenAction) {
      return err(forbiddenAction);
    }
    if (
      op === 'cancelBuild' &&
      e.kind !== 'network' &&
      e.kind !== 'timeout' &&
      e.kind !== 'connectionRefused' &&
      e.kind !== 'rateLimited'
    ) {
      return err(
        vscode.l10n.t(
          'Appcircle did not accept the cancel request ({0}). Cancelling from outside the dashboard is not confirmed for every Appcircle version; cancel it in the dashboard instead.',
          String(e.status ?? e.kind),
        ),
      );
    }
    if (op === 'download' && e.kind === 'network') {
      return err(vscode.l10n.t('The download was interrupted by a network error. No partial file was left behind; try again.'));
    }
    // the server's own words, made inert: no link, icon or control syntax reaches the notification (N5)
    const said = plain(e.serverMessage ? redact(e.serverMessage) : undefined, MAX_MESSAGE_LENGTH) || undefined;
    const target = plain(e.redirectTarget, MAX_MESSAGE_LENGTH) || '?';
    if ((e.kind === 'unauthorized' || e.kind === 'forbidden') && e.htmlBody) {
      return err(
        vscode.l10n.t(
          'A proxy or firewall answered with a web page (HTTP {0}) instead of Appcircle. Your credential was kept; check your proxy, VPN or network sign-in, then try again.',
          String(e.status ?? ''),
        ),
      );
    }
    if (e.kind === 'unauthorized' && e.afterRenewal) {
      return err(
        vscode.l10n.t(
          'Appcircle refused this request (HTTP 401) even with a freshly issued token. Your session was kept; the account may lack access to this resource. Try again, or sign out and in if it persists.',
        ),
      );
    }
    switch (e.kind) {
      case 'redirected':
        if (op === 'signInPat' || op === 'signInApiKey' || op === 'signInToken' || op === 'switch' || e.path.startsWith('auth/')) {
          return err(
            vscode.l10n.t(
              'The Appcircle sign-in server redirected to {0}; your credential was not sent there. If that is your Appcircle auth server, set appcircle.authUrl to it.',
              target,
            ),
          );
        }
        return err(
          vscode.l10n.t(
            'Appcircle redirected this request to {0}, and it was not followed. If your Appcircle API moved there, set appcircle.apiUrl to it.',
            target,
          ),
        );
      case 'tooLarge':
        return err(
          vscode.l10n.t(
            'Appcircle sent a response larger than {0} MB, more than any Appcircle list should be, so it was refused. Check that appcircle.apiUrl points at Appcircle.',
            String(Math.round((e.limitBytes ?? 0) / 1024 / 1024)),
          ),
        );
      case 'unauthorized':
        if (op === 'signInPat') {
          return err(
            vscode.l10n.t(
              'Appcircle rejected the Personal Access Key (Personal API Token). Check that it is complete and not revoked (Appcircle dashboard → My Organization → Security → Personal Access Key), then sign in again.',
            ),
          );
        }
        if (op === 'signInApiKey') {
          return err(
            vscode.l10n.t(
              'Appcircle rejected the API key name or secret. Check both (API keys expire, by default after 6 months), then sign in again.',
            ),
          );
        }
        if (op === 'signInToken') {
          return err(
            vscode.l10n.t(
              'Appcircle rejected the access token from the environment; it has probably expired. Sign in with a Personal Access Key (Personal API Token) or an API key instead.',
            ),
          );
        }
        return err(vscode.l10n.t('Appcircle did not accept the session. Sign in again.'), true);
      case 'forbidden':
        if (op === 'signInApiKey' || op === 'switch') {
          return err(
            vscode.l10n.t(
              'This credential has no access to that organization. Pick an organization it can reach, or ask an organization owner for access.',
            ),
          );
        }
        return err(
          vscode.l10n.t(
            'The signed-in account lacks the permission for this action. Ask an organization owner for the role that grants it.',
          ),
        );
      case 'badRequest':
        if (e.isInvalidOrganizationId) {
          return err(
            vscode.l10n.t(
              "Invalid organization ID format: enter a GUID such as 3f5d9a12-7c41-4e8b-9b0d-2a6e4c1f8b73, or leave it empty to use the key's own organization.",
            ),
          );
        }
        return err(
          said
            ? vscode.l10n.t('Appcircle refused the request as invalid (server said: {0}).', said)
            : vscode.l10n.t('Appcircle refused the request as invalid.'),
        );
      case 'notFound':
        return err(
          said
            ? vscode.l10n.t(
                'Appcircle could not find what was asked for (server said: {0}). Check the API URL setting (appcircle.apiUrl).',
                said,
              )
            : vscode.l10n.t('Appcircle could not find what was asked for. Check the API URL setting (appcircle.apiUrl).'),
        );
      case 'rateLimited':
        return err(rateLimitedMessage(e.retryAfterMs));
      case 'server':
        return err(
          said
            ? vscode.l10n.t(
                "Appcircle answered with a server error ({0}) (server said: {1}). Try again in a moment; if it persists, check Appcircle's status.",
                String(e.status ?? ''),
                said,
              )
            : vscode.l10n.t(
                "Appcircle answered with a server error ({0}). Try again in a moment; if it persists, check Appcircle's status.",
                String(e.status ?? ''),
              ),
        );
      case 'timeout':
        return err(vscode.l10n.t('Appcircle did not answer in time. Check your network or VPN and try again.'));
      case 'connectionRefused':
        return err(
          vscode.l10n.t(
            'Could not connect to Appcircle: the connection was refused. Check the appcircle.apiUrl and appcircle.authUrl settings and that the server is running.',
          ),
        );
      case 'dns':
        return err(
          vscode.l10n.t(
            'Could not find the Appcircle server by name. Check the appcircle.apiUrl and appcircle.authUrl settings and your network.',
          ),
        );
      case 'tls':
        return err(
          vscode.l10n.t(
            'The secure connection to Appcircle failed (certificate problem). For a self-hosted server, check its certificate.',
          ),
        );
      case 'network':
        return err(vscode.l10n.t('The connection to Appcircle was interrupted. Check your network and try again.'));
      case 'malformedResponse':
        return err(
          vscode.l10n.t(
            'Appcircle sent a response that could not be read. Check that appcircle.apiUrl and appcircle.authUrl point at Appcircle, then try again.',
          ),
        );
      case 'htmlResponse':
        return err(
          vscode.l10n.t(
            'Received a web page instead of an Appcircle response; a proxy or captive portal may be in the way, or the URL settings point at the dashboard. Check appcircle.apiUrl and appcircle.authUrl.',
          ),
        );
      case 'insecureUrl':
        if (e.redirectTarget) {
          return err(
            vscode.l10n.t(
              'Appcircle redirected to {0}, which is neither https nor this machine, so the request was not followed. Check appcircle.apiUrl.',
              target,
            ),
          );
        }
        return err(
          vscode.l10n.t(
            'Refused to send your credential over plain http:// to a remote host. Use https://, or enable appcircle.allowInsecureHttp if you trust the network.',
          ),
        );
      case 'invalidId':
        return err(
          vscode.l10n.t(
            'This request named an Appcircle item by an id that is not valid, so nothing was sent. Refresh the Appcircle view and try again.',
          ),
        );
      case 'canceled':
        return undefined;
    }
  }
  return err(
    vscode.l10n.t('Something went wrong: {0}. See the Appcircle log for details.', plain(redact(errorText(e)), MAX_MESSAGE_LENGTH)),
  );
}

/** A 403 for an action that names it; undefined for other operations. */
function forbiddenMessage(op: Operation): string | undefined {
  switch (op) {
    case 'startBuild':
      return vscode.l10n.t(
        'The signed-in key or user lacks the permission to start builds in this organization. Ask an organization owner for a role that allows it.',
      );
    case 'cancelBuild':
      return vscode.l10n.t(
        'The signed-in key or user lacks the permission to cancel builds in this organization. Ask an organization owner for a role that allows it.',
      );
    case 'download':
      return vscode.l10n.t(
        'The signed-in key or user lacks the permission to download artifacts in this organization. Ask an organization owner for a role that allows it.',
      );
    default:
      return undefined;
  }
}

function rateLimitedMessage(ms: number | undefined): string {
  if (!ms || ms <= 0) {
    return vscode.l10n.t('Appcircle is limiting requests right now. Wait a minute and try again.');
  }
  const s = Math.ceil(ms / 1000);
  return s < 90
    ? vscode.l10n.t('Appcircle is limiting requests right now. Wait {0} seconds and try again.', s)
    : vscode.l10n.t('Appcircle is limiting requests right now. Wait {0} minutes and try again.', Math.ceil(s / 60));
}
