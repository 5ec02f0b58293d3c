/**
 * The sandbox over plain HTTP (fetch), including replays of the exact requests the official Appcircle CLI
 * 2.7.3 sends (appcircle-api.md §6). The CLI itself is not on the npm registry reachable here, so its request
 * sequences are replayed byte for byte as documented.
 */
import * as assert from 'node:assert/strict';
import { API_KEYS, DEMO_PAT, EU_ORG_ID, QA_ORG_ID, ROOT_ORG_ID } from '../../../sandbox/fixtures';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';

const CLI_UA = 'Appcircle CLI/1.0.3';
const form = (o: Record<string, string>) => new URLSearchParams(o).toString();

function claims(token: string): Record<string, unknown> {
  const p = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function token(url: string, path: string, body: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, body: form(body) });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

describe('sandbox: auth and identity (what the official CLI sends)', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await startSandbox({ quiet: true });
  });
  afterEach(async () => {
    await sb.stop();
  });

  it('login pat: POST /auth/v1/token pat=… → access_token (JWT with sub, email, exp, currentOrganizationId)', async () => {
    const r = await token(sb.authUrl, '/auth/v1/token', { pat: DEMO_PAT });
    assert.equal(r.status, 200);
    const c = claims(r.json.access_token as string);
    assert.equal(c.currentOrganizationId, ROOT_ORG_ID);
    assert.equal(c.email, 'dev@acme.test');
    assert.equal(typeof c.sub, 'string');
    assert.ok((c.exp as number) > Date.now() / 1000);
    assert.equal(r.json.token_type, 'Bearer');
  });

  it('v2 accepts subOrganizationId and subOrganization; v3 takes personalAccessKey and ignores scope', async () => {
    for (const field of ['subOrganizationId', 'subOrganization']) {
      const r = await token(sb.authUrl, '/auth/v2/token', { pat: DEMO_PAT, [field]: QA_ORG_ID });
      assert.equal(claims(r.json.access_token as string).currentOrganizationId, QA_ORG_ID, field);
    }
    const v3 = await token(sb.authUrl, '/auth/v3/token', { personalAccessKey: DEMO_PAT, subOrganization: EU_ORG_ID, scope: 'openid,profile,email' });
    assert.equal(claims(v3.json.access_token as string).currentOrganizationId, EU_ORG_ID);
  });

  it('login api-key: 200, 400 {error} for a non-GUID, 401 bad credentials, 403 unreachable organization', async () => {
    const [ci, qa] = API_KEYS;
    assert.equal((await token(sb.authUrl, '/auth/v1/api-key/token', { name: ci.name, secret: ci.secret })).status, 200);
    const bad = await token(sb.authUrl, '/auth/v1/api-key/token', { name: ci.name, secret: ci.secret, organizationId: 'acme' });
    assert.equal(bad.status, 400);
    assert.match(String(bad.json.error), /organizationId must be a valid GUID/);
    assert.equal((await token(sb.authUrl, '/auth/v1/api-key/token', { name: ci.name, secret: 'x' })).status, 401);
    assert.equal((await token(sb.authUrl, '/auth/v1/api-key/token', { name: qa.name, secret: qa.secret, organizationId: ROOT_ORG_ID })).status, 403);
    const sub = await token(sb.authUrl, '/auth/v1/api-key/token', { name: ci.name, secret: ci.secret, organizationId: QA_ORG_ID });
    assert.equal(claims(sub.json.access_token as string).currentOrganizationId, QA_ORG_ID);
  });

  it('organization view: GET identity/v1/organizations with the CLI headers → {data:[root, subs]}; root omits rootOrganizationId', async () => {
    const t = (await token(sb.authUrl, '/auth/v1/token', { pat: DEMO_PAT })).json.access_token as string;
    const r = await fetch(`${sb.apiUrl}/identity/v1/organizations`, { headers: { Authorization: `Bearer ${t}`, accept: 'application/json', 'User-Agent': CLI_UA } });
    const body = (await r.json()) as { data: Record<string, unknown>[] };
    assert.equal(body.data.length, 3);
    assert.ok(!('rootOrganizationId' in (body.data[0] ?? {})));
    assert.equal(body.data[1]?.rootOrganizationId, ROOT_ORG_ID);
  });

  it('organization view --organizationId current: userinfo, then the organization detail', async () => {
    const t = (await token(sb.authUrl, '/auth/v2/token', { pat: DEMO_PAT, subOrganizationId: QA_ORG_ID })).json.access_token as string;
    const ui = (await (await fetch(`${sb.authUrl}/auth/realms/appcircle/protocol/openid-connect/userinfo`, { headers: { Authorization: `Bearer ${t}`, 'User-Agent': CLI_UA } })).json()) as { currentOrganizationId: string };
    assert.equal(ui.currentOrganizationId, QA_ORG_ID);
    const org = (await (await fetch(`${sb.apiUrl}/identity/v1/organizations/${ui.currentOrganizationId}`, { headers: { Authorization: `Bearer ${t}` } })).json()) as { name: string };
    assert.equal(org.name, 'Acme QA');
  });

  it('any API call with an empty, missing, malformed or expired bearer → 401 JSON {message}', async () => {
    const variants: Record<string, string>[] = [{ Authorization: 'Bearer ' }, {}, { Authorization: 'Bearer abc.def' }];
    for (const h of variants) {
      const r = await fetch(`${sb.apiUrl}/identity/v1/organizations`, { headers: h });
      assert.equal(r.status, 401);
      assert.equal(typeof ((await r.json()) as { message: unknown }).message, 'string');
    }
    sb.setTokenLifetime(1);
    const t = (await token(sb.authUrl, '/auth/v1/token', { pat: DEMO_PAT })).json.access_token as string;
    const exp = (claims(t).exp as number) * 1000;
    while (Date.now() <= exp) {
      await new Promise((r) => setTimeout(r, 50)); // wait for the condition: the token's exp has passed
    }
    assert.equal((await fetch(`${sb.apiUrl}/identity/v1/organizations`, { headers: { Authorization: `Bearer ${t}` } })).status, 401);
  });

  it('tolerates //auth, a path prefix, two ports, and unknown routes get 404 {message}', async () => {
    assert.equal((await token(sb.authUrl, '//auth/v1/token', { pat: DEMO_PAT })).status, 200);
    const two = await startSandbox({ quiet: true, authPort: 0, prefix: '/prefix' });
    try {
      assert.notEqual(two.apiUrl, two.authUrl);
      assert.match(two.apiUrl, /\/prefix$/);
      assert.equal((await token(two.authUrl, '/auth/v1/token', { pat: DEMO_PAT })).status, 200);
      const r = await fetch(`${two.apiUrl}/nothing/here`);
      assert.equal(r.status, 404);
      assert.equal(typeof ((await r.json()) as { message: unknown }).message, 'string');
    } finally {
      await two.stop();
    }
  });

  it('fault switches over HTTP: set, apply N times, clear', async () => {
    await fetch(`${sb.apiUrl}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ status: 503, retryAfterSec: 3, pathIncludes: '/auth/', times: 2 }) });
    const a = await fetch(`${sb.authUrl}/auth/v1/token`, { method: 'POST', body: form({ pat: DEMO_PAT }) });
    assert.equal(a.status, 503);
    assert.equal(a.headers.get('retry-after'), '3');
    assert.equal((await fetch(`${sb.authUrl}/auth/v1/token`, { method: 'POST', body: form({ pat: DEMO_PAT }) })).status, 503);
    assert.equal((await fetch(`${sb.authUrl}/auth/v1/token`, { method: 'POST', body: form({ pat: DEMO_PAT }) })).status, 200);
    await fetch(`${sb.apiUrl}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ rateLimit: { retryAfterSec: 9 } }) });
    assert.equal((await fetch(`${sb.authUrl}/auth/v1/token`, { method: 'POST', body: form({ pat: DEMO_PAT }) })).status, 429);
    await fetch(`${sb.apiUrl}/__sandbox/faults`, { method: 'DELETE' });
    assert.equal((await fetch(`${sb.authUrl}/auth/v1/token`, { method: 'POST', body: form({ pat: DEMO_PAT }) })).status, 200);
  });

  it('logs requests without secret values', async () => {
    await token(sb.authUrl, '/auth/v1/token', { pat: DEMO_PAT });
    const text = JSON.stringify(sb.requests);
    assert.ok(!text.includes(DEMO_PAT));
    assert.deepEqual(sb.requests.at(-1)?.bodyFields, ['pat']);
  });
});
