/**
 * The session with a Personal Access Key only v3 accepts (N3) and the auth host a stored credential belongs to (S16),
 * against the sandbox over loopback HTTP, and a catcher server standing for "another auth host".
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forgetPatRoutes } from '../../../src/api/authApi';
import { DEMO_PAK_V3_ONLY, QA_ORG_ID, ROOT_ORG_ID } from '../../../sandbox/fixtures';
import type { FaultSpec } from '../../../sandbox/faults';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import { AuthOriginChangedError, OrganizationAccessLostError, SessionExpiredError, isApiError } from '../../../src/core/errors';
import type { ApiError } from '../../../src/api/http/errors';
import type { SessionChangeEvent } from '../../../src/core/session/models';
import type { ApiFactory } from '../../../src/core/apiFactory';
import { CredentialStore } from '../../../src/core/session/credentialStore';
import { systemClock } from '../../../src/core/ports';
import { SessionService } from '../../../src/core/session/sessionService';
import type { Harness } from './helpers';
import { KEY, PAT, RecordingLogger, makeHarness } from './helpers';

const tokenPaths = (sb: Sandbox, from: number) =>
  sb.requests
    .slice(from)
    .filter((r) => r.path.includes('/auth/') && r.path.includes('token'))
    .map((r) => r.path);

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected a rejection');
}

/** A server that answers every request with a token-looking 200 and records what reached it. */
async function catcher(): Promise<{ url: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(`${req.url ?? ''} ${Buffer.concat(chunks).toString('utf8')}`);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"access_token":"a.b.c"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('core/SessionService: a Personal Access Key only v3 accepts (N3)', () => {
  let sb: Sandbox;
  let h: Harness;
  let events: SessionChangeEvent[];

  const start = (timeoutMs?: number) => {
    h = makeHarness(sb, { timeoutMs });
    events = [];
    h.session.onDidChangeSession((e) => events.push(e));
  };

  beforeEach(async () => {
    forgetPatRoutes();
    sb = await startSandbox({ quiet: true });
  });
  afterEach(async () => {
    h.dispose();
    forgetPatRoutes();
    await sb.stop();
  });

  it('signs in (v1 401, v3: 2 exchanges); a renewal then asks v3 only (1 exchange), in a sub-organization too', async () => {
    start();
    let n = sb.requests.length;
    const info = await h.session.signIn({ kind: 'pat', pat: DEMO_PAK_V3_ONLY });
    assert.equal(info.organizationId, ROOT_ORG_ID);
    assert.deepEqual(tokenPaths(sb, n), ['/auth/v1/token', '/auth/v3/token']);
    n = sb.requests.length;
    await h.session.getAccessToken({ forceRefresh: true });
    assert.deepEqual(tokenPaths(sb, n), ['/auth/v3/token'], 'renewal at the root');
    await h.session.switchOrganization({ id: QA_ORG_ID, name: 'Acme QA', isRoot: false, rootOrganizationId: ROOT_ORG_ID });
    n = sb.requests.length;
    await h.session.getAccessToken({ forceRefresh: true });
    assert.deepEqual(tokenPaths(sb, n), ['/auth/v3/token'], 'renewal in a sub-organization');
  });

  const faults: [string, FaultSpec, (e: ApiError) => boolean][] = [
    ['503', { status: 503 }, (e) => e.kind === 'server'],
    ['a proxy HTML 403', { htmlPage: true, htmlStatus: 403 }, (e) => e.kind === 'forbidden' && e.htmlBody],
    ['a reset connection', { dropConnection: true }, (e) => e.kind === 'network'],
    ['a timeout', { stallAfterBytes: 0 }, (e) => e.kind === 'timeout'],
  ];
  for (const [name, fault, check] of faults) {
    for (const remembered of [false, true]) {
      it(`a renewal with v3 answering ${name} keeps the session and the stored key (${remembered ? 'v3 remembered' : 'v1 asked first'})`, async () => {
        start(300);
        await h.session.signIn({ kind: 'pat', pat: DEMO_PAK_V3_ONLY });
        await h.session.switchOrganization({ id: QA_ORG_ID, name: 'Acme QA', isRoot: false, rootOrganizationId: ROOT_ORG_ID });
        const stored = h.secrets.backing.data.get(h.store.key);
        assert.ok(stored?.includes(DEMO_PAK_V3_ONLY));
        if (!remembered) {
          forgetPatRoutes(); // as after a restart: v2 refuses the key first
        }
        sb.faults.set({ ...fault, pathIncludes: '/auth/v3/' });
        const e = await rejection(h.session.getAccessToken({ forceRefresh: true }));
        assert.ok(isApiError(e) && check(e), `got ${e instanceof Error ? e.message : String(e)}`);
        assert.equal(h.session.isSignedIn, true);
        assert.equal(h.secrets.backing.data.get(h.store.key), stored, 'the stored key is kept');
        assert.deepEqual(
          events.map((x) => x.reason),
          ['signIn', 'switch'],
        );
        sb.faults.clear();
        assert.ok(await h.session.getAccessToken({ forceRefresh: true }), 'works again once v3 does');
      });
    }
  }

  for (const remembered of [false, true]) {
    it(`access to a sub-organization removed, then v3 failing in credentialStillMints: the key is kept (${remembered ? 'v3 remembered' : 'v2 asked first'})`, async () => {
      start();
      await h.session.signIn({ kind: 'pat', pat: DEMO_PAK_V3_ONLY });
      await h.session.switchOrganization({ id: QA_ORG_ID, name: 'Acme QA', isRoot: false, rootOrganizationId: ROOT_ORG_ID });
      const stored = h.secrets.backing.data.get(h.store.key);
      if (!remembered) {
        forgetPatRoutes();
      }
      // the sub-organization's mint: a JSON 403; the own-organization check that follows: a 503
      sb.faults.set({ forbidden: true, pathIncludes: '/auth/v3/', times: 1 });
      sb.faults.set({ status: 503, pathIncludes: '/auth/v3/' });
      const n = sb.requests.length;
      const e = await rejection(h.session.getAccessToken({ forceRefresh: true }));
      assert.ok(e instanceof OrganizationAccessLostError, String(e));
      assert.deepEqual(
        tokenPaths(sb, n),
        remembered ? ['/auth/v3/token', '/auth/v3/token'] : ['/auth/v2/token', '/auth/v3/token', '/auth/v1/token', '/auth/v3/token'],
      );
      assert.equal(h.session.isSignedIn, true);
      assert.equal(h.secrets.backing.data.get(h.store.key), stored);
    });
  }

  it('v3 failing at sign-in is reported as that failure (not "wrong key"), and nothing is stored', async () => {
    start();
    sb.faults.set({ status: 503, pathIncludes: '/auth/v3/' });
    const e = await rejection(h.session.signIn({ kind: 'pat', pat: DEMO_PAK_V3_ONLY }));
    assert.ok(isApiError(e) && e.kind === 'server', String(e));
    assert.equal(h.session.isSignedIn, false);
    assert.equal(h.secrets.backing.data.get(h.store.key), undefined);
  });

  it('both routes refusing with a JSON 401 (a revoked key) ends the session and deletes the stored key', async () => {
    start();
    await h.session.signIn({ kind: 'pat', pat: DEMO_PAK_V3_ONLY });
    sb.revokeCredential(DEMO_PAK_V3_ONLY);
    const n = sb.requests.length;
    const e = await rejection(h.session.getAccessToken({ forceRefresh: true }));
    assert.ok(e instanceof SessionExpiredError && !(e instanceof AuthOriginChangedError));
    assert.deepEqual(tokenPaths(sb, n), ['/auth/v3/token', '/auth/v1/token']);
    assert.equal(h.session.isSignedIn, false);
    assert.equal(h.secrets.backing.data.get(h.store.key), undefined);
  });
});

describe('core/SessionService: the stored credential belongs to its auth host (S16)', () => {
  let sb: Sandbox;
  let other: Awaited<ReturnType<typeof catcher>>;
  let urls: { apiUrl: string; authUrl: string };
  let h: Harness;
  let events: SessionChangeEvent[];
  const extra: Harness[] = [];

  beforeEach(async () => {
    sb = await startSandbox({ quiet: true });
    other = await catcher();
    urls = { apiUrl: sb.apiUrl, authUrl: sb.authUrl };
    h = makeHarness(urls);
    events = [];
    h.session.onDidChangeSession((e) => events.push(e));
  });
  afterEach(async () => {
    h.dispose();
    extra.splice(0).forEach((x) => x.dispose());
    await other.close();
    await sb.stop();
  });

  const moveAuthUrl = () => {
    urls.authUrl = other.url;
    h.session.resetConnection(); // what the settings listener does
  };

  it('after appcircle.authUrl changes, the next renewal sends nothing to the new host and ends the session (key kept)', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    const stored = h.secrets.backing.data.get(h.store.key);
    assert.ok(stored?.includes(`"authOrigin":"${new URL(sb.authUrl).origin}"`), 'the origin is recorded');
    moveAuthUrl();
    const e = await rejection(h.session.getAccessToken());
    assert.ok(e instanceof AuthOriginChangedError, String(e));
    assert.equal(e.boundOrigin, new URL(sb.authUrl).origin);
    assert.equal(e.currentOrigin, other.url);
    assert.deepEqual(other.bodies, [], 'nothing reached the new host');
    assert.equal(h.session.isSignedIn, false);
    assert.deepEqual(
      events.map((x) => x.reason),
      ['signIn', 'expired'],
    );
    assert.ok(events[1]?.cause instanceof AuthOriginChangedError);
    assert.equal(h.secrets.backing.data.get(h.store.key), stored, 'the stored value stays, for the old host');
  });

  it('a switch after the change sends nothing either', async () => {
    await h.session.signIn({ kind: 'apiKey', ...KEY });
    moveAuthUrl();
    const e = await rejection(
      h.session.switchOrganization({ id: QA_ORG_ID, name: 'Acme QA', isRoot: false, rootOrganizationId: ROOT_ORG_ID }),
    );
    assert.ok(e instanceof AuthOriginChangedError, String(e));
    assert.deepEqual(other.bodies, []);
    assert.equal(h.session.isSignedIn, false);
  });

  it('restore() with another auth URL refuses the stored session without network; with the old URL back it restores', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    const n = sb.requests.length;
    const moved = makeHarness({ apiUrl: sb.apiUrl, authUrl: other.url }, { secrets: h.secrets.sibling() });
    extra.push(moved);
    assert.ok((await rejection(moved.session.restore())) instanceof AuthOriginChangedError);
    assert.equal(moved.session.isSignedIn, false);
    assert.deepEqual(other.bodies, []);
    assert.equal(sb.requests.length, n);
    const back = makeHarness(urls, { secrets: h.secrets.sibling() });
    extra.push(back);
    await back.session.restore();
    assert.equal(back.session.isSignedIn, true);
  });

  it('restore() checks the auth origin from the settings alone: it builds no HTTP client (startup loads no HTTP layer)', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    const built: string[] = [];
    const api: ApiFactory = {
      auth: () => {
        built.push('auth');
        throw new Error('the HTTP layer was built at restore');
      },
      authOrigin: () => new URL(sb.authUrl).origin,
      client: () => {
        built.push('client');
        throw new Error('the HTTP layer was built at restore');
      },
    };
    const store = new CredentialStore(h.secrets.sibling(), 'file:///work/ws-a', 'ws-a');
    const restored = new SessionService(store, api, systemClock, new RecordingLogger());
    try {
      await restored.restore();
      assert.equal(restored.isSignedIn, true);
      assert.deepEqual(built, []);
    } finally {
      restored.dispose();
      store.dispose();
    }
  });

  it('a value stored without an auth origin is bound to the auth URL of its first restore (and written so)', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    const v = JSON.parse(h.secrets.backing.data.get(h.store.key) ?? '{}') as Record<string, unknown>;
    delete v.authOrigin;
    h.secrets.backing.data.set(h.store.key, JSON.stringify(v));
    const first = makeHarness(urls, { secrets: h.secrets.sibling() });
    extra.push(first);
    await first.session.restore();
    assert.equal(first.session.isSignedIn, true);
    assert.ok(h.secrets.backing.data.get(h.store.key)?.includes(`"authOrigin":"${new URL(sb.authUrl).origin}"`));
    const moved = makeHarness({ apiUrl: sb.apiUrl, authUrl: other.url }, { secrets: h.secrets.sibling() });
    extra.push(moved);
    assert.ok((await rejection(moved.session.restore())) instanceof AuthOriginChangedError);
    assert.deepEqual(other.bodies, []);
  });

  it('sessions of other workspaces bound to another auth host are not offered, nor copied', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    const b = makeHarness({ apiUrl: sb.apiUrl, authUrl: other.url }, { secrets: h.secrets.sibling(), workspaceId: 'file:///work/ws-b' });
    extra.push(b);
    assert.deepEqual(await b.session.listOtherSessions(), []);
    const e = await rejection(
      b.session.signInWithOtherSession({ key: h.store.key, workspaceName: 'ws-a', account: 'x', organizationName: 'y', kind: 'pat' }),
    );
    assert.ok(e instanceof AuthOriginChangedError, String(e));
    assert.deepEqual(other.bodies, []);
  });
});
