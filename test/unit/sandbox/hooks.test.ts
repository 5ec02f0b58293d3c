/** The sandbox's hook service (L1-L4): SSE build logs that agree byte for byte with the plain log (B12/B13). */
import * as assert from 'node:assert/strict';
import { COMPLETING_END, COMPLETING_STEP } from '../../../sandbox/buildLogs';
import { plainTextOf } from '../../../sandbox/hookStream';
import type { HookMessage } from '../../../sandbox/hooks';
import { call, until } from './helpers';
import { HOOK_TIMINGS, HOOK_TOTAL, SseReader, hookSuite } from './hookHelpers';

describe('sandbox: the hook service (L1-L4, Server-Sent Events build logs)', () => {
  const hs = hookSuite({ keepAliveMs: 100 });
  /** Waits until the stream has caught up with the plain log, then compares them. */
  const agrees = async (r: SseReader, queueItemId: string, what: string) => {
    const plain = await hs.plainLog(queueItemId);
    await until(
      () => plainTextOf(r.messages()) === plain,
      `${what}: the stream catches up with the plain log (${plain.length} bytes)`,
    ).catch(() => assert.equal(plainTextOf(r.messages()), plain, what));
  };

  it('L1 → {access_token, expires_in}; a bad or missing Bearer is 401', async () => {
    const r = await hs.hooks.token();
    assert.equal(r.status, 200);
    assert.ok(typeof r.json.access_token === 'string' && r.json.access_token.length > 20);
    assert.equal(r.json.expires_in, 3600);
    assert.equal((await hs.hooks.token('made-up')).status, 401);
    assert.equal((await call(`${hs.sb.hookUrl}/auth/token`, { method: 'POST', body: '{}' })).status, 401);
  });

  it('L2 → 200 text/event-stream with no-cache; the token in the query only; 401 bad token; 400 without browserId', async () => {
    const t = await hs.hooks.hookToken();
    const r = await hs.hooks.open(t, 'cli-l2');
    hs.open.push(r);
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/event-stream/);
    assert.equal(r.headers['cache-control'], 'no-cache');
    await until(() => hs.sb.hooks.connections === 1, 'one open stream');
    const bad = await SseReader.open(hs.hooks.streamUrl('nope', 'cli-x'), { Authorization: `Bearer ${t}` });
    assert.equal(bad.status, 401, 'an Authorization header does not stand in for the query token');
    const noBrowser = await SseReader.open(hs.hooks.streamUrl(t, '').replace(/&?browserId=/, ''));
    assert.equal(noBrowser.status, 400);
    const access = await SseReader.open(hs.hooks.streamUrl(hs.hooks.accessToken, 'cli-y'));
    assert.equal(access.status, 401, 'the Appcircle access token is not a hook token');
    // keep-alive comments on real timers while the build clock is frozen
    await r.waitFor((x) => x.comments.includes(': keep-alive'), 'a keep-alive comment');
    assert.equal(r.frames.length, 0, 'nothing streams before L3');
  });

  it('L3 mid-build replays from messageIndex 1, then pushes the new lines at each clock.advance(); Completing workflow ends it', async () => {
    const s = await hs.api.startOn('Acme iOS', 'develop');
    hs.sb.clock.advance(HOOK_TIMINGS.waitMs + 3000);
    const r = await hs.follow(s.taskId);
    await agrees(r, s.queueItemId, 'replayed');
    const first = r.messages();
    assert.equal(first[0]?.messageIndex, 1);
    assert.deepEqual(
      first.map((m) => m.messageIndex),
      first.map((_, i) => i + 1),
      'messageIndex from 1, +1 per message',
    );
    const before = first.length;
    hs.sb.clock.advance(2000);
    await r.waitFor((x) => x.messages().length > before, 'new lines pushed after advance');
    await agrees(r, s.queueItemId, 'live');
    hs.sb.clock.advance(HOOK_TOTAL);
    await agrees(r, s.queueItemId, 'finished');
    const all = r.messages();
    const last = all.at(-1) as HookMessage;
    assert.equal(last.message, COMPLETING_END);
    assert.equal(last.workflowStatus, 9);
    assert.equal(last.stepName, COMPLETING_STEP);
    assert.equal(all.filter((m) => m.workflowStatus === 9).length, 1, 'workflowStatus 9 on the very last message only');
    assert.equal(hs.sb.hooks.subscriptions, 0, 'the server stops sending for that task');
    const m = all[5];
    for (const k of [
      'id',
      'taskId',
      'message',
      'messageIndex',
      'workflowName',
      'workflowStatus',
      'stepName',
      'stepIndex',
      'progressTime',
    ] as const) {
      assert.ok(m[k] !== undefined, k);
    }
    assert.equal(m.taskId, s.taskId);
    assert.equal(m.eventName, 'BuildProgress');
    assert.equal(m.buildId, s.queueItemId);
    assert.equal(m.profileId, s.profile.id);
    assert.equal(m.branchName, 'develop');
    assert.equal(m.commitId, s.commit.id);
    assert.ok(!Number.isNaN(Date.parse(m.progressTime)));
    assert.ok(
      all.some((x) => x.uiOnly && x.message === x.stepName),
      'step-title echoes',
    );
    assert.ok(
      all.some((x) => x.message.includes('\r\n')),
      'a multi-line message joined by \\r\\n',
    );
  });

  it('byte consistency: stream = plain log at several clock points, iOS and Android, failed and succeeded', async () => {
    const cases: [string, 0 | 1, boolean][] = [
      ['Acme iOS', 0, false],
      ['Acme iOS', 1, false],
      ['Acme Android', 0, true],
      ['Acme Android', 1, false],
    ];
    for (const [profile, status, hasWarning] of cases) {
      hs.sb.setBuildOutcome({ status, hasWarning });
      const s = await hs.api.startOn(profile, 'develop');
      const r = await hs.follow(s.taskId);
      let at = 0;
      for (const t of [HOOK_TIMINGS.waitMs, HOOK_TIMINGS.waitMs + 1, 3500, 6000, 9999, 10_000, 10_500, HOOK_TOTAL, HOOK_TOTAL + 5000]) {
        hs.sb.clock.advance(t - at);
        at = t;
        await agrees(r, s.queueItemId, `${profile} ${status} at ${t} ms`);
      }
      const all = r.messages();
      assert.equal(all.at(-1)?.workflowStatus, 9);
      if (status === 1) {
        assert.ok(
          all.some((m) => m.message.includes('\n') && !m.message.includes('\r')),
          'a compiler excerpt in one message',
        );
        assert.ok(
          all.some((m) => m.workflowStatus === 3),
          'a StepError',
        );
      }
    }
  });

  it('byte consistency for a finished build subscribed after the end, and for a canceled one', async () => {
    const s = await hs.api.startOn('Acme Android', 'main');
    hs.sb.clock.advance(HOOK_TOTAL + 1000);
    const r = await hs.follow(s.queueItemId, 'cli-after');
    await agrees(r, s.queueItemId, 'finished, whole replay');
    const c = await hs.api.startOn('Acme iOS', 'main');
    hs.sb.clock.advance(HOOK_TIMINGS.waitMs + HOOK_TIMINGS.runMs + 200); // completing
    const rc = await hs.follow(c.taskId, 'cli-cancel');
    await agrees(rc, c.queueItemId, 'completing');
    assert.equal((await hs.api.get(`build/v1/queue/${c.queueItemId}?action=cancel`)).status, 200);
    hs.sb.clock.advance(100);
    await agrees(rc, c.queueItemId, 'canceled while completing');
    assert.equal(rc.messages().at(-1)?.message, COMPLETING_END);
  });

  it('distinct ids: L3 by the queue item id or the task id; messages carry the task id and the build id', async () => {
    hs.sb.setBuildBehaviour({ ids: 'distinct' });
    const s = await hs.api.startOn('Acme Android', 'develop');
    assert.notEqual(s.taskId, s.queueItemId);
    hs.sb.clock.advance(HOOK_TIMINGS.waitMs + 2000);
    const byQueue = await hs.follow(s.queueItemId, 'cli-by-queue');
    const byTask = await hs.follow(s.taskId, 'cli-by-task');
    await agrees(byQueue, s.queueItemId, 'by queue item id');
    await agrees(byTask, s.queueItemId, 'by task id');
    const buildId = (await hs.api.queue(s.queueItemId)).buildId;
    assert.ok(byQueue.messages().every((m) => m.taskId === s.taskId && m.buildId === buildId));
  });

  it('byte consistency for a timed-out build and one canceled while running', async () => {
    hs.sb.setBuildOutcome({ status: 3 });
    const t = await hs.api.startOn('Acme iOS', 'develop');
    const rt = await hs.follow(t.taskId, 'cli-timeout');
    hs.sb.clock.advance(HOOK_TOTAL);
    await agrees(rt, t.queueItemId, 'timed out');
    assert.equal(rt.messages().at(-1)?.workflowStatus, 9);
    const c = await hs.api.startOn('Acme Android', 'develop');
    hs.sb.clock.advance(HOOK_TIMINGS.waitMs); // the first running instant: one body line
    const rc = await hs.follow(c.taskId, 'cli-cancel-run');
    await agrees(rc, c.queueItemId, 'just running');
    assert.equal((await hs.api.get(`build/v1/queue/${c.taskId}?action=cancel`)).status, 200);
    await agrees(rc, c.queueItemId, 'canceled while running');
    assert.equal(rc.messages().at(-1)?.message, COMPLETING_END);
  });

  it('L3 is served on the API origin too and takes the hook token; L4 stops the task; unknown taskId 404', async () => {
    const s = await hs.api.startOn('Acme iOS', 'develop');
    hs.sb.clock.advance(HOOK_TIMINGS.waitMs + 1000);
    const t = await hs.hooks.hookToken();
    const r = await hs.hooks.open(t, 'cli-api');
    hs.open.push(r);
    assert.equal((await hs.hooks.trigger(s.taskId, 'cli-api', { origin: 'api', bearer: t })).status, 200);
    await agrees(r, s.queueItemId, 'via the API origin');
    assert.equal((await hs.hooks.trigger(s.taskId, 'cli-api', { stop: true })).status, 200);
    const n = r.messages().length;
    hs.sb.clock.advance(3000);
    await new Promise((x) => setTimeout(x, 150));
    assert.equal(r.messages().length, n, 'nothing after L4');
    assert.equal(hs.sb.hooks.subscriptions, 0);
    assert.equal((await hs.hooks.trigger('00000000-0000-4000-8000-000000000000', 'cli-api')).status, 404);
    assert.equal((await hs.hooks.trigger(s.taskId, 'cli-api', { bearer: 'made-up' })).status, 401);
    assert.equal((await hs.hooks.trigger(s.taskId, 'cli-api', { stop: true, origin: 'api' })).status, 200);
  });
});
