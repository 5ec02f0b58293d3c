/**
 * Providers VS Code needs from activation whose implementation lives in the features part (src/features.ts,
 * loaded on first use). Each forwards to the real provider, loading it on the first call, and re-fires its change
 * events from then on: before that first call VS Code has asked nothing, so there is nothing to tell it.
 */
import * as vscode from 'vscode';
import { DisposableBase } from '../core/events';

export class LazyTreeDataProvider<T> extends DisposableBase implements vscode.TreeDataProvider<T> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<T | T[] | undefined | null | void>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private real: vscode.TreeDataProvider<T> | undefined;

  constructor(private readonly load: () => vscode.TreeDataProvider<T>) {
    super();
  }

  private get target(): vscode.TreeDataProvider<T> {
    if (!this.real) {
      const real = (this.real = this.load());
      if (real.onDidChangeTreeData) {
        this._register(real.onDidChangeTreeData((e) => this._onDidChangeTreeData.fire(e)));
      }
    }
    return this.real;
  }

  getChildren(element?: T): vscode.ProviderResult<T[]> {
    return this.target.getChildren(element);
  }

  getTreeItem(element: T): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.target.getTreeItem(element);
  }

  getParent(element: T): vscode.ProviderResult<T> {
    return this.target.getParent?.(element);
  }

  resolveTreeItem(item: vscode.TreeItem, element: T, token: vscode.CancellationToken): vscode.ProviderResult<vscode.TreeItem> {
    const t = this.target;
    return t.resolveTreeItem ? t.resolveTreeItem(item, element, token) : item;
  }
}

export class LazyContentProvider extends DisposableBase implements vscode.TextDocumentContentProvider {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this._onDidChange.event;
  private real: vscode.TextDocumentContentProvider | undefined;

  constructor(private readonly load: () => vscode.TextDocumentContentProvider) {
    super();
  }

  provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): vscode.ProviderResult<string> {
    if (!this.real) {
      const real = (this.real = this.load());
      if (real.onDidChange) {
        this._register(real.onDidChange((u) => this._onDidChange.fire(u)));
      }
    }
    return this.real.provideTextDocumentContent(uri, token);
  }
}
