/**
 * The api layer's boundaries: ids checked before they go into a request (N12), redirects that may not point at this
 * machine from a remote base (N11), and a server's error message bounded before it is redacted (N9). Every request
 * goes to a server on 127.0.0.1; `https://api.example.test` is only ever parsed.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BuildsApi } from '../../../src/api/buildsApi';
import { ApiError } from '../../../src/api/http/errors';
import { ApiClient } from '../../../src/api/http/httpClient';
import { checkId } from '../../../src/api/http/ids';
import { OrganizationsApi } from '../../../src/api/organizationsApi';
import { rememberSecret } from '../../../src/api/http/redact';
import { SERVER_MESSAGE_MAX_CHARS, SERVER_MESSAGE_SCAN_CHARS, shortServerMessage } from '../../../src/api/http/response';
import { checkRedirectAllowed, isLoopbackHost } from '../../../src/api/http/url';
import { rejection } from './rejection';

interface Local {
  url: string;
  seen: string[];
  close(): Promise<void>;
}

/** A server on 127.0.0.1 that records each request and answers with `answer`. */
async function local(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Local> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method ?? ''} ${req.url ?? ''}`);
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const GUID = '6320a79e-d1f0-45d0-a38e-920dc4c30644';

describe('api: ids are checked before any request (N12)', () => {
  let srv: Local;
  let tokens = 0;
  before(async () => {
    srv = await local((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  });
  after(() => srv.close());

  const client = () =>
    new ApiClient({
      baseUrl: srv.url,
      getToken: () => {
        tokens++;
        return Promise.resolve('t.t.t');
      },
      timeoutMs: 2000,
    });

  const bad = ['..', '.', '../x', '%2e%2e', 'a'.repeat(10 * 1024), '', 'a/b', 'a b', 'a?b', 'a#b', '\u0000'];
  const calls: [string, (api: BuildsApi, id: string) => Promise<unknown>][] = [
    ['profile', (a, id) => a.profile(id)],
    ['workflows', (a, id) => a.workflows(id)],
    ['configurations', (a, id) => a.configurations(id)],
    ['commits (branch)', (a, id) => a.commits(id)],
    ['commit', (a, id) => a.commit(id)],
    ['startBuild (commit)', (a, id) => a.startBuild(id, GUID, GUID)],
    ['startBuild (workflow)', (a, id) => a.startBuild(GUID, id, GUID)],
    ['startBuild (configuration)', (a, id) => a.startBuild(GUID, GUID, id)],
    ['queueItem', (a, id) => a.queueItem(id)],
    ['builds (profile)', (a, id) => a.builds(id, GUID)],
    ['builds (branch)', (a, id) => a.builds(GUID, id)],
    ['readLog (queue item)', (a, id) => a.readLog({ queueItemId: id }, 0)],
    ['readLog (commit)', (a, id) => a.readLog({ commitId: id, buildId: GUID }, 10)],
    ['readLog (build)', (a, id) => a.readLog({ commitId: GUID, buildId: id }, 0)],
    ['artifacts (commit)', (a, id) => a.artifacts(id, GUID)],
    ['artifacts (build)', (a, id) => a.artifacts(GUID, id)],
    ['cancel', (a, id) => a.cancel(id)],
  ];

  for (const [name, call] of calls) {
    it(`${name}: '..', '.', '../x', '%2e%2e', a 10 KB id, empty and others are refused, nothing sent`, async () => {
      const api = new BuildsApi(client());
      for (const id of bad) {
        const e = await rejection(call(api, id));
        assert.equal(e.kind, 'invalidId', `${JSON.stringify(id.slice(0, 10))}: ${e.message}`);
        assert.ok(e.message.length < 200, 'the id is not echoed');
      }
      assert.deepEqual(srv.seen, []);
      assert.equal(tokens, 0, 'not even a token was asked for');
    });
  }

  it('organizations: the same for an organization id', async () => {
    const orgs = new OrganizationsApi(client());
    for (const id of bad) {
      assert.equal((await rejection(orgs.get(id))).kind, 'invalidId');
    }
    assert.deepEqual(srv.seen, []);
  });

  it('GUIDs and short safe ids go through, unencoded', async () => {
    await new BuildsApi(client()).profile(GUID);
    await new BuildsApi(client()).queueItem('task_01-A');
    assert.deepEqual(srv.seen, [`GET /build/v1/profiles/${GUID}`, 'GET /build/v1/queue/task_01-A']);
    srv.seen.length = 0;
  });

  it('checkId: the shape itself', () => {
    assert.equal(checkId(GUID, 'GET', 'x'), GUID);
    assert.equal(checkId('a'.repeat(128), 'GET', 'x').length, 128);
    assert.throws(
      () => checkId('a'.repeat(129), 'GET', 'x'),
      (e: unknown) => e instanceof ApiError && e.kind === 'invalidId',
    );
    assert.throws(
      () => checkId(undefined, 'GET', 'x'),
      (e: unknown) => e instanceof ApiError && e.kind === 'invalidId',
    );
    assert.throws(
      () => checkId(42, 'GET', 'x'),
      (e: unknown) => e instanceof ApiError && e.kind === 'invalidId',
    );
  });
});

describe('api: a remote base cannot redirect to this machine (N11)', () => {
  const remote = 'https://api.example.test/build/v2/profiles';
  const loopbackTargets = [
    'http://127.0.0.1:8080/admin',
    'http://localhost:3000/',
    'http://[::1]:9229/json',
    'http://127.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://[::ffff:127.0.0.1]/',
    'http://0.0.0.0:22/',
    'http://LOCALHOST./',
    'http://dev.localhost/',
    'https://localhost/',
    'https://127.0.0.1/',
  ];

  for (const target of loopbackTargets) {
    it(`from ${remote}: ${target} is refused`, () => {
      // 'redirected' (this machine), or 'insecureUrl' for the spellings plain http was never allowed to
      assert.throws(
        () => checkRedirectAllowed(target, remote, false),
        (e: unknown) => e instanceof ApiError && (e.kind === 'redirected' || e.kind === 'insecureUrl'),
      );
      assert.throws(
        () => checkRedirectAllowed(target, remote, true),
        (e: unknown) => e instanceof ApiError && (e.kind === 'redirected' || e.kind === 'insecureUrl'),
        'allowInsecureHttp does not open it either',
      );
    });
  }

  it('from a loopback base, loopback targets stay allowed (the sandbox, a local proxy)', () => {
    for (const base of ['http://127.0.0.1:4010/x', 'http://localhost:4010/', 'http://[::1]:4010/']) {
      for (const target of ['http://127.0.0.1:4011/y', 'http://localhost:4011/', 'http://[::1]:4011/']) {
        checkRedirectAllowed(target, base, false);
      }
    }
  });

  it('from a remote base, other https hosts stay allowed and plain http stays refused', () => {
    checkRedirectAllowed('https://cdn.example.test/file', remote, false);
    assert.throws(
      () => checkRedirectAllowed('http://cdn.example.test/file', remote, false),
      (e: unknown) => e instanceof ApiError && e.kind === 'insecureUrl',
    );
  });

  it('isLoopbackHost: what the URL parser makes of this machine, and what it is not', () => {
    for (const u of loopbackTargets) {
      assert.equal(isLoopbackHost(new URL(u).hostname), true, u);
    }
    for (const h of ['api.example.test', '10.0.0.1', '128.0.0.1', 'localhost.example.test', '[::2]', '[::ffff:a00:1]']) {
      assert.equal(isLoopbackHost(h), false, h);
    }
  });
});

describe('api: a server error message is cut before it is redacted (N9)', () => {
  const secret = 'acpat_n9_secret_Z8k2LmQ4';
  let srv: Local;
  before(async () => {
    rememberSecret(secret);
    srv = await local((_req, res) => {
      // a 64 KB JSON error reply: the secret first, then backslashes (each one escaped in the JSON)
      const message = `token=${secret} pat: ${secret} ${'\\'.repeat(32_000)}`;
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message }));
    });
  });
  after(() => srv.close());

  it('a 64 KB backslash reply: handled within a generous budget, message ≤ 300 chars, no secret', async () => {
    const client = new ApiClient({ baseUrl: srv.url, getToken: () => Promise.resolve('t.t.t'), timeoutMs: 5000 });
    const started = Date.now();
    const e = await rejection(client.get('build/v2/profiles'));
    const ms = Date.now() - started;
    assert.equal(e.kind, 'badRequest');
    assert.ok(e.serverMessage !== undefined && e.serverMessage.length <= SERVER_MESSAGE_MAX_CHARS, `${e.serverMessage?.length}`);
    assert.ok(!e.serverMessage.includes(secret) && !e.message.includes(secret), e.serverMessage.slice(0, 80));
    assert.ok(ms < 1000, `took ${ms} ms`);
  });

  it('a secret the 2 KB cut splits is dropped, not shown half-masked; a one-word message is still cut and kept', () => {
    const split = 'acpat_split_secret_K3m9Q2w7Z5x1';
    rememberSecret(split);
    const jwt = `eyJ${'a'.repeat(1000)}.${'b'.repeat(1000)}.${'c'.repeat(20)}`;
    const message = `${jwt} ${split} tail`;
    assert.ok(message.indexOf(split) < SERVER_MESSAGE_SCAN_CHARS && message.indexOf(split) + split.length > SERVER_MESSAGE_SCAN_CHARS);
    const shown = shortServerMessage(message) ?? '';
    assert.ok(shown.startsWith('<redacted:jwt>'), shown);
    assert.ok(!shown.includes('acpat_split'), shown);
    const oneWord = shortServerMessage('\\'.repeat(64 * 1024)) ?? '';
    assert.equal(oneWord.length, SERVER_MESSAGE_MAX_CHARS);
    assert.equal(shortServerMessage(''), undefined);
  });
});
