/**
 * Reliability of the api layer, over loopback HTTP against the sandbox's body and redirect switches: token requests
 * never follow a redirect, API redirects are checked like a configured URL, a broken body is an error (never an
 * empty success), every request has an overall deadline and JSON a size limit, Retry-After is bounded, and
 * redaction holds for the shapes secrets travel in.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as util from 'node:util';
import { AuthApi } from '../../../src/api/authApi';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../../src/api/http/errors';
import { ApiClient } from '../../../src/api/http/httpClient';
import { redact, rememberSecret } from '../../../src/api/http/redact';
import { DEMO_API_KEY, DEMO_PAT } from '../../../sandbox/fixtures';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import { rejection } from './rejection';

/** A server on another origin that records what reaches it. */
async function catcher(): Promise<{ url: string; bodies: string[]; auth: (string | undefined)[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const auth: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      auth.push(req.headers.authorization);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"data":[]}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    bodies,
    auth,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('api: redirects, broken bodies, deadlines, limits', () => {
  let sb: Sandbox;
  let token: string;
  const lines: string[] = [];
  const logger = {
    debug: (m: string) => lines.push(m),
    info: (m: string) => lines.push(m),
    warn: (m: string) => lines.push(m),
    error: (m: string) => lines.push(m),
  };
  const auth = () => new AuthApi({ authUrl: sb.authUrl, logger, timeoutMs: 1000 });
  const client = (o: { timeoutMs?: number; deadlineMs?: number; maxJsonBytes?: number } = {}) =>
    new ApiClient({
      baseUrl: sb.apiUrl,
      getToken: () => Promise.resolve(token),
      logger,
      timeoutMs: o.timeoutMs ?? 1000,
      deadlineMs: o.deadlineMs,
      maxJsonBytes: o.maxJsonBytes,
    });

  before(async () => {
    sb = await startSandbox({ quiet: true, realTime: false });
    token = (await new AuthApi({ authUrl: sb.authUrl }).tokenWithPat(DEMO_PAT)).accessToken;
  });
  after(async () => {
    await sb.stop();
    for (const l of lines) {
      for (const s of [DEMO_PAT, DEMO_API_KEY.secret, token]) {
        assert.ok(!l.includes(s), `secret in a log line: ${l}`);
      }
    }
  });
  beforeEach(() => sb.faults.clear());

  for (const status of [301, 302, 303, 307, 308] as const) {
    it(`a ${status} from the token route is an error naming the target; the PAT never reaches it`, async () => {
      const other = await catcher();
      try {
        sb.faults.set({ pathIncludes: '/auth/', redirect: { status, location: `${other.url}/auth/v1/token` } });
        const e = await rejection(auth().tokenWithPat(DEMO_PAT));
        assert.equal(e.kind, 'redirected');
        assert.equal(e.status, status);
        assert.equal(e.redirectTarget, `${other.url}/auth/v1/token`);
        assert.equal(other.bodies.length, 0, 'nothing was sent to the other origin');
        assert.ok(!util.inspect(e, { depth: 5 }).includes(DEMO_PAT));
      } finally {
        await other.close();
      }
    });
  }

  it('an API key sign-in redirected by a 307 never re-posts name and secret', async () => {
    const other = await catcher();
    try {
      sb.faults.set({ pathIncludes: '/auth/', redirect: { status: 307, location: `${other.url}/steal` } });
      const e = await rejection(auth().tokenWithApiKey(DEMO_API_KEY.name, DEMO_API_KEY.secret));
      assert.equal(e.kind, 'redirected');
      assert.deepEqual(other.bodies, []);
    } finally {
      await other.close();
    }
  });

  it('an API GET follows a redirect to another origin without the token', async () => {
    const other = await catcher();
    try {
      sb.faults.set({ pathIncludes: 'profiles', redirect: { status: 302, location: `${other.url}/build/v2/profiles` }, times: 1 });
      assert.deepEqual(await client().get('build/v2/profiles'), { data: [] });
      assert.deepEqual(other.auth, [undefined]);
    } finally {
      await other.close();
    }
  });

  it('an API redirect to plain http on a remote host, or a POST redirect, is refused', async () => {
    sb.faults.set({ pathIncludes: 'profiles', redirect: { status: 302, location: 'http://internal.example.test/x' }, times: 1 });
    const e = await rejection(client().get('build/v2/profiles'));
    assert.equal(e.kind, 'insecureUrl');
    assert.equal(e.redirectTarget, 'http://internal.example.test/x');
    sb.faults.set({ pathIncludes: 'commits', redirect: { status: 307, location: 'https://elsewhere.example.test/x' }, times: 1 });
    assert.equal((await rejection(client().post('build/v2/commits/x', { form: {} }))).kind, 'redirected');
  });

  it('a body cut after the headers is a network error, never an empty success', async () => {
    sb.faults.set({ pathIncludes: 'profiles', cutAfterBytes: 10 });
    assert.equal((await rejection(client().get('build/v2/profiles'))).kind, 'network');
    sb.faults.clear();
    sb.faults.set({ pathIncludes: '/auth/', cutAfterBytes: 5 });
    assert.equal((await rejection(auth().tokenWithPat(DEMO_PAT))).kind, 'network');
  });

  it('a stalled body ends as a timeout after the idle time', async () => {
    sb.faults.set({ pathIncludes: 'profiles', stallAfterBytes: 10 });
    const t0 = Date.now();
    const e = await rejection(client({ timeoutMs: 300, deadlineMs: 10_000 }).get('build/v2/profiles'));
    assert.equal(e.kind, 'timeout');
    assert.ok(Date.now() - t0 < 5_000);
  });

  it('a trickled body ends at the overall deadline, although bytes keep coming', async () => {
    sb.faults.set({ pathIncludes: 'profiles', trickleBytesPerSec: 20 });
    const e = await rejection(client({ timeoutMs: 1000, deadlineMs: 600 }).get('build/v2/profiles'));
    assert.equal(e.kind, 'timeout');
  });

  it('a JSON body over the size limit is refused with its limit', async () => {
    sb.faults.set({ pathIncludes: 'profiles', padToBytes: 3 * 1024 * 1024 });
    const e = await rejection(client({ maxJsonBytes: 1024 * 1024, deadlineMs: 10_000 }).get('build/v2/profiles'));
    assert.equal(e.kind, 'tooLarge');
    assert.equal(e.limitBytes, 1024 * 1024);
  });

  it('a streamed body cut or stalled errors the stream with a typed error', async () => {
    const read = async (s: NodeJS.ReadableStream) => {
      for await (const _ of s as AsyncIterable<Buffer>) {
        // drain
      }
    };
    sb.faults.set({ pathIncludes: 'profiles', cutAfterBytes: 10, times: 1 });
    const cut = await client().getStream('build/v2/profiles');
    assert.equal((await rejection(read(cut.stream))).kind, 'network');
    sb.faults.set({ pathIncludes: 'profiles', stallAfterBytes: 10, times: 1 });
    const stalled = await client({ timeoutMs: 300 }).getStream('build/v2/profiles');
    assert.equal((await rejection(read(stalled.stream))).kind, 'timeout');
  });

  it('an HTML 401 is marked as an HTML page (not the credential refused)', async () => {
    sb.faults.set({ pathIncludes: '/auth/', htmlPage: true, htmlStatus: 401 });
    const e = await rejection(auth().tokenWithPat(DEMO_PAT));
    assert.equal(e.kind, 'unauthorized');
    assert.equal(e.htmlBody, true);
  });

  it('a 401 that survives the one re-mint is marked afterRenewal', async () => {
    sb.faults.set({ pathIncludes: 'profiles', unauthorizedAfter: 0 });
    let mints = 0;
    const c = new ApiClient({ baseUrl: sb.apiUrl, timeoutMs: 1000, getToken: () => Promise.resolve(`${token}${mints++ ? '' : ''}`) });
    const e = await rejection(c.get('build/v2/profiles'));
    assert.equal(e.afterRenewal, true);
    assert.equal(mints, 2);
  });

  it('a server echoing the submitted credential is redacted in the error, its text and the log', async () => {
    sb.faults.set({ pathIncludes: '/auth/', echoCredential: true, echoStatus: 400 });
    const e = await rejection(auth().tokenWithPat(DEMO_PAT));
    assert.equal(e.kind, 'badRequest');
    assert.ok(e.serverMessage?.includes('<redacted>'));
    assert.ok(!util.inspect(e, { depth: 5 }).includes(DEMO_PAT));
    assert.ok(!lines.some((l) => l.includes(DEMO_PAT)));
  });

  it('Retry-After is bounded: huge seconds, far-future and past dates', () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    assert.equal(parseRetryAfter('99999999', now), MAX_RETRY_AFTER_MS);
    assert.equal(parseRetryAfter('1e400', now), undefined);
    assert.equal(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', now), MAX_RETRY_AFTER_MS);
    assert.equal(parseRetryAfter('Thu, 01 Jan 1970 00:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('12', now), 12_000);
  });

  it('redacts Basic, client_secret, refresh_token, api_key, JSON-escaped, URL-encoded and echoed values', () => {
    rememberSecret('acpat_echo_Zq7+Lm/9"x');
    const input = [
      'Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l',
      'client_secret=cs-1234567&x=1',
      '{"refresh_token":"rt-1234567","api_key":"ak-1234567"}',
      '"{\\"pat\\":\\"escaped-1234567\\"}"',
      'next=%2Fcb%3Fpat%3Dencoded-1234567%26x%3D1',
      '%22secret%22%3A%22encjson-1234567%22',
      'server said: bad token acpat_echo_Zq7+Lm/9"x',
      JSON.stringify({ m: 'acpat_echo_Zq7+Lm/9"x' }),
      encodeURIComponent('acpat_echo_Zq7+Lm/9"x'),
    ].join('\n');
    const out = redact(input);
    for (const secret of [
      'YWxhZGRpbjpvcGVuc2VzYW1l',
      'cs-1234567',
      'rt-1234567',
      'ak-1234567',
      'escaped-1234567',
      'encoded-1234567',
      'encjson-1234567',
      'Zq7',
    ]) {
      assert.ok(!out.includes(secret), `${secret} left in: ${out}`);
    }
    assert.ok(out.includes('token_type') || !input.includes('token_type'));
    assert.equal(redact('token_type=Bearer, Basic auth'), 'token_type=Bearer, Basic auth');
  });
});
