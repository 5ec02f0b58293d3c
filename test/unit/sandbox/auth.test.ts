/** Token routes, userinfo and the bearer rules of the sandbox (docs/appcircle-api.md §2, §5, §7.4-7.5, §7.15-7.16). */
import * as assert from 'node:assert/strict';
import { DEMO_API_KEY, DEMO_PAT, EU_ORG_ID, QA_API_KEY, QA_ORG_ID, ROOT_ORG_ID, USER } from '../../../sandbox/fixtures';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import { apiGet, call, claims, FORM, form, patToken, postToken, until } from './helpers';

const USERINFO = '/auth/realms/appcircle/protocol/openid-connect/userinfo';

describe('sandbox: token routes', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox({ quiet: true });
  });
  after(async () => {
    await sb.stop();
  });
  afterEach(() => sb.reset());

  it('v1: pat → a three-part base64url JWT with sub, email, iat, exp, currentOrganizationId (root by default), no-store', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await postToken(sb.authUrl, '/auth/v1/token', { pat: DEMO_PAT });
    assert.equal(r.status, 200);
    assert.equal(r.json.token_type, 'Bearer');
    assert.equal(r.json.expires_in, 3600);
    assert.match(r.headers.get('cache-control') ?? '', /no-store/);
    const parts = r.json.access_token.split('.');
    assert.equal(parts.length, 3);
    for (const p of parts) {
      assert.match(p, /^[A-Za-z0-9_-]+$/, 'unpadded base64url');
    }
    const c = claims(r.json.access_token);
    assert.equal(c.sub, USER.id);
    assert.equal(c.email, USER.email);
    assert.equal(c.currentOrganizationId, ROOT_ORG_ID);
    assert.ok((c.iat as number) >= before && (c.iat as number) <= Math.ceil(Date.now() / 1000));
    assert.equal((c.exp as number) - (c.iat as number), 3600);
  });

  it('v1 ignores sub-organization fields (it is the CLI 2.7.3 route: root only)', async () => {
    const r = await postToken(sb.authUrl, '/auth/v1/token', { pat: DEMO_PAT, subOrganizationId: QA_ORG_ID });
    assert.equal(claims(r.json.access_token).currentOrganizationId, ROOT_ORG_ID);
  });

  it('v2 accepts both sub-organization spellings, and an empty one means the root', async () => {
    for (const [field, org] of [
      ['subOrganizationId', QA_ORG_ID],
      ['subOrganization', EU_ORG_ID],
    ] as const) {
      const r = await postToken(sb.authUrl, '/auth/v2/token', { pat: DEMO_PAT, [field]: org, scope: 'openid,profile,email' });
      assert.equal(r.status, 200, field);
      assert.equal(claims(r.json.access_token).currentOrganizationId, org, field);
    }
    const empty = await postToken(sb.authUrl, '/auth/v2/token', { pat: DEMO_PAT, subOrganizationId: '' });
    assert.equal(claims(empty.json.access_token).currentOrganizationId, ROOT_ORG_ID);
  });

  it('v3 takes personalAccessKey with either spelling and ignores scope; it does not take `pat`', async () => {
    for (const field of ['subOrganization', 'subOrganizationId']) {
      const r = await postToken(sb.authUrl, '/auth/v3/token', {
        personalAccessKey: DEMO_PAT,
        [field]: QA_ORG_ID,
        scope: 'openid,profile,email',
      });
      assert.equal(r.status, 200, field);
      assert.equal(claims(r.json.access_token).currentOrganizationId, QA_ORG_ID, field);
    }
    assert.equal((await postToken(sb.authUrl, '/auth/v3/token', { pat: DEMO_PAT })).status, 401);
  });

  it('PAT routes: 401 for a wrong or missing PAT, 400 {error} for a non-GUID sub-organization, 403 for an unreachable one', async () => {
    for (const path of ['/auth/v1/token', '/auth/v2/token']) {
      const bad = await postToken(sb.authUrl, path, { pat: 'acpat_wrong' });
      assert.equal(bad.status, 401, path);
      assert.equal(typeof bad.json.message, 'string');
      assert.equal((await postToken(sb.authUrl, path, {})).status, 401);
    }
    const notGuid = await postToken(sb.authUrl, '/auth/v2/token', { pat: DEMO_PAT, subOrganizationId: 'acme-qa' });
    assert.equal(notGuid.status, 400);
    assert.match(String(notGuid.json.error), /GUID/);
    const unknown = await postToken(sb.authUrl, '/auth/v3/token', {
      personalAccessKey: DEMO_PAT,
      subOrganization: '11111111-2222-4333-8444-555555555555',
    });
    assert.equal(unknown.status, 403);
  });

  it('api key: mints for its own organization or a reachable one; 400 {error} non-GUID, 401 bad credentials, 403 unreachable', async () => {
    const own = await postToken(sb.authUrl, '/auth/v1/api-key/token', { name: DEMO_API_KEY.name, secret: DEMO_API_KEY.secret });
    assert.equal(own.status, 200);
    assert.equal(claims(own.json.access_token).currentOrganizationId, ROOT_ORG_ID);
    assert.equal(claims(own.json.access_token).sub, DEMO_API_KEY.id);
    const sub = await postToken(sb.authUrl, '/auth/v1/api-key/token', {
      name: DEMO_API_KEY.name,
      secret: DEMO_API_KEY.secret,
      organizationId: EU_ORG_ID.toUpperCase(),
    });
    assert.equal(claims(sub.json.access_token).currentOrganizationId, EU_ORG_ID, 'an upper-case GUID is the same organization');
    const qaOwn = await postToken(sb.authUrl, '/auth/v1/api-key/token', { name: QA_API_KEY.name, secret: QA_API_KEY.secret });
    assert.equal(claims(qaOwn.json.access_token).currentOrganizationId, QA_ORG_ID);

    const bad = await postToken(sb.authUrl, '/auth/v1/api-key/token', {
      name: DEMO_API_KEY.name,
      secret: DEMO_API_KEY.secret,
      organizationId: 'acme',
    });
    assert.equal(bad.status, 400);
    assert.match(String(bad.json.error), /organizationId must be a valid GUID/);
    assert.equal(typeof bad.json.message, 'string');
    assert.equal((await postToken(sb.authUrl, '/auth/v1/api-key/token', { name: DEMO_API_KEY.name, secret: 'nope' })).status, 401);
    assert.equal((await postToken(sb.authUrl, '/auth/v1/api-key/token', { name: 'nobody', secret: DEMO_API_KEY.secret })).status, 401);
    // the secret of one key does not open another
    assert.equal(
      (await postToken(sb.authUrl, '/auth/v1/api-key/token', { name: QA_API_KEY.name, secret: DEMO_API_KEY.secret })).status,
      401,
    );
    const forbidden = await postToken(sb.authUrl, '/auth/v1/api-key/token', {
      name: QA_API_KEY.name,
      secret: QA_API_KEY.secret,
      organizationId: ROOT_ORG_ID,
    });
    assert.equal(forbidden.status, 403);
    assert.equal(typeof forbidden.json.message, 'string');
  });

  it('token routes take JSON bodies and any Content-Type too', async () => {
    const json = await call<{ access_token: string }>(`${sb.authUrl}/auth/v1/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ pat: DEMO_PAT }),
    });
    assert.equal(json.status, 200);
    const plain = await call<{ access_token: string }>(`${sb.authUrl}/auth/v1/api-key/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: form({ name: DEMO_API_KEY.name, secret: DEMO_API_KEY.secret }),
    });
    assert.equal(plain.status, 200);
    const none = await call<{ access_token: string }>(`${sb.authUrl}/auth/v2/token`, {
      method: 'POST',
      body: Buffer.from(form({ pat: DEMO_PAT, subOrganizationId: QA_ORG_ID })),
    });
    assert.equal(claims(none.json.access_token).currentOrganizationId, QA_ORG_ID);
  });

  it('setTokenLifetime shortens tokens; a revoked PAT or API key can no longer mint', async () => {
    sb.setTokenLifetime(120);
    const r = await postToken(sb.authUrl, '/auth/v1/token', { pat: DEMO_PAT });
    assert.equal(r.json.expires_in, 120);
    const c = claims(r.json.access_token);
    assert.equal((c.exp as number) - (c.iat as number), 120);
    sb.revokeCredential(DEMO_PAT);
    sb.revokeCredential(DEMO_API_KEY.name);
    assert.equal((await postToken(sb.authUrl, '/auth/v1/token', { pat: DEMO_PAT })).status, 401);
    assert.equal(
      (await postToken(sb.authUrl, '/auth/v1/api-key/token', { name: DEMO_API_KEY.name, secret: DEMO_API_KEY.secret })).status,
      401,
    );
    assert.equal((await apiGet(sb.apiUrl, 'identity/v1/organizations', r.json.access_token)).status, 200, 'issued tokens live until exp');
    sb.reset();
    assert.equal(
      (await postToken(sb.authUrl, '/auth/v1/token', { pat: DEMO_PAT })).json.expires_in,
      3600,
      'reset restores lifetime and credentials',
    );
  });

  it('userinfo: the token’s claims, currentOrganizationId included; needs a bearer', async () => {
    const t = (await postToken(sb.authUrl, '/auth/v2/token', { pat: DEMO_PAT, subOrganizationId: EU_ORG_ID })).json.access_token;
    const r = await apiGet<Record<string, unknown>>(sb.authUrl, USERINFO, t);
    assert.equal(r.status, 200);
    assert.deepEqual([r.json.sub, r.json.email, r.json.currentOrganizationId], [USER.id, USER.email, EU_ORG_ID]);
    assert.equal(r.json.preferred_username, USER.email);
    const key = (await postToken(sb.authUrl, '/auth/v1/api-key/token', { name: QA_API_KEY.name, secret: QA_API_KEY.secret })).json
      .access_token;
    const k = await apiGet<Record<string, unknown>>(sb.authUrl, USERINFO, key);
    assert.equal(k.json.currentOrganizationId, QA_ORG_ID);
    assert.equal((await call(`${sb.authUrl}${USERINFO}`)).status, 401);
  });
});

describe('sandbox: bearer rules on API routes', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox({ quiet: true });
  });
  after(async () => {
    await sb.stop();
  });

  it('missing, empty, malformed, made-up or tampered bearer → 401 JSON {message}, never 400/500', async () => {
    const good = await patToken(sb.authUrl);
    const [h, p] = good.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims(good), currentOrganizationId: QA_ORG_ID })).toString('base64url');
    const madeUp = [
      h,
      Buffer.from(JSON.stringify({ sub: USER.id, currentOrganizationId: ROOT_ORG_ID, exp: 9999999999 })).toString('base64url'),
      'c2ln',
    ].join('.');
    const variants: [string, Record<string, string>][] = [
      ['missing', {}],
      ['empty (after CLI logout)', { Authorization: 'Bearer ' }],
      ['Bearer only', { Authorization: 'Bearer' }],
      ['not bearer', { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
      ['two segments', { Authorization: 'Bearer abc.def' }],
      ['garbage', { Authorization: 'Bearer %%%.%%%.%%%' }],
      ['made up (unsigned by the sandbox)', { Authorization: `Bearer ${madeUp}` }],
      ['tampered payload', { Authorization: `Bearer ${h}.${forgedPayload}.${good.split('.')[2]}` }],
      ['truncated signature', { Authorization: `Bearer ${h}.${p}.x` }],
    ];
    for (const [name, headers] of variants) {
      const r = await call<{ message: unknown }>(`${sb.apiUrl}/identity/v1/organizations`, { headers });
      assert.equal(r.status, 401, name);
      assert.match(r.headers.get('content-type') ?? '', /application\/json/, name);
      assert.equal(typeof r.json.message, 'string', name);
    }
    assert.equal((await apiGet(sb.apiUrl, 'identity/v1/organizations', good)).status, 200);
  });

  it('a token from another sandbox instance is accepted (same signing), so restarts keep sessions', async () => {
    const other = await startSandbox({ quiet: true });
    try {
      const t = await patToken(other.authUrl);
      assert.equal((await apiGet(sb.apiUrl, 'identity/v1/organizations', t)).status, 200);
    } finally {
      await other.stop();
    }
  });

  it('an expired token → 401 (tokenLifetimeSec 1; waits for exp to pass, then for the 401)', async () => {
    const short = await startSandbox({ quiet: true, tokenLifetimeSec: 1 });
    try {
      const r = await postToken(short.authUrl, '/auth/v1/token', { pat: DEMO_PAT });
      assert.equal(r.json.expires_in, 1);
      const t = r.json.access_token;
      const exp = (claims(t).exp as number) * 1000;
      if (Date.now() < exp) {
        assert.equal((await apiGet(short.apiUrl, 'identity/v1/organizations', t)).status, 200, 'valid before exp');
      }
      await until(() => Date.now() >= exp, 'the token exp to pass', 3000);
      let last = 0;
      await until(
        async () => (last = (await apiGet(short.apiUrl, 'identity/v1/organizations', t)).status) === 401,
        'a 401 for the expired token',
        3000,
      );
      const body = await apiGet<{ message: string }>(short.apiUrl, 'identity/v1/organizations', t);
      assert.match(body.json.message, /expired/);
      assert.equal(last, 401);
      assert.equal(
        (await apiGet(short.apiUrl, 'identity/v1/organizations', await patToken(short.authUrl))).status,
        200,
        'a fresh token works',
      );
    } finally {
      await short.stop();
    }
  });

  it('token routes never need or check a bearer', async () => {
    const r = await call(`${sb.authUrl}/auth/v1/token`, {
      method: 'POST',
      headers: { 'Content-Type': FORM, Authorization: 'Bearer ' },
      body: form({ pat: DEMO_PAT }),
    });
    assert.equal(r.status, 200);
  });
});
