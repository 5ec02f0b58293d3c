/**
 * The Signing Identities view: iOS certificates (with CSRs), provisioning profiles (with their bundle id) and
 * Android keystores, each row with its expiry in words. Expired rows have an error icon and colour, those within
 * the warning window a warning icon and colour, and the state is said in words too (description, tooltip and
 * accessibility label). Server strings are made inert (plainText.ts) everywhere they are shown. A group shows at
 * most MAX_TREE_ROWS rows, then one row that opens the Appcircle dashboard.
 */
import * as vscode from 'vscode';
import { DisposableBase } from '../../core/events';
import { plain, plainMarkdown } from '../../core/plainText';
import type { ClassifiedIdentity, IdentityKind, SigningService, SigningSnapshot } from '../../core/signing/signingService';
import { describeError } from '../errors/errorMessages';
import { MAX_MESSAGE_LENGTH } from '../../core/plainText';
import { capRows, MoreRowNode, openUrlCommand } from '../tree/moreRow';
import { MessageNode } from '../tree/nodes';
import { expirySentence, expiryWords, kindIcon, kindWords, stateLook, stateWords } from './signingWords';

export type SigningGroupKey = 'ios' | 'profiles' | 'keystores';

const GROUP_KINDS: Record<SigningGroupKey, readonly IdentityKind[]> = {
  ios: ['certificate', 'csr'],
  profiles: ['provisioningProfile'],
  keystores: ['keystore'],
};

function groupTitle(key: SigningGroupKey): string {
  return key === 'ios'
    ? vscode.l10n.t('iOS certificates')
    : key === 'profiles'
      ? vscode.l10n.t('Provisioning profiles')
      : vscode.l10n.t('Android keystores');
}

export class SigningGroupNode {
  readonly type = 'signingGroup';
  constructor(
    readonly key: SigningGroupKey,
    readonly identities: readonly ClassifiedIdentity[],
    /** Whether one of its kinds could not be read. */
    readonly unread: boolean,
  ) {}
  get id(): string {
    return `signing:${this.key}`;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(groupTitle(this.key), vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    const expired = this.identities.filter((i) => i.expiry.state === 'expired').length;
    const expiring = this.identities.filter((i) => i.expiry.state === 'expiring').length;
    const parts = [
      String(this.identities.length),
      expired ? vscode.l10n.t('{0} expired', expired) : '',
      expiring ? vscode.l10n.t('{0} expiring soon', expiring) : '',
      this.unread ? vscode.l10n.t('not all could be read') : '',
    ].filter(Boolean);
    item.description = parts.join(' · ');
    item.accessibilityInformation = { label: [groupTitle(this.key), ...parts].join(', ') };
    const look = stateLook(expired ? 'expired' : expiring ? 'expiring' : 'ok');
    item.iconPath = new vscode.ThemeIcon(
      look?.icon ?? (this.key === 'keystores' ? 'key' : this.key === 'profiles' ? 'file-code' : 'shield'),
      look ? new vscode.ThemeColor(look.color) : undefined,
    );
    item.contextValue = 'signingGroup';
    return item;
  }
}

export class SigningIdentityNode {
  readonly type = 'signingIdentity';
  constructor(readonly identity: ClassifiedIdentity) {}
  get id(): string {
    return `signing:${this.identity.kind}:${this.identity.id}`;
  }
  getTreeItem(): vscode.TreeItem {
    const i = this.identity;
    const name = plain(i.name);
    const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const when = expiryWords(i.expiry);
    const bundle = plain(i.bundleId);
    const state = stateWords(i.expiry.state);
    // the state in words too: "expired 3 days ago", "expires in 10 days" (the icon's colour is not the only sign)
    item.description = [bundle, i.kind === 'csr' ? vscode.l10n.t('CSR') : '', when].filter(Boolean).join(' · ');
    const look = stateLook(i.expiry.state);
    item.iconPath = new vscode.ThemeIcon(look?.icon ?? kindIcon(i.kind), look ? new vscode.ThemeColor(look.color) : undefined);
    item.accessibilityInformation = { label: [name, kindWords(i.kind), bundle, state, when].filter(Boolean).join(', ') };
    item.tooltip = this.tooltip();
    item.contextValue = `signingIdentity ${i.kind} ${i.expiry.state}`;
    return item;
  }

  private tooltip(): vscode.MarkdownString {
    const i = this.identity;
    // one whole sentence ("The iOS certificate "Acme" expired 3 days ago."), not the kind, state and expiry stitched
    const lines = [
      `**${plainMarkdown(i.name)}**`,
      '',
      plainMarkdown(expirySentence(i), MAX_MESSAGE_LENGTH),
      '',
      vscode.l10n.t('State: {0}', plainMarkdown(stateWords(i.expiry.state))),
    ];
    if (i.expiry.date) {
      lines.push('', vscode.l10n.t('Expiry date: {0}', plainMarkdown(i.expiry.date)));
    }
    if (i.bundleId) {
      lines.push('', vscode.l10n.t('Bundle id: {0}', plainMarkdown(i.bundleId)));
    }
    if (i.fileName && i.fileName !== i.name) {
      lines.push('', vscode.l10n.t('File: {0}', plainMarkdown(i.fileName)));
    }
    if (i.storeType) {
      lines.push('', i.storeType === 'appStore' ? vscode.l10n.t('Kept in: App Store') : vscode.l10n.t('Kept in: Appcircle'));
    }
    const md = new vscode.MarkdownString(lines.join('\n'));
    md.isTrusted = false;
    md.supportHtml = false;
    return md;
  }
}

export type SigningNode = SigningGroupNode | SigningIdentityNode | MessageNode | MoreRowNode;

export class SigningTreeProvider extends DisposableBase implements vscode.TreeDataProvider<SigningNode> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<SigningNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;

  constructor(
    private readonly signing: SigningService,
    /** Tells whether the organization has no signing identity at all (the view's welcome content). */
    private readonly setEmpty: (empty: boolean) => void = () => undefined,
    /** appcircle.dashboardUrl: where the rows over the limit are listed. */
    private readonly dashboardUrl?: () => string,
  ) {
    super();
    this._register(signing.onDidChange(() => this._onDidChangeTreeData.fire(undefined)));
  }

  getTreeItem(node: SigningNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  async getChildren(node?: SigningNode): Promise<SigningNode[]> {
    if (node instanceof SigningGroupNode) {
      return node.identities.length
        ? capRows(
            node.identities,
            (i) => new SigningIdentityNode(i),
            (hidden) => new MoreRowNode(node.id, hidden, openUrlCommand(this.dashboardUrl?.())),
          )
        : [new MessageNode(`signing:${node.key}:none`, vscode.l10n.t('None'), 'info')];
    }
    if (node || !this.signing.isSignedIn) {
      return [];
    }
    let snap: SigningSnapshot;
    try {
      snap = await this.signing.identities();
    } catch (e) {
      this.setEmpty(false);
      return [this.errorNode(e)];
    }
    this.setEmpty(snap.identities.length === 0 && snap.failed.length === 0);
    if (snap.identities.length === 0 && snap.failed.length === 0) {
      return [];
    }
    const groups: SigningNode[] = (Object.keys(GROUP_KINDS) as SigningGroupKey[]).map((key) => {
      const kinds = GROUP_KINDS[key];
      return new SigningGroupNode(
        key,
        snap.identities.filter((i) => kinds.includes(i.kind)),
        snap.failed.some((k) => kinds.includes(k)),
      );
    });
    return snap.error ? [this.errorNode(snap.error), ...groups] : groups;
  }

  private errorNode(e: unknown): MessageNode {
    return new MessageNode(
      'signing:error',
      describeError(e, 'load')?.message ?? vscode.l10n.t('Could not load the signing identities.'),
      'error',
      () => this.signing.refresh(),
    );
  }
}
