/**
 * Following a running build's log on the vscode fake, as buildFollow.test.ts, streamFollow.test.ts and the fault
 * matrix's stream cells do it: start a build on the demo profile's develop branch, open its log, run poll ticks and
 * the build clock to the end, and the plain log the document must end as.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import { logUri } from '../../../src/ui/logs/logUri';
import { BuildsTreeProvider } from '../../../src/ui/tree/buildsTree';
import type { BranchNode, ProfileNode } from '../../../src/ui/tree/nodes';
import { wholeLog } from '../core/helpers';
import type { FakeTextDocument } from '../fakes/vscodeFake';
import { fake } from '../fakes/vscodeFake';
import type { BootOptions, UiHarness } from './harness';
import { bootExtension, treeChild, waitUntil } from './harness';

export const DEMO_PROFILE = 'Appcircle VS Code Demo';

/** A log read of the sandbox's request log (B12 by build, B13 by queue item). */
export const isLogRead = (r: { path: string }): boolean => r.path.startsWith('/build/v1/queue/logs/') || r.path.endsWith('/logs');

/** The extension booted and signed in, with a builds tree to start builds from. */
export interface FollowWorld {
  h: UiHarness;
  tree: BuildsTreeProvider;
  dispose(): Promise<void>;
}

/**
 * Boots the extension against the sandbox (`opts.sb` when given), points `appcircle.hookUrl` at the sandbox's hook
 * service unless `hookUrl` is null, and signs in with the demo PAT.
 */
export async function bootFollowing(opts: BootOptions & { hookUrl?: string | null } = {}): Promise<FollowWorld> {
  const h = await bootExtension(opts);
  if (opts.hookUrl !== null) {
    fake.configuration.set('appcircle.hookUrl', opts.hookUrl ?? h.sb.hookUrl);
  }
  await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
  const tree = new BuildsTreeProvider(h.ext.builds, h.ext.session);
  return {
    h,
    tree,
    dispose: async () => {
      tree.dispose();
      await h.dispose();
    },
  };
}

/** Starts a build on the demo profile's develop branch (the first workflow and configuration). */
export async function startOnDevelop(w: FollowWorld): Promise<{ queueItemId: string; develop: BranchNode }> {
  const demo = await treeChild<ProfileNode>(w.tree, undefined, DEMO_PROFILE);
  const develop = await treeChild<BranchNode>(w.tree, demo, 'develop');
  fake.pickAnswers.push(
    (i) => i[0],
    (i) => i[0],
  );
  const s = await w.h.run<{ queueItemId: string }>('appcircle.startBuild', develop);
  assert.ok(s?.queueItemId);
  return { queueItemId: s.queueItemId, develop };
}

/** Opens the log of a build on develop as a document. */
export async function openLog(queueItemId: string, label = `Build ${queueItemId}`): Promise<{ uri: vscode.Uri; doc: FakeTextDocument }> {
  const uri = logUri({ profileName: DEMO_PROFILE, branchName: 'develop', queueItemId, label });
  return { uri, doc: (await vscode.workspace.openTextDocument(uri)) as unknown as FakeTextDocument };
}

/** One poll tick now; resolves when the tick and the log reads it started are done, and `settleMs` later (0: the next turn). */
export async function tick(h: UiHarness, settleMs = 0): Promise<void> {
  const before = h.ext.builds.scheduler.ticks;
  h.ext.builds.scheduler.pokeNow();
  await waitUntil(() => h.ext.builds.scheduler.ticks > before && h.ext.builds.scheduler.current !== 'polling', 5000, 'a poll tick');
  // the log updates of this tick run after it (one HTTP round trip each)
  const n = h.sb.requests.length;
  await waitUntil(() => !h.sb.requests.slice(n).some((r) => r.status === 0), 5000, 'log reads');
  await new Promise((r) => (settleMs > 0 ? setTimeout(r, settleMs) : setImmediate(r)));
}

/**
 * Runs the build clock to the end (a 7 s build: 14 steps of 500 ms, each followed by the pushed lines landing and a
 * tick), then a few more ticks while logs are followed (the final read); each build must have succeeded.
 */
export async function runToEnd(h: UiHarness, ids: string[], each?: (i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < 14; i++) {
    h.sb.clock.advance(500);
    await new Promise((r) => setTimeout(r, 30)); // the pushed lines land
    await tick(h, 20);
    await each?.(i);
  }
  for (let i = 0; i < 4 && h.ext.features.logs.followedCount > 0; i++) {
    await tick(h, 20);
  }
  for (const id of ids) {
    const q = await h.ext.builds.queueItem(id);
    assert.equal(q.status, 0, `${id} succeeded`);
  }
}

/** The build timings runToEnd runs through. */
export const STREAM_TIMINGS = { waitMs: 500, runMs: 6000, completeMs: 500, logLines: 60 };

/** The plain log of a build (B12), as a Range read of it from 0 answers. */
export async function plainLogOf(h: UiHarness, queueItemId: string): Promise<string | undefined> {
  const q = await h.ext.builds.queueItem(queueItemId);
  return wholeLog(h.ext.builds, { commitId: q.commitId!, buildId: q.buildId! });
}

/** The document is the plain log, to its last line. */
export async function assertWholeLog(h: UiHarness, id: string, doc: FakeTextDocument): Promise<void> {
  const plain = (await plainLogOf(h, id)) ?? '';
  const text = doc.getText();
  if (text !== plain) {
    let at = 0;
    while (at < text.length && text[at] === plain[at]) {
      at++;
    }
    const near = (s: string) => JSON.stringify(s.slice(Math.max(0, at - 20), at + 60));
    assert.fail(
      `the document (${text.length} chars) is not the plain log (${plain.length}): from char ${at}, ${near(text)} ≠ ${near(plain)}`,
    );
  }
  assert.match(doc.getText(), /Completing workflow, Ver: 1\.0\n$/);
}

/** What the output log said about which way each log is followed. */
export const followedLines = (h: UiHarness): string[] => h.logLines().filter((l) => l.includes('is followed'));
