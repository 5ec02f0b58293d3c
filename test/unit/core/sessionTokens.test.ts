/**
 * TokenService on its own (tokens.ts): the renewal policy on a hand-moved clock, one mint shared by concurrent
 * callers, and the owner told once when the token route refuses the credential. The auth API is a stub (no HTTP).
 */
import * as assert from 'node:assert/strict';
import { AuthApi } from '../../../src/api/authApi';
import type { TokenResult } from '../../../src/api/authApi';
import { decodeJwt } from '../../../src/api/dto';
import { ApiError } from '../../../src/api/http/errors';
import type { ApiFactory } from '../../../src/core/apiFactory';
import { AuthOriginChangedError, NotSignedInError, OrganizationAccessLostError, SessionExpiredError } from '../../../src/core/errors';
import type { StoredSession } from '../../../src/core/session/models';
import { MIN_TOKEN_USE_MS, RENEW_FRACTION, TokenService } from '../../../src/core/session/tokens';
import type { FakeTime } from '../fakes/clock';
import { fakeTime } from '../fakes/clock';
import type { Clock } from '../../../src/core/ports';
import { PAT, QA_ORG, RecordingLogger, rejects, ROOT_ORG } from './helpers';

const AUTH_URL = 'https://auth.example.test';
const AUTH_ORIGIN = 'https://auth.example.test';

function jwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.sig`;
}

/** An AuthApi whose PAT route answers from `answer` (no request leaves the test); counts the calls. */
class StubAuth extends AuthApi {
  calls: (string | undefined)[] = [];
  answer: (organizationId: string | undefined) => Promise<TokenResult>;

  constructor(private readonly clock: Clock) {
    super({ authUrl: AUTH_URL });
    this.answer = (o) => Promise.resolve(this.tokenFor(o ?? ROOT_ORG, 300));
  }

  /** A token for `org` issued now, living `lifetimeS` seconds. */
  tokenFor(org: string, lifetimeS: number): TokenResult {
    const iat = Math.floor(this.clock.now() / 1000);
    const token = jwt({ iat, exp: iat + lifetimeS, currentOrganizationId: org, sub: 'u1' });
    const claims = decodeJwt(token);
    return { accessToken: token, claims, expiresAt: (iat + lifetimeS) * 1000 };
  }

  override tokenWithPat(_pat: string, organizationId?: string): Promise<TokenResult> {
    this.calls.push(organizationId);
    return this.answer(organizationId);
  }
}

const refusal = (kind: 'unauthorized' | 'forbidden', htmlBody = false) =>
  new ApiError({ kind, method: 'POST', path: 'auth/v1/token', status: kind === 'unauthorized' ? 401 : 403, htmlBody });

function session(organizationId = ROOT_ORG, rootOrganizationId?: string): StoredSession {
  return {
    version: 1,
    credential: { kind: 'pat', pat: PAT },
    organizationId,
    organizationName: 'Org',
    rootOrganizationId,
    account: 'a@example.test',
    accountId: 'u1',
    savedAt: new Date(0).toISOString(),
    authOrigin: AUTH_ORIGIN,
  };
}

describe('core/TokenService: renewal, one mint in flight, the refusal callback', () => {
  let time: FakeTime;
  let clock: Clock;
  let auth: StubAuth;
  let current: StoredSession | undefined;
  let refused: unknown[];
  let tokens: TokenService;
  let busy: boolean[];

  beforeEach(() => {
    time = fakeTime();
    clock = time.clock;
    auth = new StubAuth(clock);
    current = session();
    refused = [];
    busy = [];
    const api: ApiFactory = {
      auth: () => auth,
      authOrigin: () => AUTH_ORIGIN,
      client: () => assert.fail('TokenService builds no API client'),
    };
    const owner = {
      current: () => current,
      credentialRefused: (_s: StoredSession, cause: unknown) => {
        refused.push(cause);
        current = undefined;
        return Promise.resolve();
      },
    };
    tokens = new TokenService(api, clock, new RecordingLogger(), owner);
    tokens.onDidChangeBusy((b) => busy.push(b));
  });
  afterEach(() => tokens.dispose());

  it(`renews a 5-minute token when ${RENEW_FRACTION * 100}% of its lifetime is left, not before`, async () => {
    const first = await tokens.getAccessToken();
    assert.equal(auth.calls.length, 1);
    time.timers.tick(300_000 * (1 - RENEW_FRACTION) - 1_000);
    assert.equal(await tokens.getAccessToken(), first, 'still 16% left: the cached token');
    assert.equal(auth.calls.length, 1);
    time.timers.tick(1_000);
    assert.notEqual(await tokens.getAccessToken(), first, '15% left: a new token');
    assert.equal(auth.calls.length, 2);
  });

  it(`a short-lived token serves at least ${MIN_TOKEN_USE_MS / 1000} s after its mint`, async () => {
    auth.answer = (o) => Promise.resolve(auth.tokenFor(o ?? ROOT_ORG, 32));
    await tokens.getAccessToken();
    time.timers.tick(MIN_TOKEN_USE_MS - 1);
    await tokens.getAccessToken();
    assert.equal(auth.calls.length, 1, '15% of 32 s would renew at 27.2 s; the floor is 30 s');
    time.timers.tick(1);
    await tokens.getAccessToken();
    assert.equal(auth.calls.length, 2);
  });

  it('the lifetime is measured on this clock: a token issued two hours "earlier" is not expired', async () => {
    auth.answer = () => {
      const r = auth.tokenFor(ROOT_ORG, 300);
      const iat = (r.claims.iat ?? 0) - 7200;
      const token = jwt({ iat, exp: iat + 300, currentOrganizationId: ROOT_ORG });
      return Promise.resolve({ accessToken: token, claims: decodeJwt(token), expiresAt: (iat + 300) * 1000 });
    };
    await tokens.getAccessToken();
    await tokens.getAccessToken();
    assert.equal(auth.calls.length, 1);
    assert.equal(tokens.expiresAt(ROOT_ORG), clock.now() + 300_000);
  });

  it('concurrent callers share one mint, and busy goes up and down once', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    auth.answer = async (o) => {
      await gate;
      return auth.tokenFor(o ?? ROOT_ORG, 300);
    };
    const all = Promise.all([tokens.getAccessToken(), tokens.getAccessToken(), tokens.getAccessToken({ forceRefresh: true })]);
    assert.equal(tokens.busy, true);
    release();
    const [a, b, c] = await all;
    assert.equal(auth.calls.length, 1);
    assert.ok(a === b && b === c);
    assert.deepEqual(busy, [true, false]);
  });

  it('a JSON 401 from the token route tells the owner once, then throws SessionExpiredError', async () => {
    await tokens.getAccessToken();
    auth.answer = () => Promise.reject(refusal('unauthorized'));
    const e = await rejects(Promise.all([tokens.getAccessToken({ forceRefresh: true }), tokens.getAccessToken({ forceRefresh: true })]));
    assert.ok(e instanceof SessionExpiredError);
    assert.equal(refused.length, 1);
    assert.ok(refused[0] instanceof ApiError && refused[0].kind === 'unauthorized');
  });

  it('a proxy HTML 401 and a 403 at the root do not tell the owner (the credential is kept)', async () => {
    auth.answer = () => Promise.reject(refusal('unauthorized', true));
    assert.ok((await rejects(tokens.getAccessToken())) instanceof ApiError);
    auth.answer = () => Promise.reject(refusal('forbidden'));
    assert.ok((await rejects(tokens.getAccessToken())) instanceof OrganizationAccessLostError);
    assert.deepEqual(refused, []);
  });

  it('a sub-organization refused while the credential still mints for its own: kept, OrganizationAccessLostError', async () => {
    current = session(QA_ORG, ROOT_ORG);
    auth.answer = (o) => (o === undefined ? Promise.resolve(auth.tokenFor(ROOT_ORG, 300)) : Promise.reject(refusal('unauthorized')));
    assert.ok((await rejects(tokens.getAccessToken())) instanceof OrganizationAccessLostError);
    assert.deepEqual(auth.calls, [QA_ORG, undefined], 'the sub-organization, then the credential on its own');
    assert.deepEqual(refused, []);
  });

  it('another auth host: the owner is told with AuthOriginChangedError and nothing is asked', async () => {
    current = { ...session(), authOrigin: 'https://old-auth.example.test' };
    assert.ok((await rejects(tokens.getAccessToken())) instanceof AuthOriginChangedError);
    assert.equal(auth.calls.length, 0);
    assert.equal(refused.length, 1);
    assert.ok(refused[0] instanceof AuthOriginChangedError);
  });

  it('a ready-made token serves until its exp, then the owner is told once', async () => {
    const exp = Math.floor(clock.now() / 1000) + 60;
    const token = jwt({ exp, currentOrganizationId: ROOT_ORG });
    current = { ...session(), credential: { kind: 'accessToken', token, source: 'AC_ACCESS_TOKEN' } };
    assert.equal(await tokens.getAccessToken(), token);
    time.timers.tick(60_000);
    assert.ok((await rejects(tokens.getAccessToken())) instanceof SessionExpiredError);
    assert.equal(refused.length, 1);
    assert.ok(refused[0] instanceof SessionExpiredError);
    assert.equal(auth.calls.length, 0);
  });

  it('a mint that lands after clear() is not kept', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    auth.answer = async (o) => {
      await gate;
      return auth.tokenFor(o ?? ROOT_ORG, 300);
    };
    const late = tokens.getAccessToken();
    tokens.clear();
    release();
    await late;
    assert.equal(tokens.expiresAt(ROOT_ORG), undefined);
  });

  it('without a session: NotSignedInError, no mint', async () => {
    current = undefined;
    const e = await rejects(tokens.getAccessToken());
    assert.ok(e instanceof NotSignedInError);
    assert.equal(auth.calls.length, 0);
  });
});
