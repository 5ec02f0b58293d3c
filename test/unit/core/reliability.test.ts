/**
 * Reliability of the core: the poll loop cannot storm or run forever, the token is renewed in proportion to its
 * lifetime, the stored credential is deleted only when the token route refuses it, session operations are
 * serialized by generation, and secret storage failures (throwing, hung, corrupted) are bounded and reported.
 */
import * as assert from 'node:assert/strict';
import { ApiError } from '../../../src/api/http/errors';
import { OrganizationsApi } from '../../../src/api/organizationsApi';
import {
  AlreadySignedInError,
  NotSignedInError,
  OrganizationAccessLostError,
  OrganizationUnreachableError,
  SecretStorageError,
  SessionChangedError,
  UnreadableSessionError,
  isApiError,
} from '../../../src/core/errors';
import {
  MAX_INTERVAL_MS,
  MAX_TIMER_MS,
  MIN_INTERVAL_MS,
  PollingScheduler,
  clampIntervalMs,
} from '../../../src/core/builds/pollingScheduler';
import type { PollResult } from '../../../src/core/builds/pollingScheduler';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import * as sinon from 'sinon';
import type { Clock } from '../../../src/core/ports';
import type { FakeTime } from '../fakes/clock';
import { fakeTime } from '../fakes/clock';
import type { Harness } from './helpers';
import { KEY, makeHarness, PAT, QA_ORG, RecordingLogger, rejects, ROOT_ORG, waitFor } from './helpers';

const settle = () => new Promise((r) => setImmediate(r));
const qa = { id: QA_ORG, name: 'Acme QA', isRoot: false, rootOrganizationId: ROOT_ORG };

describe('core/PollingScheduler: no storm, no endless polling', () => {
  let clock: Clock;
  let timers: FakeTime['timers'];
  let logger: RecordingLogger;
  /** Fires due timers one at a time, letting each async tick settle before the next timer is armed. */
  const run = async (ms: number) => {
    await timers.tickAsync(ms);
  };
  beforeEach(() => {
    ({ clock, timers } = fakeTime(0));
    logger = new RecordingLogger();
  });

  it('clamps the interval to 2–300 s whatever its type', () => {
    assert.equal(clampIntervalMs(1e13), MAX_INTERVAL_MS);
    assert.equal(clampIntervalMs(-1000), MIN_INTERVAL_MS);
    assert.equal(clampIntervalMs('5000'), 5000);
    assert.equal(clampIntervalMs('soon'), 5000);
    assert.equal(clampIntervalMs(Number.NaN), 5000);
    assert.equal(clampIntervalMs(undefined), 5000);
  });

  it('a huge interval or Retry-After never arms a timer beyond 2^31-1 ms, nor fires at once', async () => {
    const arm = sinon.spy(clock, 'setTimeout');
    const rate = new ApiError({ kind: 'rateLimited', method: 'GET', path: 'q', status: 429, retryAfterMs: 99_999_999_000 });
    const results: (PollResult | Error)[] = [{ active: 1 }, rate, { active: 1 }];
    const s = new PollingScheduler({
      clock,
      logger,
      intervalMs: () => 1e10 * 1000,
      random: () => 0.5,
      tick: () => {
        const r = results.shift() ?? { active: 1 };
        return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
      },
    });
    s.pokeNow();
    await run(MAX_INTERVAL_MS * 3);
    const armed = arm.args.map(([, ms]) => ms);
    assert.ok(
      armed.every((ms) => ms <= MAX_TIMER_MS && ms >= 0),
      `armed ${armed.join(',')}`,
    );
    assert.ok(armed.includes(MAX_INTERVAL_MS), 'the interval was clamped to 300 s');
    assert.ok(
      armed.some((ms) => ms === 60 * 60_000),
      'Retry-After capped at one hour',
    );
    assert.ok(s.ticks <= 3, `no storm: ${s.ticks} ticks`);
    s.dispose();
  });

  it('a tick in flight when polling stopped neither idles nor stops the next one', async () => {
    let release!: (r: PollResult) => void;
    const calls: number[] = [];
    const s = new PollingScheduler({
      clock,
      logger,
      intervalMs: () => 5000,
      tick: () => {
        calls.push(clock.now());
        return calls.length === 1 ? new Promise<PollResult>((r) => (release = r)) : Promise.resolve({ active: 1 });
      },
    });
    s.pokeNow();
    await run(0);
    s.stop(); // a switch: clear, then poll the new organization
    s.pokeNow();
    await run(0);
    release({ active: 0 }); // the old organization's answer lands late
    await settle();
    await run(20_000);
    assert.ok(calls.length >= 4, `the new organization keeps being polled (${calls.length} ticks)`);
    assert.equal(s.current, 'scheduled');
    s.dispose();
  });

  it('once disposed (deactivation), a start or a cancel landing late never re-arms the loop', () => {
    const s = new PollingScheduler({ clock, logger, intervalMs: () => 5000, tick: () => Promise.resolve({ active: 1 }) });
    s.dispose();
    s.pokeNow();
    s.watch();
    assert.equal(timers.countTimers(), 0);
    assert.equal(s.current, 'stopped');
  });

  it('a build never reaching a final status stops being polled after 24 h, with a log note', async () => {
    const s = new PollingScheduler({
      clock,
      logger,
      intervalMs: () => MAX_INTERVAL_MS,
      tick: () => Promise.resolve({ active: 1, activeIds: ['stuck'] }),
    });
    s.pokeNow();
    await run(23 * 3600_000);
    assert.equal(s.current, 'scheduled');
    await run(2 * 3600_000);
    assert.equal(s.current, 'idle');
    assert.ok(logger.lines.some((l) => l.includes('stuck') && l.includes('24 hours')));
    const ticks = s.ticks;
    await run(3600_000);
    assert.equal(s.ticks, ticks);
    s.dispose();
  });
});

describe('core/SessionService: renewal, credential kept, generations, secret storage', () => {
  let sb: Sandbox;
  let h: Harness;
  const tokenCalls = () => sb.requests.filter((r) => r.path.includes('/token')).length;

  before(async () => {
    sb = await startSandbox({ quiet: true, realTime: false });
  });
  after(async () => {
    await sb.stop();
  });
  beforeEach(() => {
    sb.reset();
    h = makeHarness(sb, { timeoutMs: 2000, secretTimeoutMs: 300 });
  });
  afterEach(() => h.dispose());

  it('a 5-minute token is renewed when 15% of its lifetime is left: at most 15 mints an hour, not one per call', async () => {
    h.dispose();
    const { clock, timers } = fakeTime(Date.now());
    h = makeHarness(sb, { clock });
    sb.setTokenLifetime(300);
    await h.session.signIn({ kind: 'pat', pat: PAT });
    const n = tokenCalls();
    for (let t = 0; t < 360; t++) {
      await h.session.getAccessToken();
      timers.tick(10_000); // a call every 10 s for an hour
    }
    const mints = tokenCalls() - n;
    assert.ok(mints >= 12 && mints <= 15, `${mints} mints in an hour`);
  });

  it('a clock two hours ahead does not make every call mint', async () => {
    h.dispose();
    const { clock, timers } = fakeTime(Date.now() + 2 * 3600_000);
    h = makeHarness(sb, { clock });
    await h.session.signIn({ kind: 'pat', pat: PAT });
    const n = tokenCalls();
    for (let i = 0; i < 20; i++) {
      await h.session.getAccessToken();
      timers.tick(3000);
    }
    assert.equal(tokenCalls(), n);
  });

  it('a proxy HTML 401/403 on renewal keeps the credential', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    const stored = h.secrets.backing.data.get(h.store.key);
    for (const htmlStatus of [401, 403]) {
      sb.faults.set({ pathIncludes: '/auth/', htmlPage: true, htmlStatus, times: 1 });
      const e = await rejects(h.session.getAccessToken({ forceRefresh: true }));
      assert.ok(isApiError(e) && e.htmlBody, String(e));
      assert.equal(h.session.isSignedIn, true);
      assert.equal(h.secrets.backing.data.get(h.store.key), stored);
    }
  });

  it('a 403 or a JSON 401 for the active sub-organization keeps the credential (it still mints for its own)', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    await h.session.switchOrganization(qa);
    const stored = h.secrets.backing.data.get(h.store.key);
    sb.faults.set({ pathIncludes: '/auth/v2/', forbidden: true, times: 1 });
    assert.ok((await rejects(h.session.getAccessToken({ forceRefresh: true }))) instanceof OrganizationAccessLostError);
    sb.faults.set({ pathIncludes: '/auth/v2/', echoCredential: true, echoStatus: 401, times: 1 });
    // a 401 is tried once on v3 (`personalAccessKey`): refused there too
    sb.faults.set({ pathIncludes: '/auth/v3/', echoCredential: true, echoStatus: 401, times: 1 });
    const e = await rejects(h.session.getAccessToken({ forceRefresh: true }));
    assert.ok(e instanceof OrganizationAccessLostError && e.organizationName === 'Acme QA');
    assert.equal(h.session.session?.organizationId, QA_ORG);
    assert.equal(h.secrets.backing.data.get(h.store.key), stored);
  });

  it('a JSON 401 from the token route for the credential itself deletes it', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    sb.revokeCredential(PAT);
    await rejects(h.session.getAccessToken({ forceRefresh: true }));
    assert.equal(h.session.isSignedIn, false);
    assert.equal(h.secrets.backing.data.get(h.store.key), undefined);
  });

  it('Switch Organization refused (401) by the sub-organization token call: "cannot reach", the session stays', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    sb.faults.set({ pathIncludes: '/auth/v2/', echoCredential: true, echoStatus: 401, times: 1 });
    sb.faults.set({ pathIncludes: '/auth/v3/', echoCredential: true, echoStatus: 401, times: 1 });
    const e = await rejects(h.session.switchOrganization(qa));
    assert.ok(e instanceof OrganizationUnreachableError);
    assert.equal(h.session.session?.organizationId, ROOT_ORG);
    assert.ok(h.secrets.backing.data.get(h.store.key));
    assert.deepEqual(sb.requests.filter((r) => r.path === '/auth/v2/token').at(-1)?.bodyFields, [
      'pat',
      'subOrganizationId',
      'subOrganization',
    ]);
  });

  it('sign-out during the sign-in mint: the sign-in is called off, nothing stored', async () => {
    sb.faults.set({ pathIncludes: '/auth/v1/token', hold: true, times: 1 });
    const p = h.session.signIn({ kind: 'pat', pat: PAT });
    await sb.faults.whenHeld();
    await h.session.signOut();
    sb.faults.release();
    assert.ok((await rejects(p)) instanceof NotSignedInError);
    assert.equal(h.session.isSignedIn, false);
    assert.equal(h.secrets.backing.data.get(h.store.key), undefined);
  });

  it('sign-out during the sign-in write or the switch write never brings the session back', async () => {
    let gate = h.secrets.holdNext('store');
    const p = h.session.signIn({ kind: 'pat', pat: PAT });
    await waitFor(() => h.secrets.waiting > 0, 5000, 'the held write');
    const out = h.session.signOut();
    gate.release();
    assert.ok((await rejects(p)) instanceof NotSignedInError);
    await out;
    await settle();
    assert.equal(h.session.isSignedIn, false);
    assert.equal(h.secrets.backing.data.get(h.store.key), undefined);

    await h.session.signIn({ kind: 'pat', pat: PAT });
    gate = h.secrets.holdNext('store');
    const sw = h.session.switchOrganization(qa);
    await waitFor(() => h.secrets.waiting > 0, 5000, 'the held write');
    const out2 = h.session.signOut();
    gate.release();
    await rejects(sw);
    await out2;
    await settle();
    assert.equal(h.session.isSignedIn, false);
    assert.equal(h.secrets.backing.data.get(h.store.key), undefined);
  });

  it('two sign-ins at once: one wins, the other is told "already signed in"', async () => {
    const r = await Promise.allSettled([h.session.signIn({ kind: 'pat', pat: PAT }), h.session.signIn({ kind: 'apiKey', ...KEY })]);
    assert.equal(r.filter((x) => x.status === 'fulfilled').length, 1);
    const lost = r.find((x) => x.status === 'rejected');
    assert.ok(lost?.status === 'rejected' && lost.reason instanceof AlreadySignedInError);
  });

  it('an answer that lands after a switch is dropped (SessionChangedError), never shown in the new organization', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    sb.faults.set({ pathIncludes: 'identity/v1/organizations', hold: true, times: 1 });
    const p = h.session.request((c) => new OrganizationsApi(c).list());
    await sb.faults.whenHeld();
    await h.session.switchOrganization(qa);
    sb.faults.release();
    assert.ok((await rejects(p)) instanceof SessionChangedError);
    assert.equal(h.session.session?.organizationId, QA_ORG);
  });

  it('secret storage throwing, hanging, corrupted or of an unknown version at restore: a clear error, the value left', async () => {
    h.secrets.failNext = 'get';
    assert.ok((await rejects(h.session.restore())) instanceof SecretStorageError);
    h.secrets.holdNext('get'); // never released: a hung keychain
    const e = await rejects(h.session.restore());
    assert.ok(e instanceof SecretStorageError && e.timedOut);
    h.dispose();
    h = makeHarness(sb, { secretTimeoutMs: 300 });
    h.secrets.corrupt(h.store.key, '{"version":1,"credential":');
    const c = await rejects(h.session.restore());
    assert.ok(c instanceof UnreadableSessionError && c.problem === 'corrupted');
    h.secrets.corrupt(h.store.key, JSON.stringify({ version: 2, something: 'new' }));
    const v = await rejects(h.session.restore());
    assert.ok(v instanceof UnreadableSessionError && v.problem === 'unknownVersion');
    assert.equal(h.secrets.backing.data.get(h.store.key), JSON.stringify({ version: 2, something: 'new' }), 'left as it is');
    assert.equal(h.session.isSignedIn, false);
  });

  it('a hung store at sign-in fails within the bounded wait and keeps the previous state', async () => {
    h.secrets.holdNext('store');
    const e = await rejects(h.session.signIn({ kind: 'pat', pat: PAT }));
    assert.ok(e instanceof SecretStorageError && e.timedOut);
    assert.equal(h.session.isSignedIn, false);
  });
});
