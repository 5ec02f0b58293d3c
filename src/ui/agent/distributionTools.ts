/**
 * The agent's Testing Distribution and Enterprise App Store tools: a read of the profiles (their auto-send testing
 * groups by name, one profile's newest versions when asked), and the send of a finished build's binary to a Testing
 * Distribution profile, which asks first and does what was confirmed, through the upload the command uses.
 */
import * as vscode from 'vscode';
import { BuildStatus } from '../../core/builds/buildModels';
import { matchByNameOrId } from '../../core/agent/nameMatch';
import { ArtifactsZip } from '../../core/distribution/artifactBinaries';
import type { DistributionProfile } from '../../core/distribution/distributionModels';
import { plain, plainMarkdown } from '../../core/plainText';
import { shortHash } from '../presentation';
import { channelWords, sentWords, versionLabel } from '../distribution/distributionNodes';
import { buildOf, ToolRefusal } from './toolLookups';
import type { AgentTool, BuildTarget, ToolInput, ToolServices } from './toolLookups';
import { answer, data, intField, textField } from './toolText';

export const MAX_DIST_PROFILES = 30;
export const MAX_DIST_VERSIONS = 10;

/** An id the server sent, as an answer quotes it: inert and bounded like any server string. */
const wireId = (id: string | undefined) => data(id, 128);
/** A count the server sent: a finite, non-negative whole number, or nothing. */
const wireCount = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.trunc(n) : undefined);

async function groupNames(s: ToolServices, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) {
    return [];
  }
  const groups = await s.distribution.testing.testingGroups().catch(() => []);
  return ids.map((id) => plain(groups.find((g) => g.id === id)?.name ?? id));
}

export function distributionTool(s: ToolServices): AgentTool {
  return {
    op: 'load',
    invocation: () => vscode.l10n.t('Reading the Testing Distribution and Enterprise App Store profiles'),
    async invoke(input) {
      const wanted = textField(input, 'profile');
      const limit = intField(input, 'versions', 1, MAX_DIST_VERSIONS, 5);
      const [td, store, groups] = await Promise.all([
        s.distribution.testing.profiles(),
        s.distribution.store.profiles(),
        s.distribution.testing.testingGroups().catch(() => []),
      ]);
      const nameOf = (id: string) => data(groups.find((g) => g.id === id)?.name ?? id);
      const payload: Record<string, unknown> = {
        testingDistribution: td.slice(0, MAX_DIST_PROFILES).map((p) => ({
          id: wireId(p.id),
          name: data(p.name),
          latestIos: data(p.iOSVersion ?? undefined, 40),
          latestAndroid: data(p.androidVersion ?? undefined, 40),
          autoSendTestingGroups: (p.testingGroupIds ?? []).map(nameOf),
        })),
        enterpriseAppStore: store.slice(0, MAX_DIST_PROFILES).map((p) => ({
          id: wireId(p.id),
          name: data(p.name),
          version: data(p.version ?? undefined, 40),
          downloads: wireCount(p.totalDownloadCount),
        })),
      };
      if (wanted) {
        const inTd = matchByNameOrId(td, wanted);
        const inStore = matchByNameOrId(store, wanted);
        if (inTd.kind === 'one') {
          const versions = await s.distribution.testing.versions(inTd.value.id);
          payload.versionsOf = {
            profile: data(inTd.value.name),
            versions: versions.slice(0, limit).map((v) => ({
              id: wireId(v.id),
              version: versionLabel(v),
              uploaded: data(v.createdAt ?? undefined, 40),
              releaseNotes: data(v.message ?? undefined, 300),
            })),
          };
        } else if (inStore.kind === 'one') {
          const versions = await s.distribution.store.versions(inStore.value.id);
          payload.versionsOf = {
            profile: data(inStore.value.name),
            versions: versions.slice(0, limit).map((v) => ({
              id: wireId(v.id),
              version: versionLabel(v),
              channel: channelWords(v.publishType),
              published: data(v.publishDate ?? undefined, 40),
            })),
          };
        } else {
          throw new ToolRefusal(vscode.l10n.t('No Testing Distribution or Enterprise App Store profile matches "{0}".', plain(wanted)));
        }
      }
      return answer(
        vscode.l10n.t(
          '{0} Testing Distribution profiles (each with the testing groups that get every new version) and {1} Enterprise App Store profiles. Sharing a version with people directly, share links and QR codes are done in the Appcircle dashboard.',
          td.length,
          store.length,
        ),
        payload,
      );
    },
  };
}

interface SendPlan {
  target: BuildTarget;
  profile: DistributionProfile;
  releaseNotes?: string;
  binary?: string;
}

async function planSend(s: ToolServices, input: ToolInput): Promise<SendPlan> {
  const target = await buildOf(s, { buildId: textField(input, 'buildId', 100), commitId: textField(input, 'commitId', 100) });
  if (!target.buildId || !target.commitId || target.active || (target.build && target.build.status !== BuildStatus.Success)) {
    throw new ToolRefusal(
      vscode.l10n.t(
        'Only a finished, successful build has artifacts to send. Give the buildId and commitId of one (the builds tool lists them).',
      ),
    );
  }
  const wanted = textField(input, 'profile');
  if (!wanted) {
    throw new ToolRefusal(vscode.l10n.t('Say which Testing Distribution profile: the distribution tool lists them.'));
  }
  const profiles = await s.distribution.testing.profiles();
  const m = matchByNameOrId(profiles, wanted);
  if (m.kind !== 'one') {
    throw new ToolRefusal(
      vscode.l10n.t(
        'No single Testing Distribution profile matches "{0}". There are: {1}.',
        plain(wanted),
        profiles
          .slice(0, 20)
          .map((p) => plain(p.name))
          .join(', '),
      ),
    );
  }
  return { target, profile: m.value, releaseNotes: textField(input, 'releaseNotes', 4000), binary: textField(input, 'binary', 300) };
}

export function sendToTestingTool(s: ToolServices): AgentTool {
  const memo = new Map<string, { plan: SendPlan; at: number }>();
  return {
    op: 'upload',
    invocation: () => vscode.l10n.t('Sending a build to Testing Distribution'),
    async confirm(input) {
      const p = await planSend(s, input);
      if (memo.size >= 8) {
        memo.clear();
      }
      memo.set(JSON.stringify(input), { plan: p, at: Date.now() });
      const b = p.target.build;
      return {
        title: vscode.l10n.t('Send a build to Testing Distribution?'),
        message: new vscode.MarkdownString(
          [
            b
              ? vscode.l10n.t(
                  'Send the build of {0} / {1} at {2}',
                  plainMarkdown(p.target.profile?.name),
                  plainMarkdown(p.target.branch?.name),
                  plainMarkdown(shortHash(b.commitHash) ?? b.commitId),
                )
              : vscode.l10n.t('Send build {0}', plainMarkdown(p.target.buildId)),
            p.binary ? vscode.l10n.t('Binary: {0}', plainMarkdown(p.binary)) : vscode.l10n.t("Binary: the build's .ipa, .apk or .aab"),
            vscode.l10n.t('To: {0}', plainMarkdown(p.profile.name)),
            vscode.l10n.t('Release notes: {0}', plainMarkdown(p.releaseNotes, 300) || '—'),
          ].join('\n\n'),
        ),
      };
    },
    async invoke(input, token) {
      const key = JSON.stringify(input);
      const kept = memo.get(key);
      memo.delete(key);
      if (!kept || Date.now() - kept.at > 5 * 60_000) {
        await planSend(s, input);
        throw new ToolRefusal(vscode.l10n.t('Nothing was done: it was not confirmed. Ask again to be asked to confirm it.'));
      }
      return sendPlanned(s, kept.plan, token);
    },
  };
}

/** The confirmed send: the artifacts zip, its binary, the upload; the token aborts it. */
async function sendPlanned(s: ToolServices, p: SendPlan, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
  const ac = new AbortController();
  const sub = token.onCancellationRequested(() => ac.abort());
  try {
    const zip = await ArtifactsZip.download(s.builds, p.target.commitId ?? '', p.target.buildId ?? '', ac.signal);
    try {
      const all = zip.binaries();
      const chosen = p.binary ? all.find((b) => b.name === p.binary) : all.length === 1 ? all[0] : undefined;
      if (!chosen) {
        throw new ToolRefusal(
          all.length === 0
            ? vscode.l10n.t("This build's artifacts have no .ipa, .apk or .aab file to send.")
            : vscode.l10n.t('Say which binary to send: {0}.', all.map((b) => plain(b.name)).join(', ')),
        );
      }
      const r = await s.distribution.uploads.upload({
        target: { kind: 'testing', profileId: p.profile.id },
        fileName: chosen.name,
        size: chosen.size,
        open: () => zip.openBinary(chosen.path),
        releaseNotes: p.releaseNotes,
        signal: ac.signal,
      });
      const groups = await groupNames(s, p.profile.testingGroupIds ?? []);
      const version = r.kind === 'testing' ? versionLabel(r.version) : '';
      return answer(sentWords(version, plain(p.profile.name), groups), {
        profile: { id: wireId(p.profile.id), name: data(p.profile.name) },
        version,
        versionId: wireId(r.version.id),
        binary: data(chosen.name),
        testingGroups: groups,
      });
    } finally {
      // a temporary folder left behind must not turn a done send into a failure (os.tmpdir is the OS's to clean)
      await zip.dispose().catch(() => undefined);
    }
  } finally {
    sub.dispose();
  }
}
