/**
 * Start Build and Rebuild: the wizard profile → branch → workflow → configuration ("Start Build (n/4)"), which
 * skips a step with a single option, starts from a profile or branch row, takes ids from a caller (Build This
 * Commit, Rebuild, automation) and remembers the choices per profile; one start per branch at a time.
 */
import * as vscode from 'vscode';
import type { Branch, BuildProfile } from '../../core/builds/buildModels';
import type { BuildService, StartedBuild } from '../../core/builds/buildService';
import { NotSignedInError } from '../../core/errors';
import { plain } from '../../core/plainText';
import type { SessionService } from '../../core/session/sessionService';
import { statusLook } from '../presentation';
import { pick } from '../prompts';
import { NoCommitsError, NothingToChooseError } from '../errors/buildErrors';
import type { BuildRef } from './buildRef';
import { toBuildRef } from './buildRef';

const LAST_CHOICE_KEY = 'appcircle.startBuild.lastChoice';

interface LastChoice {
  branchId?: string;
  workflowId?: string;
  configurationId?: string;
}

/** A caller's ids (`ids` refs only: a tree row's ids are no choice of workflow or commit). */
type StartArgs = Pick<BuildRef, 'profileId' | 'branchId' | 'workflowId' | 'configurationId' | 'commitId'>;

export class StartBuildWizard {
  /** `profileId/branchId` of the starts in flight, from the moment the branch is known until the start request settles. */
  private readonly starting = new Set<string>();

  constructor(
    private readonly builds: BuildService,
    private readonly session: SessionService,
    private readonly state: vscode.Memento,
    private readonly currentGitBranches: () => Promise<string[]>,
  ) {}

  /**
   * Profile → branch → workflow → configuration, skipping single-option steps; remembers choices per profile.
   * A second start of a branch whose start is still in flight is ignored (a double click on a branch whose every
   * step has one option would otherwise start two builds without a single prompt).
   */
  async start(ref?: BuildRef): Promise<StartedBuild | undefined> {
    if (!this.session.isSignedIn) {
      throw new NotSignedInError();
    }
    const args: StartArgs = ref?.source === 'ids' ? ref : {};
    const profiles = (await this.builds.profiles()).value;
    const profile =
      ref?.profile ?? profiles.find((p) => args.profileId !== undefined && p.id === args.profileId) ?? (await this.pickProfile(profiles));
    const last = this.state.get<Record<string, LastChoice>>(LAST_CHOICE_KEY, {})[profile.id] ?? {};
    const branch = ref?.branch ?? (await this.branchOf(profile, args.branchId, last));
    const key = `${profile.id}/${branch.id}`;
    if (this.starting.has(key)) {
      return undefined;
    }
    this.starting.add(key);
    try {
      // automation (arguments with a branch) never prompts: the remembered or first workflow / configuration
      return await this.startOnBranch(args, args.branchId !== undefined, profile, branch, last);
    } finally {
      this.starting.delete(key);
    }
  }

  /** Rebuild: the same commit again, same branch, remembered workflow/configuration. */
  rebuild(ref?: BuildRef): Promise<StartedBuild | undefined> {
    if (ref?.source !== 'build') {
      return this.start();
    }
    // the ids go through the same check as a caller's (S17)
    return this.start(toBuildRef({ profileId: ref.profileId, branchId: ref.branchId, commitId: ref.commitId }));
  }

  private async pickProfile(profiles: BuildProfile[]): Promise<BuildProfile> {
    return (
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

  /** The branch with the given id, else the user's pick (the current git branch, then the remembered one, first). */
  private async branchOf(profile: BuildProfile, branchId: string | undefined, last: LastChoice): Promise<Branch> {
    const branches = (await this.builds.branches(profile.id)).value;
    const given = branches.find((b) => b.id === branchId);
    if (given) {
      return given;
    }
    const gitBranches = await this.currentGitBranches().catch(() => [] as string[]);
    const preferred = branches.find((b) => gitBranches.includes(b.name))?.id ?? last.branchId;
    return this.choose(
      branches,
      (b) => ({
        label: plain(b.name),
        description: [b.id === preferred ? vscode.l10n.t('current') : '', statusLook(b.lastStatus).label].filter(Boolean).join(' · '),
      }),
      vscode.l10n.t('Start Build (2/4): branch of {0}', plain(profile.name)),
      preferred,
    );
  }

  private async startOnBranch(
    args: StartArgs,
    auto: boolean,
    profile: BuildProfile,
    branch: Branch,
    last: LastChoice,
  ): Promise<StartedBuild> {
    const [workflows, configurations] = await Promise.all([this.builds.workflows(profile.id), this.builds.configurations(profile.id)]);
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
      const commits = await this.builds.commits(branch.id);
      commitId = commits[0]?.id;
      if (!commitId) {
        throw new NoCommitsError(branch.name);
      }
    }
    const all = this.state.get<Record<string, LastChoice>>(LAST_CHOICE_KEY, {});
    await this.state.update(LAST_CHOICE_KEY, {
      ...all,
      [profile.id]: { branchId: branch.id, workflowId: workflow.id, configurationId: configuration.id },
    });
    const started = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Starting Appcircle build…') },
      () =>
        this.builds.startBuild({
          profileId: profile.id,
          branchId: branch.id,
          branchName: branch.name,
          commitId: commitId,
          workflowId: workflow.id,
          configurationId: configuration.id,
        }),
    );
    // a status bar message, not a toast: the Active Builds view shows the build (its badge counts it) and a
    // notification comes when it ends
    vscode.window.setStatusBarMessage(
      vscode.l10n.t(
        'Build started: {0} / {1} ({2}, {3}). You will be notified when it ends.',
        plain(profile.name),
        plain(branch.name),
        plain(workflow.name),
        plain(configuration.name),
      ),
      5000,
    );
    return started;
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
