/**
 * Personal Access Keys (Appcircle's new name for Personal API Tokens): v1 `pat=` first, as the official CLI does; on a
 * JSON 401 one try of v3 `personalAccessKey=` before the key counts as rejected (docs/appcircle-api.md §2.1, §10).
 */
import * as assert from 'node:assert/strict';
import { AuthApi } from '../../../src/api/authApi';
import { ApiError } from '../../../src/api/errors';
import { DEMO_PAK_V3_ONLY, DEMO_PAT, QA_ORG_ID } from '../../../sandbox/fixtures';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';

describe('api: Personal Access Key, v1 first and v3 once on a 401', () => {
  let sb: Sandbox;
  const lines: string[] = [];
  const logger = {
    debug: (m: string) => lines.push(m),
    info: (m: string) => lines.push(m),
    warn: (m: string) => lines.push(m),
    error: (m: string) => lines.push(m),
  };
  const auth = () => new AuthApi({ authUrl: sb.authUrl, logger, timeoutMs: 2000 });
  const tokenCalls = (from: number) => sb.requests.slice(from).map((r) => `${r.path} ${r.status} ${(r.bodyFields ?? []).join(',')}`);

  before(async () => {
    sb = await startSandbox({ quiet: true, realTime: false });
  });
  after(async () => {
    await sb.stop();
    assert.ok(!lines.some((l) => l.includes(DEMO_PAK_V3_ONLY) || l.includes(DEMO_PAT)), 'no key in the log');
  });
  beforeEach(() => sb.faults.clear());

  it('a key v1 accepts: one request, v1 `pat`', async () => {
    const before = sb.requests.length;
    const r = await auth().tokenWithPat(DEMO_PAT);
    assert.ok(r.accessToken);
    assert.deepEqual(tokenCalls(before), ['/auth/v1/token 200 pat']);
  });

  it('a key only v3 accepts: v1 401, then v3 `personalAccessKey` → a token (and v2 → v3 with subOrganization)', async () => {
    let before = sb.requests.length;
    const r = await auth().tokenWithPat(DEMO_PAK_V3_ONLY);
    assert.equal(r.claims.email, 'dev@acme.test');
    assert.deepEqual(tokenCalls(before), ['/auth/v1/token 401 pat', '/auth/v3/token 200 personalAccessKey']);
    before = sb.requests.length;
    const sub = await auth().tokenWithPat(DEMO_PAK_V3_ONLY, QA_ORG_ID);
    assert.equal(sub.claims.currentOrganizationId, QA_ORG_ID);
    assert.deepEqual(tokenCalls(before), [
      '/auth/v2/token 401 pat,subOrganizationId,subOrganization',
      '/auth/v3/token 200 personalAccessKey,subOrganization',
    ]);
  });

  it('a wrong key: v1 401, v3 401 once, then the first 401 (the key is rejected)', async () => {
    const before = sb.requests.length;
    await assert.rejects(
      auth().tokenWithPat('acpak_wrong_000000000000'),
      (e: unknown) => e instanceof ApiError && e.kind === 'unauthorized' && e.path === 'auth/v1/token',
    );
    assert.deepEqual(tokenCalls(before), ['/auth/v1/token 401 pat', '/auth/v3/token 401 personalAccessKey']);
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
});
