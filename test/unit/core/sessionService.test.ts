import * as assert from 'node:assert/strict';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import { SESSION_INDEX_KEY } from '../../../src/core/session/credentialStore';
import {
  AlreadySignedInError,
  CannotSwitchError,
  OrganizationUnreachableError,
  SecretStorageError,
  SessionExpiredError,
  ValidationError,
  isApiError,
} from '../../../src/core/errors';
import type { SessionChangeEvent } from '../../../src/core/session/models';
import { fakeTime } from '../fakes/clock';
import type { Harness } from './helpers';
import { EU_ORG, KEY, PAT, QA_KEY, QA_ORG, ROOT_ORG, makeHarness, waitFor } from './helpers';

const org = (id: string, name: string, isRoot: boolean) => ({ id, name, isRoot, rootOrganizationId: isRoot ? undefined : ROOT_ORG });

function tokenRequests(sb: Sandbox): number {
  return sb.requests.filter((r) => r.path.includes('/auth/') && r.path.includes('token')).length;
}

async function rejectsWith(p: Promise<unknown>, check: (e: unknown) => boolean): Promise<unknown> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, 'expected a rejection');
  assert.ok(check(caught), `unexpected error: ${caught instanceof Error ? caught.message : typeof caught}`);
  return caught;
}

describe('core/SessionService (against the sandbox)', () => {
  let sb: Sandbox;
  let h: Harness;
  let events: SessionChangeEvent[];

  beforeEach(async () => {
    sb = await startSandbox({ quiet: true });
    h = makeHarness(sb);
    events = [];
    h.session.onDidChangeSession((e) => events.push(e));
  });

  afterEach(async () => {
    h.dispose();
    await sb.stop();
  });

  it('signs in with a PAT: root organization, one JSON secret under the workspace key, token only in memory', async () => {
    const info = await h.session.signIn({ kind: 'pat', pat: PAT });
    assert.equal(info.organizationId, ROOT_ORG);
    assert.equal(info.organizationName, 'Acme Mobile');
    assert.equal(info.account, 'dev@acme.test');
    assert.equal(info.isRootOrganization, true);
    assert.ok(info.tokenExpiresAt && info.tokenExpiresAt > Date.now());
    const raw = h.secrets.backing.data.get(h.store.key);
    assert.ok(raw);
    const stored = JSON.parse(raw) as { credential: { pat: string }; organizationId: string };
    assert.equal(stored.credential.pat, PAT);
    assert.equal(stored.organizationId, ROOT_ORG);
    assert.ok(!raw.includes('eyJ'), 'no access token is persisted');
    const index = h.secrets.backing.data.get(SESSION_INDEX_KEY) ?? '';
    assert.ok(!index.includes(PAT), 'the index holds no secret');
    assert.deepEqual(
      events.map((e) => e.reason),
      ['signIn'],
    );
  });

  it('trims a pasted PAT and refuses empty, whitespace, control characters and > 4 KB before any request', async () => {
    const before = sb.requests.length;
    for (const pat of ['', '   ', 'abc\ndef', 'abc\u0007', 'x'.repeat(4097)]) {
      await rejectsWith(h.session.signIn({ kind: 'pat', pat }), (e) => e instanceof ValidationError && e.field === 'pat');
    }
    await rejectsWith(
      h.session.signIn({ kind: 'apiKey', ...KEY, organizationId: 'not-a-guid' }),
      (e) => e instanceof ValidationError && e.problem === 'notGuid',
    );
    assert.equal(sb.requests.length, before, 'nothing left the machine');
    const info = await h.session.signIn({ kind: 'pat', pat: `  ${PAT}  ` });
    assert.equal(info.organizationId, ROOT_ORG);
  });

  it('one session per workspace: a second sign-in is refused and the first stays untouched', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    const before = h.secrets.backing.data.get(h.store.key);
    const e = await rejectsWith(h.session.signIn({ kind: 'apiKey', ...KEY }), (x) => x instanceof AlreadySignedInError);
    assert.equal((e as AlreadySignedInError).account, 'dev@acme.test');
    assert.equal((e as AlreadySignedInError).organizationName, 'Acme Mobile');
    assert.equal(h.secrets.backing.data.get(h.store.key), before);
  });

  it('a wrong PAT is an unauthorized ApiError; nothing is stored and no event fires', async () => {
    await rejectsWith(h.session.signIn({ kind: 'pat', pat: 'acpat_wrong_000' }), (e) => isApiError(e) && e.kind === 'unauthorized');
    assert.equal(h.session.isSignedIn, false);
    assert.equal(h.secrets.backing.data.size, 0);
    assert.equal(events.length, 0);
  });

  it('API keys: own organization, a chosen sub-organization, 403 for an unreachable one, 401 for a bad secret', async () => {
    const a = await h.session.signIn({ kind: 'apiKey', ...KEY });
    assert.equal(a.organizationId, ROOT_ORG);
    assert.equal(a.account, 'ci-bot');
    await h.session.signOut();
    const b = await h.session.signIn({ kind: 'apiKey', ...KEY, organizationId: QA_ORG.toUpperCase() });
    assert.equal(b.organizationId, QA_ORG);
    assert.equal(b.isRootOrganization, false);
    await h.session.signOut();
    await rejectsWith(
      h.session.signIn({ kind: 'apiKey', ...QA_KEY, organizationId: ROOT_ORG }),
      (e) => isApiError(e) && e.kind === 'forbidden',
    );
    await rejectsWith(
      h.session.signIn({ kind: 'apiKey', name: KEY.name, secret: 'wrong' }),
      (e) => isApiError(e) && e.kind === 'unauthorized',
    );
    assert.equal(h.session.isSignedIn, false);
  });

  it('a SecretStorage failure fails the sign-in cleanly: not signed in, nothing half-written', async () => {
    h.secrets.failNext = 'store';
    await rejectsWith(h.session.signIn({ kind: 'pat', pat: PAT }), (e) => e instanceof SecretStorageError && e.operation === 'write');
    assert.equal(h.session.isSignedIn, false);
    assert.equal(h.secrets.backing.data.get(h.store.key), undefined);
    assert.equal(events.length, 0);
  });

  it('switches to a sub-organization (PAT → v2 token bound to it), persists, and back to the root', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    const info = await h.session.switchOrganization(org(QA_ORG, 'Acme QA', false));
    assert.equal(info.organizationId, QA_ORG);
    assert.equal(info.isRootOrganization, false);
    const stored = JSON.parse(h.secrets.backing.data.get(h.store.key) ?? '{}') as { organizationId: string };
    assert.equal(stored.organizationId, QA_ORG);
    const v2 = sb.requests.filter((r) => r.path.endsWith('/auth/v2/token'));
    assert.equal(v2.length, 1, 'one sub-organization token request');
    const back = await h.session.switchOrganization(org(ROOT_ORG, 'Acme Mobile', true));
    assert.equal(back.organizationId, ROOT_ORG);
    assert.deepEqual(
      events.map((e) => e.reason),
      ['signIn', 'switch', 'switch'],
    );
  });

  it('a failed switch keeps the previous organization in memory and in storage', async () => {
    await h.session.signIn({ kind: 'apiKey', ...QA_KEY });
    assert.equal(h.session.session?.organizationId, QA_ORG);
    const before = h.secrets.backing.data.get(h.store.key);
    await rejectsWith(
      h.session.switchOrganization(org(ROOT_ORG, 'Acme Mobile', true)),
      (e) => e instanceof OrganizationUnreachableError && e.organizationName === 'Acme Mobile',
    );
    assert.equal(h.session.session?.organizationId, QA_ORG);
    assert.equal(h.secrets.backing.data.get(h.store.key), before);
    await h.session.signOut();
    await h.session.signIn({ kind: 'pat', pat: PAT });
    sb.faults.set({ status: 503, pathIncludes: '/auth/v2/', times: 1 });
    await rejectsWith(h.session.switchOrganization(org(EU_ORG, 'Acme Europe', false)), (e) => isApiError(e) && e.kind === 'server');
    assert.equal(h.session.session?.organizationId, ROOT_ORG);
  });

  it('re-mints the token shortly before exp, and concurrent callers share one exchange', async () => {
    h.dispose();
    const { clock, timers } = fakeTime(Date.now());
    h = makeHarness(sb, { clock });
    await h.session.signIn({ kind: 'pat', pat: PAT });
    const first = await h.session.getAccessToken();
    const exp = h.session.session?.tokenExpiresAt ?? 0;
    const n = tokenRequests(sb);
    assert.equal(await h.session.getAccessToken(), first, 'cached while fresh');
    assert.equal(tokenRequests(sb), n);
    timers.tick(exp - clock.now() - 4 * 60_000); // inside the 5-minute margin
    const [a, b, c] = await Promise.all([h.session.getAccessToken(), h.session.getAccessToken(), h.session.getAccessToken()]);
    assert.equal(tokenRequests(sb), n + 1, 'one exchange for three callers');
    assert.equal(a, b);
    assert.equal(b, c);
  });

  it('the organization list read by sign-in serves the next Switch Organization: no second read', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    const reads = () => sb.requests.filter((r) => r.path === '/identity/v1/organizations').length;
    const n = reads();
    assert.equal(n, 1, 'sign-in read it once');
    assert.equal((await h.orgs.list()).length, 3);
    assert.equal(reads(), n);
  });

  it('a token the server expired is re-minted once on 401 and the request succeeds', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    h.orgs.invalidate(); // sign-in's list is cached: read it again
    sb.faults.set({ unauthorizedAfter: 0, pathIncludes: 'identity/', times: 1 });
    const n = tokenRequests(sb);
    const orgs = await h.orgs.list();
    assert.equal(orgs.length, 3);
    assert.equal(tokenRequests(sb), n + 1);
    assert.equal(h.session.isSignedIn, true);
  });

  it('a 401 from one endpoint that survives the re-mint keeps the session and the secret, and says so', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    const stored = h.secrets.backing.data.get(h.store.key);
    h.orgs.invalidate(); // sign-in's list is cached: read it again
    sb.faults.set({ unauthorizedAfter: 0, pathIncludes: 'identity/' });
    await rejectsWith(h.orgs.list(), (e) => isApiError(e) && e.kind === 'unauthorized' && e.afterRenewal);
    assert.equal(h.session.isSignedIn, true);
    assert.equal(h.secrets.backing.data.get(h.store.key), stored);
    assert.deepEqual(
      events.map((e) => e.reason),
      ['signIn'],
    );
    sb.faults.clear();
    assert.equal((await h.orgs.list()).length, 3, 'the next call works');
  });

  it('a revoked PAT ends the session at the next renewal', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    sb.revokeCredential(PAT);
    await rejectsWith(h.session.getAccessToken({ forceRefresh: true }), (e) => e instanceof SessionExpiredError);
    assert.equal(h.session.isSignedIn, false);
    assert.deepEqual(
      events.map((e) => e.reason),
      ['signIn', 'expired'],
    );
  });

  it('signs out offline: memory and secret cleared even with the server gone', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    await sb.stop();
    await h.session.signOut();
    assert.equal(h.session.isSignedIn, false);
    assert.equal(h.secrets.backing.data.get(h.store.key), undefined);
    sb = await startSandbox({ quiet: true });
  });

  it('another window of the same workspace follows sign-in, switch and sign-out', async () => {
    const other = makeHarness(sb, { secrets: h.secrets.sibling() });
    const seen: string[] = [];
    other.session.onDidChangeSession((e) => seen.push(`${e.reason}:${e.session?.organizationId ?? '-'}`));
    try {
      await h.session.signIn({ kind: 'pat', pat: PAT });
      await waitFor(() => other.session.isSignedIn, 2000, 'other window signed in');
      await h.session.switchOrganization(org(QA_ORG, 'Acme QA', false));
      await waitFor(() => other.session.session?.organizationId === QA_ORG, 2000, 'other window switched');
      await h.session.signOut();
      await waitFor(() => !other.session.isSignedIn, 2000, 'other window signed out');
      assert.deepEqual(seen, [`external:${ROOT_ORG}`, `external:${QA_ORG}`, 'external:-']);
    } finally {
      other.dispose();
    }
  });

  it('offers sessions of other workspaces and copies the chosen one into this workspace', async () => {
    await h.session.signIn({ kind: 'apiKey', ...KEY, organizationId: QA_ORG });
    const b = makeHarness(sb, { secrets: h.secrets.sibling(), workspaceId: 'file:///work/ws-b' });
    try {
      const offers = await b.session.listOtherSessions();
      assert.equal(offers.length, 1);
      assert.equal(offers[0]?.account, 'ci-bot');
      assert.equal(offers[0]?.organizationName, 'Acme QA');
      const info = await b.session.signInWithOtherSession(offers[0]);
      assert.equal(info.organizationId, QA_ORG);
      assert.ok(b.secrets.backing.data.get(b.store.key)?.includes(KEY.secret));
      await h.session.signOut();
      assert.equal(b.session.isSignedIn, true, 'signing out of A leaves B alone');
    } finally {
      b.dispose();
    }
  });

  it('a ready-made access token (AC_ACCESS_TOKEN) signs in but cannot switch organization', async () => {
    const token = await h.session.signIn({ kind: 'pat', pat: PAT }).then(() => h.session.getAccessToken());
    await h.session.signOut();
    const info = await h.session.signIn({ kind: 'accessToken', token, source: 'AC_ACCESS_TOKEN' });
    assert.equal(info.organizationId, ROOT_ORG);
    assert.equal(info.kind, 'accessToken');
    await rejectsWith(h.session.switchOrganization(org(QA_ORG, 'Acme QA', false)), (e) => e instanceof CannotSwitchError);
  });

  it('restore() reads the stored session without network', async () => {
    await h.session.signIn({ kind: 'pat', pat: PAT });
    const again = makeHarness(sb, { secrets: h.secrets.sibling() });
    try {
      const n = sb.requests.length;
      await again.session.restore();
      assert.equal(again.session.session?.organizationName, 'Acme Mobile');
      assert.equal(sb.requests.length, n);
    } finally {
      again.dispose();
    }
  });
});
