import type * as vscode from 'vscode';
import type { ExtensionApi } from './container';
import { createExtension } from './container';

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  context.subscriptions.push(createExtension(context));
  return { version: 1 };
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}
