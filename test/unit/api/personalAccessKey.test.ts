/**
 * Personal Access Keys (Appcircle's new name for Personal API Tokens): v1 `pat=` first, as the official CLI does; on a
 * JSON 401 one try of v3 `personalAccessKey=` (docs/appcircle-api.md §2.1, §10). The key counts as refused only when
 * both routes refuse it with JSON; any other v3 failure is reported as itself (N3). The route that accepted a key is
 * asked first next time, per auth origin.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthApi, forgetPatRoutes, preferredPatRoute } from '../../../src/api/authApi';
import { originOf } from '../../../src/api/http/origin';
import { ApiError } from '../../../src/api/http/errors';
import { DEMO_PAK_V3_ONLY, DEMO_PAT, QA_ORG_ID } from '../../../sandbox/fixtures';
import type { FaultSpec } from '../../../sandbox/faults';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import { rejection } from './rejection';

describe('api: Personal Access Key, v1 first and v3 once on a 401', () => {
  let sb: Sandbox;
  const lines: string[] = [];
  const logger = {
    debug: (m: string) => lines.push(m),
    info: (m: string) => lines.push(m),
    warn: (m: string) => lines.push(m),
    error: (m: string) => lines.push(m),
  };
  const auth = (timeoutMs = 2000) => new AuthApi({ authUrl: sb.authUrl, logger, timeoutMs, deadlineMs: 2 * timeoutMs });
  const tokenCalls = (from: number) => sb.requests.slice(from).map((r) => `${r.path} ${r.status} ${(r.bodyFields ?? []).join(',')}`);

  before(async () => {
    sb = await startSandbox({ quiet: true, realTime: false });
  });
  after(async () => {
    forgetPatRoutes();
    await sb.stop();
    assert.ok(!lines.some((l) => l.includes(DEMO_PAK_V3_ONLY) || l.includes(DEMO_PAT)), 'no key in the log');
  });
  beforeEach(() => {
    sb.faults.clear();
    forgetPatRoutes();
  });

  it('a key v1 accepts: one request, v1 `pat`', async () => {
    const before = sb.requests.length;
    const r = await auth().tokenWithPat(DEMO_PAT);
    assert.ok(r.accessToken);
    assert.deepEqual(tokenCalls(before), ['/auth/v1/token 200 pat']);
    assert.equal(preferredPatRoute(originOf(sb.authUrl)), 'legacy');
  });

  it('a key only v3 accepts: v1 401, then v3 → a token; from then on v3 first, one exchange (root and sub-organization)', async () => {
    let before = sb.requests.length;
    const r = await auth().tokenWithPat(DEMO_PAK_V3_ONLY);
    assert.equal(r.claims.email, 'dev@acme.test');
    assert.deepEqual(tokenCalls(before), ['/auth/v1/token 401 pat', '/auth/v3/token 200 personalAccessKey']);
    assert.equal(preferredPatRoute(originOf(sb.authUrl)), 'v3');
    before = sb.requests.length;
    await auth().tokenWithPat(DEMO_PAK_V3_ONLY);
    assert.deepEqual(tokenCalls(before), ['/auth/v3/token 200 personalAccessKey'], 'a renewal: one exchange');
    before = sb.requests.length;
    const sub = await auth().tokenWithPat(DEMO_PAK_V3_ONLY, QA_ORG_ID);
    assert.equal(sub.claims.currentOrganizationId, QA_ORG_ID);
    assert.deepEqual(tokenCalls(before), ['/auth/v3/token 200 personalAccessKey,subOrganization']);
  });

  it('a sub-organization with nothing remembered: v2 401, then v3 with subOrganization', async () => {
    const before = sb.requests.length;
    const sub = await auth().tokenWithPat(DEMO_PAK_V3_ONLY, QA_ORG_ID);
    assert.equal(sub.claims.currentOrganizationId, QA_ORG_ID);
    assert.deepEqual(tokenCalls(before), [
      '/auth/v2/token 401 pat,subOrganizationId,subOrganization',
      '/auth/v3/token 200 personalAccessKey,subOrganization',
    ]);
  });

  it('a wrong key: v1 401, v3 401 once, then the first 401 (the key is rejected); v3 first when remembered, same answer', async () => {
    let before = sb.requests.length;
    let e = await rejection(auth().tokenWithPat('acpak_wrong_000000000000'));
    assert.ok(e.kind === 'unauthorized' && !e.htmlBody && e.path === 'auth/v1/token');
    assert.deepEqual(tokenCalls(before), ['/auth/v1/token 401 pat', '/auth/v3/token 401 personalAccessKey']);
    await auth().tokenWithPat(DEMO_PAK_V3_ONLY); // v3 remembered
    before = sb.requests.length;
    e = await rejection(auth().tokenWithPat('acpak_wrong_000000000000'));
    assert.ok(e.kind === 'unauthorized' && !e.htmlBody && e.path === 'auth/v1/token');
    assert.deepEqual(tokenCalls(before), ['/auth/v3/token 401 personalAccessKey', '/auth/v1/token 401 pat']);
  });

  it('a key v1 accepts, with v3 remembered: v3 first (v3 accepts it too), one exchange', async () => {
    await auth().tokenWithPat(DEMO_PAK_V3_ONLY);
    const before = sb.requests.length;
    assert.ok((await auth().tokenWithPat(DEMO_PAT)).accessToken);
    assert.deepEqual(tokenCalls(before), ['/auth/v3/token 200 personalAccessKey']);
  });

  it('an HTML 401 (a proxy, not Appcircle) is not retried on v3', async () => {
    sb.faults.set({ pathIncludes: '/auth/', htmlPage: true, htmlStatus: 401 });
    const before = sb.requests.length;
    await assert.rejects(auth().tokenWithPat(DEMO_PAT), (e: unknown) => e instanceof ApiError && e.htmlBody);
    assert.deepEqual(
      tokenCalls(before).map((x) => x.split(' ')[0]),
      ['/auth/v1/token'],
    );
  });

  // N3: v1 refuses a v3-only key with a JSON 401; v3 failing any other way is that failure, never "refused"
  const v3Faults: [string, FaultSpec, (e: ApiError) => boolean][] = [
    ['503', { status: 503 }, (e) => e.kind === 'server' && e.status === 503],
    ['a proxy HTML 403', { htmlPage: true, htmlStatus: 403 }, (e) => e.kind === 'forbidden' && e.htmlBody],
    ['a proxy HTML 401', { htmlPage: true, htmlStatus: 401 }, (e) => e.kind === 'unauthorized' && e.htmlBody],
    ['a reset connection', { dropConnection: true }, (e) => e.kind === 'network'],
    ['a timeout', { stallAfterBytes: 0 }, (e) => e.kind === 'timeout'],
    ['a malformed answer', { malformedJson: true }, (e) => e.kind === 'malformedResponse'],
  ];
  for (const [name, fault, check] of v3Faults) {
    it(`a key only v3 accepts, v3 answering ${name}: that failure, not a refusal (first try and when v3 is remembered)`, async () => {
      sb.faults.set({ ...fault, pathIncludes: '/auth/v3/' });
      let before = sb.requests.length;
      let e = await rejection(auth(300).tokenWithPat(DEMO_PAK_V3_ONLY));
      assert.ok(check(e), `got ${e.message}`);
      assert.equal(e.path, 'auth/v3/token', 'the error is v3’s');
      // (a stalled request is recorded when the sandbox gives up on it: count the v1 calls only)
      const v1Calls = (from: number) => tokenCalls(from).filter((x) => x.startsWith('/auth/v1/')).length;
      assert.equal(v1Calls(before), 1);
      sb.faults.clear();
      await auth().tokenWithPat(DEMO_PAK_V3_ONLY);
      sb.faults.set({ ...fault, pathIncludes: '/auth/v3/' });
      before = sb.requests.length;
      e = await rejection(auth(300).tokenWithPat(DEMO_PAK_V3_ONLY));
      assert.ok(check(e), `got ${e.message}`);
      assert.equal(e.path, 'auth/v3/token');
      assert.equal(v1Calls(before), 0, 'a transient v3 failure is not retried on v1');
    });
  }
});

describe('api: Personal Access Key on a server without v3', () => {
  let server: http.Server;
  let url: string;
  const paths: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      paths.push(req.url ?? '');
      req.resume();
      req.on('end', () => {
        const v1 = req.url === '/auth/v1/token';
        res.writeHead(v1 ? 401 : 404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: v1 ? 'Invalid personal access token.' : 'Not Found' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    forgetPatRoutes();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('v1 JSON 401 and v3 JSON 404: the key is refused with v1’s 401', async () => {
    const e = await rejection(new AuthApi({ authUrl: url, timeoutMs: 2000 }).tokenWithPat('acpat_revoked_0000000000'));
    assert.ok(e.kind === 'unauthorized' && !e.htmlBody && e.path === 'auth/v1/token', e.message);
    assert.deepEqual(paths, ['/auth/v1/token', '/auth/v3/token']);
  });
});
