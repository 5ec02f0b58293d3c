/**
 * Signing identities in the core: the expiry classifier (boundaries, and a property: any date, now and window give
 * one consistent state), the API against an in-test HTTP server (the paths the Appcircle CLI uses, ids
 * checked before anything is sent) and against the sandbox, and SigningService (partial failures, last good lists, cleared on switch).
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as fc from 'fast-check';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import { AuthApi } from '../../../src/api/authApi';
import { ApiClient } from '../../../src/api/http/httpClient';
import { SigningApi } from '../../../src/api/signingApi';
import { Emitter } from '../../../src/core/events';
import { nullLogger } from '../../../src/core/ports';
import type { SessionChangeEvent } from '../../../src/core/session/models';
import type { SessionService } from '../../../src/core/session/sessionService';
import { DAY_MS, byUrgency, clampWarningDays, classifyExpiry, parseExpireDate } from '../../../src/core/signing/expiry';
import { SigningService } from '../../../src/core/signing/signingService';
import { fakeTime } from '../fakes/clock';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

describe('core: signing identity expiry', () => {
  it('says expired, expiring, ok or unknown, with whole days', () => {
    assert.deepEqual(classifyExpiry(iso(NOW - 3 * DAY_MS - 1000), NOW, 30), {
      state: 'expired',
      daysLeft: -3,
      expiresAt: NOW - 3 * DAY_MS - 1000,
      date: '2026-12-04',
    });
    assert.equal(classifyExpiry(iso(NOW), NOW, 30).state, 'expired'); // at the instant it is no longer valid
    assert.equal(classifyExpiry(iso(NOW), NOW, 30).daysLeft, 0);
    assert.equal(classifyExpiry(iso(NOW + 1), NOW, 30).state, 'expiring');
    assert.equal(classifyExpiry(iso(NOW + 10 * DAY_MS + 5), NOW, 30).daysLeft, 10);
    assert.equal(classifyExpiry(iso(NOW + 30 * DAY_MS), NOW, 30).state, 'expiring'); // the window's last instant
    assert.equal(classifyExpiry(iso(NOW + 30 * DAY_MS + 1), NOW, 30).state, 'ok');
    assert.equal(classifyExpiry('2027-01-15T00:00:00Z', NOW, 30).date, '2027-01-15');
    // no zone: UTC, not the machine's zone
    assert.equal(classifyExpiry('2027-01-15T00:00:00', NOW, 30).expiresAt, Date.UTC(2027, 0, 15));
    for (const bad of [undefined, null, '', 'soon', 42, '0001-01-01T00:00:00', 'x'.repeat(100)]) {
      assert.deepEqual(classifyExpiry(bad, NOW, 30), { state: 'unknown' }, String(bad));
    }
  });

  it('clamps the warning window to 1-365 days (default 30)', () => {
    assert.equal(clampWarningDays(0), 1);
    assert.equal(clampWarningDays(1000), 365);
    assert.equal(clampWarningDays('12'), 12);
    assert.equal(clampWarningDays(7.9), 7);
    assert.equal(clampWarningDays('x'), 30);
    assert.equal(clampWarningDays(undefined), 30);
    assert.equal(clampWarningDays(Number.NaN), 30);
  });

  it('property: any date, now and window give one consistent state', () => {
    const instant = fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2200, 0, 1) });
    fc.assert(
      fc.property(instant, instant, fc.integer({ min: -10, max: 1000 }), (t, now, window) => {
        const e = classifyExpiry(iso(t), now, window);
        const w = clampWarningDays(window);
        assert.equal(e.expiresAt, t);
        assert.equal(e.date, iso(t).slice(0, 10));
        const d = e.daysLeft ?? NaN;
        assert.ok(Number.isInteger(d));
        if (t <= now) {
          assert.equal(e.state, 'expired');
          assert.ok(d <= 0);
        } else if (t - now <= w * DAY_MS) {
          assert.equal(e.state, 'expiring');
          assert.ok(d >= 0 && d <= w);
        } else {
          assert.equal(e.state, 'ok');
          assert.ok(d >= w);
        }
        // a later now never makes it less urgent
        const later = classifyExpiry(iso(t), now + DAY_MS, window);
        assert.ok(byUrgency(later, e) <= 0 || later.state === e.state);
      }),
    );
    fc.assert(
      fc.property(fc.string(), fc.integer(), (s, now) =>
        ['expired', 'expiring', 'ok', 'unknown'].includes(classifyExpiry(s, now, 30).state),
      ),
    );
  });

  it('parses only bounded strings', () => {
    assert.equal(parseExpireDate({}), undefined);
    assert.equal(parseExpireDate('2027-01-15'), Date.UTC(2027, 0, 15));
  });
});

interface Served {
  url: string;
  paths: string[];
  auth: (string | undefined)[];
  fail: Set<string>;
  close(): Promise<void>;
}

const LISTS: Record<string, unknown> = {
  '/signing-identity/v2/certificates': [
    { id: 'c1', name: 'Acme Distribution', storeType: 1, filename: 'dist.p12', expireDate: iso(NOW - 2 * DAY_MS) },
  ],
  '/signing-identity/v1/csr': [{ id: 'r1', name: 'Acme CSR', createDate: iso(NOW) }],
  '/signing-identity/v2/keystores': {
    data: [{ id: 'k1', name: 'Acme Upload', fileName: 'upload.jks', expireDate: iso(NOW + 400 * DAY_MS) }],
  },
  '/signing-identity/v2/provisioning-profiles': [
    { id: 'p1', name: 'Acme AdHoc', appId: 'io.acme.app', storeType: 0, hasCertificate: true, expireDate: iso(NOW + 10 * DAY_MS) },
  ],
  '/signing-identity/v2/certificates/c1': { id: 'c1', name: 'Acme Distribution', expireDate: iso(NOW - 2 * DAY_MS) },
  '/signing-identity/v1/csr/r1': { id: 'r1', name: 'Acme CSR' },
  '/signing-identity/v2/keystores/k1': { id: 'k1', name: 'Acme Upload', alias: 'upload' },
  '/signing-identity/v2/provisioning-profiles/p1': {
    id: 'p1',
    name: 'Acme AdHoc',
    appId: 'io.acme.app',
    filename: 'adhoc.mobileprovision',
  },
};

async function serve(): Promise<Served> {
  const paths: string[] = [];
  const auth: (string | undefined)[] = [];
  const fail = new Set<string>();
  const server = http.createServer((req, res) => {
    const p = (req.url ?? '').split('?')[0] ?? '';
    paths.push(`${req.method} ${p}`);
    auth.push(req.headers.authorization);
    const body = LISTS[p];
    if (fail.has(p) || body === undefined) {
      res.writeHead(fail.has(p) ? 500 : 404, { 'content-type': 'application/json' }).end('{"message":"no"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    auth,
    fail,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function fakeSession(client: ApiClient) {
  const changes = new Emitter<SessionChangeEvent>();
  const session = {
    isSignedIn: true,
    session: { organizationId: 'org1', organizationName: 'Acme' },
    onDidChangeSession: changes.event,
    request: <T>(fn: (c: ApiClient) => Promise<T>) => fn(client),
  };
  return { session: session as unknown as SessionService, changes };
}

describe('api + core: signing identities against an HTTP server', () => {
  let s: Served;
  let client: ApiClient;
  beforeEach(async () => {
    s = await serve();
    client = new ApiClient({ baseUrl: s.url, timeoutMs: 2000, getToken: () => Promise.resolve('tok') });
  });
  afterEach(() => s.close());

  it('reads S1, S2, S7, S12 and their details on the documented paths, with the token', async () => {
    const api = new SigningApi(client);
    assert.equal((await api.certificates())[0]?.storeType, 1);
    assert.equal((await api.csrs())[0]?.name, 'Acme CSR');
    assert.equal((await api.keystores())[0]?.fileName, 'upload.jks'); // {data:[…]} too
    assert.equal((await api.provisioningProfiles())[0]?.appId, 'io.acme.app');
    assert.equal((await api.certificate('c1')).id, 'c1');
    assert.equal((await api.csr('r1')).id, 'r1');
    assert.equal((await api.keystore('k1')).alias, 'upload');
    assert.equal((await api.provisioningProfile('p1')).filename, 'adhoc.mobileprovision');
    assert.deepEqual(s.paths, [
      'GET /signing-identity/v2/certificates',
      'GET /signing-identity/v1/csr',
      'GET /signing-identity/v2/keystores',
      'GET /signing-identity/v2/provisioning-profiles',
      'GET /signing-identity/v2/certificates/c1',
      'GET /signing-identity/v1/csr/r1',
      'GET /signing-identity/v2/keystores/k1',
      'GET /signing-identity/v2/provisioning-profiles/p1',
    ]);
    assert.ok(s.auth.every((a) => a === 'Bearer tok'));
  });

  it('refuses a bad id before sending anything', async () => {
    const api = new SigningApi(client);
    for (const bad of ['../x', '', 'a/b', '%2e%2e', 'a b']) {
      await assert.rejects(api.certificate(bad), (e: { kind?: string }) => e.kind === 'invalidId');
      await assert.rejects(api.provisioningProfile(bad), (e: { kind?: string }) => e.kind === 'invalidId');
      await assert.rejects(api.keystore(bad), (e: { kind?: string }) => e.kind === 'invalidId');
      await assert.rejects(api.csr(bad), (e: { kind?: string }) => e.kind === 'invalidId');
    }
    assert.deepEqual(s.paths, []);
  });

  it('SigningService: most urgent first, a failed kind named, the last good lists kept, cleared on a switch', async () => {
    const { clock, timers } = fakeTime(NOW);
    try {
      const { session, changes } = fakeSession(client);
      const svc = new SigningService({ session, clock, logger: nullLogger, warningDays: () => 30 });
      let snap = await svc.identities();
      assert.deepEqual(
        snap.identities.map((i) => [i.kind, i.name, i.expiry.state]),
        [
          ['certificate', 'Acme Distribution', 'expired'],
          ['provisioningProfile', 'Acme AdHoc', 'expiring'],
          ['keystore', 'Acme Upload', 'ok'],
          ['csr', 'Acme CSR', 'unknown'],
        ],
      );
      assert.equal(snap.identities[1]?.bundleId, 'io.acme.app');
      assert.equal(snap.identities[0]?.storeType, 'appStore');
      assert.deepEqual(snap.failed, []);
      // cached: no second request
      const before = s.paths.length;
      await svc.identities();
      assert.equal(s.paths.length, before);
      // time moves: the states follow the clock without a request
      timers.tick(11 * DAY_MS);
      assert.equal(svc.peek()?.identities.find((i) => i.id === 'p1')?.expiry.state, 'expired');
      // one kind fails: the others are shown and it is named
      s.fail.add('/signing-identity/v1/csr');
      svc.refresh();
      snap = await svc.identities();
      assert.deepEqual(snap.failed, ['csr']);
      assert.equal(snap.identities.length, 3);
      // everything fails: the last good lists, with the error
      for (const p of Object.keys(LISTS)) {
        s.fail.add(p);
      }
      svc.refresh();
      snap = await svc.identities();
      assert.equal(snap.identities.length, 3);
      assert.ok(snap.error);
      // a sign-out (or switch) forgets them; nothing loaded and everything failing is an error
      changes.fire({ reason: 'signOut', session: undefined });
      assert.equal(svc.peek(), undefined);
      await assert.rejects(svc.identities());
      svc.dispose();
    } finally {
      timers.restore();
    }
  });
});

describe('api: signing identities against the sandbox', () => {
  let sb: Sandbox;
  let api: SigningApi;
  before(async () => {
    sb = await startSandbox({ quiet: true, builds: { speed: 0 } });
    const token = (await new AuthApi({ authUrl: sb.authUrl }).tokenWithPat(DEMO_PAT)).accessToken;
    api = new SigningApi(new ApiClient({ baseUrl: sb.apiUrl, timeoutMs: 2000, getToken: () => Promise.resolve(token) }));
  });
  after(() => sb.stop());

  it('lists S1, S2, S7, S12 with expireDate, reads a detail, and sees an expiry the control set', async () => {
    const [certs, csrs, keystores, profiles] = await Promise.all([
      api.certificates(),
      api.csrs(),
      api.keystores(),
      api.provisioningProfiles(),
    ]);
    assert.ok(certs.length && csrs.length && keystores.length && profiles.length);
    assert.ok(certs.every((c) => typeof c.expireDate === 'string' && [0, 1].includes(c.storeType ?? -1)));
    assert.ok(profiles.every((p) => typeof p.appId === 'string'));
    const now = Date.now();
    const states = profiles.map((p) => classifyExpiry(p.expireDate, now, 30).state);
    assert.ok(states.includes('expired') && states.includes('expiring') && states.includes('ok'), states.join());
    const first = profiles[0];
    assert.ok(first);
    assert.equal((await api.provisioningProfile(first.id)).id, first.id);
    const k = keystores[0];
    assert.ok(k);
    assert.equal((await api.keystore(k.id)).id, k.id);
    sb.setSigningExpiry('keystores', k.id, { inDays: -1 });
    assert.equal(classifyExpiry((await api.keystore(k.id)).expireDate, Date.now(), 30).state, 'expired');
  });
});
