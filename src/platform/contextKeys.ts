import * as vscode from 'vscode';
import type { ContextKeys } from '../constants';

/** Typed setContext that skips redundant updates. */
export class ContextKeySetter {
  private readonly values = new Map<string, unknown>();

  async set<K extends keyof ContextKeys>(key: K, value: ContextKeys[K]): Promise<void> {
    if (this.values.get(key) === value) {
      return;
    }
    this.values.set(key, value);
    await vscode.commands.executeCommand('setContext', key, value);
  }
}
