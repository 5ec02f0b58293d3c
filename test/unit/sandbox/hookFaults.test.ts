/** The hook service's faults, bounds and bookkeeping: refusals, frame faults, stream limits, no leak, no secret in the log. */
import * as assert from 'node:assert/strict';
import { COMPLETING_END } from '../../../sandbox/buildLogs';
import { banner, parseCliArgs } from '../../../sandbox/cli';
import { plainTextOf } from '../../../sandbox/hookStream';
import type { HookMessage } from '../../../sandbox/hooks';
import { startSandbox } from '../../../sandbox/server';
import { BuildClient } from './buildHelpers';
import { call, patToken, until } from './helpers';
import { HOOK_TIMINGS, HOOK_TOTAL, HookClient, SseReader, hookSuite } from './hookHelpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const indexes = (ms: HookMessage[]) => ms.map((m) => m.messageIndex);

describe('sandbox: hook service faults, bounds and bookkeeping', () => {
  const hs = hookSuite({ keepAliveMs: 60, maxStreams: 50 });
  /** A finished build followed from the start: every frame at once. */
  const finishedStream = async (browserId: string) => {
    const s = await hs.api.startOn('Acme Android', 'develop');
    hs.sb.clock.advance(HOOK_TOTAL + 1000);
    const r = await hs.hooks.follow(s.taskId, browserId);
    hs.open.push(r);
    return { s, r };
  };

  it("refuse: 'token' → L1 403; 'stream' → L2 503; reset() clears them", async () => {
    hs.sb.setHookFaults({ refuse: 'token' });
    assert.equal((await hs.hooks.token()).status, 403);
    hs.sb.hooks.clearFaults();
    const t = await hs.hooks.hookToken();
    hs.sb.setHookFaults({ refuse: 'stream' });
    assert.equal((await hs.hooks.open(t, 'cli-503')).status, 503);
    hs.sb.reset();
    assert.deepEqual(hs.sb.hooks.faults, {});
    assert.equal((await hs.hooks.token()).status, 200);
  });

  it("refuse: 'absent' → the hook origin closes every connection; L3/L4 on the API origin 404", async () => {
    const s = await hs.api.startOn('Acme iOS', 'develop');
    hs.sb.setHookFaults({ refuse: 'absent' });
    await assert.rejects(
      fetch(`${hs.sb.hookUrl}/auth/token`, { method: 'POST', headers: { Authorization: `Bearer ${hs.hooks.accessToken}` } }),
    );
    await assert.rejects(SseReader.open(hs.hooks.streamUrl('x', 'cli-absent')));
    assert.equal((await hs.hooks.trigger(s.taskId, 'cli-absent', { origin: 'api' })).status, 404);
    assert.equal((await hs.hooks.trigger(s.taskId, 'cli-absent', { origin: 'api', stop: true })).status, 404);
  });

  it('failSubscribes: the next n L3 subscribes answer 503, then as usual; L4 is not touched', async () => {
    const s = await hs.api.startOn('Acme iOS', 'develop');
    hs.sb.setHookFaults({ failSubscribes: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await hs.hooks.trigger(s.taskId, 'cli-fail')).status);
    }
    assert.deepEqual(statuses, [503, 503, 200]);
    hs.sb.setHookFaults({ failSubscribes: 1 });
    assert.equal((await hs.hooks.trigger(s.taskId, 'cli-fail', { stop: true })).status, 200);
    assert.equal(hs.sb.hooks.subscriptions, 0);
  });

  it('dropAfterFrames: the socket is destroyed after n build-log frames', async () => {
    hs.sb.setHookFaults({ dropAfterFrames: 7 });
    const { r } = await finishedStream('cli-drop');
    await r.waitFor((x) => x.ended, 'the stream is cut');
    assert.equal(r.messages().length, 7);
    await until(() => hs.sb.hooks.connections === 0 && hs.sb.hooks.subscriptions === 0, 'cleaned up');
  });

  it('duplicateEvery: every n-th frame twice; reorderEvery: frame n after n+1; the plain log still agrees once sorted and deduplicated', async () => {
    hs.sb.setHookFaults({ duplicateEvery: 4 });
    const { s, r } = await finishedStream('cli-dup');
    await r.waitFor((x) => x.messages().at(-1)?.message === COMPLETING_END, 'the end');
    const dup = indexes(r.messages());
    assert.deepEqual(
      dup.filter((v, i) => dup[i - 1] === v),
      [...new Set(dup)].filter((v) => v % 4 === 0),
      'the 4th, 8th… frames come twice',
    );
    const unique = [...new Map(r.messages().map((m) => [m.messageIndex, m])).values()];
    assert.equal(plainTextOf(unique), await hs.plainLog(s.queueItemId));
    r.close();

    hs.sb.reset();
    hs.sb.setHookFaults({ reorderEvery: 5 });
    const o = await finishedStream('cli-reorder');
    await o.r.waitFor((x) => x.messages().length >= 27, 'all frames');
    await sleep(300); // a held last frame goes alone
    const got = indexes(o.r.messages());
    assert.deepEqual(got.slice(0, 7), [1, 2, 3, 4, 6, 5, 7]);
    assert.deepEqual(
      [...got].sort((a, b) => a - b),
      got.map((_, i) => i + 1),
      'nothing lost',
    );
    assert.equal(plainTextOf(o.r.messages()), await hs.plainLog(o.s.queueItemId), 'plainTextOf sorts by messageIndex');
  });

  it('stallAfterFrames: open, nothing more after n frames, not even keep-alives; silent: headers, then never a byte', async () => {
    hs.sb.setHookFaults({ stallAfterFrames: 3 });
    const { r } = await finishedStream('cli-stall');
    await r.waitFor((x) => x.messages().length === 3, 'three frames');
    const raw = r.raw.length;
    await sleep(250); // > 4 keep-alive intervals
    assert.equal(r.raw.length, raw, 'not a byte more');
    assert.equal(r.ended, false, 'the socket stays open');
    assert.equal(hs.sb.hooks.connections, 1);
    r.close();

    hs.sb.reset();
    hs.sb.setHookFaults({ silent: true });
    const q = await finishedStream('cli-silent');
    assert.equal(q.r.status, 200);
    assert.match(String(q.r.headers['content-type']), /text\/event-stream/);
    hs.sb.clock.advance(1000);
    await sleep(250);
    assert.equal(q.r.raw, '', 'never a byte');
  });

  it('POST /__sandbox/hooks sets faults (validated), DELETE clears them, GET reads faults and counters', async () => {
    const ctl = `${hs.sb.apiUrl}/__sandbox/hooks`;
    const bad = await call(ctl, { method: 'POST', body: JSON.stringify({ dropAfterFrames: 0 }) });
    assert.equal(bad.status, 400);
    assert.equal((await call(ctl, { method: 'POST', body: JSON.stringify({ nope: 1 }) })).status, 400);
    const set = await call<{ faults: Record<string, unknown>; hookUrl: string }>(ctl, {
      method: 'POST',
      body: JSON.stringify({ refuse: 'token', duplicateEvery: 3 }),
    });
    assert.deepEqual(set.json.faults, { refuse: 'token', duplicateEvery: 3 });
    assert.equal(set.json.hookUrl, hs.sb.hookUrl);
    assert.equal((await hs.hooks.token()).status, 403);
    assert.deepEqual((await call<{ faults: object }>(ctl, { method: 'DELETE' })).json.faults, {});
    const got = await call<{ connections: number; framesSent: number }>(ctl);
    assert.deepEqual([got.json.connections, got.json.framesSent], [0, 0]);
  });

  it('bounds: one stream per browserId (a second L2 replaces the first); at most 50 open; 100 opened and closed → counters back to 0', async () => {
    const t = await hs.hooks.hookToken();
    const a = await hs.hooks.open(t, 'cli-same');
    const b = await hs.hooks.open(t, 'cli-same');
    hs.open.push(a, b);
    await a.waitFor((x) => x.ended, 'the first is ended');
    assert.equal(hs.sb.hooks.connections, 1);
    b.close();
    await until(() => hs.sb.hooks.connections === 0, 'closed');

    const s = await hs.api.startOn('Acme iOS', 'develop');
    hs.sb.clock.advance(HOOK_TIMINGS.waitMs + 2000);
    for (let round = 0; round < 2; round++) {
      const batch = await Promise.all(Array.from({ length: 50 }, (_, i) => hs.hooks.open(t, `cli-${round}-${i}`)));
      hs.open.push(...batch);
      assert.ok(batch.every((r) => r.status === 200));
      assert.equal((await hs.hooks.open(t, 'cli-one-more')).status, 503, 'the 51st');
      await Promise.all(batch.map((_r, i) => hs.hooks.trigger(s.taskId, `cli-${round}-${i}`)));
      await until(() => batch.every((r) => r.messages().length > 3), 'every stream replays');
      assert.equal(hs.sb.hooks.subscriptions, 50);
      assert.ok(hs.sb.hooks.timersHeld >= 50, 'a keep-alive each');
      batch.forEach((r) => r.close());
      await until(() => hs.sb.hooks.connections === 0, 'all closed');
    }
    assert.equal(hs.sb.hooks.connectionsOpened, 102, '2 + 100; the refused 51st is not one');
    assert.equal(hs.sb.hooks.subscriptions, 0, 'subscriptions go with their stream');
    assert.equal(hs.sb.hooks.timersHeld, 0, 'no timer left');
    hs.open.length = 0;
  });

  it('a hook token expires like access tokens (L2 401 after expires_in); L3 before L2 is kept for that browserId', async () => {
    hs.sb.setTokenLifetime(1);
    const short = await hs.hooks.token();
    assert.equal(short.json.expires_in, 1);
    await sleep(1100);
    assert.equal((await hs.hooks.open(short.json.access_token, 'cli-exp')).status, 401);
    hs.sb.setTokenLifetime(3600);
    const s = await hs.api.startOn('Acme iOS', 'develop');
    hs.sb.clock.advance(HOOK_TOTAL);
    assert.equal((await hs.hooks.trigger(s.taskId, 'cli-early')).status, 200);
    const r = await hs.hooks.open(await hs.hooks.hookToken(), 'cli-early');
    hs.open.push(r);
    await r.waitFor((x) => x.messages().at(-1)?.message === COMPLETING_END, 'the whole build');
  });

  it('no secret in hs.sb.requests: the hook token is masked in the query, Authorization is never logged', async () => {
    const { r } = await finishedStream('cli-secret');
    await r.waitFor((x) => x.messages().length > 5, 'frames');
    const t = await hs.hooks.hookToken();
    await hs.hooks.trigger('00000000-0000-4000-8000-000000000000', 'cli-secret', { bearer: t });
    const logged = JSON.stringify(hs.sb.requests);
    assert.ok(!logged.includes(t) && !logged.includes(hs.hooks.accessToken));
    const l2 = hs.sb.requests.find((x) => x.host === 'hook' && x.path === '/v2/hooks');
    assert.equal(l2?.query.token, '***');
    assert.equal(l2?.status, 200, 'logged as the stream opened');
    assert.ok(hs.sb.requests.some((x) => x.host === 'hook' && x.path === '/auth/token'));
  });

  it('a real-time clock pushes lines as they appear; the stream equals the plain log at the end', async () => {
    const fast = await startSandbox({ quiet: true, speed: 20, builds: { timings: HOOK_TIMINGS } });
    try {
      const token = await patToken(fast.authUrl);
      const c = new HookClient(fast, token);
      const s = await new BuildClient(fast, token).startOn('Acme iOS', 'develop');
      const r = await c.follow(s.taskId);
      await r.waitFor((x) => x.messages().length > 0 && x.messages().at(-1)?.message !== COMPLETING_END, 'lines while running', 3000);
      await r.waitFor((x) => x.messages().at(-1)?.message === COMPLETING_END, 'the end', 5000);
      const plain = (await new BuildClient(fast, token).get<string>(`build/v1/queue/logs/${s.queueItemId}`)).text;
      assert.equal(plainTextOf(r.messages()), plain);
      r.close();
      await until(() => fast.hooks.connections === 0 && fast.hooks.timersHeld === 0, 'closed, no timer');
    } finally {
      await fast.stop();
    }
  });

  it('the CLI: --hook-port / SANDBOX_HOOK_PORT (default 0), the banner prints the hook URL and the setting', () => {
    assert.equal(parseCliArgs([], {}).options.hookPort, 0);
    assert.equal(parseCliArgs(['--hook-port', '9200'], {}).options.hookPort, 9200);
    assert.equal(parseCliArgs([], { SANDBOX_HOOK_PORT: '9201' }).options.hookPort, 9201);
    assert.throws(() => parseCliArgs(['--hook-port', 'x'], {}), /hook-port/);
    const text = banner(hs.sb);
    assert.ok(text.includes(`"appcircle.hookUrl": "${hs.sb.hookUrl}"`));
    assert.match(text, new RegExp(`SANDBOX_READY \\S+ \\S+ ${hs.sb.hookUrl.replace(/[.]/g, '\\.')}$`));
  });

  it('stop() closes open streams so a test ends cleanly', async () => {
    const other = await startSandbox({ quiet: true, speed: 0 });
    const c = new HookClient(other, await patToken(other.authUrl));
    const r = await c.open(await c.hookToken(), 'cli-stop');
    await until(() => other.hooks.connections === 1, 'open');
    await other.stop();
    await r.waitFor((x) => x.ended, 'closed by stop()');
    assert.equal(other.hooks.timersHeld, 0);
  });
});
