/**
 * The build actions: Cancel, Show Log, Download Artifacts, Open in Appcircle, Copy Build Id, each on a `BuildRef`
 * (src/ui/builds/buildRef.ts); and the tree's own Refresh, Load More and Retry. Start Build and Rebuild are in
 * src/ui/builds/startBuild.ts.
 */
import * as vscode from 'vscode';
import { isActive, isTerminal } from '../../core/builds/buildModels';
import type { BuildService, CancelOutcome } from '../../core/builds/buildService';
import { UserCancelledError } from '../../core/errors';
import { MAX_MESSAGE_LENGTH, plain } from '../../core/plainText';
import { buildLogPageUrl, isOpenableDashboardUrl, profilePageUrl } from './dashboardLinks';
import { logUri } from '../logs/logUri';
import { LOG_LANGUAGE } from '../../constants';
import { firstLine, shortHash, statusLook } from '../presentation';
import { LoadMoreNode, MessageNode, refreshScopeOf } from '../tree/nodes';
import { downloadArtifactsCommand } from './artifacts';
import type { BuildRef } from './buildRef';
import { namesBuild } from './buildRef';

export class BuildCommands {
  constructor(
    private readonly builds: BuildService,
    private readonly state: vscode.Memento,
    private readonly dashboardUrl: () => string,
    private readonly allowInsecureHttp: () => boolean = () => false,
  ) {}

  refresh(node?: unknown): void {
    this.builds.refresh(refreshScopeOf(node, { kind: 'all' }));
  }

  loadMore(node: unknown): void {
    if (node instanceof LoadMoreNode) {
      this.builds.loadMore(node.profileId, node.branchId);
    }
  }

  retry(node: unknown): void {
    if (node instanceof MessageNode) {
      node.retry?.();
    }
  }

  /**
   * The queue item of a build that is waiting or running: an Active Builds row's or a finished build's own, a
   * tree build's looked up while it is active (never a finished tree build's).
   */
  private queueItemOf(ref: BuildRef): string | undefined {
    if (ref.source !== 'build') {
      return ref.queueItemId;
    }
    return isActive(ref.status) ? this.builds.queueItemFor({ id: ref.buildId ?? '', queueItemId: ref.queueItemId }) : undefined;
  }

  /**
   * Cancel (B16, unverified), then say only what happened: the queue item is read back, and only
   * `cancelling: true` or status Canceled counts (docs/appcircle-api.md §4.7). Otherwise Appcircle did not confirm it,
   * and Open in Appcircle shows the build's log page in the dashboard, where cancelling works.
   */
  async cancel(ref: BuildRef | undefined): Promise<void> {
    // an Active Builds row, or a tree build still active; a notification's build has ended
    const id = ref?.source === 'queue' || ref?.source === 'build' ? this.queueItemOf(ref) : undefined;
    if (!ref || !id) {
      void vscode.window.showInformationMessage(vscode.l10n.t('This build is not waiting or running any more.'));
      return;
    }
    const label = `${plain(ref.profileName)} / ${plain(ref.branchName)}`;
    const yes = vscode.l10n.t('Cancel Build');
    const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Cancel the build of {0}?', label), { modal: true }, yes);
    if (answer !== yes) {
      throw new UserCancelledError();
    }
    const r = await this.builds.cancel(id);
    if (r.kind !== 'notConfirmed') {
      void vscode.window.showInformationMessage(cancelOutcomeText(r, label));
      return;
    }
    return this.cancelNotConfirmed(r, ref, id, label);
  }

  private async cancelNotConfirmed(r: CancelOutcome, ref: BuildRef, id: string, label: string): Promise<void> {
    const open = vscode.l10n.t('Open in Appcircle');
    const message = cancelOutcomeText(r, label);
    const picked = await vscode.window.showWarningMessage(message, open);
    if (picked === open) {
      const url = buildLogPageUrl(this.dashboardUrl(), {
        profileId: r.profileId ?? ref.profileId,
        commitId: r.commitId ?? ref.commitId,
        queueItemId: id,
        running: true,
      });
      await this.openDashboard(url);
    }
  }

  async showLog(ref: BuildRef | undefined): Promise<void> {
    const uri = this.logUriFor(ref);
    if (!uri) {
      return;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, LOG_LANGUAGE);
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  /** The log document of the build the ref names (a tree build, an Active Builds row, a finished build). */
  logUriFor(ref: BuildRef | undefined): vscode.Uri | undefined {
    if (!ref || !namesBuild(ref)) {
      return undefined;
    }
    const label =
      ref.source === 'build'
        ? vscode.l10n
            .t('Build {0} {1}', shortHash(ref.commitHash) ?? (ref.buildId ?? '').slice(0, 8), plain(firstLine(ref.commitMessage), 40))
            .trim()
        : vscode.l10n.t('Build {0}', shortHash(ref.commitHash) ?? (ref.buildId ?? ref.queueItemId ?? '').slice(0, 8));
    return logUri({
      profileName: ref.profileName ?? vscode.l10n.t('profile'),
      branchName: ref.branchName ?? vscode.l10n.t('branch'),
      commitId: ref.commitId,
      buildId: ref.buildId,
      queueItemId: this.queueItemOf(ref),
      status: isTerminal(ref.status) ? ref.status : undefined,
      profileId: ref.profileId,
      branchId: ref.branchId,
      label,
    });
  }

  /**
   * A tree build, or a finished build as the notification passes it (its ids must be GUIDs: src/ui/builds/buildRef.ts).
   * The folder is always the user's choice in the dialog: no argument names it (security review S17).
   */
  async downloadArtifacts(ref: BuildRef | undefined): Promise<string | undefined> {
    if (!ref || !namesBuild(ref) || ref.buildId === undefined || ref.commitId === undefined) {
      return undefined;
    }
    return downloadArtifactsCommand(this.builds, this.state, {
      commitId: ref.commitId,
      buildId: ref.buildId,
      profileName: ref.profileName ?? vscode.l10n.t('profile'),
      branchName: ref.branchName ?? vscode.l10n.t('branch'),
    });
  }

  /** A build's own log page in the dashboard (docs/appcircle-api.md §9); the profile page for profiles and branches. */
  async openInAppcircle(ref: BuildRef | undefined): Promise<void> {
    await this.openDashboard(this.dashboardUrlFor(ref));
  }

  /** Opens a dashboard link only when appcircle.dashboardUrl is https (or http to this machine) (S23). */
  private async openDashboard(url: string): Promise<void> {
    if (!isOpenableDashboardUrl(url, this.allowInsecureHttp())) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          'The appcircle.dashboardUrl setting ({0}) is not an https:// address, so nothing was opened. Set it to your Appcircle dashboard, such as https://my.appcircle.io.',
          plain(this.dashboardUrl(), MAX_MESSAGE_LENGTH),
        ),
      );
      return;
    }
    await vscode.env.openExternal(vscode.Uri.parse(url));
  }

  dashboardUrlFor(ref: BuildRef | undefined): string {
    if (!ref || !namesBuild(ref)) {
      return profilePageUrl(this.dashboardUrl(), ref?.source === 'profile' || ref?.source === 'branch' ? ref.profileId : undefined);
    }
    const running = isActive(ref.status);
    return buildLogPageUrl(this.dashboardUrl(), {
      profileId: ref.profileId,
      commitId: ref.commitId,
      buildId: ref.buildId,
      // a running tree build that the queue does not list yet: its build id is its queue item id (§10)
      queueItemId: this.queueItemOf(ref) ?? (running ? ref.buildId : undefined),
      running,
    });
  }

  async copyBuildId(ref: BuildRef | undefined): Promise<void> {
    const id = ref?.source === 'build' ? ref.buildId : ref?.source === 'queue' ? ref.queueItemId : undefined;
    if (id) {
      await vscode.env.clipboard.writeText(id);
      void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied build id {0}', plain(id)), 3000);
    }
  }
}

/** What a cancel achieved, in words (the command's message, and the agent's cancel build tool's answer). */
export function cancelOutcomeText(r: CancelOutcome, label: string): string {
  switch (r.kind) {
    case 'canceled':
      return vscode.l10n.t('The build of {0} was canceled.', label);
    case 'cancelling':
      return vscode.l10n.t('Appcircle is cancelling the build of {0}.', label);
    case 'ended':
      return vscode.l10n.t(
        'The build of {0} had already ended ({1}); there was nothing to cancel.',
        label,
        statusLook(r.status).label.toLowerCase(),
      );
    case 'notConfirmed':
      return r.status === undefined
        ? vscode.l10n.t(
            'Appcircle did not confirm the cancel of the build of {0}. Check the build in the Appcircle dashboard and cancel it there if it still runs.',
            label,
          )
        : vscode.l10n.t(
            'Appcircle did not confirm the cancel of the build of {0}: it still shows the build as {1}. Cancel it in the Appcircle dashboard.',
            label,
            statusLook(r.status).label.toLowerCase(),
          );
  }
}
