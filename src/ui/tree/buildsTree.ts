/**
 * Build Profiles view: profile → branch → builds. Renders BuildService data; getChildren never throws (a failure
 * becomes an error row with Retry, above the last good children). The profile count comes out as onDidLoadProfiles.
 */
import * as vscode from 'vscode';
import type { BuildService, DataChange } from '../../core/builds/buildService';
import { DisposableBase } from '../../core/events';
import type { SessionService } from '../../core/session/sessionService';
import { describeError } from '../errors/errorMessages';
import type { AppcircleNode } from './nodes';
import { BranchNode, BuildNode, LoadMoreNode, MessageNode, ProfileNode, refreshScopeOf } from './nodes';

export interface ProfilesLoaded {
  readonly count: number;
  readonly failed: boolean;
}

export class BuildsTreeProvider extends DisposableBase implements vscode.TreeDataProvider<AppcircleNode> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<AppcircleNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly profileNodes = new Map<string, ProfileNode>();
  private readonly branchNodes = new Map<string, BranchNode>();
  private readonly parents = new Map<string, AppcircleNode>();
  private pending: Set<AppcircleNode | undefined> = new Set();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly _onDidLoadProfiles = this._register(new vscode.EventEmitter<ProfilesLoaded>());
  /** After the root's profiles are read: how many (none: the "no profiles" welcome view), or that the read failed. */
  readonly onDidLoadProfiles = this._onDidLoadProfiles.event;

  constructor(
    private readonly builds: BuildService,
    private readonly session: SessionService,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this._register(builds.onDidChangeData((c) => this.onChange(c)));
    this._register({ dispose: () => this.flushTimer && clearTimeout(this.flushTimer) });
  }

  private onChange(c: DataChange): void {
    switch (c.kind) {
      case 'all':
      case 'profiles':
        if (c.kind === 'all') {
          this.profileNodes.clear();
          this.branchNodes.clear();
          this.parents.clear();
        }
        this.queue(undefined);
        break;
      case 'branches':
        this.queue(this.profileNodes.get(c.profileId));
        break;
      case 'builds':
        this.queue(this.branchNodes.get(`${c.profileId}:${c.branchId}`));
        break;
      case 'queue':
        break;
    }
  }

  /** Coalesces bursts of changes into one refresh per node, 50 ms after the first. */
  private queue(node: AppcircleNode | undefined): void {
    if (node === undefined) {
      this.pending = new Set([undefined]);
    } else if (!this.pending.has(undefined)) {
      this.pending.add(node);
    }
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      const nodes = this.pending;
      this.pending = new Set();
      for (const n of nodes) {
        this._onDidChangeTreeData.fire(n);
      }
    }, 50);
  }

  getTreeItem(node: AppcircleNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  resolveTreeItem(item: vscode.TreeItem, node: AppcircleNode): vscode.TreeItem {
    // tooltips are built on hover, so their elapsed and relative times are current when shown
    if (node instanceof BuildNode || node instanceof BranchNode) {
      item.tooltip = node.tooltip(this.now());
    }
    return item;
  }

  getParent(node: AppcircleNode): AppcircleNode | undefined {
    return this.parents.get(node.id);
  }

  async getChildren(node?: AppcircleNode): Promise<AppcircleNode[]> {
    if (!this.session.isSignedIn) {
      return [];
    }
    try {
      if (!node) {
        return await this.rootChildren();
      }
      if (node instanceof ProfileNode) {
        return await this.profileChildren(node);
      }
      if (node instanceof BranchNode) {
        return await this.branchChildren(node);
      }
      return [];
    } catch (e) {
      return [this.errorNode(node?.id ?? 'root', e)];
    }
  }

  private async rootChildren(): Promise<AppcircleNode[]> {
    let r;
    try {
      r = await this.builds.profiles();
    } catch (e) {
      this._onDidLoadProfiles.fire({ count: 0, failed: true });
      throw e;
    }
    this._onDidLoadProfiles.fire({ count: r.value.length, failed: false });
    const nodes: AppcircleNode[] = r.value.map((p) => {
      const n = new ProfileNode(p);
      this.profileNodes.set(p.id, n);
      return n;
    });
    return this.withStaleWarning('root', nodes, r.error);
  }

  private async profileChildren(node: ProfileNode): Promise<AppcircleNode[]> {
    const r = await this.builds.branches(node.profile.id);
    if (!r.value.length) {
      return [new MessageNode(`${node.id}:empty`, vscode.l10n.t('No branches yet'), 'info')];
    }
    const now = this.now();
    const nodes: AppcircleNode[] = r.value.map((b) => {
      const n = new BranchNode(b, node.profile, now);
      this.branchNodes.set(`${node.profile.id}:${b.id}`, n);
      this.parents.set(n.id, node);
      return n;
    });
    return this.withStaleWarning(node.id, nodes, r.error, node);
  }

  private async branchChildren(node: BranchNode): Promise<AppcircleNode[]> {
    const page = await this.builds.builds(node.profile.id, node.branch.id);
    if (!page.items.length) {
      return [new MessageNode(`${node.id}:empty`, vscode.l10n.t('No builds yet'), 'info')];
    }
    const now = this.now();
    const nodes: AppcircleNode[] = page.items.map((b) => {
      const n = new BuildNode(b, node.profile, node.branch, now);
      this.parents.set(n.id, node);
      return n;
    });
    if (page.hasMore) {
      nodes.push(new LoadMoreNode(node.profile.id, node.branch.id));
    }
    return this.withStaleWarning(node.id, nodes, page.error, node);
  }

  /** A failed refresh keeps the last good children and adds one error row with Retry. */
  private withStaleWarning(key: string, nodes: AppcircleNode[], error: unknown, parent?: AppcircleNode): AppcircleNode[] {
    if (!error) {
      return nodes;
    }
    return [this.errorNode(key, error, parent), ...nodes];
  }

  private errorNode(key: string, e: unknown, parent?: AppcircleNode): MessageNode {
    const d = describeError(e, 'load');
    return new MessageNode(`${key}:error`, d?.message ?? vscode.l10n.t('Could not load.'), 'error', () =>
      this.builds.refresh(refreshScopeOf(parent, { kind: 'profiles' })),
    );
  }
}
