/**
 * Followed logs over the sandbox's hook service, the whole extension on the vscode fake: the text of a
 * running build arrives over one stream for every followed build, no log read while it does (the final one aside),
 * and with each fault of the contract (refused, absent, dropped, duplicated, out of order, stalled, silent) the
 * document still ends as the plain log, with no duplicate line and no gap, followed by polling where needed.
 */
import * as assert from 'node:assert/strict';
import type { HookFaults } from '../../../sandbox/hooks';
import { LogDocumentProvider } from '../../../src/ui/logs/logDocument';
import { CancellationTokenSource, fake } from '../fakes/vscodeFake';
import type { UiHarness } from './harness';
import { waitUntil } from './harness';
import type { FollowWorld } from './followHelpers';
import {
  STREAM_TIMINGS,
  assertWholeLog,
  bootFollowing,
  followedLines as followedIn,
  isLogRead,
  openLog as open,
  plainLogOf,
  runToEnd as runIn,
  startOnDevelop,
  tick as tickIn,
} from './followHelpers';

describe('ui: followed logs over the hook service’s stream, polling as the fallback', () => {
  let w: FollowWorld;
  let h: UiHarness;

  beforeEach(async () => {
    w = await bootFollowing();
    h = w.h;
    h.sb.setBuildTimings(STREAM_TIMINGS);
  });
  afterEach(async () => {
    await w.dispose();
  });

  const start = async () => (await startOnDevelop(w)).queueItemId;
  const tick = () => tickIn(h, 20);
  const runToEnd = (ids: string[], each?: (i: number) => Promise<void>) => runIn(h, ids, each);
  const followedLines = () => followedIn(h);

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
    await assertWholeLog(h, id, doc);
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
      await assertWholeLog(h, id, doc);
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
      await assertWholeLog(h, id, first.doc);
      const plain = await plainLogOf(h, id);
      assert.ok(plain?.startsWith(text0));
    } finally {
      again.dispose();
    }
  });
});
