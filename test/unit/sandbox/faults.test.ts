/** Fault switches, in-process and over HTTP (`/__sandbox/faults`). */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { DEMO_PAT, ROOT_ORG_ID } from '../../../sandbox/fixtures';
import type { FaultSpec, Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import { apiGet, call, patToken, postToken } from './helpers';

const ORGS = 'identity/v1/organizations';

describe('sandbox: fault switches', () => {
  let sb: Sandbox;
  let token: string;
  const orgs = () => apiGet(sb.apiUrl, ORGS, token);
  const control = (method: string, body?: unknown) =>
    call<{ faults: FaultSpec[]; message?: string }>(`${sb.apiUrl}/__sandbox/faults`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  before(async () => {
    sb = await startSandbox({ quiet: true });
    token = await patToken(sb.authUrl);
  });
  after(async () => {
    await sb.stop();
  });
  afterEach(() => sb.faults.clear());

  it('latencyMs delays the answer by at least that long, then the request proceeds', async () => {
    sb.faults.set({ latencyMs: 250, times: 1 });
    const t0 = performance.now();
    assert.equal((await orgs()).status, 200);
    assert.ok(performance.now() - t0 >= 240, 'delayed');
    assert.deepEqual(sb.faults.active, [], 'times: 1 used up');
    const t1 = performance.now();
    await orgs();
    assert.ok(performance.now() - t1 < 240, 'no longer delayed');
  });

  it('unauthorizedAfter: N API requests pass, then 401 {message}; token routes are not counted', async () => {
    sb.faults.set({ unauthorizedAfter: 2 });
    assert.equal((await orgs()).status, 200);
    assert.equal((await postToken(sb.authUrl, '/auth/v1/token', { pat: DEMO_PAT })).status, 200);
    assert.equal((await orgs()).status, 200);
    const r = await orgs();
    assert.equal(r.status, 401);
    assert.equal(typeof r.json.message, 'string');
    assert.equal((await orgs()).status, 401, 'stays 401 without times');
  });

  it('forbidden → 403 {message}', async () => {
    sb.faults.set({ forbidden: true, times: 1 });
    const r = await orgs();
    assert.equal(r.status, 403);
    assert.equal(typeof r.json.message, 'string');
    assert.equal((await orgs()).status, 200);
  });

  it('rateLimit → 429 with Retry-After in seconds, or as an HTTP date', async () => {
    sb.faults.set({ rateLimit: { retryAfterSec: 9 }, times: 1 });
    const r = await orgs();
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '9');
    sb.faults.set({ rateLimit: { retryAfterSec: 60, httpDate: true }, times: 1 });
    const d = await orgs();
    const at = Date.parse(d.headers.get('retry-after') ?? '');
    assert.ok(at > Date.now() + 50_000 && at < Date.now() + 70_000, 'an HTTP date about a minute ahead');
  });

  it('status 500 / 502 / 503 (503 with an optional Retry-After)', async () => {
    for (const status of [500, 502, 503] as const) {
      sb.faults.set({ status, times: 1 });
      const r = await orgs();
      assert.equal(r.status, status);
      assert.equal(typeof r.json.message, 'string');
      assert.equal(r.headers.get('retry-after'), null);
    }
    sb.faults.set({ status: 503, retryAfterSec: 4, times: 1 });
    assert.equal((await orgs()).headers.get('retry-after'), '4');
  });

  it('malformedJson → 200 application/json that does not parse', async () => {
    sb.faults.set({ malformedJson: true, times: 1 });
    const r = await orgs();
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /json/);
    assert.throws(() => JSON.parse(r.text) as unknown);
  });

  it('htmlPage → a text/html page with 200 (default) or 502', async () => {
    sb.faults.set({ htmlPage: true, times: 1 });
    const a = await orgs();
    assert.equal(a.status, 200);
    assert.match(a.headers.get('content-type') ?? '', /text\/html/);
    assert.match(a.text, /<html/i);
    sb.faults.set({ htmlPage: true, htmlStatus: 502, times: 1 });
    assert.equal((await orgs()).status, 502);
  });

  it('dropConnection destroys the socket without an answer (logged with status -1)', async () => {
    sb.faults.set({ dropConnection: true, times: 1 });
    const err = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      const req = http.get(`${sb.apiUrl}/${ORGS}`, { headers: { Authorization: `Bearer ${token}` } }, () => resolve(undefined));
      req.on('error', (e) => resolve(e));
    });
    assert.ok(err, 'the request failed');
    assert.match(String(err.code), /ECONNRESET|socket hang up/i);
    assert.equal(sb.requests.at(-1)?.status, -1);
    assert.equal((await orgs()).status, 200, 'next request is fine');
  });

  it('pathIncludes restricts a fault; times counts only matching requests, then the fault clears itself', async () => {
    sb.faults.set({ status: 502, pathIncludes: '/auth/', times: 2 });
    assert.equal((await orgs()).status, 200, 'API untouched');
    assert.equal((await postToken(sb.authUrl, '/auth/v1/token', { pat: DEMO_PAT })).status, 502);
    assert.equal(sb.faults.active[0]?.times, 1);
    assert.equal((await postToken(sb.authUrl, '/auth/v1/token', { pat: DEMO_PAT })).status, 502);
    assert.equal((await postToken(sb.authUrl, '/auth/v1/token', { pat: DEMO_PAT })).status, 200);
    assert.deepEqual(sb.faults.active, []);
  });

  it('faults apply to auth routes too when not restricted; control routes are never faulted', async () => {
    sb.faults.set({ forbidden: true });
    assert.equal((await postToken(sb.authUrl, '/auth/v1/api-key/token', { name: 'x', secret: 'y' })).status, 403);
    assert.equal((await call(`${sb.apiUrl}/__sandbox/health`)).status, 200);
    assert.equal((await control('GET')).json.faults.length, 1);
  });

  it('specs accumulate in order: a latency spec and a status spec both apply', async () => {
    sb.faults.set({ latencyMs: 150, pathIncludes: 'identity/' });
    sb.faults.set({ status: 500, pathIncludes: 'identity/', times: 1 });
    const t0 = performance.now();
    assert.equal((await orgs()).status, 500);
    assert.ok(performance.now() - t0 >= 140);
    assert.equal((await orgs()).status, 200);
  });

  it('over HTTP: POST a spec or a list, GET them, DELETE clears; unknown switches → 400', async () => {
    assert.equal((await control('POST', { status: 503, retryAfterSec: 3, pathIncludes: ORGS, times: 1 })).status, 200);
    const r = await orgs();
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('retry-after'), '3');
    assert.equal((await orgs()).status, 200);
    const list = await control('POST', [{ rateLimit: { retryAfterSec: 1 } }, { malformedJson: true }]);
    assert.equal(list.json.faults.length, 2);
    assert.equal((await orgs()).status, 429);
    assert.equal((await control('DELETE')).status, 200);
    assert.equal((await orgs()).status, 200);
    assert.deepEqual((await control('GET')).json.faults, []);
    const bad = await control('POST', { statuss: 500 });
    assert.equal(bad.status, 400);
    assert.match(String(bad.json.message), /statuss/);
    assert.equal((await control('POST', { status: 418 })).status, 400);
    assert.equal((await call(`${sb.apiUrl}/__sandbox/faults`, { method: 'POST', body: '{nope' })).status, 400);
  });

  it('rangeStartShift: a 206 names a start N bytes too early (at least byte 1), with the real body; a 200 is untouched', async () => {
    const b = sb.world.profilesOf(ROOT_ORG_ID).flatMap((p) => p.branches.flatMap((x) => x.builds))[0];
    assert.ok(b, 'a seeded build');
    const logs = `build/v1/commits/${b.commitId}/builds/${b.id}/logs`;
    const whole = await apiGet(sb.apiUrl, logs, token);
    assert.equal(whole.status, 200);
    const total = Buffer.byteLength(whole.text);
    sb.faults.set({ pathIncludes: '/logs', rangeStartShift: 7 });
    const r = await apiGet(sb.apiUrl, logs, token, { Range: 'bytes=20-' });
    assert.equal(r.status, 206);
    assert.equal(r.headers.get('content-range'), `bytes 13-${total - 1}/${total}`, 'the start is 7 bytes early');
    assert.equal(r.text, Buffer.from(whole.text).subarray(20).toString('utf8'), 'the body is the real rest from byte 20');
    const early = await apiGet(sb.apiUrl, logs, token, { Range: 'bytes=3-' });
    assert.equal(early.headers.get('content-range'), `bytes 1-${total - 1}/${total}`, 'never byte 0 (that would be the whole log)');
    const plain = await apiGet(sb.apiUrl, logs, token);
    assert.equal(plain.status, 200);
    assert.equal(plain.text, whole.text);
    assert.equal((await control('POST', { rangeStartShift: -1 })).status, 400);
  });
});
