/** Build This Commit: a build of HEAD's commit, only when Appcircle knows that very commit (never another one). */
import * as vscode from 'vscode';
import type { CommitStatusService } from '../../core/commit/commitStatus';
import type { StartedBuild } from '../../core/builds/buildService';
import { NotSignedInError } from '../../core/errors';
import { plain } from '../../core/plainText';
import type { SessionService } from '../../core/session/sessionService';
import { shortHash } from '../presentation';
import type { BuildRef } from '../builds/buildRef';
import { toBuildRef } from '../builds/buildRef';

export class CommitCommands {
  constructor(
    private readonly status: CommitStatusService,
    private readonly session: SessionService,
    private readonly startBuild: (ref: BuildRef | undefined) => Promise<StartedBuild | undefined>,
  ) {}

  async buildThisCommit(): Promise<StartedBuild | undefined> {
    if (!this.session.isSignedIn) {
      throw new NotSignedInError();
    }
    const t = await this.status.buildTarget();
    switch (t.kind) {
      case 'noRepository':
        void vscode.window.showInformationMessage(
          vscode.l10n.t('Build This Commit needs a git repository with a commit checked out in this workspace.'),
        );
        return undefined;
      case 'noProfile':
        void vscode.window.showInformationMessage(
          vscode.l10n.t(
            'No Appcircle build profile builds this repository. Connect the repository to a build profile in Appcircle, or switch to the organization that has it.',
          ),
        );
        return undefined;
      case 'notPushed': {
        const push = vscode.l10n.t('Push');
        const picked = await vscode.window.showWarningMessage(
          vscode.l10n.t(
            'Push first: commit {0} is not on the remote yet ({1} commits ahead). Appcircle builds what it has received.',
            plain(shortHash(t.commit) ?? t.commit),
            t.ahead,
          ),
          push,
        );
        if (picked === push) {
          await vscode.commands.executeCommand('git.push');
        }
        return undefined;
      }
      case 'noBranch':
        if (!t.branchName) {
          void vscode.window.showWarningMessage(
            vscode.l10n.t(
              'HEAD is detached, and no branch of {0} in Appcircle has this commit among its recent builds. Check out a branch to build it.',
              plain(t.profile.name),
            ),
          );
          return undefined;
        }
        void vscode.window.showWarningMessage(
          vscode.l10n.t(
            'Appcircle has no branch {0} in {1} yet. Push the branch first; Appcircle lists it once its webhook reports the push.',
            plain(t.branchName),
            plain(t.profile.name),
          ),
        );
        return undefined;
      case 'notReceived': {
        const again = vscode.l10n.t('Try Again');
        const picked = await vscode.window.showWarningMessage(
          vscode.l10n.t(
            'Appcircle has not received commit {0} on {1} yet (it learns of pushes through its webhook). Try again in a moment; no other commit was built.',
            plain(shortHash(t.commit) ?? t.commit),
            plain(t.branch.name),
          ),
          again,
        );
        return picked === again ? this.buildThisCommit() : undefined;
      }
      case 'ok': {
        // the server's ids, checked as a caller's would be (S17)
        const started = await this.startBuild(toBuildRef({ profileId: t.profile.id, branchId: t.branch.id, commitId: t.commitId }));
        void this.status.refresh();
        return started;
      }
    }
  }
}
