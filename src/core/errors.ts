/**
 * Typed errors of the core layer. src/ui puts them into words (src/ui/errorMessages.ts);
 * nothing here carries a secret.
 */
export { ApiError, isApiError } from '../api/errors';
export type { ApiErrorKind } from '../api/errors';

export type ValidationProblem = 'empty' | 'whitespace' | 'controlCharacters' | 'tooLong' | 'notGuid';
export type InputField = 'pat' | 'apiKeyName' | 'apiKeySecret' | 'organizationId' | 'accessToken';

export class ValidationError extends Error {
  constructor(readonly field: InputField, readonly problem: ValidationProblem) {
    super(`Invalid ${field}: ${problem}`);
    this.name = 'ValidationError';
  }
}

export class AlreadySignedInError extends Error {
  constructor(readonly account: string, readonly organizationName: string) {
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

/** A token minted for organization X did not carry currentOrganizationId X. */
export class OrganizationMismatchError extends Error {
  constructor(readonly requested: string, readonly received: string | undefined) {
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
  constructor(readonly operation: 'read' | 'write' | 'delete', override readonly cause?: unknown) {
    super(`SecretStorage ${operation} failed`);
    this.name = 'SecretStorageError';
  }
}

/** Thrown when the user dismisses a prompt; commands treat it as silent. */
export class UserCancelledError extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'UserCancelledError';
  }
}
