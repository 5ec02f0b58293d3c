/** "Build finished" notifications per appcircle.notifications.buildFinished; several at once → one summary. */
import * as vscode from 'vscode';
import { CommandIds, ViewIds } from '../../constants';
import { BuildStatus, isFailure, isTerminal } from '../../core/builds/buildModels';
import type { BuildService, FinishedBuild } from '../../core/builds/buildService';
import { DisposableBase } from '../../core/events';
import { plain } from '../../core/plainText';
import { statusLook } from '../presentation';

export type NotifyMode = 'all' | 'watched' | 'failures' | 'never';

export function selectForNotification(builds: FinishedBuild[], mode: NotifyMode): FinishedBuild[] {
  switch (mode) {
    case 'never':
      return [];
    case 'all':
      return builds;
    case 'failures':
      // only a final status other than success: a build whose final status is unknown is not a failure
      return builds.filter((b) => isTerminal(b.status) && b.status !== BuildStatus.Success);
    case 'watched':
      return builds.filter((b) => b.watched);
  }
}

export function finishedMessage(b: FinishedBuild): string {
  if (!isTerminal(b.status)) {
    return vscode.l10n.t(
      'Appcircle build left the queue: {0} / {1}. Appcircle did not report how it ended; Open in Appcircle shows it.',
      plain(b.profileName) || vscode.l10n.t('profile'),
      plain(b.branchName) || vscode.l10n.t('branch'),
    );
  }
  // server and repository names made inert: no link, icon or control syntax survives into the notification (N5)
  const profile = plain(b.profileName) || vscode.l10n.t('profile');
  const branch = plain(b.branchName) || vscode.l10n.t('branch');
  // one sentence per outcome: a translated status word spliced in (and lower-cased) would not fit every language
  switch (b.status) {
    case BuildStatus.Success:
      return b.hasWarning
        ? vscode.l10n.t('Appcircle build succeeded with warnings: {0} / {1}.', profile, branch)
        : vscode.l10n.t('Appcircle build succeeded: {0} / {1}.', profile, branch);
    case BuildStatus.Failed:
      return vscode.l10n.t('Appcircle build failed: {0} / {1}.', profile, branch);
    case BuildStatus.Canceled:
      return vscode.l10n.t('Appcircle build canceled: {0} / {1}.', profile, branch);
    default:
      return vscode.l10n.t('Appcircle build timed out: {0} / {1}.', profile, branch);
  }
}

/** "2 succeeded", "1 failed", …: a count with its outcome, one whole phrase each. */
function outcomeCount(outcome: string, n: number): string {
  switch (outcome) {
    case 'succeeded':
      return vscode.l10n.t('{0} succeeded', n);
    case 'succeeded warning':
      return vscode.l10n.t('{0} succeeded with warnings', n);
    case 'failed':
      return vscode.l10n.t('{0} failed', n);
    case 'canceled':
      return vscode.l10n.t('{0} canceled', n);
    case 'timeout':
      return vscode.l10n.t('{0} timed out', n);
    default:
      return vscode.l10n.t('{0} ended without a reported status', n);
  }
}

export function summaryMessage(list: FinishedBuild[]): string {
  const counts = new Map<string, number>();
  for (const b of list) {
    const outcome = isTerminal(b.status) ? statusLook(b.status, b.hasWarning).word : 'unknown';
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  }
  const parts = [...counts.entries()].map(([k, v]) => outcomeCount(k, v));
  return vscode.l10n.t('{0} Appcircle builds finished: {1}.', list.length, parts.join(', '));
}

/** The Settings editor filtered to this extension's notification settings. */
function openNotificationSettings(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', 'appcircle.notifications');
}

export class BuildNotifier extends DisposableBase {
  constructor(
    builds: BuildService,
    private readonly mode: () => NotifyMode,
  ) {
    super();
    this._register(builds.onDidFinishBuilds((list) => void this.notify(list)));
  }

  async notify(all: FinishedBuild[]): Promise<void> {
    const list = selectForNotification(all, this.mode());
    if (!list.length) {
      return;
    }
    // every notification says where to turn them down (appcircle.notifications.buildFinished)
    const settings = vscode.l10n.t('Notification Settings');
    if (list.length > 1) {
      const open = vscode.l10n.t('Show Builds');
      const failed = list.some((b) => isTerminal(b.status) && b.status !== BuildStatus.Success);
      const show = failed ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      const picked = await show(summaryMessage(list), open, settings);
      if (picked === open) {
        await vscode.commands.executeCommand(`${ViewIds.builds}.focus`);
      } else if (picked === settings) {
        await openNotificationSettings();
      }
      return;
    }
    const b = list[0];
    const showLog = vscode.l10n.t('Show Log');
    const download = vscode.l10n.t('Download Artifacts');
    const send = vscode.l10n.t('Send to Testing Distribution…');
    const open = vscode.l10n.t('Open in Appcircle');
    // a failed build: its compiler errors in the Problems panel, on the workspace's files
    const problems = vscode.l10n.t('Show Problems');
    const actions =
      b.buildId && isTerminal(b.status)
        ? b.status === BuildStatus.Success
          ? [showLog, download, send, open]
          : isFailure(b.status)
            ? [showLog, problems, open]
            : [showLog, open]
        : [open];
    const show =
      b.status === BuildStatus.Success
        ? b.hasWarning
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage
        : b.status === BuildStatus.Canceled || !isTerminal(b.status)
          ? vscode.window.showWarningMessage
          : vscode.window.showErrorMessage;
    const picked = await show(finishedMessage(b), ...actions, settings);
    if (picked === settings) {
      await openNotificationSettings();
    } else if (picked === showLog) {
      await vscode.commands.executeCommand(CommandIds.showBuildLog, b);
    } else if (picked === problems) {
      await vscode.commands.executeCommand(CommandIds.showBuildProblems, b);
    } else if (picked === download) {
      await vscode.commands.executeCommand(CommandIds.downloadArtifacts, b);
    } else if (picked === send) {
      await vscode.commands.executeCommand(CommandIds.sendToTestingDistribution, b);
    } else if (picked === open) {
      await vscode.commands.executeCommand(CommandIds.openInAppcircle, b);
    }
  }
}
