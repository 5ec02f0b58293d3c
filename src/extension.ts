import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import type { ExtensionApi } from './container';
import { apiFor, createExtension } from './container';

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  // src/core and src/ui/presentation.ts (no vscode values) translate through @vscode/l10n: hand it the bundle that
  // VS Code loaded for the display language (none for English)
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
  const ext = createExtension(context);
  context.subscriptions.push(ext);
  return apiFor(ext);
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}
