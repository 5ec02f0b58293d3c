import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import type { LogRead, LogSource } from '../../../src/api/buildsApi';
import { isApiError } from '../../../src/api/http/errors';
import { BuildService } from '../../../src/core/builds/buildService';
import { LogFollower } from '../../../src/core/logs/logFollower';
import type { LogFollowerOptions, LogUpdate } from '../../../src/core/logs/logFollower';
import { fakeTime } from '../fakes/clock';
import type { Harness } from './helpers';
import { makeHarness, wholeLog } from './helpers';

const TIMINGS = { waitMs: 1000, runMs: 8000, completeMs: 500 };

describe('core/LogFollower: a running build’s log on the living sandbox queue (frozen build clock)', () => {
  let sb: Sandbox;
  let h: Harness;
  let builds: BuildService;

  beforeEach(async () => {
    sb = await startSandbox({ quiet: true, builds: { speed: 0, timings: TIMINGS, logLines: 80 } });
    h = makeHarness(sb);
    builds = new BuildService({
      session: h.session,
      clock: fakeTime().clock,
      logger: h.logger,
      pollIntervalMs: () => 5000,
      gitRemotes: () => Promise.resolve([]),
    });
    await h.session.signIn({ kind: 'pat', pat: DEMO_PAT });
  });
  afterEach(async () => {
    builds.dispose();
    h.dispose();
    await sb.stop();
  });

  async function startOne(): Promise<{ queueItemId: string; commitId: string }> {
    const p = (await builds.profiles()).value.find((x) => x.name === 'Acme iOS')!;
    const b = (await builds.branches(p.id)).value.find((x) => x.name === 'develop')!;
    const [wf] = await builds.workflows(p.id);
    const [cfg] = await builds.configurations(p.id);
    const [c] = await builds.commits(b.id);
    const s = await builds.startBuild({ profileId: p.id, branchId: b.id, commitId: c.id, workflowId: wf.id, configurationId: cfg.id });
    return { queueItemId: s.queueItemId, commitId: c.id };
  }

  /** Follows a build from start to end, one update per 1.5 s of build time; returns what each update did. */
  async function follow(
    source: (s: { queueItemId: string; commitId: string }) => LogSource,
    options: LogFollowerOptions = {},
  ): Promise<{
    f: LogFollower;
    results: LogUpdate[];
    whileRunning: LogUpdate[];
    lengths: number[];
    s: { queueItemId: string; commitId: string };
  }> {
    const s = await startOne();
    const f = new LogFollower((src, from, signal) => builds.readLog(src, from, signal), source(s), options);
    const results: LogUpdate[] = [await f.update()];
    const whileRunning: LogUpdate[] = [];
    const lengths = [f.text.length];
    for (let i = 0; i < 10; i++) {
      sb.clock.advance(1500);
      const before = f.text;
      const r = await f.update();
      results.push(r);
      lengths.push(f.text.length);
      if (r === 'appended') {
        assert.ok(f.text.startsWith(before), 'an append keeps every earlier character');
      }
      if ((await builds.queueItem(s.queueItemId)).status === 91) {
        whileRunning.push(r);
      }
    }
    return { f, results, whileRunning, lengths, s };
  }

  it('Range honoured: each tick asks only for the new bytes (206, or 416 when nothing is new) and appends them; the end equals the whole log', async () => {
    const { f, results, whileRunning, s } = await follow((x) => ({ queueItemId: x.queueItemId }));
    assert.equal(results[0], 'notReady', 'waiting: no log yet');
    assert.ok(whileRunning.filter((r) => r === 'appended').length >= 2, `grew at least twice while running: ${whileRunning.join(',')}`);
    assert.ok(
      results.every((r) => r === 'notReady' || r === 'appended' || r === 'unchanged'),
      `only appends: ${results.join(',')}`,
    );
    const q = await builds.queueItem(s.queueItemId);
    assert.equal(q.status, 0);
    assert.equal(f.text, await wholeLog(builds, { commitId: s.commitId, buildId: q.buildId! }), 'the followed text is the whole log');
    assert.match(f.text, /Build succeeded\.\n.*Completing workflow\n.*Completing workflow, Ver: 1\.0\n$/);
    const logReads = sb.requests.filter((r) => r.path.includes('/queue/logs/'));
    const ranged = logReads.filter((r) => r.range);
    assert.ok(ranged.length >= 3, 'Range requests once there was something');
    assert.ok(
      ranged.every((r) => r.status === 206 || r.status === 416),
      ranged.map((r) => r.status).join(','),
    );
    assert.equal(f.wholeLogReads, 0);
    console.log(
      `      ${ranged.length} ranged reads; bytes per read: ${ranged.filter((r) => r.status === 206).length} partial (206), ${ranged.filter((r) => r.status === 416).length} nothing new (416); final log ${f.byteLength} bytes`,
    );
  });

  it('Range ignored (200 with the whole log): the known prefix is skipped and checked, only the rest is appended', async () => {
    sb.setBuildBehaviour({ logRange: 'ignored' });
    // (at every tick here: the slower cadence for such a server is the next test's)
    const { f, whileRunning, results, s } = await follow((x) => ({ queueItemId: x.queueItemId }), { rangeIgnoredIntervalMs: 0 });
    assert.ok(whileRunning.filter((r) => r === 'appended').length >= 2, whileRunning.join(','));
    assert.ok(!results.includes('replaced'), results.join(','));
    assert.ok(f.wholeLogReads >= 3);
    const q = await builds.queueItem(s.queueItemId);
    assert.equal(f.text, await wholeLog(builds, { commitId: s.commitId, buildId: q.buildId! }));
  });

  it('Range ignored: after the first whole-log answer the log is read whole at most every 30 s, not at every tick (N8)', async () => {
    sb.setBuildBehaviour({ logRange: 'ignored' });
    const s = await startOne();
    sb.clock.advance(TIMINGS.waitMs + 500);
    let now = 0;
    const f = new LogFollower((src, from, signal) => builds.readLog(src, from, signal), { queueItemId: s.queueItemId }, { now: () => now });
    const reads = () => sb.requests.filter((r) => r.path.includes('/queue/logs/')).length;
    assert.equal(await f.update(), 'appended');
    assert.equal(f.rangeIgnored, false, 'a first read from 0 says nothing about Range');
    // 120 s of 5 s poll ticks while the build runs (the build clock moves 60 ms a tick: it keeps running)
    const before = reads();
    for (let t = 5_000; t <= 120_000; t += 5_000) {
      now = t;
      sb.clock.advance(60);
      await f.update();
    }
    assert.ok(f.rangeIgnored);
    const whole = reads() - before;
    // the first tick finds out (a whole answer to a Range request), then one read per 30 s: 5 reads, not 24
    assert.ok(whole <= 5 && whole >= 4, `${whole} whole-log reads in 120 s`);
    assert.equal(f.wholeLogReads, whole);
    // the build's end is read at once, whatever the cadence
    sb.clock.advance(TIMINGS.runMs + TIMINGS.completeMs);
    const atEnd = reads();
    assert.equal(await f.update(undefined, { force: true }), 'appended');
    assert.equal(reads(), atEnd + 1);
    const q = await builds.queueItem(s.queueItemId);
    assert.equal(f.text, await wholeLog(builds, { commitId: s.commitId, buildId: q.buildId! }), 'the followed text is the whole log');
  });

  it('a captive portal’s 200 page is refused as htmlResponse, on the first read and on a Range read; the log is kept (S11c)', async () => {
    const s = await startOne();
    const f = new LogFollower((src, from, signal) => builds.readLog(src, from, signal), { queueItemId: s.queueItemId });
    sb.clock.advance(TIMINGS.waitMs + 2000);
    sb.faults.set({ pathIncludes: '/logs', htmlPage: true, times: 1 });
    await assert.rejects(f.update(), (e: unknown) => isApiError(e) && e.kind === 'htmlResponse' && e.htmlBody);
    assert.equal(f.text, '', 'the page is not the log');
    assert.equal(await f.update(), 'appended');
    const shown = f.text;
    sb.clock.advance(1500);
    sb.faults.set({ pathIncludes: '/logs', htmlPage: true, times: 1 });
    await assert.rejects(f.update(), (e: unknown) => isApiError(e) && e.kind === 'htmlResponse');
    assert.ok(sb.requests.at(-1)?.range, 'asked with Range');
    assert.equal(f.text, shown, 'what was shown stays, nothing of the page appended');
    assert.equal(await f.update(), 'appended', 'the next tick goes on from there');
    assert.ok(f.text.startsWith(shown) && !f.text.includes('<html'));
  });

  it('a log cut mid-body rejects (ApiError network), it never looks complete (M5)', async () => {
    const s = await startOne();
    sb.clock.advance(TIMINGS.waitMs + TIMINGS.runMs + TIMINGS.completeMs);
    const q = await builds.queueItem(s.queueItemId);
    const whole = (await wholeLog(builds, { commitId: s.commitId, buildId: q.buildId! })) ?? '';
    const f = new LogFollower((src, from, signal) => builds.readLog(src, from, signal), { commitId: s.commitId, buildId: q.buildId! });
    sb.faults.set({ pathIncludes: '/logs', cutAfterBytes: 300, times: 1 });
    await assert.rejects(f.update(), (e: unknown) => isApiError(e) && e.kind === 'network');
    assert.ok(f.byteLength < Buffer.byteLength(whole), `${f.byteLength} of ${Buffer.byteLength(whole)} bytes`);
    assert.equal(await f.update(), 'appended', 'the next read asks for the rest');
    assert.equal(f.text, whole);
  });

  it('B12 by commit and build id follows the same way', async () => {
    const s = await startOne();
    sb.clock.advance(TIMINGS.waitMs + 10);
    const q = await builds.queueItem(s.queueItemId);
    assert.equal(q.buildId, s.queueItemId, 'one id (§10)');
    const f = new LogFollower((src, from, signal) => builds.readLog(src, from, signal), { commitId: s.commitId, buildId: q.buildId });
    const seen: LogUpdate[] = [];
    for (let i = 0; i < 8; i++) {
      seen.push(await f.update());
      sb.clock.advance(1500);
    }
    assert.ok(seen.filter((r) => r === 'appended').length >= 3, seen.join(','));
    assert.match(f.text, /Build succeeded\.\n.*Completing workflow\n.*Completing workflow, Ver: 1\.0\n$/);
  });
});

describe('core/LogFollower: scripted servers', () => {
  const bytes = (s: string, start = 0): LogRead => ({ kind: 'bytes', start, stream: Readable.from([Buffer.from(s)]) });

  it('"No Logs Available" and an empty body are "not ready"; a 404 after content changes nothing', async () => {
    const answers: LogRead[] = [bytes('No Logs Available'), bytes(''), bytes('line 1\n'), { kind: 'notReady' }];
    const f = new LogFollower(() => Promise.resolve(answers.shift()!), { queueItemId: 'q' });
    assert.deepEqual(
      [await f.update(), await f.update(), await f.update(), await f.update()],
      ['notReady', 'notReady', 'appended', 'unchanged'],
    );
    assert.equal(f.text, 'line 1\n');
  });

  it('a log rewritten above the known part, or shorter, is read again whole ("replaced")', async () => {
    const froms: number[] = [];
    const server: string[] = ['héllo\n', 'HÉLLO\nworld\n', 'HÉLLO\nworld\n', 'x\n', 'x\n'];
    const f = new LogFollower(
      (_s, from) => {
        froms.push(from);
        return Promise.resolve(bytes(server.shift() ?? '')); // always the whole log (Range ignored)
      },
      { queueItemId: 'q' },
      { rangeIgnoredIntervalMs: 0 },
    );
    assert.equal(await f.update(), 'appended');
    assert.equal(f.byteLength, 7, 'bytes, not characters');
    assert.equal(await f.update(), 'replaced');
    assert.equal(f.text, 'HÉLLO\nworld\n');
    assert.equal(await f.update(), 'replaced', 'shorter than what was shown');
    assert.equal(f.text, 'x\n');
    assert.deepEqual(froms, [0, 7, 0, 13, 0]);
  });

  it('a body that breaks off mid-stream rejects the update; what came is kept, the log is not taken as complete (M5)', async () => {
    async function* cut(): AsyncGenerator<Buffer> {
      yield Buffer.from('line 1\nline 2\n');
      await Promise.resolve();
      throw new Error('socket hang up');
    }
    const f = new LogFollower(() => Promise.resolve({ kind: 'bytes', start: 0, stream: Readable.from(cut()) }), { queueItemId: 'q' });
    await assert.rejects(f.update(), /socket hang up/);
    assert.equal(f.text, 'line 1\nline 2\n');
  });

  it('a character split across two answers is decoded whole', async () => {
    const euro = Buffer.from('log: €\n');
    const answers: LogRead[] = [
      { kind: 'bytes', start: 0, stream: Readable.from([euro.subarray(0, 6)]) },
      { kind: 'bytes', start: 6, stream: Readable.from([euro.subarray(6)]) },
      { kind: 'nothingNew' },
    ];
    const f = new LogFollower(() => Promise.resolve(answers.shift()!), { queueItemId: 'q' });
    await f.update();
    assert.equal(await f.update(), 'appended');
    assert.equal(await f.update(), 'unchanged');
    assert.equal(f.text, 'log: €\n');
  });
});
