/**
 * The agent's two writes: start a build (a profile and branch, or "this commit" as Build This Commit does) and
 * cancel one. Each asks first, naming exactly what it will do; what was confirmed is what is done (the plan made
 * for the confirmation is kept for the invocation that follows it). They go through Start Build's and Cancel
 * Build's own services, guards and words, so the build shows in Active Builds and its end is notified. Nothing is
 * written without its confirmation: an invocation whose plan was not confirmed writes nothing.
 */
import * as vscode from 'vscode';
import type { Branch, BuildProfile, Configuration, Workflow } from '../../core/builds/buildModels';
import { isTerminal } from '../../core/builds/buildModels';
import { matchByNameOrId } from '../../core/agent/nameMatch';
import { plain, plainMarkdown } from '../../core/plainText';
import { firstLine, shortHash } from '../presentation';
import { cancelOutcomeText } from '../builds/buildCommands';
import { branchOf, commitState, profileOf, ToolRefusal } from './toolLookups';
import type { AgentTool, ToolInput, ToolServices } from './toolLookups';
import { answer, data, flagField, textField } from './toolText';

/** A confirmed plan is used by the invocation that follows within this time, else planned again. */
export const PLAN_TTL_MS = 5 * 60_000;

interface StartPlan {
  profile: BuildProfile;
  branch: Branch;
  workflow: Workflow;
  configuration: Configuration;
  commit: { id: string; hash?: string; message?: string };
  thisCommit: boolean;
}

/** Plans kept from a confirmation for its invocation, by input; a few at most. */
class PlanMemo<T> {
  private readonly plans = new Map<string, { plan: T; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  put(input: ToolInput, plan: T): void {
    if (this.plans.size >= 8) {
      this.plans.clear();
    }
    this.plans.set(JSON.stringify(input), { plan, at: this.now() });
  }

  take(input: ToolInput): T | undefined {
    const key = JSON.stringify(input);
    const p = this.plans.get(key);
    this.plans.delete(key);
    return p && this.now() - p.at <= PLAN_TTL_MS ? p.plan : undefined;
  }
}

/**
 * An invocation without the plan its confirmation showed (the confirmation failed, or came too long ago): nothing
 * is written. Planning again tells why when there is a reason (an unknown branch, a build that ended); otherwise the
 * agent is told to ask again, which confirms again.
 */
async function unconfirmed(plan: Promise<unknown>): Promise<never> {
  await plan;
  throw new ToolRefusal(vscode.l10n.t('Nothing was done: it was not confirmed. Ask again to be asked to confirm it.'));
}

function choose<T extends { id: string; name: string }>(
  items: T[],
  wanted: string | undefined,
  rememberedId: string | undefined,
  what: string,
): T {
  if (wanted) {
    const m = matchByNameOrId(items, wanted);
    if (m.kind === 'one') {
      return m.value;
    }
    throw new ToolRefusal(
      vscode.l10n.t(
        'No single {0} matches "{1}". There are: {2}.',
        what,
        plain(wanted),
        items
          .map((i) => plain(i.name))
          .slice(0, 20)
          .join(', '),
      ),
    );
  }
  const picked = items.find((i) => i.id === rememberedId) ?? items[0];
  if (!picked) {
    throw new ToolRefusal(vscode.l10n.t('The build profile has no {0} to run.', what));
  }
  return picked;
}

/** Build This Commit's target, or why there is none, in words. */
async function commitTarget(s: ToolServices): Promise<{ profile: BuildProfile; branch: Branch; commit: StartPlan['commit'] }> {
  const t = await s.commitStatus.buildTarget();
  switch (t.kind) {
    case 'ok': {
      const known = (await s.builds.commits(t.branch.id)).find((c) => c.id === t.commitId);
      return { profile: t.profile, branch: t.branch, commit: { id: t.commitId, hash: t.commit, message: known?.message } };
    }
    case 'noRepository':
      throw new ToolRefusal(vscode.l10n.t('Build This Commit needs a git repository with a commit checked out in this workspace.'));
    case 'noProfile':
      throw new ToolRefusal(
        vscode.l10n.t(
          'No Appcircle build profile builds this repository. Connect the repository to a build profile in Appcircle, or switch to the organization that has it.',
        ),
      );
    case 'notPushed':
      throw new ToolRefusal(
        vscode.l10n.t(
          'Push first: commit {0} is not on the remote yet ({1} commits ahead). Appcircle builds what it has received.',
          plain(shortHash(t.commit) ?? t.commit),
          t.ahead,
        ),
      );
    case 'noBranch':
      throw new ToolRefusal(
        t.branchName
          ? vscode.l10n.t(
              'Appcircle has no branch {0} in {1} yet. Push the branch first; Appcircle lists it once its webhook reports the push.',
              plain(t.branchName),
              plain(t.profile.name),
            )
          : vscode.l10n.t(
              'HEAD is detached, and no branch of {0} in Appcircle has this commit among its recent builds. Check out a branch to build it.',
              plain(t.profile.name),
            ),
      );
    case 'notReceived':
      throw new ToolRefusal(
        vscode.l10n.t(
          'Appcircle has not received commit {0} on {1} yet (it learns of pushes through its webhook). Try again in a moment; no other commit was built.',
          plain(shortHash(t.commit) ?? t.commit),
          plain(t.branch.name),
        ),
      );
  }
}

async function planStart(s: ToolServices, input: ToolInput): Promise<StartPlan> {
  const thisCommit = flagField(input, 'thisCommit');
  let target: { profile: BuildProfile; branch: Branch; commit?: StartPlan['commit'] };
  if (thisCommit) {
    target = await commitTarget(s);
  } else {
    const profile = await profileOf(s, textField(input, 'profile'));
    target = { profile, branch: await branchOf(s, profile, textField(input, 'branch')) };
  }
  const { profile, branch } = target;
  const [workflows, configurations, commits] = await Promise.all([
    s.builds.workflows(profile.id),
    s.builds.configurations(profile.id),
    target.commit ? Promise.resolve([]) : s.builds.commits(branch.id),
  ]);
  const last = s.starts.lastChoice(profile.id);
  const latest = commits[0];
  const commit = target.commit ?? (latest && { id: latest.id, hash: latest.hash, message: latest.message });
  if (!commit) {
    throw new ToolRefusal(vscode.l10n.t('Appcircle has no commits of {0} to build yet.', plain(branch.name)));
  }
  return {
    profile,
    branch,
    workflow: choose(workflows, textField(input, 'workflow'), last.workflowId, vscode.l10n.t('workflow')),
    configuration: choose(configurations, textField(input, 'configuration'), last.configurationId, vscode.l10n.t('configuration')),
    commit,
    thisCommit,
  };
}

export function startBuildTool(s: ToolServices): AgentTool {
  const memo = new PlanMemo<StartPlan>();
  return {
    op: 'startBuild',
    invocation: () => vscode.l10n.t('Starting an Appcircle build'),
    async confirm(input) {
      const p = await planStart(s, input);
      memo.put(input, p);
      const md = new vscode.MarkdownString(
        [
          vscode.l10n.t('Build profile: {0}', plainMarkdown(p.profile.name)),
          vscode.l10n.t('Branch: {0}', plainMarkdown(p.branch.name)),
          vscode.l10n.t(
            'Commit: {0} {1}',
            plainMarkdown(shortHash(p.commit.hash) ?? p.commit.id),
            plainMarkdown(firstLine(p.commit.message), 120),
          ),
          vscode.l10n.t('Workflow: {0}', plainMarkdown(p.workflow.name)),
          vscode.l10n.t('Configuration: {0}', plainMarkdown(p.configuration.name)),
        ].join('\n\n'),
      );
      return { title: vscode.l10n.t('Start an Appcircle build?'), message: md };
    },
    async invoke(input) {
      const p = memo.take(input) ?? (await unconfirmed(planStart(s, input)));
      const started = await s.starts.startPlanned({ ...p, commitId: p.commit.id });
      if (!started) {
        return answer(
          vscode.l10n.t(
            'A build of {0} / {1} is being started already; nothing more was started.',
            plain(p.profile.name),
            plain(p.branch.name),
          ),
        );
      }
      return answer(
        vscode.l10n.t(
          'Started a build of {0} / {1} at commit {2} ({3}, {4}). It shows in Active Builds, and a notification says when it ends. Its log is ready once it runs: the build log tool takes its queueItemId.',
          plain(p.profile.name),
          plain(p.branch.name),
          plain(shortHash(p.commit.hash) ?? p.commit.id),
          plain(p.workflow.name),
          plain(p.configuration.name),
        ),
        {
          queueItemId: started.queueItemId,
          profile: { id: p.profile.id, name: data(p.profile.name) },
          branch: { id: p.branch.id, name: data(p.branch.name) },
          commitId: p.commit.id,
          commit: data(shortHash(p.commit.hash)),
          workflow: data(p.workflow.name),
          configuration: data(p.configuration.name),
        },
      );
    },
  };
}

interface CancelPlan {
  queueItemId: string;
  label: string;
}

async function planCancel(s: ToolServices, input: ToolInput): Promise<CancelPlan> {
  let id = textField(input, 'queueItemId', 100);
  const buildId = textField(input, 'buildId', 100);
  if (!id && buildId) {
    id = s.builds.queueItemFor({ id: buildId });
  } else if (!id) {
    const state = await commitState(s);
    id = state.kind === 'build' ? (state.build.queueItemId ?? s.builds.queueItemFor(state.build)) : undefined;
  }
  if (!id) {
    throw new ToolRefusal(vscode.l10n.t('This build is not waiting or running any more.'));
  }
  const q = await s.builds.queueItem(id);
  if (isTerminal(q.status)) {
    throw new ToolRefusal(vscode.l10n.t('This build is not waiting or running any more.'));
  }
  const row = s.builds.queue.entries.find((e) => e.id === id);
  const profile = row?.profileName ?? (q.profileId ? s.builds.profileName(q.profileId) : undefined);
  const label = [plain(profile), plain(row?.branchName)].filter(Boolean).join(' / ') || plain(id);
  return { queueItemId: id, label };
}

export function cancelBuildTool(s: ToolServices): AgentTool {
  const memo = new PlanMemo<CancelPlan>();
  return {
    op: 'cancelBuild',
    invocation: () => vscode.l10n.t('Cancelling an Appcircle build'),
    async confirm(input) {
      const p = await planCancel(s, input);
      memo.put(input, p);
      return {
        title: vscode.l10n.t('Cancel an Appcircle build?'),
        message: new vscode.MarkdownString(vscode.l10n.t('Cancel the build of {0}?', plainMarkdown(p.label))),
      };
    },
    async invoke(input) {
      const p = memo.take(input) ?? (await unconfirmed(planCancel(s, input)));
      const r = await s.builds.cancel(p.queueItemId);
      return answer(cancelOutcomeText(r, p.label), { queueItemId: p.queueItemId, outcome: r.kind });
    },
  };
}
