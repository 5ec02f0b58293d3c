/** Every failure the api layer types, each over real loopback HTTP against the sandbox's fault switches. */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthApi } from '../../../src/api/authApi';
import { ApiError, parseRetryAfter } from '../../../src/api/http/errors';
import type { ApiErrorKind } from '../../../src/api/http/errors';
import { ApiClient } from '../../../src/api/http/httpClient';
import { checkUrlAllowed, joinUrl } from '../../../src/api/http/url';
import { OrganizationsApi } from '../../../src/api/organizationsApi';
import { redact } from '../../../src/api/http/redact';
import { DEMO_API_KEY, DEMO_PAT, QA_API_KEY, QA_ORG_ID, ROOT_ORG_ID } from '../../../sandbox/fixtures';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import { Lines } from './rejection';

async function kindOf(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, `an ApiError, got ${e instanceof Error ? e.message : typeof e}`);
    return e;
  }
  assert.fail('expected a rejection');
}

describe('api: auth and organizations against the sandbox', () => {
  let sb: Sandbox;
  let logs: Lines;
  let auth: AuthApi;
  const tokens: string[] = [];

  before(async () => {
    sb = await startSandbox({ quiet: true });
  });
  after(async () => {
    await sb.stop();
    // nothing secret in any log line written during this suite
    for (const line of logs.all) {
      for (const s of [DEMO_PAT, DEMO_API_KEY.secret, QA_API_KEY.secret, ...tokens]) {
        assert.ok(!line.includes(s), `secret in log: ${line}`);
      }
    }
  });
  beforeEach(() => {
    sb.faults.clear();
    logs ??= new Lines();
    auth = new AuthApi({ authUrl: sb.authUrl, logger: logs, timeoutMs: 2000 });
  });

  const client = (token: string, timeoutMs = 2000) =>
    new ApiClient({ baseUrl: sb.apiUrl, getToken: () => Promise.resolve(token), logger: logs, timeoutMs });

  it('PAT v1 → a JWT bound to the root organization; the body is exactly pat=…', async () => {
    const r = await auth.tokenWithPat(DEMO_PAT);
    tokens.push(r.accessToken);
    assert.equal(r.claims.currentOrganizationId, ROOT_ORG_ID);
    assert.equal(r.claims.email, 'dev@acme.test');
    assert.ok(r.expiresAt && r.expiresAt > Date.now());
    const req = sb.requests.at(-1);
    assert.equal(req?.path, '/auth/v1/token');
    assert.deepEqual(req?.bodyFields, ['pat']);
    assert.equal(req?.hasAuth, false, 'no Authorization on token calls');
  });

  it('PAT v2 with the sub-organization under both field names → a token bound to it', async () => {
    const r = await auth.tokenWithPat(DEMO_PAT, QA_ORG_ID);
    tokens.push(r.accessToken);
    assert.equal(r.claims.currentOrganizationId, QA_ORG_ID);
    assert.deepEqual(sb.requests.at(-1)?.bodyFields, ['pat', 'subOrganizationId', 'subOrganization']);
  });

  it('organizations: {data} list with root and subs, detail, userinfo', async () => {
    const { accessToken } = await auth.tokenWithPat(DEMO_PAT);
    tokens.push(accessToken);
    const orgs = await new OrganizationsApi(client(accessToken)).list();
    assert.deepEqual(
      orgs.map((o) => o.name),
      ['Acme Mobile', 'Acme QA', 'Acme Europe'],
    );
    assert.equal(orgs[0]?.rootOrganizationId, undefined);
    assert.equal(orgs[1]?.rootOrganizationId, ROOT_ORG_ID);
    const one = await new OrganizationsApi(client(accessToken)).get(QA_ORG_ID);
    assert.equal(one.name, 'Acme QA');
    const me = await auth.userInfo(accessToken);
    assert.equal(me.currentOrganizationId, ROOT_ORG_ID);
    assert.equal(sb.requests.at(-1)?.hasAuth, true);
  });

  const cases: [string, () => Promise<unknown>, ApiErrorKind, (e: ApiError) => void][] = [
    ['wrong PAT → 401', () => auth.tokenWithPat('acpat_wrong'), 'unauthorized', (e) => assert.equal(e.status, 401)],
    ['bad API key → 401', () => auth.tokenWithApiKey(DEMO_API_KEY.name, 'nope'), 'unauthorized', () => undefined],
    [
      'key without access to the organization → 403',
      () => auth.tokenWithApiKey(QA_API_KEY.name, QA_API_KEY.secret, ROOT_ORG_ID),
      'forbidden',
      () => undefined,
    ],
    [
      'non-GUID organization → 400 with the CLI phrase',
      () => auth.tokenWithApiKey(DEMO_API_KEY.name, DEMO_API_KEY.secret, 'acme'),
      'badRequest',
      (e) => assert.equal(e.isInvalidOrganizationId, true),
    ],
  ];
  for (const [name, call, kind, extra] of cases) {
    it(name, async () => {
      const e = await kindOf(call());
      assert.equal(e.kind, kind);
      extra(e);
      assert.ok(!e.message.includes(DEMO_PAT) && !e.message.includes(DEMO_API_KEY.secret));
    });
  }

  const faultCases: [string, Parameters<Sandbox['faults']['set']>[0], ApiErrorKind, (e: ApiError) => void][] = [
    ['500', { status: 500 }, 'server', (e) => assert.equal(e.status, 500)],
    ['502', { status: 502 }, 'server', (e) => assert.equal(e.status, 502)],
    ['503 with Retry-After', { status: 503, retryAfterSec: 7 }, 'server', (e) => assert.equal(e.retryAfterMs, 7000)],
    ['429 with Retry-After', { rateLimit: { retryAfterSec: 12 } }, 'rateLimited', (e) => assert.equal(e.retryAfterMs, 12_000)],
    ['403 on a resource', { forbidden: true, pathIncludes: 'identity/' }, 'forbidden', () => undefined],
    ['malformed JSON', { malformedJson: true }, 'malformedResponse', () => undefined],
    ['an HTML page instead of JSON', { htmlPage: true }, 'htmlResponse', () => undefined],
    ['a dropped connection', { dropConnection: true }, 'network', () => undefined],
    ['a timeout', { latencyMs: 1500 }, 'timeout', () => undefined],
  ];
  for (const [name, fault, kind, extra] of faultCases) {
    it(`${name} → ${kind}`, async () => {
      const { accessToken } = await auth.tokenWithPat(DEMO_PAT);
      tokens.push(accessToken);
      sb.faults.set({ ...fault, times: 1 });
      const e = await kindOf(new OrganizationsApi(client(accessToken, fault.latencyMs ? 300 : 2000)).list());
      assert.equal(e.kind, kind);
      extra(e);
    });
  }

  it('a token route failing with 502 HTML from a proxy is a server error', async () => {
    sb.faults.set({ htmlPage: true, htmlStatus: 502, pathIncludes: '/auth/', times: 1 });
    const e = await kindOf(auth.tokenWithPat(DEMO_PAT));
    assert.equal(e.kind, 'server');
  });

  it('connection refused', async () => {
    const dead = await startSandbox({ quiet: true });
    const url = dead.authUrl;
    await dead.stop();
    const e = await kindOf(new AuthApi({ authUrl: url, timeoutMs: 2000 }).tokenWithPat(DEMO_PAT));
    assert.equal(e.kind, 'connectionRefused');
  });

  it('an empty Bearer is a 401 (as after the CLI logs out)', async () => {
    const e = await kindOf(new OrganizationsApi(client('')).list());
    assert.equal(e.kind, 'unauthorized');
  });

  it('re-mints once on 401 and retries; a second 401 surfaces as unauthorized', async () => {
    const { accessToken } = await auth.tokenWithPat(DEMO_PAT);
    let calls = 0;
    const c = new ApiClient({
      baseUrl: sb.apiUrl,
      getToken: async ({ forceRefresh }) => {
        calls++;
        return forceRefresh ? (await auth.tokenWithPat(DEMO_PAT)).accessToken : accessToken;
      },
    });
    sb.faults.set({ unauthorizedAfter: 0, times: 1 });
    assert.equal((await new OrganizationsApi(c).list()).length, 3);
    assert.equal(calls, 2);
    sb.faults.set({ unauthorizedAfter: 0, times: 2 });
    assert.equal((await kindOf(new OrganizationsApi(c).list())).kind, 'unauthorized');
  });
});

describe('api: transport rules', () => {
  it('joins base URLs with a prefix and one slash', () => {
    assert.equal(joinUrl('http://127.0.0.1:8787/prefix/', '/build/v2/profiles'), 'http://127.0.0.1:8787/prefix/build/v2/profiles');
    assert.equal(joinUrl('https://api.appcircle.io', 'identity/v1/organizations'), 'https://api.appcircle.io/identity/v1/organizations');
  });

  it('refuses plain http to remote hosts unless allowed; loopback is fine', () => {
    assert.throws(
      () => checkUrlAllowed('http://api.example.com/x', false),
      (e: unknown) => e instanceof ApiError && e.kind === 'insecureUrl',
    );
    assert.doesNotThrow(() => checkUrlAllowed('http://api.example.com/x', true));
    assert.doesNotThrow(() => checkUrlAllowed('http://127.0.0.1:8787/x', false));
    assert.doesNotThrow(() => checkUrlAllowed('http://localhost:8787/x', false));
    assert.doesNotThrow(() => checkUrlAllowed('https://api.example.com/x', false));
    assert.throws(() => checkUrlAllowed('https://user:pw@api.example.com/x', false));
    assert.throws(() => checkUrlAllowed('ftp://api.example.com/x', true));
  });

  it('a refused URL says why in `reason`, with no request method or path (none was sent)', () => {
    const refusal = (url: string) => {
      try {
        checkUrlAllowed(url, false);
      } catch (e) {
        return e instanceof ApiError ? { kind: e.kind, reason: e.reason, method: e.method, path: e.path, message: e.message } : e;
      }
      return undefined;
    };
    assert.deepEqual(refusal('http://api.example.com/x?token=secret'), {
      kind: 'insecureUrl',
      reason: 'http://api.example.com',
      method: '',
      path: '',
      message: 'URL refused (http://api.example.com): insecureUrl',
    });
    assert.equal((refusal('https://user:pw@api.example.com/x') as { reason?: string }).reason, 'URL with credentials');
    assert.equal((refusal('not a url') as { reason?: string }).reason, 'invalid URL');
  });

  it('drops Authorization when a redirect leaves the configured origin', async () => {
    const seen: (string | undefined)[] = [];
    const other = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('[]');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    const otherPort = (other.address() as AddressInfo).port;
    const origin = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(302, { Location: `http://localhost:${otherPort}/elsewhere` });
      res.end();
    });
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', () => r()));
    try {
      const c = new ApiClient({
        baseUrl: `http://127.0.0.1:${(origin.address() as AddressInfo).port}`,
        getToken: () => Promise.resolve('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.sig'),
      });
      await c.get('build/v2/profiles');
      assert.equal(seen.length, 2);
      assert.match(seen[0] ?? '', /^Bearer /);
      assert.equal(seen[1], undefined, 'no token sent to the other origin');
    } finally {
      origin.close();
      other.close();
    }
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    assert.equal(parseRetryAfter('30', now), 30_000);
    assert.equal(parseRetryAfter('Sun, 22 Nov 2026 12:01:00 GMT', now), 60_000);
    assert.equal(parseRetryAfter('soon', now), undefined);
  });

  it('redacts tokens, bearer headers and credential fields', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiI2MzIwYTc5ZSJ9.c2lnbmF0dXJl';
    const out = redact(`Authorization: Bearer ${jwt} pat=acpat_x&secret=abc {"access_token":"${jwt}","personalAccessKey":"k"}`);
    assert.ok(!out.includes(jwt));
    assert.ok(!out.includes('acpat_x'));
    assert.ok(!out.includes('secret=abc'));
    assert.ok(!out.includes('"k"'));
  });
});
