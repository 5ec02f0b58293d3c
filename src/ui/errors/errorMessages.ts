/**
 * Puts core/api typed errors into words (ARCHITECTURE.md §6): every message says what happened and what to do.
 * describeError is the one entry point; it asks each domain's describer in turn (session and organizations,
 * secret storage, build flows, Appcircle's answers) and falls back to the error's own text, redacted.
 */
import * as vscode from 'vscode';
import { UserCancelledError, errorText, isApiError, redact } from '../../core/errors';
import { MAX_MESSAGE_LENGTH, plain } from '../../core/plainText';
import { describeApiError } from './apiErrors';
import { describeBuildError } from './buildErrors';
import { describeDistributionError } from './distributionErrors';
import { err } from './described';
import type { DescribedError, Operation } from './described';
import { describeOrganizationError, describeSecretStorageError, describeSessionError } from './sessionErrors';

export type { Operation } from './described';

/** Returns undefined for errors that must stay silent (user cancellation). */
export function describeError(e: unknown, op: Operation = 'other'): DescribedError | undefined {
  if (e instanceof UserCancelledError) {
    return undefined;
  }
  const described =
    describeSessionError(e) ??
    describeOrganizationError(e) ??
    describeSecretStorageError(e) ??
    describeBuildError(e, op) ??
    describeDistributionError(e);
  if (described) {
    return described;
  }
  if (isApiError(e)) {
    return describeApiError(e, op);
  }
  return err(
    vscode.l10n.t('Something went wrong: {0}. See the Appcircle log for details.', plain(redact(errorText(e)), MAX_MESSAGE_LENGTH)),
  );
}
