/**
 * Followed logs over the sandbox's hook service, the whole extension on the vscode fake: the text of a
 * running build arrives over one stream for every followed build, no log read while it does (the final one aside),
 * and with each fault of the contract (refused, absent, dropped, duplicated, out of order, stalled, silent) the
 * document still ends as the plain log, with no duplicate line and no gap, followed by polling where needed.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HookFaults } from '../../../sandbox/hooks';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import { logUri } from '../../../src/ui/logs/logUri';
import { LogDocumentProvider } from '../../../src/ui/logs/logDocument';
import { BuildsTreeProvider } from '../../../src/ui/tree/buildsTree';
import type { BranchNode, ProfileNode } from '../../../src/ui/tree/nodes';
import type { FakeTextDocument } from '../fakes/vscodeFake';
import { CancellationTokenSource, fake } from '../fakes/vscodeFake';
import { wholeLog } from '../core/helpers';
import type { UiHarness } from './harness';
import { bootExtension, treeChild, waitUntil } from './harness';

const isLogRead = (r: { path: string }) => r.path.startsWith('/build/v1/queue/logs/') || r.path.endsWith('/logs');

describe('ui: followed logs over the hook service’s stream, polling as the fallback', () => {
  let h: UiHarness;
  let tree: BuildsTreeProvider;

  beforeEach(async () => {
    h = await bootExtension();
    fake.configuration.set('appcircle.hookUrl', h.sb.hookUrl);
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    tree = new BuildsTreeProvider(h.ext.builds, h.ext.session);
    h.sb.setBuildTimings({ waitMs: 500, runMs: 6000, completeMs: 500, logLines: 60 });
  });
  afterEach(async () => {
    tree.dispose();
    await h.dispose();
  });

  async function start(): Promise<string> {
    const demo = await treeChild<ProfileNode>(tree, undefined, 'Appcircle VS Code Demo');
    const develop = await treeChild<BranchNode>(tree, demo, 'develop');
    fake.pickAnswers.push(
      (i) => i[0],
      (i) => i[0],
    );
    const s = await h.run<{ queueItemId: string }>('appcircle.startBuild', develop);
    assert.ok(s?.queueItemId);
    return s.queueItemId;
  }

  async function open(queueItemId: string): Promise<{ uri: vscode.Uri; doc: FakeTextDocument }> {
    const uri = logUri({ profileName: 'Appcircle VS Code Demo', branchName: 'develop', queueItemId, label: `Build ${queueItemId}` });
    return { uri, doc: (await vscode.workspace.openTextDocument(uri)) as unknown as FakeTextDocument };
  }

  /** One poll tick now; resolves when the tick and the log reads it started are done. */
  async function tick(): Promise<void> {
    const before = h.ext.builds.scheduler.ticks;
    h.ext.builds.scheduler.pokeNow();
    await waitUntil(() => h.ext.builds.scheduler.ticks > before && h.ext.builds.scheduler.current !== 'polling', 5000, 'a poll tick');
    const n = h.sb.requests.length;
    await waitUntil(() => !h.sb.requests.slice(n).some((r) => r.status === 0), 5000, 'log reads');
    await new Promise((r) => setTimeout(r, 20));
  }

  /** Runs the build clock to the end, a tick per second; then a few more ticks (the final read). */
  async function runToEnd(ids: string[], each?: (i: number) => Promise<void>): Promise<void> {
    for (let i = 0; i < 14; i++) {
      h.sb.clock.advance(500);
      await new Promise((r) => setTimeout(r, 30)); // the pushed lines land
      await tick();
      await each?.(i);
    }
    for (let i = 0; i < 4 && h.ext.features.logs.followedCount > 0; i++) {
      await tick();
    }
    for (const id of ids) {
      const q = await h.ext.builds.queueItem(id);
      assert.equal(q.status, 0, `${id} succeeded`);
    }
  }

  async function assertWholeLog(id: string, doc: FakeTextDocument): Promise<void> {
    const q = await h.ext.builds.queueItem(id);
    const plain = await wholeLog(h.ext.builds, { commitId: q.commitId!, buildId: q.buildId! });
    assert.equal(doc.getText(), plain, 'the document is the plain log');
    assert.match(doc.getText(), /Completing workflow, Ver: 1\.0\n$/);
  }

  const followedLines = () => h.logLines().filter((l) => l.includes('is followed'));

  it('over the stream: the log grows without a log read, one connection, the output log says so once', async () => {
    const id = await start();
    const { doc } = await open(id);
    let readsWhileStreamed = -1;
    await runToEnd([id], () => {
      if (readsWhileStreamed < 0 && followedLines().some((l) => l.endsWith('over the stream'))) {
        readsWhileStreamed = h.sb.requests.filter(isLogRead).length;
      }
      return Promise.resolve();
    });
    assert.ok(readsWhileStreamed >= 0, 'streamed');
    const after = h.sb.requests.filter(isLogRead).slice(readsWhileStreamed);
    assert.ok(after.length <= 1, `only the final read: ${after.map((r) => `${r.path} ${r.status}`).join(', ')}`);
    await assertWholeLog(id, doc);
    assert.equal(h.sb.hooks.connectionsOpened, 1);
    assert.equal(h.sb.hooks.connections, 0, 'closed after the build ended');
    assert.deepEqual(
      followedLines().map((l) => l.replace(/^.*\] /, '')),
      [`The log of ${id} is followed over the stream`],
    );
    // no secret in what was logged: the access token, the hook token (the stream URL's query is masked)
    const access = await h.ext.session.getAccessToken();
    const written = h.logLines().join('\n');
    assert.ok(!written.includes(access));
    assert.doesNotMatch(written, /hook_[0-9a-f]{20,}/);
    assert.ok(
      h.sb.requests.some((r) => r.path === '/v2/hooks'),
      'the stream was opened',
    );
  });

  const faults: [string, HookFaults, RegExp | undefined][] = [
    ['refused', { refuse: 'stream' }, /over polling: the stream was refused \(HTTP 503\)/],
    ['token refused', { refuse: 'token' }, /over polling: the hook token was refused \(HTTP 403\)/],
    ['absent', { refuse: 'absent' }, /over polling: the hook service/],
    ['dropped mid-stream', { dropAfterFrames: 12 }, /over polling: the (server closed the stream|stream was cut)/],
    ['duplicated frames', { duplicateEvery: 3 }, /over the stream$/],
    ['out-of-order frames', { reorderEvery: 4 }, /over the stream$/],
    ['stalled', { stallAfterFrames: 10 }, /over polling: the stream sent nothing/],
    ['silent', { silent: true }, /over polling: the stream sent nothing/],
  ];
  for (const [name, f, said] of faults) {
    it(`${name}: the document ends as the plain log, no duplicate line, no gap`, async () => {
      h.ext.features.logStream.idleMs = 600;
      h.sb.setHookFaults(f);
      const id = await start();
      const { doc } = await open(id);
      const saidIt = () => waitUntil(() => followedLines().some((l) => said?.test(l) ?? true), 5000, `the log line ${String(said)}`);
      if (f.refuse) {
        // (an absent service is tried three times first: the log says so after the retries' backoff)
        await saidIt();
      }
      await runToEnd([id]);
      await assertWholeLog(id, doc);
      await saidIt();
    });
  }

  it('5 followed builds: one connection; signed out mid-stream, it closes', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await start());
    }
    const docs = await Promise.all(ids.map((id) => open(id)));
    h.sb.clock.advance(1500);
    await tick();
    await waitUntil(() => followedLines().filter((l) => l.endsWith('over the stream')).length === 5, 5000, 'five builds streamed');
    assert.equal(h.sb.hooks.connections, 1);
    assert.equal(h.sb.hooks.connectionsOpened, 1);
    assert.equal(docs.length, 5);
    fake.messageAnswers.push('Sign Out');
    await h.run('appcircle.logout');
    await waitUntil(() => h.sb.hooks.connections === 0, 5000, 'the stream closed');
    assert.equal(h.ext.features.logStream.connections, 0);
  });

  it('a reloaded window: a new follower of a build mid-run aligns with the stream', async () => {
    const id = await start();
    const first = await open(id);
    h.sb.clock.advance(3000);
    await tick();
    await waitUntil(() => followedLines().some((l) => l.endsWith('over the stream')), 5000, 'streamed');
    // the window reloads: a new document provider (a new follower), the same stream
    const again = new LogDocumentProvider(h.ext.builds, undefined, undefined, undefined, h.ext.features.logStream);
    try {
      const text0 = await again.provideTextDocumentContent(first.uri, new CancellationTokenSource().token);
      assert.ok(text0.length > 0);
      await runToEnd([id]);
      await assertWholeLog(id, first.doc);
      const q = await h.ext.builds.queueItem(id);
      const plain = await wholeLog(h.ext.builds, { commitId: q.commitId!, buildId: q.buildId! });
      assert.ok(plain?.startsWith(text0));
    } finally {
      again.dispose();
    }
  });
});
