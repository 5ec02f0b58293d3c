/**
 * Appcircle's answers in words (an ApiError from src/api/http, seen through src/core/errors.ts): one sentence per
 * ApiErrorKind, worded for the operation where that matters (a refused key at sign-in, a 403 on start, cancel,
 * download or upload, Appcircle's own refusal of a cancel, a redirect of the sign-in server, a cut download, a
 * profile gone at upload). The server's own words are made inert first (N5).
 */
import * as vscode from 'vscode';
import { redact } from '../../core/errors';
import type { ApiError } from '../../core/errors';
import { MAX_MESSAGE_LENGTH, plain } from '../../core/plainText';
import { err } from './described';
import type { DescribedError, Operation } from './described';

type Kind = ApiError['kind'];
/** Failures of the connection itself (and an id refused before sending): the same sentence for every operation. */
type TransportKind = Extract<
  Kind,
  'timeout' | 'connectionRefused' | 'dns' | 'tls' | 'network' | 'malformedResponse' | 'htmlResponse' | 'invalidId'
>;

/** Undefined for a cancelled request (silent). */
export function describeApiError(e: ApiError, given: Operation): DescribedError | undefined {
  // a send from a build reads its artifacts (build/…) before it uploads: those failures are a download's
  const op: Operation = given === 'upload' && e.path.startsWith('build/') ? 'download' : given;
  const forbiddenAction = e.kind === 'forbidden' ? forbiddenActionMessage(op) : undefined;
  if (forbiddenAction) {
    return err(forbiddenAction);
  }
  const cancelRefused = op === 'cancelBuild' ? cancelRefusedMessage(e) : undefined;
  if (cancelRefused) {
    return err(cancelRefused);
  }
  if (op === 'upload' && e.kind === 'notFound' && !e.htmlBody) {
    return err(
      vscode.l10n.t(
        'Appcircle could not find that distribution or store profile; it may have been deleted. Refresh the Distribution view and pick it again.',
      ),
    );
  }
  if (op === 'download' && e.kind === 'network') {
    return err(vscode.l10n.t('The download was interrupted by a network error. No partial file was left behind; try again.'));
  }
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
  return describeKind(e, op);
}

function describeKind(e: ApiError, op: Operation): DescribedError | undefined {
  switch (e.kind) {
    case 'redirected':
      return err(redirectedMessage(e, op));
    case 'tooLarge':
      return err(
        vscode.l10n.t(
          'Appcircle sent a response larger than {0} MB, more than any Appcircle list should be, so it was refused. Check that appcircle.apiUrl points at Appcircle.',
          String(Math.round((e.limitBytes ?? 0) / 1024 / 1024)),
        ),
      );
    case 'unauthorized':
      return describeUnauthorized(op);
    case 'forbidden':
      return err(forbiddenMessage(op));
    case 'badRequest':
      return err(badRequestMessage(e));
    case 'notFound':
      return err(notFoundMessage(e));
    case 'rateLimited':
      return err(rateLimitedMessage(e.retryAfterMs));
    case 'server':
      return err(serverErrorMessage(e));
    case 'insecureUrl':
      return err(insecureUrlMessage(e));
    case 'timeout':
    case 'connectionRefused':
    case 'dns':
    case 'tls':
    case 'network':
    case 'malformedResponse':
    case 'htmlResponse':
    case 'invalidId':
      return err(transportMessage(e.kind));
    case 'canceled':
      return undefined;
  }
}

/** What Cancel Build gets its own sentence for: an answer Appcircle itself gave to the cancel, with its status. */
const CANCEL_REFUSED_KINDS: ReadonlySet<Kind> = new Set<Kind>(['badRequest', 'notFound', 'server', 'malformedResponse', 'tooLarge']);

/**
 * Appcircle answered the cancel (a JSON 4xx or 5xx other than 401, 403 and 429, or a 2xx it sent unreadable or too
 * large) without confirming it: undefined for everything else (nothing sent, never reached Appcircle, a proxy's page,
 * a redirect not followed, a cancelled request), which is worded as for any operation.
 */
function cancelRefusedMessage(e: ApiError): string | undefined {
  if (!CANCEL_REFUSED_KINDS.has(e.kind) || e.status === undefined || e.htmlBody) {
    return undefined;
  }
  return vscode.l10n.t(
    'Appcircle did not accept the cancel request ({0}). Cancelling from outside the dashboard is not confirmed for every Appcircle version; cancel it in the dashboard instead.',
    String(e.status),
  );
}

/** The server's own words, made inert: no link, icon or control syntax reaches the notification (N5). */
function serverSaid(e: ApiError): string | undefined {
  return plain(e.serverMessage ? redact(e.serverMessage) : undefined, MAX_MESSAGE_LENGTH) || undefined;
}

function redirectTargetOf(e: ApiError): string {
  return plain(e.redirectTarget, MAX_MESSAGE_LENGTH) || '?';
}

function redirectedMessage(e: ApiError, op: Operation): string {
  if (op === 'signInPat' || op === 'signInApiKey' || op === 'signInToken' || op === 'switch' || e.path.startsWith('auth/')) {
    return vscode.l10n.t(
      'The Appcircle sign-in server redirected to {0}; your credential was not sent there. If that is your Appcircle auth server, set appcircle.authUrl to it.',
      redirectTargetOf(e),
    );
  }
  return vscode.l10n.t(
    'Appcircle redirected this request to {0}, and it was not followed. If your Appcircle API moved there, set appcircle.apiUrl to it.',
    redirectTargetOf(e),
  );
}

/** A 401: the credential just entered at sign-in, or (otherwise) the session, which offers Sign In. */
function describeUnauthorized(op: Operation): DescribedError {
  switch (op) {
    case 'signInPat':
      return err(
        vscode.l10n.t(
          'Appcircle rejected the Personal Access Key (Personal API Token). Check that it is complete and not revoked (Appcircle dashboard → My Organization → Security → Personal Access Key), then sign in again.',
        ),
      );
    case 'signInApiKey':
      return err(
        vscode.l10n.t(
          'Appcircle rejected the API key name or secret. Check both (API keys expire, by default after 6 months), then sign in again.',
        ),
      );
    case 'signInToken':
      return err(
        vscode.l10n.t(
          'Appcircle rejected the access token from the environment; it has probably expired. Sign in with a Personal Access Key (Personal API Token) or an API key instead.',
        ),
      );
    default:
      return err(vscode.l10n.t('Appcircle did not accept the session. Sign in again.'), true);
  }
}

/** A 403 for an action that names it; undefined for other operations. */
function forbiddenActionMessage(op: Operation): string | undefined {
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
    case 'upload':
      return vscode.l10n.t(
        'The signed-in key or user lacks the permission to upload to that profile. Ask an organization owner for a role that allows it.',
      );
    default:
      return undefined;
  }
}

/** A 403 of any other operation: no access to the organization (sign-in with a key, switch), or no permission. */
function forbiddenMessage(op: Operation): string {
  if (op === 'signInApiKey' || op === 'switch') {
    return vscode.l10n.t(
      'This credential has no access to that organization. Pick an organization it can reach, or ask an organization owner for access.',
    );
  }
  return vscode.l10n.t(
    'The signed-in account lacks the permission for this action. Ask an organization owner for the role that grants it.',
  );
}

function badRequestMessage(e: ApiError): string {
  if (e.isInvalidOrganizationId) {
    return vscode.l10n.t(
      "Invalid organization ID format: enter a GUID such as 3f5d9a12-7c41-4e8b-9b0d-2a6e4c1f8b73, or leave it empty to use the key's own organization.",
    );
  }
  const said = serverSaid(e);
  return said
    ? vscode.l10n.t('Appcircle refused the request as invalid (server said: {0}).', said)
    : vscode.l10n.t('Appcircle refused the request as invalid.');
}

function notFoundMessage(e: ApiError): string {
  const said = serverSaid(e);
  return said
    ? vscode.l10n.t('Appcircle could not find what was asked for (server said: {0}). Check the API URL setting (appcircle.apiUrl).', said)
    : vscode.l10n.t('Appcircle could not find what was asked for. Check the API URL setting (appcircle.apiUrl).');
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

function serverErrorMessage(e: ApiError): string {
  const said = serverSaid(e);
  return said
    ? vscode.l10n.t(
        "Appcircle answered with a server error ({0}) (server said: {1}). Try again in a moment; if it persists, check Appcircle's status.",
        String(e.status ?? ''),
        said,
      )
    : vscode.l10n.t(
        "Appcircle answered with a server error ({0}). Try again in a moment; if it persists, check Appcircle's status.",
        String(e.status ?? ''),
      );
}

function insecureUrlMessage(e: ApiError): string {
  if (e.redirectTarget) {
    return vscode.l10n.t(
      'Appcircle redirected to {0}, which is neither https nor this machine, so the request was not followed. Check appcircle.apiUrl.',
      redirectTargetOf(e),
    );
  }
  // the URL policy's reason (url.ts): a setting that does not parse, or one carrying a user name or password
  if (e.reason === 'invalid URL') {
    return vscode.l10n.t(
      'An Appcircle URL setting is not a valid URL, so nothing was sent. Check appcircle.apiUrl and appcircle.authUrl: each must be a full address such as https://api.appcircle.io.',
    );
  }
  if (e.reason === 'URL with credentials') {
    return vscode.l10n.t(
      'An Appcircle URL setting contains a user name or password, so nothing was sent. Remove them from appcircle.apiUrl and appcircle.authUrl.',
    );
  }
  return vscode.l10n.t(
    'Refused to send your credential over plain http:// to a remote host. Use https://, or enable appcircle.allowInsecureHttp if you trust the network.',
  );
}

function transportMessage(kind: TransportKind): string {
  switch (kind) {
    case 'timeout':
      return vscode.l10n.t('Appcircle did not answer in time. Check your network or VPN and try again.');
    case 'connectionRefused':
      return vscode.l10n.t(
        'Could not connect to Appcircle: the connection was refused. Check the appcircle.apiUrl and appcircle.authUrl settings and that the server is running.',
      );
    case 'dns':
      return vscode.l10n.t(
        'Could not find the Appcircle server by name. Check the appcircle.apiUrl and appcircle.authUrl settings and your network.',
      );
    case 'tls':
      return vscode.l10n.t(
        'The secure connection to Appcircle failed (certificate problem). For a self-hosted server, check its certificate.',
      );
    case 'network':
      return vscode.l10n.t('The connection to Appcircle was interrupted. Check your network and try again.');
    case 'malformedResponse':
      return vscode.l10n.t(
        'Appcircle sent a response that could not be read. Check that appcircle.apiUrl and appcircle.authUrl point at Appcircle, then try again.',
      );
    case 'htmlResponse':
      return vscode.l10n.t(
        'Received a web page instead of an Appcircle response; a proxy or captive portal may be in the way, or the URL settings point at the dashboard. Check appcircle.apiUrl and appcircle.authUrl.',
      );
    case 'invalidId':
      return vscode.l10n.t(
        'This request named an Appcircle item by an id that is not valid, so nothing was sent. Refresh the Appcircle view and try again.',
      );
  }
}
