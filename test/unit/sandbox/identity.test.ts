/** Organizations, members, invitations, sub-organization creation and roles.json (docs/appcircle-api.md §3, §7.12-7.14). */
import * as assert from 'node:assert/strict';
import { DEMO_API_KEY, EU_ORG_ID, MEMBERS, ORGANIZATIONS, QA_API_KEY, QA_ORG_ID, ROOT_ORG_ID, USER } from '../../../sandbox/fixtures';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import { apiGet, call, patToken, postToken } from './helpers';

type Org = Record<string, unknown> & { id: string; name: string };

describe('sandbox: identity', () => {
  let sb: Sandbox;
  let token: string;
  const send = (method: string, path: string, body?: unknown, t = token) =>
    call<Record<string, unknown>>(`${sb.apiUrl}/${path}`, {
      method,
      headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  before(async () => {
    sb = await startSandbox({ quiet: true });
    token = await patToken(sb.authUrl);
  });
  after(async () => {
    await sb.stop();
  });
  afterEach(() => sb.reset());

  it('GET identity/v1/organizations → {data: [root, two subs]}; the root omits rootOrganizationId, subs carry it and the root name', async () => {
    const r = await apiGet<{ data: Org[] }>(sb.apiUrl, 'identity/v1/organizations', token);
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json), ['data']);
    assert.deepEqual(
      r.json.data.map((o) => [o.id, o.name]),
      ORGANIZATIONS.map((o) => [o.id, o.name]),
    );
    const [root, qa, eu] = r.json.data;
    assert.ok(root && !('rootOrganizationId' in root) && !('rootOrganizationName' in root));
    assert.equal(qa?.rootOrganizationId, ROOT_ORG_ID);
    assert.equal(eu?.rootOrganizationName, 'Acme Mobile');
    for (const k of ['givenId', 'ssoEnabled', 'disabled', 'createdDate', 'memberCount', 'logoUrl']) {
      assert.ok(k in (qa ?? {}), k);
    }
  });

  it('a key of a sub-organization sees only that organization; the root key sees all three', async () => {
    const qa = (await postToken(sb.authUrl, '/auth/v1/api-key/token', { name: QA_API_KEY.name, secret: QA_API_KEY.secret })).json
      .access_token;
    assert.deepEqual(
      (await apiGet<{ data: Org[] }>(sb.apiUrl, 'identity/v1/organizations', qa)).json.data.map((o) => o.id),
      [QA_ORG_ID],
    );
    const ci = (await postToken(sb.authUrl, '/auth/v1/api-key/token', { name: DEMO_API_KEY.name, secret: DEMO_API_KEY.secret })).json
      .access_token;
    assert.equal((await apiGet<{ data: Org[] }>(sb.apiUrl, 'identity/v1/organizations', ci)).json.data.length, 3);
  });

  it('GET identity/v1/organizations/{id}: bare org; `current` from the token; 404 unknown / not a GUID; 403 unreachable', async () => {
    const eu = await apiGet<Org>(sb.apiUrl, `identity/v1/organizations/${EU_ORG_ID}`, token);
    assert.equal(eu.status, 200);
    assert.equal(eu.json.name, 'Acme Europe');
    assert.ok(!('data' in eu.json), 'bare object');
    const qaToken = (await postToken(sb.authUrl, '/auth/v2/token', { pat: 'acpat_demo_7Hq2xV9mK4pL8sT3', subOrganizationId: QA_ORG_ID }))
      .json.access_token;
    assert.equal((await apiGet<Org>(sb.apiUrl, 'identity/v1/organizations/current', qaToken)).json.id, QA_ORG_ID);
    assert.equal((await apiGet(sb.apiUrl, 'identity/v1/organizations/11111111-2222-4333-8444-555555555555', token)).status, 404);
    assert.equal((await apiGet(sb.apiUrl, 'identity/v1/organizations/acme', token)).status, 404);
    const qaKey = (await postToken(sb.authUrl, '/auth/v1/api-key/token', { name: QA_API_KEY.name, secret: QA_API_KEY.secret })).json
      .access_token;
    const denied = await apiGet<{ message: string }>(sb.apiUrl, `identity/v1/organizations/${ROOT_ORG_ID}`, qaKey);
    assert.equal(denied.status, 403);
    assert.equal(typeof denied.json.message, 'string');
  });

  it('users, roles (400 {error} for a sub-organization-only member listed under the root), invitations', async () => {
    const users = await apiGet<{ id: string; username: string; email: string; fullName: string }[]>(
      sb.apiUrl,
      `identity/v1/organizations/${ROOT_ORG_ID}/users`,
      token,
    );
    assert.ok(Array.isArray(users.json));
    assert.deepEqual(users.json.map((u) => u.email).sort(), MEMBERS.map((m) => m.email).sort());
    const me = users.json.find((u) => u.id === USER.id);
    assert.deepEqual(me, { id: USER.id, username: USER.email, email: USER.email, fullName: USER.name });
    const roles = await apiGet<{ roles: string[]; inheritedRoles: string[] }>(
      sb.apiUrl,
      `identity/v1/organizations/${ROOT_ORG_ID}/users/${USER.id}/roles`,
      token,
    );
    assert.deepEqual(roles.json.roles, ['owner']);
    assert.deepEqual(roles.json.inheritedRoles, []);
    const subOnly = MEMBERS.find((m) => m.memberships.every((x) => x.organizationId === QA_ORG_ID));
    assert.ok(subOnly);
    const r400 = await apiGet<{ error: string }>(sb.apiUrl, `identity/v1/organizations/${ROOT_ORG_ID}/users/${subOnly.id}/roles`, token);
    assert.equal(r400.status, 400);
    assert.equal(typeof r400.json.error, 'string');
    const inQa = await apiGet<{ roles: string[]; inheritedRoles: string[]; isSubOrganizationMember: boolean }>(
      sb.apiUrl,
      `identity/v1/organizations/${QA_ORG_ID}/users/${USER.id}/roles`,
      token,
    );
    assert.deepEqual(inQa.json, { roles: ['owner'], inheritedRoles: ['owner'], isSubOrganizationMember: true });
    const inv = await apiGet<
      {
        userEmail: string;
        rootOrganizationId: string;
        status: number;
        organizationsAndRoles: { organizationId: string; roles: string[] }[];
      }[]
    >(sb.apiUrl, `identity/v1/organizations/${ROOT_ORG_ID}/invitations`, token);
    assert.equal(inv.json[0]?.rootOrganizationId, ROOT_ORG_ID);
    assert.equal(inv.json[0]?.organizationsAndRoles[0]?.organizationId, ROOT_ORG_ID);
  });

  it('invite, then DELETE the invitation with a JSON body {userEmail}; PUT roles', async () => {
    const email = 'tester@acme.test';
    assert.equal(
      (await send('PATCH', `identity/v1/users?action=invite&organizationId=${QA_ORG_ID}`, { userEmail: email, roles: ['build_viewer'] }))
        .status,
      200,
    );
    const list = async () =>
      (await apiGet<{ userEmail: string }[]>(sb.apiUrl, `identity/v1/organizations/${QA_ORG_ID}/invitations`, token)).json.map(
        (i) => i.userEmail,
      );
    assert.ok((await list()).includes(email));
    assert.equal(
      (await send('PATCH', `identity/v1/organizations/${QA_ORG_ID}/invitations?action=re-invite`, { userEmail: email })).status,
      200,
    );
    assert.equal((await send('DELETE', `identity/v1/organizations/${QA_ORG_ID}/invitations`, { userEmail: email })).status, 200);
    assert.ok(!(await list()).includes(email));
    assert.equal((await send('PUT', `identity/v1/organizations/${EU_ORG_ID}/users/${USER.id}/roles`, { roles: ['admin'] })).status, 200);
    assert.deepEqual(
      (await apiGet<{ roles: string[] }>(sb.apiUrl, `identity/v1/organizations/${EU_ORG_ID}/users/${USER.id}/roles`, token)).json.roles,
      ['admin'],
    );
  });

  it('POST organizations/current/sub-organizations {name} creates under the token’s organization; reset() removes it', async () => {
    const r = await send('POST', 'identity/v1/organizations/current/sub-organizations', { name: 'Acme Labs' });
    assert.equal(r.status, 200);
    assert.equal(r.json.rootOrganizationId, ROOT_ORG_ID);
    const names = async () => (await apiGet<{ data: Org[] }>(sb.apiUrl, 'identity/v1/organizations', token)).json.data.map((o) => o.name);
    assert.ok((await names()).includes('Acme Labs'));
    const t = (
      await postToken(sb.authUrl, '/auth/v2/token', { pat: 'acpat_demo_7Hq2xV9mK4pL8sT3', subOrganizationId: r.json.id as string })
    ).json.access_token;
    assert.ok(t, 'the creator can mint for the new sub-organization');
    assert.equal(
      (await send('POST', 'identity/v1/organizations/current/sub-organizations', { name: 'acme labs' })).status,
      400,
      'duplicate name',
    );
    assert.equal((await send('POST', 'identity/v1/organizations/current/sub-organizations', {})).status, 400, 'no name');
    sb.reset();
    assert.ok(!(await names()).includes('Acme Labs'));
  });

  it('roles.json?v=5 at the API root: the role catalogue', async () => {
    const r = await apiGet<
      { module: string; title: string; multi: boolean; enabled: boolean; defaultRoles: string[]; roles: { key: string; name: string }[] }[]
    >(sb.apiUrl, 'roles.json?v=5', token);
    assert.equal(r.status, 200);
    assert.ok(r.json.length > 0);
    for (const g of r.json) {
      assert.equal(typeof g.module, 'string');
      assert.ok(g.roles.every((x) => typeof x.key === 'string' && typeof x.name === 'string'));
    }
  });
});
