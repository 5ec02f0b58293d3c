import type * as vscode from 'vscode';
import type { Event } from '../core/events';
import type { SecretStore } from '../core/ports';

/** SecretStore over context.secrets; onDidChange covers changes made by other windows too. */
export class VsCodeSecretStore implements SecretStore {
  readonly onDidChange: Event<string>;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.onDidChange = (listener, thisArgs, disposables) =>
      secrets.onDidChange((e) => listener.call(thisArgs, e.key), undefined, disposables);
  }

  async get(key: string): Promise<string | undefined> {
    return this.secrets.get(key);
  }

  async store(key: string, value: string): Promise<void> {
    await this.secrets.store(key, value);
  }

  async delete(key: string): Promise<void> {
    await this.secrets.delete(key);
  }
}
