/** Hosts, ports, prefix, path quirks, the request log, control routes, reset/stop, and the `npm run sandbox` process. */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEMO_API_KEY, DEMO_PAT, QA_ORG_ID } from '../../../sandbox/fixtures';
import type { Sandbox } from '../../../sandbox/server';
import { SandboxListenError, startSandbox } from '../../../sandbox/server';
import { parseCliArgs } from '../../../sandbox/cli';
import { apiGet, call, FORM, form, patToken, postToken, until } from './helpers';

describe('sandbox: hosts, prefix and path quirks', () => {
  it('one port serves both hosts; starts in well under 100 ms', async () => {
    const t0 = performance.now();
    const sb = await startSandbox({ quiet: true });
    const ms = performance.now() - t0;
    try {
      assert.ok(ms < 100, `started in ${ms.toFixed(1)} ms`);
      assert.equal(sb.apiUrl, sb.authUrl);
      assert.match(sb.apiUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal((await apiGet(sb.apiUrl, 'identity/v1/organizations', await patToken(sb.authUrl))).status, 200);
    } finally {
      await sb.stop();
    }
  });

  it('two ports: the auth host answers only /auth/…, the API host only the API (404 {message} otherwise)', async () => {
    const sb = await startSandbox({ quiet: true, authPort: 0 });
    try {
      assert.notEqual(sb.apiUrl, sb.authUrl);
      const t = await patToken(sb.authUrl);
      assert.equal((await apiGet(sb.apiUrl, 'identity/v1/organizations', t)).status, 200);
      assert.equal((await apiGet(sb.authUrl, '/auth/realms/appcircle/protocol/openid-connect/userinfo', t)).status, 200);
      const wrong1 = await postToken(sb.apiUrl, '/auth/v1/token', { pat: DEMO_PAT });
      assert.equal(wrong1.status, 404);
      assert.equal(typeof wrong1.json.message, 'string');
      assert.equal((await apiGet(sb.authUrl, 'identity/v1/organizations', t)).status, 404);
      assert.equal((await call(`${sb.authUrl}/__sandbox/health`)).status, 200, 'control routes on both');
      assert.equal(sb.requests.find((r) => r.path === '/auth/v1/token' && r.status === 200)?.host, 'auth');
    } finally {
      await sb.stop();
    }
  });

  it('a path prefix on both hosts is kept in the URLs and stripped from requests; requests without it work too', async () => {
    const sb = await startSandbox({ quiet: true, authPort: 0, prefix: 'prefix/' });
    try {
      assert.match(sb.apiUrl, /:\d+\/prefix$/);
      assert.match(sb.authUrl, /:\d+\/prefix$/);
      const t = await patToken(sb.authUrl);
      assert.equal((await apiGet(sb.apiUrl, 'identity/v1/organizations', t)).status, 200);
      assert.equal(sb.requests.at(-1)?.path, '/identity/v1/organizations');
      const bare = sb.apiUrl.replace(/\/prefix$/, '');
      assert.equal((await apiGet(bare, 'identity/v1/organizations', t)).status, 200);
      assert.equal(
        (await apiGet(sb.apiUrl.replace(/prefix$/, 'prefixed'), 'identity/v1/organizations', t)).status,
        404,
        'only a whole segment is a prefix',
      );
    } finally {
      await sb.stop();
    }
  });

  it('tolerates //auth/… (an auth URL with a trailing slash), with a prefix too, and collapses // in API paths', async () => {
    const sb = await startSandbox({ quiet: true, prefix: '/p' });
    try {
      assert.equal((await postToken(`${sb.authUrl}/`, '/auth/v1/token', { pat: DEMO_PAT })).status, 200);
      assert.equal(sb.requests.at(-1)?.path, '/auth/v1/token');
      const raw = await call(`${sb.authUrl.replace(/\/p$/, '')}//auth/v1/token`, {
        method: 'POST',
        headers: { 'Content-Type': FORM },
        body: form({ pat: DEMO_PAT }),
      });
      assert.equal(raw.status, 200);
      assert.equal((await apiGet(`${sb.apiUrl}/`, '/identity/v1/organizations', await patToken(sb.authUrl))).status, 200);
    } finally {
      await sb.stop();
    }
  });

  it('unknown routes and out-of-scope modules → 404 {message}', async () => {
    const sb = await startSandbox({ quiet: true });
    try {
      const t = await patToken(sb.authUrl);
      // distribution, store and signing are served now (distribution.test.ts, store.test.ts); publish is not
      for (const p of ['nothing/here', 'publish/v2/profiles/ios', 'distribution/v2/nothing', 'signing-identity/v2/bundle-identifiers']) {
        const r = await apiGet<{ message: string }>(sb.apiUrl, p, t);
        assert.equal(r.status, 404, p);
        assert.equal(typeof r.json.message, 'string', p);
      }
      const del = await call<{ message: string }>(`${sb.apiUrl}/auth/v1/token`, { method: 'DELETE' });
      assert.equal(del.status, 404);
    } finally {
      await sb.stop();
    }
  });

  it('no header dependence: a GET with a multipart Content-Type and no body, no UA, no Accept', async () => {
    const sb = await startSandbox({ quiet: true });
    try {
      const t = await patToken(sb.authUrl);
      const r = await new Promise<number>((resolve, reject) => {
        const u = new URL(`${sb.apiUrl}/identity/v1/organizations`);
        const req = http.request(
          {
            host: u.hostname,
            port: u.port,
            path: u.pathname,
            method: 'GET',
            headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'multipart/form-data; boundary=----x' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
      assert.equal(r, 200);
    } finally {
      await sb.stop();
    }
  });

  it('startSandbox rejects with SandboxListenError (EADDRINUSE) on a taken port and leaves nothing open', async () => {
    const a = await startSandbox({ quiet: true });
    try {
      const port = Number(new URL(a.apiUrl).port);
      await assert.rejects(
        startSandbox({ quiet: true, port }),
        (e: unknown) => e instanceof SandboxListenError && e.code === 'EADDRINUSE' && e.port === port,
      );
      await assert.rejects(
        startSandbox({ quiet: true, port: 0, authPort: port }),
        (e: unknown) => e instanceof SandboxListenError && e.port === port,
      );
    } finally {
      await a.stop();
    }
  });

  it('stop() closes keep-alive connections promptly and is idempotent', async () => {
    const sb = await startSandbox({ quiet: true });
    const agent = new http.Agent({ keepAlive: true });
    const u = new URL(`${sb.apiUrl}/__sandbox/health`);
    await new Promise<void>((resolve, reject) => {
      http
        .get({ host: u.hostname, port: u.port, path: u.pathname, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        })
        .on('error', reject);
    });
    const t0 = performance.now();
    await Promise.all([sb.stop(), sb.stop()]);
    assert.ok(performance.now() - t0 < 500, 'stopped at once');
    await assert.rejects(fetch(`${sb.apiUrl}/__sandbox/health`));
    agent.destroy();
  });
});

describe('sandbox: request log and control routes', () => {
  let sb: Sandbox;
  let logFile: string;
  before(async () => {
    logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-log-')), 'requests.jsonl');
    sb = await startSandbox({ quiet: true, requestLogFile: logFile });
  });
  after(async () => {
    await sb.stop();
    fs.rmSync(path.dirname(logFile), { recursive: true, force: true });
  });
  /** The sandbox writes the log through an asynchronous stream: wait until it holds a line per request so far. */
  const logCaughtUp = () =>
    until(
      () => fs.existsSync(logFile) && fs.readFileSync(logFile, 'utf8').trim().split('\n').length >= sb.requests.length,
      'the log file to catch up',
    );

  it('logs method, path, query, selected headers, status, field names of token bodies; never a secret or the Authorization value', async () => {
    sb.reset();
    await postToken(sb.authUrl, '/auth/v2/token', { pat: DEMO_PAT, subOrganizationId: QA_ORG_ID });
    await call(`${sb.authUrl}/auth/v1/api-key/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: DEMO_API_KEY.name, secret: DEMO_API_KEY.secret }),
    });
    const t = await patToken(sb.authUrl);
    await apiGet(sb.apiUrl, 'identity/v1/organizations?x=1', t);
    await call(`${sb.apiUrl}/identity/v1/organizations`, { headers: { Authorization: 'Bearer ' } });
    const [v2, key, , api, empty] = sb.requests;
    assert.deepEqual(v2?.bodyFields, ['pat', 'subOrganizationId']);
    assert.equal(v2?.contentType, FORM);
    assert.equal(v2?.accept, 'application/json');
    assert.deepEqual(key?.bodyFields, ['name', 'secret'], 'JSON bodies: names only');
    assert.deepEqual(
      [api?.method, api?.path, api?.query, api?.status, api?.hasAuth, api?.bearerEmpty],
      ['GET', '/identity/v1/organizations', { x: '1' }, 200, true, false],
    );
    assert.equal(api?.userAgent, 'Appcircle CLI/1.0.3');
    assert.deepEqual([empty?.status, empty?.hasAuth, empty?.bearerEmpty], [401, true, true]);
    await logCaughtUp();
    const text = JSON.stringify(sb.requests) + fs.readFileSync(logFile, 'utf8');
    for (const secret of [DEMO_PAT, DEMO_API_KEY.secret, t, t.split('.')[2] ?? '']) {
      assert.ok(!text.includes(secret), 'no secret in the log');
    }
  });

  it('requestLogFile: one JSON object per line, in order', async () => {
    await logCaughtUp();
    const lines = fs
      .readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { path: string; status: number });
    assert.ok(lines.length >= 5);
    assert.deepEqual(
      lines.slice(-5).map((l) => l.path),
      sb.requests.slice(-5).map((r) => r.path),
    );
  });

  it('control routes: health, token-lifetime, revoke, requests (GET/DELETE), reset', async () => {
    assert.deepEqual((await call(`${sb.apiUrl}/__sandbox/health`)).json, { ok: true });
    assert.equal(
      (await call(`${sb.apiUrl}/__sandbox/token-lifetime`, { method: 'POST', body: JSON.stringify({ seconds: 42 }) })).status,
      200,
    );
    assert.equal((await postToken(sb.authUrl, '/auth/v1/token', { pat: DEMO_PAT })).json.expires_in, 42);
    assert.equal(
      (await call(`${sb.apiUrl}/__sandbox/token-lifetime`, { method: 'POST', body: JSON.stringify({ seconds: -1 }) })).status,
      400,
    );
    assert.equal(
      (await call(`${sb.apiUrl}/__sandbox/revoke`, { method: 'POST', body: JSON.stringify({ credential: DEMO_PAT }) })).status,
      200,
    );
    assert.equal((await postToken(sb.authUrl, '/auth/v1/token', { pat: DEMO_PAT })).status, 401);
    const log = await call<{ path: string }[]>(`${sb.apiUrl}/__sandbox/requests`);
    assert.ok(log.json.some((r) => r.path === '/auth/v1/token'));
    assert.equal((await call(`${sb.apiUrl}/__sandbox/requests`, { method: 'DELETE' })).status, 200);
    assert.equal(sb.requests.length, 1, 'only the DELETE itself');
    await call(`${sb.apiUrl}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ forbidden: true }) });
    assert.equal((await call(`${sb.apiUrl}/__sandbox/reset`, { method: 'POST' })).status, 200);
    assert.deepEqual(sb.faults.active, []);
    assert.equal((await postToken(sb.authUrl, '/auth/v1/token', { pat: DEMO_PAT })).json.expires_in, 3600);
  });
});

describe('sandbox: the `npm run sandbox` process (out/sandbox/cli.js)', () => {
  const cli = path.resolve(__dirname, '../../../sandbox/cli.js');
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) {
      if (c.exitCode === null && c.pid !== undefined) {
        c.kill('SIGKILL');
      }
    }
  });

  function run(
    args: string[],
    env: Record<string, string> = {},
  ): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, SANDBOX_PORT: '', SANDBOX_AUTH_PORT: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, out: () => out, exited };
  }

  it('prints the credentials, the settings and SANDBOX_READY; serves; stops with exit 0 on SIGTERM and SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const p = run(['--port', '0', '--two-ports', '--auth-port', '0', '--prefix', '/pre'], { SANDBOX_TOKEN_LIFETIME: '77' });
      await until(() => /SANDBOX_READY \S+ \S+/.test(p.out()), 'SANDBOX_READY', 10_000);
      const [, apiUrl, authUrl] = /SANDBOX_READY (\S+) (\S+)/.exec(p.out()) ?? [];
      assert.ok(apiUrl && authUrl && apiUrl !== authUrl);
      assert.ok(p.out().includes(DEMO_PAT) && p.out().includes(DEMO_API_KEY.name) && p.out().includes(DEMO_API_KEY.secret));
      assert.ok(p.out().includes(`"appcircle.apiUrl": "${apiUrl}"`) && p.out().includes(`"appcircle.authUrl": "${authUrl}"`));
      assert.equal((await postToken(authUrl, '/auth/v1/token', { pat: DEMO_PAT })).json.expires_in, 77, 'env SANDBOX_TOKEN_LIFETIME');
      p.child.kill(signal);
      assert.equal(await p.exited, 0, signal);
    }
  });

  it('a taken port: says so and exits 1', async () => {
    const sb = await startSandbox({ quiet: true });
    try {
      const port = new URL(sb.apiUrl).port;
      const p = run([], { SANDBOX_PORT: port });
      assert.equal(await p.exited, 1);
      assert.match(p.out(), new RegExp(`port ${port} .*already in use`));
    } finally {
      await sb.stop();
    }
  });

  it('parses flags and env: defaults 8787 / 8788, --two-ports, --large-seed, bad values', () => {
    assert.equal(parseCliArgs([], {}).options.port, 8787);
    assert.equal(parseCliArgs([], {}).options.authPort, undefined);
    assert.equal(parseCliArgs(['--two-ports'], {}).options.authPort, 8788);
    assert.equal(parseCliArgs(['--auth-port=9000'], {}).options.authPort, 9000);
    const env = parseCliArgs([], {
      SANDBOX_PORT: '9100',
      SANDBOX_AUTH_PORT: '9101',
      SANDBOX_PREFIX: '/x',
      SANDBOX_SPEED: '0',
      SANDBOX_LARGE_SEED: '10:20',
    }).options;
    assert.deepEqual(
      [env.port, env.authPort, env.prefix, env.speed, env.largeSeed],
      [9100, 9101, '/x', 0, { profiles: 10, buildsOnBranch: 20 }],
    );
    assert.equal(parseCliArgs(['--port', '1'], { SANDBOX_PORT: '2' }).options.port, 1, 'flags win over env');
    assert.throws(() => parseCliArgs(['--port', 'abc'], {}), /port/);
    assert.throws(() => parseCliArgs(['--port', '70000'], {}), /port/);
    assert.throws(() => parseCliArgs(['--nope'], {}), /unknown option --nope/);
    assert.throws(() => parseCliArgs(['--large-seed', '5'], {}), /PROFILES:BUILDS/);
    assert.equal(parseCliArgs(['--help'], {}).help, true);
  });
});
