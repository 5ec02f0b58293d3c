/**
 * Providers VS Code needs from activation whose implementation lives in the features part (src/features.ts,
 * loaded on first use). Each forwards to the real provider, loading it on the first call, and re-fires its change
 * events from then on: before that first call VS Code has asked nothing, so there is nothing to tell it. Also the
 * two tree views built on them (LazyTreeViews), which tell whether the window is in the background for polling.
 */
import * as vscode from 'vscode';
import { ViewIds } from '../constants';
import { DisposableBase } from '../core/events';
import type { AppcircleNode } from './tree/nodes';
import type { SigningNode } from './signing/signingTree';
import type { DistributionNode } from './distribution/distributionNodes';

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

/** The features part's two trees, as LazyTreeViews asks for them (on VS Code's first call). */
export interface RealTrees {
  readonly buildsTree: vscode.TreeDataProvider<AppcircleNode>;
  readonly activeTree: vscode.TreeDataProvider<AppcircleNode>;
  readonly signingTree: vscode.TreeDataProvider<SigningNode>;
  readonly distributionTree: vscode.TreeDataProvider<DistributionNode>;
}

/**
 * Build Profiles and Active Builds, created at activation: VS Code asks a view for its items as soon as it is open,
 * and the first such call loads the features part. Polling slows down in the background: the window unfocused and
 * neither view visible; every change of those fires onDidChangeBackground.
 */
export class LazyTreeViews extends DisposableBase {
  readonly builds: vscode.TreeView<AppcircleNode>;
  readonly active: vscode.TreeView<AppcircleNode>;
  /** Signing Identities (src/ui/signing/signingTree.ts); not part of the polling's background rule. */
  readonly signing: vscode.TreeView<SigningNode>;
  /** Distribution (src/ui/distribution/distributionTree.ts); not part of the polling's background rule either. */
  readonly distribution: vscode.TreeView<DistributionNode>;
  private readonly _onDidChangeBackground = this._register(new vscode.EventEmitter<boolean>());
  readonly onDidChangeBackground = this._onDidChangeBackground.event;

  constructor(trees: () => RealTrees) {
    super();
    const buildsTree = this._register(new LazyTreeDataProvider<AppcircleNode>(() => trees().buildsTree));
    const activeTree = this._register(new LazyTreeDataProvider<AppcircleNode>(() => trees().activeTree));
    this.builds = this._register(
      vscode.window.createTreeView<AppcircleNode>(ViewIds.builds, { treeDataProvider: buildsTree, showCollapseAll: true }),
    );
    this.active = this._register(vscode.window.createTreeView<AppcircleNode>(ViewIds.activeBuilds, { treeDataProvider: activeTree }));
    const signingTree = this._register(new LazyTreeDataProvider<SigningNode>(() => trees().signingTree));
    this.signing = this._register(vscode.window.createTreeView<SigningNode>(ViewIds.signingIdentities, { treeDataProvider: signingTree }));
    const distributionTree = this._register(new LazyTreeDataProvider<DistributionNode>(() => trees().distributionTree));
    this.distribution = this._register(
      vscode.window.createTreeView<DistributionNode>(ViewIds.distribution, { treeDataProvider: distributionTree, showCollapseAll: true }),
    );
    const changed = () => this._onDidChangeBackground.fire(this.isBackground);
    this._register(vscode.window.onDidChangeWindowState(changed));
    this._register(this.builds.onDidChangeVisibility(changed));
    this._register(this.active.onDidChangeVisibility(changed));
  }

  /** Whether polling should slow down now. */
  get isBackground(): boolean {
    return !vscode.window.state.focused && !this.builds.visible && !this.active.visible;
  }
}
