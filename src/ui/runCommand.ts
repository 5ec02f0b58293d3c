/** The one command wrapper (ARCHITECTURE.md §6): cancellation is silent, errors become a message with actions. */
import * as vscode from 'vscode';
import { CommandIds } from '../constants';
import { SessionExpiredError } from '../core/errors';
import type { Logger } from '../core/ports';
import { describeError } from './errors/errorMessages';
import type { Operation } from './errors/errorMessages';

export interface ErrorReporter {
  report(e: unknown, op: Operation): Promise<void>;
}

export class MessageErrorReporter implements ErrorReporter {
  constructor(private readonly logger: Logger) {}

  async report(e: unknown, op: Operation): Promise<void> {
    const d = describeError(e, op);
    if (!d) {
      return;
    }
    this.logger.warn(`${op}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    const signIn = vscode.l10n.t('Sign In');
    const showLog = vscode.l10n.t('Show Log');
    const actions = d.signIn ? [signIn, showLog] : [showLog];
    const show = d.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
    const picked = await show(d.message, ...actions);
    if (picked === signIn) {
      await vscode.commands.executeCommand(CommandIds.login);
    } else if (picked === showLog) {
      await vscode.commands.executeCommand(CommandIds.showLog);
    }
  }
}

/**
 * A command's handler wrapped so that it never rejects: cancellation is silent, errors become a message. Also the
 * wrapper of a step a command runs on its own (Sign In's chooser items), so the rules below are the only ones.
 */
export function commandHandler<A extends unknown[], R>(
  handler: (...args: A) => Promise<R>,
  reporter: ErrorReporter,
  op: Operation = 'other',
): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await handler(...args);
    } catch (e) {
      if (e instanceof SessionExpiredError) {
        // the session's own 'expired' event already told the user, once
        return undefined;
      }
      // show the message without blocking the command's promise on the user's click
      void reporter.report(e, op);
      return undefined;
    }
  };
}
