/**
 * What the agent tools share: the services they use (the commands' own), the refusal that answers in words instead
 * of failing (an unknown profile, no build of HEAD), and the lookups of a profile, branch or build from a tool's input.
 */
import * as vscode from 'vscode';
import type { Branch, Build, BuildProfile } from '../../core/builds/buildModels';
import { isActive, isFailure, isTerminal } from '../../core/builds/buildModels';
import type { BuildService } from '../../core/builds/buildService';
import type { CommitBuildState, CommitStatusService } from '../../core/commit/commitStatus';
import { matchByNameOrId } from '../../core/agent/nameMatch';
import type { NameMatch } from '../../core/agent/nameMatch';
import { plain } from '../../core/plainText';
import type { SessionService } from '../../core/session/sessionService';
import type { SigningService } from '../../core/signing/signingService';
import type { DistributionFeature } from '../distribution/distributionFeature';
import { firstLine, shortHash, statusLook } from '../presentation';
import type { StartBuildWizard } from '../builds/startBuild';
import type { BuildDiagnostics } from '../logs/buildDiagnostics';
import type { Operation } from '../errors/errorMessages';
import { data } from './toolText';

export interface ToolServices {
  readonly session: SessionService;
  readonly builds: BuildService;
  readonly commitStatus: CommitStatusService;
  /** The Problems panel's path mapping (build-machine path → workspace file). */
  readonly diagnostics: Pick<BuildDiagnostics, 'resolvePaths'>;
  /** Start Build's own start (its guard against a second start of a branch, its remembered choices, its message). */
  readonly starts: Pick<StartBuildWizard, 'startPlanned' | 'lastChoice'>;
  /** The signing identities with their expiry (the Signing Identities view's). */
  readonly signing: Pick<SigningService, 'identities' | 'warningDays'>;
  /** Testing Distribution, the Enterprise App Store and the upload (the Distribution view's and Send's). */
  readonly distribution: Pick<DistributionFeature, 'testing' | 'store' | 'uploads'>;
}

export type ToolInput = Record<string, unknown>;

export interface AgentTool {
  /** The operation its errors are worded as (errorMessages.ts). */
  readonly op: Operation;
  /** What the chat shows while it runs. */
  invocation(input: ToolInput): string;
  /** A write's confirmation: what exactly it will do (reads have none). */
  confirm?(input: ToolInput, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolConfirmationMessages | undefined>;
  invoke(input: ToolInput, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult>;
}

/** The tool cannot do what was asked, and says why in words (the answer, not an error). */
export class ToolRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolRefusal';
  }
}

/** A load's error as thrown (an ApiError, or anything else made an Error). */
export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** A model's name for something that several things or nothing has: say so, with the names there are. */
function refuse<T>(m: NameMatch<T>, what: string, wanted: string): T {
  if (m.kind === 'one') {
    return m.value;
  }
  if (m.kind === 'ambiguous') {
    throw new ToolRefusal(
      vscode.l10n.t('Several {0} match "{1}": {2}. Give the id instead.', what, plain(wanted), m.names.map((n) => plain(n)).join(', ')),
    );
  }
  throw new ToolRefusal(
    m.known.length
      ? vscode.l10n.t('No {0} matches "{1}". There are: {2}.', what, plain(wanted), m.known.map((n) => plain(n)).join(', '))
      : vscode.l10n.t('No {0} matches "{1}", and there are none.', what, plain(wanted)),
  );
}

/** The profile the input names, else the workspace's own (its repository is a git remote here). */
export async function profileOf(s: ToolServices, wanted: string | undefined): Promise<BuildProfile> {
  const r = await s.builds.profiles();
  if (r.error && r.value.length === 0) {
    throw asError(r.error);
  }
  if (wanted) {
    return refuse(matchByNameOrId(r.value, wanted), vscode.l10n.t('build profiles'), wanted);
  }
  const mine = r.value.find((p) => p.matchesWorkspace);
  if (!mine) {
    throw new ToolRefusal(
      vscode.l10n.t(
        "Say which build profile: no build profile of this organization builds this workspace's repository. Profiles: {0}.",
        r.value
          .slice(0, 20)
          .map((p) => plain(p.name))
          .join(', ') || vscode.l10n.t('none'),
      ),
    );
  }
  return mine;
}

/** The branch the input names, else the one checked out here (when the profile has it), else the last built. */
export async function branchOf(s: ToolServices, profile: BuildProfile, wanted: string | undefined): Promise<Branch> {
  const r = await s.builds.branches(profile.id);
  if (r.error && r.value.length === 0) {
    throw asError(r.error);
  }
  if (wanted) {
    return refuse(matchByNameOrId(r.value, wanted), vscode.l10n.t('branches of {0}', plain(profile.name)), wanted);
  }
  const checkedOut = s.commitStatus.gitHead?.branch;
  const b = (profile.matchesWorkspace && r.value.find((x) => x.name === checkedOut)) || r.value[0];
  if (!b) {
    throw new ToolRefusal(vscode.l10n.t('{0} has no branches in Appcircle yet.', plain(profile.name)));
  }
  return b;
}

/** The build of the commit you are on, as the status-bar item shows it (looked up now if it was not yet). */
export async function commitState(s: ToolServices): Promise<CommitBuildState> {
  const now = s.commitStatus.state;
  return now.kind === 'none' || now.kind === 'loading' ? s.commitStatus.refresh() : now;
}

/** Why there is no build of HEAD to read, in words. */
export function noCommitBuild(state: CommitBuildState): ToolRefusal {
  switch (state.kind) {
    case 'notBuilt':
      return new ToolRefusal(
        vscode.l10n.t(
          'Commit {0} has no Appcircle build in {1} yet. Start one with the start build tool (thisCommit), or ask for another build by its ids.',
          plain(shortHash(state.head.commit) ?? ''),
          plain(state.profile.name),
        ),
      );
    case 'error':
      return new ToolRefusal(vscode.l10n.t("The build of this commit could not be looked up. Try again, or give the build's ids."));
    default:
      return new ToolRefusal(
        vscode.l10n.t(
          "There is no build of the commit you are on: this workspace needs a git repository whose remote is the repository of an Appcircle build profile. Give the build's ids (from the builds tool) instead.",
        ),
      );
  }
}

/** A build named by the input's ids, or the build of HEAD; with what is known of it. */
export interface BuildTarget {
  commitId?: string;
  buildId?: string;
  queueItemId?: string;
  build?: Build;
  profile?: BuildProfile;
  branch?: Branch;
  /** Whether the build failed (undefined: not known from the ids alone). */
  failed?: boolean;
  active?: boolean;
}

/** The build the input's ids name (`buildId` with `commitId`, or `queueItemId`), else the build of HEAD. */
export async function buildOf(s: ToolServices, input: { buildId?: string; commitId?: string; queueItemId?: string }): Promise<BuildTarget> {
  if (input.buildId && input.commitId) {
    return { buildId: input.buildId, commitId: input.commitId, queueItemId: input.queueItemId };
  }
  if (input.queueItemId) {
    const q = await s.builds.queueItem(input.queueItemId);
    return {
      queueItemId: input.queueItemId,
      buildId: q.buildId,
      commitId: q.commitId,
      failed: isTerminal(q.status) ? isFailure(q.status) : undefined,
      active: isActive(q.status),
    };
  }
  if (input.buildId || input.commitId) {
    throw new ToolRefusal(
      vscode.l10n.t(
        'Give both buildId and commitId (the builds tool lists them), or a queueItemId, or neither for the build of the commit you are on.',
      ),
    );
  }
  const state = await commitState(s);
  if (state.kind !== 'build') {
    throw noCommitBuild(state);
  }
  const b = state.build;
  return {
    buildId: b.id,
    commitId: b.commitId,
    queueItemId: b.queueItemId ?? s.builds.queueItemFor(b),
    build: b,
    profile: state.profile,
    branch: state.branch,
    failed: isFailure(b.status),
    active: isActive(b.status),
  };
}

/** A status as a stable word for the data (the sentence says it in the user's language). */
export function statusWord(status: Build['status'], hasWarning = false): string {
  return statusLook(status, hasWarning).word.split(' ')[0] + (hasWarning && status === 0 ? ' with warnings' : '');
}

/** A build as data: its ids (what the other tools take), status, commit, message, times. */
export function buildData(b: Build): Record<string, unknown> {
  return {
    buildId: b.id,
    commitId: b.commitId,
    queueItemId: isActive(b.status) ? b.queueItemId : undefined,
    status: statusWord(b.status, b.hasWarning),
    commit: data(shortHash(b.commitHash)),
    message: data(firstLine(b.commitMessage), 200),
    author: data(b.author, 80),
    started: data(b.startDate, 40),
    durationSec: b.durationSec,
    workflow: data(b.workflowName),
    configuration: data(b.configurationName),
  };
}

export function profileData(p: BuildProfile): Record<string, unknown> {
  return {
    id: p.id,
    name: data(p.name),
    platform: p.platform,
    repository: data(p.repositoryName),
    thisWorkspace: p.matchesWorkspace,
    lastBuild: data(p.lastBuildDate, 40),
  };
}
