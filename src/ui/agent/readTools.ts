/**
 * The agent's reads of builds: the organization's build profiles (the workspace's first), a branch's newest builds,
 * and the build of the commit you are on (what the status-bar item shows). Each answers a sentence and its data.
 */
import * as vscode from 'vscode';
import { plain } from '../../core/plainText';
import { buildOutcomeWords, shortHash } from '../presentation';
import { asError, branchOf, buildData, commitState, noCommitBuild, profileData, profileOf } from './toolLookups';
import type { AgentTool, ToolServices } from './toolLookups';
import { answer, data, intField, textField } from './toolText';

/** Profiles listed at most (an organization with more says how many were left out). */
export const MAX_PROFILES = 50;
/** Builds listed at most: one page of the Build Profiles view. */
export const MAX_BUILDS = 20;

export function profilesTool(s: ToolServices): AgentTool {
  return {
    op: 'load',
    invocation: () => vscode.l10n.t('Listing the Appcircle build profiles'),
    async invoke() {
      const r = await s.builds.profiles();
      if (r.error && r.value.length === 0) {
        throw asError(r.error);
      }
      const shown = r.value.slice(0, MAX_PROFILES);
      const org = plain(s.session.session?.organizationName);
      const sentence =
        r.value.length === 0
          ? vscode.l10n.t('The organization {0} has no build profiles.', org)
          : vscode.l10n.t(
              "The organization {0} has {1} build profiles; those building this workspace's repository come first (thisWorkspace). Use a profile's name or id with the builds and start build tools.",
              org,
              r.value.length,
            );
      return answer(sentence, {
        organization: { id: s.session.session?.organizationId, name: data(s.session.session?.organizationName) },
        profiles: shown.map(profileData),
        omitted: r.value.length > shown.length ? r.value.length - shown.length : undefined,
        stale: r.error ? true : undefined,
      });
    },
  };
}

export function buildsTool(s: ToolServices): AgentTool {
  return {
    op: 'load',
    invocation: (input) =>
      textField(input, 'profile')
        ? vscode.l10n.t('Reading the builds of {0}', plain(textField(input, 'profile')))
        : vscode.l10n.t("Reading the builds of this workspace's build profile"),
    async invoke(input) {
      const profile = await profileOf(s, textField(input, 'profile'));
      const branch = await branchOf(s, profile, textField(input, 'branch'));
      const limit = intField(input, 'limit', 1, MAX_BUILDS, 10);
      const page = await s.builds.builds(profile.id, branch.id);
      if (page.error && page.items.length === 0) {
        throw asError(page.error);
      }
      const items = page.items.slice(0, limit);
      const sentence = items.length
        ? vscode.l10n.t('The {0} newest builds of {1} / {2}, newest first.', items.length, plain(profile.name), plain(branch.name))
        : vscode.l10n.t('{0} / {1} has no builds yet.', plain(profile.name), plain(branch.name));
      return answer(sentence, {
        profile: { id: profile.id, name: data(profile.name) },
        branch: { id: branch.id, name: data(branch.name) },
        builds: items.map(buildData),
        more: page.items.length > items.length || page.hasMore ? true : undefined,
        stale: page.error ? true : undefined,
      });
    },
  };
}

export function commitBuildTool(s: ToolServices): AgentTool {
  return {
    op: 'load',
    invocation: () => vscode.l10n.t('Looking up the Appcircle build of the commit you are on'),
    async invoke() {
      const state = await commitState(s);
      if (state.kind === 'error') {
        throw state.error;
      }
      if (state.kind !== 'build') {
        const why = noCommitBuild(state).message;
        const head = 'head' in state ? state.head : undefined;
        return answer(
          why,
          head && {
            commit: data(shortHash(head.commit)),
            branch: data(head.branch),
            profile: 'profile' in state ? { id: state.profile.id, name: data(state.profile.name) } : undefined,
            waitingForPush: state.kind === 'notBuilt' && state.following ? true : undefined,
          },
        );
      }
      const b = state.build;
      return answer(
        vscode.l10n.t(
          'The commit you are on ({0} on {1}) was built by {2}: {3}.',
          plain(shortHash(state.head.commit) ?? ''),
          plain(state.branch.name),
          plain(state.profile.name),
          buildOutcomeWords(b.status, b.hasWarning),
        ),
        {
          profile: { id: state.profile.id, name: data(state.profile.name) },
          branch: { id: state.branch.id, name: data(state.branch.name) },
          build: buildData(b),
        },
      );
    },
  };
}
