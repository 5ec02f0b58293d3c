/**
 * The Distribution view: Testing Distribution profiles → versions, Enterprise App Store profiles → versions (Beta,
 * Live), newest first. Each level is read when it is opened (opening the view reads one list: Testing Distribution
 * is open, the store closed); getChildren never throws (a failure is an error row with Retry). A profile's
 * auto-send testing groups are named in its tooltip, read on hover.
 */
import * as vscode from 'vscode';
import type { DistributionService, StoreService } from '../../core/distribution/distributionService';
import { DisposableBase } from '../../core/events';
import { plainMarkdown } from '../../core/plainText';
import type { SessionService } from '../../core/session/sessionService';
import { describeError } from '../errors/errorMessages';
import { MessageNode } from '../tree/nodes';
import type { DistributionNode } from './distributionNodes';
import { SectionNode, StoreProfileNode, StoreVersionNode, TestingProfileNode, TestingVersionNode } from './distributionNodes';

export class DistributionTreeProvider extends DisposableBase implements vscode.TreeDataProvider<DistributionNode> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<DistributionNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly sections = [new SectionNode('testing'), new SectionNode('store')];
  private readonly parents = new Map<string, DistributionNode>();

  constructor(
    private readonly testing: DistributionService,
    private readonly store: StoreService,
    private readonly session: SessionService,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this._register(session.onDidChangeSession(() => this.refresh()));
  }

  /** Reads `node`'s children again (the whole view when undefined). */
  refresh(node?: DistributionNode): void {
    this._onDidChangeTreeData.fire(node);
  }

  getTreeItem(n: DistributionNode): vscode.TreeItem {
    return n.getTreeItem();
  }

  getParent(n: DistributionNode): DistributionNode | undefined {
    return this.parents.get(n.id);
  }

  async getChildren(n?: DistributionNode): Promise<DistributionNode[]> {
    if (!this.session.isSignedIn) {
      return [];
    }
    if (!n) {
      return this.sections;
    }
    try {
      const children = await this.childrenOf(n);
      for (const c of children) {
        this.parents.set(c.id, n);
      }
      return children;
    } catch (e) {
      const message = describeError(e, 'load')?.message ?? vscode.l10n.t('Could not load this list.');
      return [new MessageNode(`${n.id}:error`, message, 'error', () => this.refresh(n))];
    }
  }

  private async childrenOf(n: DistributionNode): Promise<DistributionNode[]> {
    const now = this.now();
    if (n instanceof SectionNode && n.module === 'testing') {
      const list = await this.testing.profiles();
      const sorted = [...list].sort((a, b) => Number(b.pinned === true) - Number(a.pinned === true));
      return sorted.length
        ? sorted.map((p) => new TestingProfileNode(p, n))
        : [new MessageNode(`${n.id}:empty`, vscode.l10n.t('No Testing Distribution profiles in this organization.'), 'info')];
    }
    if (n instanceof SectionNode) {
      const list = await this.store.profiles();
      return list.length
        ? list.map((p) => new StoreProfileNode(p, n))
        : [new MessageNode(`${n.id}:empty`, vscode.l10n.t('No Enterprise App Store profiles in this organization.'), 'info')];
    }
    if (n instanceof TestingProfileNode) {
      const versions = await this.testing.versions(n.profile.id);
      return versions.length
        ? versions.map((v) => new TestingVersionNode(v, n, now))
        : [new MessageNode(`${n.id}:empty`, vscode.l10n.t('No versions yet: upload an .ipa, .apk or .aab, or send a build.'), 'info')];
    }
    if (n instanceof StoreProfileNode) {
      const versions = await this.store.versions(n.profile.id);
      return versions.length
        ? versions.map((v) => new StoreVersionNode(v, n, now))
        : [new MessageNode(`${n.id}:empty`, vscode.l10n.t('No versions yet.'), 'info')];
    }
    return [];
  }

  /** A profile's tooltip names its auto-send testing groups (one more read, on hover only). */
  async resolveTreeItem(item: vscode.TreeItem, n: DistributionNode): Promise<vscode.TreeItem> {
    if (!(n instanceof TestingProfileNode)) {
      return item;
    }
    const ids = n.profile.testingGroupIds ?? [];
    const md = new vscode.MarkdownString(`**${plainMarkdown(n.profile.name)}**\n\n`);
    try {
      const groups = ids.length ? await this.testing.testingGroups() : [];
      const names = ids.map((id) => groups.find((g) => g.id === id)?.name ?? id);
      md.appendMarkdown(
        names.length
          ? `${vscode.l10n.t('New versions are sent to')}: ${names.map((x) => plainMarkdown(x)).join(', ')}`
          : vscode.l10n.t('New versions are sent to no testing group automatically.'),
      );
    } catch {
      md.appendMarkdown(vscode.l10n.t('{0} auto-send testing groups (their names could not be read).', ids.length));
    }
    item.tooltip = md;
    return item;
  }
}
