/**
 * The Distribution view: Testing Distribution profiles → versions, Enterprise App Store profiles → versions (Beta,
 * Live), newest first. Each level is read when it is opened (opening the view reads one list: Testing Distribution
 * is open, the store closed); getChildren never throws (a failure is an error row with Retry). A profile's
 * auto-send testing groups are named in its tooltip, read on the first hover and kept until the next refresh. A
 * level shows at most MAX_TREE_ROWS rows, then one row that opens the rest in the Appcircle dashboard.
 */
import * as vscode from 'vscode';
import type { DistributionService, StoreService } from '../../core/distribution/distributionService';
import { DisposableBase } from '../../core/events';
import { plainMarkdown } from '../../core/plainText';
import type { SessionService } from '../../core/session/sessionService';
import { describeError } from '../errors/errorMessages';
import { MessageNode } from '../tree/nodes';
import { capRows, MoreRowNode, openUrlCommand } from '../tree/moreRow';
import { CommandIds } from '../../constants';
import type { DistributionNode } from './distributionNodes';
import { SectionNode, StoreProfileNode, StoreVersionNode, TestingProfileNode, TestingVersionNode } from './distributionNodes';

type TestingGroups = Awaited<ReturnType<DistributionService['testingGroups']>>;

export class DistributionTreeProvider extends DisposableBase implements vscode.TreeDataProvider<DistributionNode> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<DistributionNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly sections = [new SectionNode('testing'), new SectionNode('store')];
  private readonly parents = new Map<string, DistributionNode>();
  /** The organization's testing groups for the profiles' tooltips: one read per refresh, not one per hover. */
  private groups: Promise<TestingGroups> | undefined;

  constructor(
    private readonly testing: DistributionService,
    private readonly store: StoreService,
    private readonly session: SessionService,
    private readonly now: () => number = Date.now,
    /** appcircle.dashboardUrl: where the rows over the limit are listed. */
    private readonly dashboardUrl?: () => string,
  ) {
    super();
    this._register(session.onDidChangeSession(() => this.refresh()));
  }

  /** Reads `node`'s children again (the whole view when undefined); the tooltips' testing groups are read again. */
  refresh(node?: DistributionNode): void {
    this.groups = undefined;
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
        ? capRows(
            sorted,
            (p) => new TestingProfileNode(p, n),
            (k) => this.moreProfiles(n, k),
          )
        : [new MessageNode(`${n.id}:empty`, vscode.l10n.t('No Testing Distribution profiles in this organization.'), 'info')];
    }
    if (n instanceof SectionNode) {
      const list = await this.store.profiles();
      return list.length
        ? capRows(
            list,
            (p) => new StoreProfileNode(p, n),
            (k) => this.moreProfiles(n, k),
          )
        : [new MessageNode(`${n.id}:empty`, vscode.l10n.t('No Enterprise App Store profiles in this organization.'), 'info')];
    }
    if (n instanceof TestingProfileNode) {
      const versions = await this.testing.versions(n.profile.id);
      return versions.length
        ? capRows(
            versions,
            (v) => new TestingVersionNode(v, n, now),
            (k) => this.moreVersions(n, k),
          )
        : [new MessageNode(`${n.id}:empty`, vscode.l10n.t('No versions yet: upload an .ipa, .apk or .aab, or send a build.'), 'info')];
    }
    if (n instanceof StoreProfileNode) {
      const versions = await this.store.versions(n.profile.id);
      return versions.length
        ? capRows(
            versions,
            (v) => new StoreVersionNode(v, n, now),
            (k) => this.moreVersions(n, k),
          )
        : [new MessageNode(`${n.id}:empty`, vscode.l10n.t('No versions yet.'), 'info')];
    }
    return [];
  }

  /** The profiles over the limit: the dashboard lists them all. */
  private moreProfiles(n: SectionNode, hidden: number): MoreRowNode {
    return new MoreRowNode(n.id, hidden, openUrlCommand(this.dashboardUrl?.()));
  }

  /** The versions over the limit: the profile's page in the dashboard lists them all. */
  private moreVersions(n: TestingProfileNode | StoreProfileNode, hidden: number): MoreRowNode {
    return new MoreRowNode(n.id, hidden, {
      command: CommandIds.openDistributionInAppcircle,
      title: vscode.l10n.t('Open in Appcircle'),
      arguments: [n],
    });
  }

  /** The testing groups, read once until the next refresh (a failed read is tried again on the next hover). */
  private testingGroups(): Promise<TestingGroups> {
    const p = (this.groups ??= this.testing.testingGroups());
    p.catch(() => {
      if (this.groups === p) {
        this.groups = undefined;
      }
    });
    return p;
  }

  /** A profile's tooltip names its auto-send testing groups (one more read, on hover only). */
  async resolveTreeItem(item: vscode.TreeItem, n: DistributionNode): Promise<vscode.TreeItem> {
    if (!(n instanceof TestingProfileNode)) {
      return item;
    }
    const ids = n.profile.testingGroupIds ?? [];
    const md = new vscode.MarkdownString(`**${plainMarkdown(n.profile.name)}**\n\n`);
    try {
      const groups = ids.length ? await this.testingGroups() : [];
      const names = ids.map((id) => plainMarkdown(groups.find((g) => g.id === id)?.name ?? id)).join(', ');
      md.appendMarkdown(
        ids.length === 0
          ? vscode.l10n.t('New versions are sent to no testing group automatically.')
          : ids.length === 1
            ? vscode.l10n.t('New versions are sent to the testing group {0}.', names)
            : vscode.l10n.t('New versions are sent to the testing groups {0}.', names),
      );
    } catch {
      md.appendMarkdown(
        ids.length === 1
          ? vscode.l10n.t('New versions are sent to 1 testing group (its name could not be read).')
          : vscode.l10n.t('New versions are sent to {0} testing groups (their names could not be read).', ids.length),
      );
    }
    item.tooltip = md;
    return item;
  }
}
