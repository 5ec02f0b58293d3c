/**
 * Typed errors of the core layer. src/ui puts them into words (src/ui/errors/errorMessages.ts);
 * nothing here carries a secret.
 */
import { ApiError } from '../api/http/errors';
export { isApiError } from '../api/http/errors';
export type { ApiError } from '../api/http/errors';
/** Redaction for text that reaches the user (ui/ does not import api/). */
export { redact } from '../api/http/redact';

/** The message of a thrown value, for the extension's log (what is shown to a user goes through ui/errors/errorMessages.ts). */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export type ValidationProblem = 'empty' | 'whitespace' | 'controlCharacters' | 'tooLong' | 'notGuid';
export type InputField = 'pat' | 'apiKeyName' | 'apiKeySecret' | 'organizationId' | 'accessToken';

export class ValidationError extends Error {
  constructor(
    readonly field: InputField,
    readonly problem: ValidationProblem,
  ) {
    super(`Invalid ${field}: ${problem}`);
    this.name = 'ValidationError';
  }
}

export class AlreadySignedInError extends Error {
  constructor(
    readonly account: string,
    readonly organizationName: string,
  ) {
    super('Already signed in');
    this.name = 'AlreadySignedInError';
  }
}

export class NotSignedInError extends Error {
  constructor() {
    super('Not signed in');
    this.name = 'NotSignedInError';
  }
}

/** The credential can no longer mint tokens (revoked PAT, expired key, expired env token). */
export class SessionExpiredError extends Error {
  constructor(override readonly cause?: unknown) {
    super('The Appcircle session has ended');
    this.name = 'SessionExpiredError';
  }
}

/**
 * The stored credential belongs to another auth host than appcircle.authUrl names now (S16): it was not sent to the
 * new one, and the session ended in this window (the stored value is kept, for when the URL is set back). Sign in
 * again to use the new host. A SessionExpiredError, so commands and polling stop as for an ended session.
 */
export class AuthOriginChangedError extends SessionExpiredError {
  constructor(
    readonly boundOrigin: string,
    readonly currentOrigin: string,
  ) {
    super();
    this.message = 'The Appcircle sign-in URL changed; the stored credential was not sent to the new host';
    this.name = 'AuthOriginChangedError';
  }
}

/** A token minted for organization X did not carry currentOrganizationId X. */
export class OrganizationMismatchError extends Error {
  constructor(
    readonly requested: string,
    readonly received: string | undefined,
  ) {
    super(`Token bound to ${received ?? 'no organization'} instead of ${requested}`);
    this.name = 'OrganizationMismatchError';
  }
}

/** The session kind cannot switch organization (a ready-made access token). */
export class CannotSwitchError extends Error {
  constructor() {
    super('This session cannot switch organization');
    this.name = 'CannotSwitchError';
  }
}

export class SecretStorageError extends Error {
  constructor(
    readonly operation: 'read' | 'write' | 'delete',
    override readonly cause?: unknown,
    /** It did not answer within the bounded wait (a hung keychain prompt or service). */
    readonly timedOut = false,
  ) {
    super(`SecretStorage ${operation} ${timedOut ? 'did not answer in time' : 'failed'}`);
    this.name = 'SecretStorageError';
  }
}

/** The stored session could not be read: not JSON, not a session, or written by a newer version. Nothing was deleted. */
export class UnreadableSessionError extends Error {
  constructor(readonly problem: 'corrupted' | 'unknownVersion') {
    super(`The stored session is ${problem === 'corrupted' ? 'corrupted' : 'of an unknown version'}`);
    this.name = 'UnreadableSessionError';
  }
}

/**
 * The session changed (sign-out, switch, another window, new URLs) while an operation ran: its result belonged to
 * the previous session and was dropped.
 */
export class SessionChangedError extends Error {
  constructor() {
    super('The Appcircle session changed while this ran; its result was dropped');
    this.name = 'SessionChangedError';
  }
}

/** Switch Organization: the token route refused the credential for that organization (401/403). The session stays. */
export class OrganizationUnreachableError extends Error {
  constructor(
    readonly organizationName: string,
    override readonly cause?: unknown,
  ) {
    super(`This credential cannot reach organization ${organizationName}`);
    this.name = 'OrganizationUnreachableError';
  }
}

/**
 * Renewing the token of the active (sub-)organization was refused, while the credential itself still mints for its
 * own organization: access to this one was removed. The credential is kept.
 */
export class OrganizationAccessLostError extends Error {
  constructor(
    readonly organizationName: string,
    override readonly cause?: unknown,
  ) {
    super(`This credential can no longer reach organization ${organizationName}`);
    this.name = 'OrganizationAccessLostError';
  }
}

/** A start-build request whose answer broke (network, timeout, unreadable body): the build may have started. */
export class StartBuildUncertainError extends Error {
  constructor(override readonly cause?: unknown) {
    super('The start-build answer broke; the build may have started');
    this.name = 'StartBuildUncertainError';
  }
}

/** Thrown when the user dismisses a prompt; commands treat it as silent. */
export class UserCancelledError extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'UserCancelledError';
  }
}

/**
 * What a failed start-build request means: when the request may have reached Appcircle (the answer broke: cut,
 * stalled, unreadable, a gateway error), calls `onUncertain` (refresh Active Builds) and returns
 * StartBuildUncertainError; otherwise returns the error unchanged.
 */
export function uncertainStart(e: unknown, onUncertain: () => void): unknown {
  if (!(e instanceof ApiError)) {
    return e;
  }
  const uncertain =
    e.kind === 'network' ||
    e.kind === 'timeout' ||
    e.kind === 'malformedResponse' ||
    e.kind === 'htmlResponse' ||
    e.kind === 'tooLarge' ||
    (e.kind === 'server' && (e.status === 502 || e.status === 504));
  if (!uncertain) {
    return e;
  }
  onUncertain();
  return new StartBuildUncertainError(e);
}
