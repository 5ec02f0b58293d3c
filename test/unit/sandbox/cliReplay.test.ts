/**
 * "CLI 2.7.3 replay": @appcircle/cli is not on the npm registry reachable here, so the exact requests
 * docs/appcircle-api.md §6 records for its auth and organization commands are replayed (same methods, paths, headers
 * and form bodies, on two hosts like production), and the response shapes the CLI reads are asserted.
 */
import * as assert from 'node:assert/strict';
import { DEMO_API_KEY, DEMO_PAT, ORGANIZATIONS, QA_API_KEY, QA_ORG_ID, ROOT_ORG_ID } from '../../../sandbox/fixtures';
import type { RequestLogEntry, Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import { AXIOS_UA, CLI_UA, FORM, call, claims } from './helpers';

const USERINFO = '/auth/realms/appcircle/protocol/openid-connect/userinfo';

describe('sandbox: CLI 2.7.3 replay — login and organization commands', () => {
  let sb: Sandbox;
  /** What the CLI's axios sends to AUTH: the exact form body string, form content type, JSON accept, axios UA. */
  const cliToken = (path: string, body: string) =>
    call<Record<string, unknown>>(`${sb.authUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': FORM, Accept: 'application/json', 'User-Agent': AXIOS_UA },
      body,
    });
  /** An API command: Bearer, `accept: application/json`, the CLI UA; a relative path joined to the API host. */
  const cliApi = <T>(path: string, token: string, init: RequestInit = {}) =>
    call<T>(`${sb.apiUrl}/${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${token}`,
        accept: 'application/json',
        'User-Agent': CLI_UA,
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  const cliUserinfo = (token: string) =>
    call<Record<string, unknown>>(`${sb.authUrl}${USERINFO}`, { headers: { Authorization: `Bearer ${token}`, 'User-Agent': CLI_UA } });
  const since = (n: number): RequestLogEntry[] => sb.requests.slice(n);
  const seq = (entries: RequestLogEntry[]) =>
    entries.map(
      (r) =>
        `${r.host} ${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query).toString()}` : ''} ${r.status}`,
    );

  before(async () => {
    // Two ports, like API_HOSTNAME http://127.0.0.1:8787 and AUTH_HOSTNAME http://127.0.0.1:8788 in the CLI config.
    sb = await startSandbox({ quiet: true, authPort: 0 });
  });
  after(async () => {
    await sb.stop();
  });

  it('`login pat --token T`: POST AUTH /auth/v1/token with body exactly `pat=T` → access_token; a bad PAT → 401', async () => {
    const n = sb.requests.length;
    const ok = await cliToken('/auth/v1/token', `pat=${DEMO_PAT}`);
    assert.equal(ok.status, 200);
    assert.equal(typeof ok.json.access_token, 'string', 'the only field the CLI reads');
    const bad = await cliToken('/auth/v1/token', 'pat=acpat_not_mine');
    assert.equal(bad.status, 401);
    assert.deepEqual(seq(since(n)), ['auth POST /auth/v1/token 200', 'auth POST /auth/v1/token 401']);
    const r = since(n)[0];
    assert.deepEqual([r?.hasAuth, r?.contentType, r?.accept, r?.bodyFields], [false, FORM, 'application/json', ['pat']]);
  });

  it('`login api-key --name N --secret S [--organization-id O]`: 200 (token for O), and 400 / 401 / 403 as the CLI interprets them', async () => {
    const enc = encodeURIComponent;
    const ok = await cliToken(
      '/auth/v1/api-key/token',
      `name=${enc(DEMO_API_KEY.name)}&secret=${enc(DEMO_API_KEY.secret)}&organizationId=${QA_ORG_ID}`,
    );
    assert.equal(ok.status, 200);
    // The CLI's api-key login check reads currentOrganizationId from the (unverified) JWT payload.
    assert.equal(claims(ok.json.access_token as string).currentOrganizationId, QA_ORG_ID);
    const noOrg = await cliToken('/auth/v1/api-key/token', `name=${enc(DEMO_API_KEY.name)}&secret=${enc(DEMO_API_KEY.secret)}`);
    assert.equal(claims(noOrg.json.access_token as string).currentOrganizationId, ROOT_ORG_ID);
    const invalid = await cliToken(
      '/auth/v1/api-key/token',
      `name=${enc(DEMO_API_KEY.name)}&secret=${enc(DEMO_API_KEY.secret)}&organizationId=not-a-guid`,
    );
    assert.equal(invalid.status, 400);
    assert.ok(String(invalid.json.error).includes('organizationId must be a valid GUID'), 'shown as "Invalid organization ID format"');
    assert.equal((await cliToken('/auth/v1/api-key/token', `name=${enc(DEMO_API_KEY.name)}&secret=wrong`)).status, 401);
    assert.equal(
      (
        await cliToken(
          '/auth/v1/api-key/token',
          `name=${enc(QA_API_KEY.name)}&secret=${enc(QA_API_KEY.secret)}&organizationId=${ROOT_ORG_ID}`,
        )
      ).status,
      403,
    );
  });

  it('`organization view`: GET identity/v1/organizations → the CLI reads .data', async () => {
    const token = (await cliToken('/auth/v1/token', `pat=${DEMO_PAT}`)).json.access_token as string;
    const n = sb.requests.length;
    const r = await cliApi<{ data: { id: string; name: string; rootOrganizationId?: string }[] }>('identity/v1/organizations', token);
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.json.data.map((o) => o.name),
      ORGANIZATIONS.map((o) => o.name),
    );
    assert.deepEqual(seq(since(n)), ['api GET /identity/v1/organizations 200']);
    assert.equal(since(n)[0]?.userAgent, CLI_UA);
  });

  it('`organization view --organizationId current`: userinfo (reads currentOrganizationId), then GET identity/v1/organizations/{id}', async () => {
    const token = (await cliToken('/auth/v2/token', `pat=${DEMO_PAT}&subOrganizationId=${QA_ORG_ID}`)).json.access_token as string;
    const n = sb.requests.length;
    const ui = await cliUserinfo(token);
    const orgId = ui.json.currentOrganizationId as string;
    const org = await cliApi<{ id: string; name: string; rootOrganizationId: string }>(`identity/v1/organizations/${orgId}`, token);
    assert.deepEqual([org.json.id, org.json.name, org.json.rootOrganizationId], [QA_ORG_ID, 'Acme QA', ROOT_ORG_ID]);
    assert.deepEqual(seq(since(n)), [`auth GET ${USERINFO} 200`, `api GET /identity/v1/organizations/${QA_ORG_ID} 200`]);
  });

  it('`organization user view`: userinfo; users; roles per user (a 400 {error} for a sub-organization-only member); invitations', async () => {
    const token = (await cliToken('/auth/v1/token', `pat=${DEMO_PAT}`)).json.access_token as string;
    const org = (await cliUserinfo(token)).json.currentOrganizationId as string;
    const users = await cliApi<{ id: string; username: string; email: string; fullName: string }[]>(
      `identity/v1/organizations/${org}/users`,
      token,
    );
    assert.ok(Array.isArray(users.json) && users.json.length > 1);
    const statuses: number[] = [];
    for (const u of users.json) {
      const roles = await cliApi<{ roles?: string[]; inheritedRoles?: string[]; error?: string }>(
        `identity/v1/organizations/${org}/users/${u.id}/roles`,
        token,
      );
      statuses.push(roles.status);
      if (roles.status === 200) {
        assert.ok(Array.isArray(roles.json.roles) && Array.isArray(roles.json.inheritedRoles));
      } else {
        assert.equal(roles.status, 400);
        assert.equal(typeof roles.json.error, 'string');
      }
    }
    assert.ok(statuses.includes(200) && statuses.includes(400));
    const inv = await cliApi<{ userEmail: string; organizationsAndRoles: unknown[] }[]>(
      `identity/v1/organizations/${org}/invitations`,
      token,
    );
    assert.ok(Array.isArray(inv.json) && typeof inv.json[0]?.userEmail === 'string');
  });

  it('`organization create-sub --name X`: userinfo; POST identity/v1/organizations/current/sub-organizations {"name":"X"}', async () => {
    const token = (await cliToken('/auth/v1/token', `pat=${DEMO_PAT}`)).json.access_token as string;
    await cliUserinfo(token);
    const r = await cliApi<{ id: string; name: string; rootOrganizationId: string }>(
      'identity/v1/organizations/current/sub-organizations',
      token,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Replay Org' }),
      },
    );
    assert.equal(r.status, 200);
    assert.equal(r.json.rootOrganizationId, ROOT_ORG_ID);
    sb.reset();
  });

  it('any API command after `logout`: the same request with `Authorization: Bearer ` (empty) → 401 with a small JSON body, no stackTrace', async () => {
    for (const p of ['identity/v1/organizations', 'build/v2/profiles', `identity/v1/organizations/${ROOT_ORG_ID}`]) {
      const r = await cliApi<Record<string, unknown>>(p, '');
      assert.equal(r.status, 401, p);
      assert.equal(typeof r.json.message, 'string');
      assert.ok(!('stackTrace' in r.json));
      assert.ok(Object.keys(r.json).length <= 2, 'a small body: the CLI prints every key');
      assert.equal(sb.requests.at(-1)?.bearerEmpty, true);
    }
  });
});
