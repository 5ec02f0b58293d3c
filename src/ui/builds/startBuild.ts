/**
 * Start Build and Rebuild: the wizard profile → branch → workflow → configuration ("Start Build (n/total)", counting
 * only the steps shown), which skips a step with a single option, starts from a profile or branch row, takes ids from a caller (Build This
 * Commit, Rebuild, automation) and remembers the choices per profile; one start per branch at a time.
 */
import * as vscode from 'vscode';
import type { Branch, BuildProfile, Configuration, Workflow } from '../../core/builds/buildModels';
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

/** The wizard's steps after the profile: each given (or auto-picked) or to pick, and how many will be shown. */
interface Plan {
  branches: Branch[];
  branch?: Branch;
  workflows: Workflow[];
  workflow?: Workflow;
  configurations: Configuration[];
  configuration?: Configuration;
  shown: number;
}

/** "Start Build (n/total)": the steps shown so far (counting this one) of the steps that will be shown. */
interface Steps {
  n: number;
  total: number;
}

interface StepWords {
  title: (n: number, total: number) => string;
  /** The title when this is the only step shown (no count); also what a step with no options names. */
  single: string;
  placeHolder: string;
}

/** A start with every choice made (StartBuildWizard.startPlanned). */
export interface PlannedStart {
  profile: BuildProfile;
  branch: Branch;
  workflow: Workflow;
  configuration: Configuration;
  commitId: string;
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
    const given = ref?.profile ?? profiles.find((p) => args.profileId !== undefined && p.id === args.profileId);
    // the profile step's count cannot know the later steps (they depend on the profile picked): it has none
    const profile = given ?? (await this.pickProfile(profiles));
    const last = this.state.get<Record<string, LastChoice>>(LAST_CHOICE_KEY, {})[profile.id] ?? {};
    // automation (arguments with a branch) never prompts: the remembered or first workflow / configuration
    const plan = await this.planOf(profile, ref?.branch, args, args.branchId !== undefined, last);
    const steps: Steps = { n: given ? 0 : 1, total: (given ? 0 : 1) + plan.shown };
    const branch = plan.branch ?? (await this.pickBranch(profile, plan.branches, last, steps));
    const key = `${profile.id}/${branch.id}`;
    if (this.starting.has(key)) {
      return undefined;
    }
    this.starting.add(key);
    try {
      return await this.startOnBranch(args, profile, branch, plan, last, steps);
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
        { title: vscode.l10n.t('Start Build: build profile'), placeHolder: vscode.l10n.t('Pick the build profile') },
      )
    ).p;
  }

  /**
   * What the steps after the profile will be: each given (by the caller, a tree row or, for automation, the
   * remembered or first choice) or to pick, and how many of them will be shown (a single option is not shown).
   */
  private async planOf(profile: BuildProfile, row: Branch | undefined, args: StartArgs, auto: boolean, last: LastChoice): Promise<Plan> {
    const [branches, workflows, configurations] = await Promise.all([
      row ? Promise.resolve([row]) : this.builds.branches(profile.id).then((r) => r.value),
      this.builds.workflows(profile.id),
      this.builds.configurations(profile.id),
    ]);
    const branch = row ?? branches.find((b) => args.branchId !== undefined && b.id === args.branchId);
    const workflow =
      workflows.find((w) => w.id === args.workflowId) ??
      (auto ? (workflows.find((w) => w.id === last.workflowId) ?? workflows[0]) : undefined);
    const configuration =
      configurations.find((c) => c.id === args.configurationId) ??
      (auto ? (configurations.find((c) => c.id === last.configurationId) ?? configurations[0]) : undefined);
    const shows = (chosen: unknown, options: unknown[]) => (chosen === undefined && options.length > 1 ? 1 : 0);
    return {
      branches,
      branch,
      workflows,
      workflow,
      configurations,
      configuration,
      shown: shows(branch, branches) + shows(workflow, workflows) + shows(configuration, configurations),
    };
  }

  /** The user's pick of a branch (the current git branch, then the remembered one, first). */
  private async pickBranch(profile: BuildProfile, branches: Branch[], last: LastChoice, steps: Steps): Promise<Branch> {
    const gitBranches = await this.currentGitBranches().catch(() => [] as string[]);
    const preferred = branches.find((b) => gitBranches.includes(b.name))?.id ?? last.branchId;
    const name = plain(profile.name);
    return this.choose(
      branches,
      (b) => ({
        label: plain(b.name),
        description: [b.id === preferred ? vscode.l10n.t('current') : '', statusLook(b.lastStatus).label].filter(Boolean).join(' · '),
      }),
      steps,
      {
        title: (n, total) => vscode.l10n.t('Start Build ({0}/{1}): branch of {2}', n, total, name),
        single: vscode.l10n.t('Start Build: branch of {0}', name),
        placeHolder: vscode.l10n.t('Pick the branch to build'),
      },
      preferred,
    );
  }

  private async startOnBranch(
    args: StartArgs,
    profile: BuildProfile,
    branch: Branch,
    plan: Plan,
    last: LastChoice,
    steps: Steps,
  ): Promise<StartedBuild> {
    const workflow =
      plan.workflow ??
      (await this.choose(
        plan.workflows,
        (w) => ({ label: plain(w.name) }),
        steps,
        {
          title: (n, total) => vscode.l10n.t('Start Build ({0}/{1}): workflow', n, total),
          single: vscode.l10n.t('Start Build: workflow'),
          placeHolder: vscode.l10n.t('Pick the workflow to run'),
        },
        last.workflowId,
      ));
    const configuration =
      plan.configuration ??
      (await this.choose(
        plan.configurations,
        (c) => ({ label: plain(c.name) }),
        steps,
        {
          title: (n, total) => vscode.l10n.t('Start Build ({0}/{1}): configuration', n, total),
          single: vscode.l10n.t('Start Build: configuration'),
          placeHolder: vscode.l10n.t('Pick the build configuration'),
        },
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
    return this.launch({ profile, branch, workflow, configuration, commitId });
  }

  /**
   * A start whose every choice is made (the agent's start build tool, after its confirmation named them): the same
   * guard against a second start of a branch in flight, the same remembered choices and message as the wizard.
   * Undefined when a start of that branch is in flight already.
   */
  async startPlanned(plan: PlannedStart): Promise<StartedBuild | undefined> {
    if (!this.session.isSignedIn) {
      throw new NotSignedInError();
    }
    const key = `${plan.profile.id}/${plan.branch.id}`;
    if (this.starting.has(key)) {
      return undefined;
    }
    this.starting.add(key);
    try {
      return await this.launch(plan);
    } finally {
      this.starting.delete(key);
    }
  }

  /** The workflow and configuration last started on a profile (what automation picks when none is given). */
  lastChoice(profileId: string): { workflowId?: string; configurationId?: string } {
    const c = this.state.get<Record<string, LastChoice>>(LAST_CHOICE_KEY, {})[profileId] ?? {};
    return { workflowId: c.workflowId, configurationId: c.configurationId };
  }

  /** Remembers the choices, starts the build, and says so in the status bar. */
  private async launch({ profile, branch, workflow, configuration, commitId }: PlannedStart): Promise<StartedBuild> {
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
          commitId,
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
    steps: Steps,
    words: StepWords,
    preferredId?: string,
  ): Promise<T> {
    if (items.length === 0) {
      throw new NothingToChooseError(words.single);
    }
    if (items.length === 1) {
      return items[0];
    }
    steps.n++;
    const title = steps.total > 1 ? words.title(steps.n, steps.total) : words.single;
    const ordered = preferredId ? [...items.filter((i) => i.id === preferredId), ...items.filter((i) => i.id !== preferredId)] : items;
    return (
      await pick(
        ordered.map((t) => ({ ...toItem(t), t })),
        { title, placeHolder: words.placeHolder },
      )
    ).t;
  }
}
