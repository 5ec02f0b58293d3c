/** Input boxes and quick picks that validate before anything leaves the machine. */
import * as vscode from 'vscode';
import { UserCancelledError } from '../core/errors';
import type { InputField } from '../core/errors';
import { checkCredentialValue, checkOrganizationId } from '../core/session/validation';
import { validationMessage } from './errors/validationMessages';

export interface InputOptions {
  field: InputField;
  title: string;
  prompt: string;
  placeHolder?: string;
  password?: boolean;
  optional?: boolean;
  step?: number;
  totalSteps?: number;
}

export function validateField(field: InputField, value: string, optional = false): string | undefined {
  if (field === 'organizationId') {
    const p = checkOrganizationId(value);
    return p ? validationMessage(field, p) : undefined;
  }
  if (optional && value.length === 0) {
    return undefined;
  }
  const p = checkCredentialValue(value);
  return p ? validationMessage(field, p) : undefined;
}

/** Shows an input box; throws UserCancelledError on Escape. */
export async function askInput(options: InputOptions): Promise<string> {
  const title = options.step && options.totalSteps ? `${options.title} (${options.step}/${options.totalSteps})` : options.title;
  const value = await vscode.window.showInputBox({
    title,
    prompt: options.prompt,
    placeHolder: options.placeHolder,
    password: options.password ?? false,
    ignoreFocusOut: true,
    validateInput: (v) => validateField(options.field, v, options.optional),
  });
  if (value === undefined) {
    throw new UserCancelledError();
  }
  return value.trim();
}

export async function pick<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: vscode.QuickPickOptions): Promise<T> {
  const picked = await vscode.window.showQuickPick(items, { ignoreFocusOut: false, ...options });
  if (!picked) {
    throw new UserCancelledError();
  }
  return picked;
}
