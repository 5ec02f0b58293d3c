import type * as vscode from 'vscode';
import type { ExtensionApi } from './container';
import { apiFor, createExtension } from './container';

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const ext = createExtension(context);
  context.subscriptions.push(ext);
  return apiFor(ext);
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}
