/**
 * The Distribution view's commands: a profile's auto-send testing groups (a multi-select pick, verified by reading the
 * profile back), Publish to Beta / Live (Live asks first), Unpublish, Copy Download Link (the API's download URL) and
 * Open in Appcircle. A cancelled pick is silent; every failure is put in words by the command wrapper.
 */
import * as vscode from 'vscode';
import { UserCancelledError } from '../../core/errors';
import type { DistributionService, StoreService } from '../../core/distribution/distributionService';
import { checkDownloadLink, MAX_DOWNLOAD_LINK_LENGTH } from '../../core/distribution/downloadLink';
import type { DownloadLinkProblem } from '../../core/distribution/downloadLink';
import { plain } from '../../core/plainText';
import type { DistributionNode } from './distributionNodes';
import { StoreProfileNode, StoreVersionNode, TestingProfileNode, TestingVersionNode, versionLabel } from './distributionNodes';
import type { DistributionTreeProvider } from './distributionTree';

/** The dashboard pages of a distribution or store profile (docs: appcircle-api-next §2, §3). */
export function profilePageUrl(dashboardUrl: string, node: TestingProfileNode | StoreProfileNode): string {
  const base = dashboardUrl.replace(/\/+$/, '');
  return node instanceof TestingProfileNode
    ? `${base}/distribute/detail/${encodeURIComponent(node.profile.id)}`
    : `${base}/enterprise-store/profiles/${encodeURIComponent(node.profile.id)}`;
}

export class DistributionCommands {
  constructor(
    private readonly testing: DistributionService,
    private readonly store: StoreService,
    private readonly tree: DistributionTreeProvider,
    private readonly dashboardUrl: () => string,
  ) {}

  refresh(node?: unknown): void {
    this.tree.refresh(isNode(node) ? node : undefined);
  }

  /** The profile's auto-send testing groups, picked among the organization's (the current ones checked). */
  async editTestingGroups(node: unknown): Promise<void> {
    if (!(node instanceof TestingProfileNode)) {
      return;
    }
    const groups = await this.testing.testingGroups();
    const current = new Set(node.profile.testingGroupIds ?? []);
    const picked = await vscode.window.showQuickPick(
      groups.map((g) => ({ label: plain(g.name), picked: current.has(g.id), id: g.id })),
      {
        canPickMany: true,
        title: vscode.l10n.t('Auto-send testing groups of {0}', plain(node.profile.name)),
        placeHolder: vscode.l10n.t('New versions of this profile are sent to the testing groups checked here'),
      },
    );
    if (!picked) {
      throw new UserCancelledError();
    }
    const back = await this.testing.setTestingGroups(
      node.profile.id,
      picked.map((p) => p.id),
    );
    node.profile.testingGroupIds = back.testingGroupIds ?? [];
    this.tree.refresh(node.parent);
    void vscode.window.showInformationMessage(
      picked.length
        ? vscode.l10n.t('{0} now sends new versions to {1}.', plain(node.profile.name), picked.map((p) => p.label).join(', '))
        : vscode.l10n.t('{0} now sends new versions to no testing group.', plain(node.profile.name)),
    );
  }

  async publish(node: unknown, channel: 'Beta' | 'Live'): Promise<void> {
    if (!(node instanceof StoreVersionNode)) {
      return;
    }
    const label = `${plain(node.parent.profile.name)} ${versionLabel(node.version)}`;
    if (channel === 'Live') {
      const yes = vscode.l10n.t('Publish to Live');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('Publish {0} to Live? Everyone who can open this Enterprise App Store profile can install it.', label),
        { modal: true },
        yes,
      );
      if (answer !== yes) {
        throw new UserCancelledError();
      }
    }
    await this.store.publish(node.parent.profile.id, node.version.id, channel);
    this.tree.refresh(node.parent);
    void vscode.window.showInformationMessage(
      channel === 'Live' ? vscode.l10n.t('{0} is on Live.', label) : vscode.l10n.t('{0} is on Beta.', label),
    );
  }

  async unpublish(node: unknown): Promise<void> {
    if (!(node instanceof StoreVersionNode)) {
      return;
    }
    const label = `${plain(node.parent.profile.name)} ${versionLabel(node.version)}`;
    await this.store.unpublish(node.parent.profile.id, node.version.id);
    this.tree.refresh(node.parent);
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} is no longer published.', label));
  }

  /**
   * The version's download link from the API (E7), on the clipboard; only a link checkDownloadLink takes (https, or
   * http to this machine; no user name or password; bounded; no control characters) is copied.
   */
  async copyDownloadLink(node: unknown): Promise<void> {
    if (!(node instanceof StoreVersionNode)) {
      return;
    }
    const link = checkDownloadLink(await this.store.downloadLink(node.parent.profile.id, node.version.id));
    if (!link.ok) {
      void vscode.window.showWarningMessage(refusedLinkMessage(link.problem));
      return;
    }
    await vscode.env.clipboard.writeText(link.url);
    void vscode.window.showInformationMessage(
      vscode.l10n.t('The download link of {0} is on the clipboard.', `${plain(node.parent.profile.name)} ${versionLabel(node.version)}`),
    );
  }

  async openInAppcircle(node: unknown): Promise<void> {
    const profile = node instanceof TestingVersionNode || node instanceof StoreVersionNode ? node.parent : node;
    if (!(profile instanceof TestingProfileNode || profile instanceof StoreProfileNode)) {
      return;
    }
    await vscode.env.openExternal(vscode.Uri.parse(profilePageUrl(this.dashboardUrl(), profile)));
  }
}

/** Why a download link was not copied, and what to do instead. */
function refusedLinkMessage(problem: DownloadLinkProblem): string {
  switch (problem) {
    case 'empty':
    case 'invalid':
      return vscode.l10n.t('Appcircle did not give a download link for this version.');
    case 'insecure':
      return vscode.l10n.t(
        'Appcircle gave a download link over plain http to another machine, so it was not copied. Share the version from the Appcircle dashboard instead.',
      );
    case 'credentials':
      return vscode.l10n.t(
        'Appcircle gave a download link that contains a user name or password, so it was not copied. Share the version from the Appcircle dashboard instead.',
      );
    case 'tooLong':
      return vscode.l10n.t(
        'Appcircle gave a download link longer than {0} characters, so it was not copied. Share the version from the Appcircle dashboard instead.',
        MAX_DOWNLOAD_LINK_LENGTH,
      );
    case 'controlCharacters':
      return vscode.l10n.t(
        'Appcircle gave a download link with control or hidden characters in it, so it was not copied. Share the version from the Appcircle dashboard instead.',
      );
  }
}

function isNode(n: unknown): n is DistributionNode {
  return (
    n instanceof TestingProfileNode || n instanceof TestingVersionNode || n instanceof StoreProfileNode || n instanceof StoreVersionNode
  );
}
