/** Build commands: Start Build, Rebuild, Cancel, Show Log, Download Artifacts, Open in Appcircle, Copy Build Id, Refresh. */
import * as vscode from 'vscode';
import type { Branch, BuildProfile, BuildStatusCode } from '../../core/builds/buildModels';
import { isActive, isTerminal } from '../../core/builds/buildModels';
import type { BuildService, StartedBuild } from '../../core/builds/buildService';
import { NotSignedInError, UserCancelledError } from '../../core/errors';
import { MAX_MESSAGE_LENGTH, plain } from '../../core/plainText';
import { isGuid } from '../../core/session/validation';
import type { SessionService } from '../../core/session/sessionService';
import { buildLogPageUrl, isOpenableDashboardUrl, profilePageUrl } from './dashboardLinks';
import { logUri } from '../logs/logUri';
import { LOG_LANGUAGE } from '../../constants';
import { firstLine, shortHash, statusLook } from '../presentation';
import { pick } from '../prompts';
import { BranchNode, BuildNode, LoadMoreNode, MessageNode, ProfileNode, QueueNode, refreshScopeOf } from '../tree/nodes';
import { NoCommitsError, NothingToChooseError } from '../uiErrors';
import { downloadArtifactsCommand } from './artifacts';

const LAST_CHOICE_KEY = 'appcircle.startBuild.lastChoice';

interface LastChoice {
  branchId?: string;
  workflowId?: string;
  configurationId?: string;
}

export interface StartBuildArgs {
  profileId?: string;
  branchId?: string;
  workflowId?: string;
  configurationId?: string;
  commitId?: string;
}

export class BuildCommands {
  /** `profileId/branchId` of the starts in flight, from the moment the branch is known until the start request settles. */
  private readonly starting = new Set<string>();

  constructor(
    private readonly builds: BuildService,
    private readonly session: SessionService,
    private readonly state: vscode.Memento,
    private readonly dashboardUrl: () => string,
    private readonly currentGitBranches: () => Promise<string[]>,
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
   * Profile → branch → workflow → configuration, skipping single-option steps; remembers choices per profile.
   * A second start of a branch whose start is still in flight is ignored (a double click on a branch whose every
   * step has one option would otherwise start two builds without a single prompt).
   */
  async startBuild(arg?: unknown): Promise<StartedBuild | undefined> {
    if (!this.session.isSignedIn) {
      throw new NotSignedInError();
    }
    const args: StartBuildArgs = isStartArgs(arg) ? arg : {};
    let profile: BuildProfile | undefined = arg instanceof ProfileNode || arg instanceof BranchNode ? arg.profile : undefined;
    let branch: Branch | undefined = arg instanceof BranchNode ? arg.branch : undefined;
    const profiles = (await this.builds.profiles()).value;
    if (!profile && args.profileId) {
      profile = profiles.find((p) => p.id === args.profileId);
    }
    if (!profile) {
      profile = (
        await pick(
          profiles.map((p) => ({
            label: plain(p.name),
            description: [plain(p.repositoryName), p.matchesWorkspace ? vscode.l10n.t('this workspace') : ''].filter(Boolean).join(' · '),
            p,
          })),
          { title: vscode.l10n.t('Start Build (1/4): build profile'), placeHolder: vscode.l10n.t('Pick the build profile') },
        )
      ).p;
    }
    const chosenProfile = profile;
    const last = this.state.get<Record<string, LastChoice>>(LAST_CHOICE_KEY, {})[chosenProfile.id] ?? {};
    if (!branch) {
      const branches = (await this.builds.branches(chosenProfile.id)).value;
      branch = branches.find((b) => b.id === args.branchId);
      if (!branch) {
        const gitBranches = await this.currentGitBranches().catch(() => [] as string[]);
        const preferred = branches.find((b) => gitBranches.includes(b.name))?.id ?? last.branchId;
        branch = await this.choose(
          branches,
          (b) => ({
            label: plain(b.name),
            description: [b.id === preferred ? vscode.l10n.t('current') : '', statusLook(b.lastStatus).label].filter(Boolean).join(' · '),
          }),
          vscode.l10n.t('Start Build (2/4): branch of {0}', plain(chosenProfile.name)),
          preferred,
        );
      }
    }
    const chosenBranch = branch;
    const key = `${chosenProfile.id}/${chosenBranch.id}`;
    if (this.starting.has(key)) {
      return undefined;
    }
    this.starting.add(key);
    try {
      return await this.startOnBranch(arg, args, chosenProfile, chosenBranch, last);
    } finally {
      this.starting.delete(key);
    }
  }

  private async startOnBranch(
    arg: unknown,
    args: StartBuildArgs,
    chosenProfile: BuildProfile,
    chosenBranch: Branch,
    last: LastChoice,
  ): Promise<StartedBuild> {
    const [workflows, configurations] = await Promise.all([
      this.builds.workflows(chosenProfile.id),
      this.builds.configurations(chosenProfile.id),
    ]);
    // automation (arguments with a branch) never prompts: the remembered or first workflow / configuration
    const auto = isStartArgs(arg) && args.branchId !== undefined;
    const workflow =
      workflows.find((w) => w.id === args.workflowId) ??
      (auto ? (workflows.find((w) => w.id === last.workflowId) ?? workflows[0]) : undefined) ??
      (await this.choose(workflows, (w) => ({ label: plain(w.name) }), vscode.l10n.t('Start Build (3/4): workflow'), last.workflowId));
    const configuration =
      configurations.find((c) => c.id === args.configurationId) ??
      (auto ? (configurations.find((c) => c.id === last.configurationId) ?? configurations[0]) : undefined) ??
      (await this.choose(
        configurations,
        (c) => ({ label: plain(c.name) }),
        vscode.l10n.t('Start Build (4/4): configuration'),
        last.configurationId,
      ));
    let commitId = args.commitId;
    if (!commitId) {
      const commits = await this.builds.commits(chosenBranch.id);
      commitId = commits[0]?.id;
      if (!commitId) {
        throw new NoCommitsError(chosenBranch.name);
      }
    }
    const all = this.state.get<Record<string, LastChoice>>(LAST_CHOICE_KEY, {});
    await this.state.update(LAST_CHOICE_KEY, {
      ...all,
      [chosenProfile.id]: { branchId: chosenBranch.id, workflowId: workflow.id, configurationId: configuration.id },
    });
    const started = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Starting Appcircle build…') },
      () =>
        this.builds.startBuild({
          profileId: chosenProfile.id,
          branchId: chosenBranch.id,
          branchName: chosenBranch.name,
          commitId: commitId,
          workflowId: workflow.id,
          configurationId: configuration.id,
        }),
    );
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Build started: {0} / {1} ({2}, {3}). You will be notified when it ends.',
        plain(chosenProfile.name),
        plain(chosenBranch.name),
        plain(workflow.name),
        plain(configuration.name),
      ),
    );
    return started;
  }

  /** Rebuild: the same commit again, same branch, remembered workflow/configuration. */
  async rebuild(node: unknown): Promise<StartedBuild | undefined> {
    if (!(node instanceof BuildNode)) {
      return this.startBuild();
    }
    return this.startBuild({ profileId: node.profile.id, branchId: node.branch.id, commitId: node.build.commitId });
  }

  /**
   * Cancel (B16, unverified), then say only what happened: the queue item is read back, and only
   * `cancelling: true` or status Canceled counts (docs/appcircle-api.md §4.7). Otherwise Appcircle did not confirm it,
   * and Open in Appcircle shows the build's log page in the dashboard, where cancelling works.
   */
  async cancel(node: unknown): Promise<void> {
    let id: string | undefined;
    let label = '';
    let profileId: string | undefined;
    let commitId: string | undefined;
    if (node instanceof QueueNode) {
      id = node.entry.id;
      label = `${plain(node.entry.profileName)} / ${plain(node.entry.branchName)}`;
      profileId = node.entry.profileId;
      commitId = node.entry.commitId;
    } else if (node instanceof BuildNode && isActive(node.build.status)) {
      id = this.builds.queueItemFor(node.build);
      label = `${plain(node.profile.name)} / ${plain(node.branch.name)}`;
      profileId = node.profile.id;
      commitId = node.build.commitId;
    }
    if (!id) {
      void vscode.window.showInformationMessage(vscode.l10n.t('This build is not waiting or running any more.'));
      return;
    }
    const yes = vscode.l10n.t('Cancel Build');
    const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Cancel the build of {0}?', label), { modal: true }, yes);
    if (answer !== yes) {
      throw new UserCancelledError();
    }
    const r = await this.builds.cancel(id);
    switch (r.kind) {
      case 'canceled':
        void vscode.window.showInformationMessage(vscode.l10n.t('The build of {0} was canceled.', label));
        return;
      case 'cancelling':
        void vscode.window.showInformationMessage(vscode.l10n.t('Appcircle is cancelling the build of {0}.', label));
        return;
      case 'ended':
        void vscode.window.showInformationMessage(
          vscode.l10n.t(
            'The build of {0} had already ended ({1}); there was nothing to cancel.',
            label,
            statusLook(r.status).label.toLowerCase(),
          ),
        );
        return;
      case 'notConfirmed': {
        const open = vscode.l10n.t('Open in Appcircle');
        const message =
          r.status === undefined
            ? vscode.l10n.t(
                'Appcircle did not confirm the cancel of the build of {0}. Check the build in the Appcircle dashboard and cancel it there if it still runs.',
                label,
              )
            : vscode.l10n.t(
                'Appcircle did not confirm the cancel of the build of {0}: it still shows the build as {1}. Cancel it in the Appcircle dashboard.',
                label,
                statusLook(r.status).label.toLowerCase(),
              );
        const picked = await vscode.window.showWarningMessage(message, open);
        if (picked === open) {
          const url = buildLogPageUrl(this.dashboardUrl(), {
            profileId: r.profileId ?? profileId,
            commitId: r.commitId ?? commitId,
            queueItemId: id,
            running: true,
          });
          await this.openDashboard(url);
        }
        return;
      }
    }
  }

  async showLog(node: unknown): Promise<void> {
    const uri = this.logUriFor(node);
    if (!uri) {
      return;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, LOG_LANGUAGE);
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  logUriFor(node: unknown): vscode.Uri | undefined {
    if (node instanceof BuildNode) {
      const b = node.build;
      return logUri({
        profileName: node.profile.name,
        branchName: node.branch.name,
        commitId: b.commitId,
        buildId: b.id,
        queueItemId: isActive(b.status) ? this.builds.queueItemFor(b) : undefined,
        status: isTerminal(b.status) ? b.status : undefined,
        profileId: node.profile.id,
        branchId: node.branch.id,
        label: vscode.l10n.t('Build {0} {1}', shortHash(b.commitHash) ?? b.id.slice(0, 8), plain(firstLine(b.commitMessage), 40)).trim(),
      });
    }
    if (node instanceof QueueNode) {
      const e = node.entry;
      return logUri({
        profileName: e.profileName ?? vscode.l10n.t('profile'),
        branchName: e.branchName ?? vscode.l10n.t('branch'),
        commitId: e.commitId,
        queueItemId: e.id,
        profileId: e.profileId,
        label: vscode.l10n.t('Build {0}', shortHash(e.commitHash) ?? e.id.slice(0, 8)),
      });
    }
    if (isFinishedLike(node)) {
      return logUri({
        profileName: node.profileName ?? vscode.l10n.t('profile'),
        branchName: node.branchName ?? vscode.l10n.t('branch'),
        commitId: node.commitId,
        buildId: node.buildId,
        queueItemId: node.queueItemId,
        status: isTerminal(node.status) ? node.status : undefined,
        profileId: node.profileId,
        branchId: node.branchId,
        label: vscode.l10n.t('Build {0}', node.buildId?.slice(0, 8) ?? node.queueItemId.slice(0, 8)),
      });
    }
    return undefined;
  }

  /**
   * A tree node, or a finished build as the notification passes it (its ids must be GUIDs). The folder is always
   * the user's choice in the dialog: no argument names it (security review S17).
   */
  async downloadArtifacts(node: unknown): Promise<string | undefined> {
    if (node instanceof BuildNode) {
      return downloadArtifactsCommand(this.builds, this.state, {
        commitId: node.build.commitId,
        buildId: node.build.id,
        profileName: node.profile.name,
        branchName: node.branch.name,
      });
    }
    if (isFinishedLike(node) && node.buildId && node.commitId) {
      return downloadArtifactsCommand(this.builds, this.state, {
        commitId: node.commitId,
        buildId: node.buildId,
        profileName: typeof node.profileName === 'string' ? node.profileName : 'profile',
        branchName: typeof node.branchName === 'string' ? node.branchName : 'branch',
      });
    }
    return undefined;
  }

  /** A build's own log page in the dashboard (docs/appcircle-api.md §9); the profile page for profiles and branches. */
  async openInAppcircle(node: unknown): Promise<void> {
    await this.openDashboard(this.dashboardUrlFor(node));
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

  dashboardUrlFor(node: unknown): string {
    let target: { profileId?: string; commitId?: string; buildId?: string; queueItemId?: string; running: boolean } | undefined;
    if (node instanceof BuildNode) {
      const b = node.build;
      const running = isActive(b.status);
      target = {
        profileId: node.profile.id,
        commitId: b.commitId,
        buildId: b.id,
        queueItemId: running ? (this.builds.queueItemFor(b) ?? b.id) : undefined,
        running,
      };
    } else if (node instanceof QueueNode) {
      target = { profileId: node.entry.profileId, commitId: node.entry.commitId, queueItemId: node.entry.id, running: true };
    } else if (isFinishedLike(node)) {
      const running = node.status !== undefined && isActive(node.status);
      target = { profileId: node.profileId, commitId: node.commitId, buildId: node.buildId, queueItemId: node.queueItemId, running };
    }
    if (target) {
      return buildLogPageUrl(this.dashboardUrl(), target);
    }
    const profileId = node instanceof ProfileNode || node instanceof BranchNode ? node.profile.id : undefined;
    return profilePageUrl(this.dashboardUrl(), profileId);
  }

  async copyBuildId(node: unknown): Promise<void> {
    const id = node instanceof BuildNode ? node.build.id : node instanceof QueueNode ? node.entry.id : undefined;
    if (id) {
      await vscode.env.clipboard.writeText(id);
      void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied build id {0}', plain(id)), 3000);
    }
  }

  private async choose<T extends { id: string }>(
    items: T[],
    toItem: (t: T) => vscode.QuickPickItem,
    title: string,
    preferredId?: string,
  ): Promise<T> {
    if (items.length === 0) {
      throw new NothingToChooseError(title);
    }
    if (items.length === 1) {
      return items[0];
    }
    const ordered = preferredId ? [...items.filter((i) => i.id === preferredId), ...items.filter((i) => i.id !== preferredId)] : items;
    return (
      await pick(
        ordered.map((t) => ({ ...toItem(t), t })),
        { title },
      )
    ).t;
  }
}

interface FinishedLike {
  queueItemId: string;
  status?: BuildStatusCode;
  branchId?: string;
  profileId?: string;
  profileName?: string;
  branchName?: string;
  commitId?: string;
  buildId?: string;
}

/** Each of `keys` absent, or a GUID: ids from a caller are never sent on as they came (S17). */
function guidsOrAbsent(x: object, keys: readonly string[]): boolean {
  const r = x as Record<string, unknown>;
  return keys.every((k) => r[k] === undefined || (typeof r[k] === 'string' && isGuid(r[k])));
}

/** A finished build as the notification passes it: its queue item id and every other id it has are GUIDs. */
function isFinishedLike(x: unknown): x is FinishedLike {
  return (
    !!x &&
    typeof x === 'object' &&
    typeof (x as FinishedLike).queueItemId === 'string' &&
    guidsOrAbsent(x, ['queueItemId', 'buildId', 'commitId', 'profileId', 'branchId'])
  );
}

/** Start Build arguments (Build This Commit, Rebuild, automation): every id a GUID, else they are ignored and the user picks. */
function isStartArgs(x: unknown): x is StartBuildArgs {
  return (
    !!x &&
    typeof x === 'object' &&
    !(x instanceof ProfileNode) &&
    !(x instanceof BranchNode) &&
    ('profileId' in x || 'branchId' in x) &&
    guidsOrAbsent(x, ['profileId', 'branchId', 'workflowId', 'configurationId', 'commitId'])
  );
}
