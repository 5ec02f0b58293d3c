/** The hook service's client (src/api/hookApi.ts) against a tiny in-test server: L1 retries, L2 headers, L3 / L4. */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HookApi } from '../../../src/api/hookApi';
import { ApiError } from '../../../src/api/http/errors';
import { Lines } from './rejection';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  accept?: string;
}

const WHO = { userId: 'user-1', organizationId: 'org-1', browserId: 'vscode-abc' };
const HOOK_TOKEN = 'hook-token-secret-123456';

describe('api: the hook service client (L1-L4)', () => {
  let server: http.Server;
  let base: string;
  const seen: Seen[] = [];
  let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = () => undefined;
  const logger = new Lines();
  const lines = logger.all;

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, accept: req.headers.accept });
      req.resume();
      req.on('end', () => answer(req, res));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    seen.length = 0;
    lines.length = 0;
  });

  const api = () => new HookApi({ hookUrl: base, allowInsecureHttp: false, logger, retryDelayMs: () => 1 });

  it('L1: the hook token for the access token; a 5xx is tried again twice, a 4xx never', async () => {
    let n = 0;
    answer = (_req, res) => {
      n++;
      if (n < 3) {
        res.writeHead(502).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: HOOK_TOKEN, expires_in: 3600 }));
    };
    assert.deepEqual(await api().token('access-1'), { token: HOOK_TOKEN, expiresInSec: 3600 });
    assert.equal(seen.length, 3);
    assert.ok(seen.every((s) => s.method === 'POST' && s.url === '/auth/token' && s.authorization === 'Bearer access-1'));
    seen.length = 0;
    answer = (_req, res) => res.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"no"}');
    await assert.rejects(api().token('access-1'), (e: unknown) => e instanceof ApiError && e.status === 403);
    assert.equal(seen.length, 1, 'no retry on a 4xx');
  });

  it('L2: no Authorization header, the token only in the query, and the URL logged masked', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(': keep-alive\n\n');
    };
    const s = await api().openStream(HOOK_TOKEN, WHO);
    try {
      const first = await new Promise<string>((r) => s.body.once('data', (c: Buffer) => r(c.toString('utf8'))));
      assert.equal(first, ': keep-alive\n\n');
    } finally {
      s.close();
    }
    const [req] = seen;
    assert.equal(req?.authorization, undefined);
    assert.equal(req?.accept, 'text/event-stream');
    const q = new URL(req?.url ?? '', base).searchParams;
    assert.deepEqual(Object.fromEntries(q), { userId: 'user-1', organizationId: 'org-1', token: HOOK_TOKEN, browserId: 'vscode-abc' });
    assert.ok(lines.length > 0);
    assert.ok(!lines.some((l) => l.includes(HOOK_TOKEN)), lines.join('\n'));
  });

  it('L2 refused: the status as an ApiError (503), and no token in its message', async () => {
    answer = (_req, res) => res.writeHead(503).end('busy');
    await assert.rejects(
      api().openStream(HOOK_TOKEN, WHO),
      (e: unknown) => e instanceof ApiError && e.status === 503 && !e.message.includes(HOOK_TOKEN),
    );
    assert.ok(!lines.some((l) => l.includes(HOOK_TOKEN)));
  });

  it('L3 / L4: Bearer access token, the four parameters, body null', async () => {
    answer = (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    await api().subscribe('access-1', 'task-9', WHO);
    await api().unsubscribe('access-1', 'task-9', WHO);
    assert.deepEqual(
      seen.map((s) => [s.method, new URL(s.url, base).pathname, s.authorization]),
      [
        ['POST', '/build/log/trigger-events-receiving', 'Bearer access-1'],
        ['POST', '/build/log/trigger-stop-events-receiving', 'Bearer access-1'],
      ],
    );
    assert.deepEqual(Object.fromEntries(new URL(seen[0]?.url ?? '', base).searchParams), {
      taskId: 'task-9',
      browserId: 'vscode-abc',
      userId: 'user-1',
      organizationId: 'org-1',
    });
  });

  it('L3: a 5xx or a reset is tried again twice, then the failure is given; a 404 never', async () => {
    const plan: Array<'502' | '503' | 'reset' | '404' | 'ok'> = ['502', 'reset', 'ok'];
    answer = (req, res) => {
      const next = plan.shift() ?? '502';
      if (next === 'reset') {
        req.socket.destroy();
      } else if (next === 'ok') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      } else {
        res.writeHead(Number(next), { 'content-type': 'application/json' }).end('{"message":"no"}');
      }
    };
    await api().subscribe('access-1', 'task-9', WHO);
    assert.equal(seen.length, 3, 'a 502, a reset, then OK');
    assert.ok(seen.every((s) => new URL(s.url, base).pathname === '/build/log/trigger-events-receiving'));
    seen.length = 0;
    plan.splice(0, plan.length, '503', '503', '503', 'ok');
    await assert.rejects(api().subscribe('access-1', 'task-9', WHO), (e: unknown) => e instanceof ApiError && e.status === 503);
    assert.equal(seen.length, 3, 'three tries in all');
    seen.length = 0;
    plan.splice(0, plan.length, '404', 'ok');
    await assert.rejects(api().subscribe('access-1', 'task-9', WHO), (e: unknown) => e instanceof ApiError && e.status === 404);
    assert.equal(seen.length, 1, 'no retry on a 4xx');
  });

  it('L3 tried again is given up when its signal aborts (the connection closed)', async () => {
    answer = (_req, res) => res.writeHead(503).end();
    const stop = new AbortController();
    const slow = new HookApi({ hookUrl: base, allowInsecureHttp: false, logger, retryDelayMs: () => 60_000 });
    const p = slow.subscribe('access-1', 'task-9', WHO, stop.signal);
    await new Promise((r) => setTimeout(r, 50));
    stop.abort();
    await assert.rejects(p, (e: unknown) => e instanceof ApiError && e.kind === 'canceled');
    assert.equal(seen.length, 1);
  });

  it('a hook URL that is plain http to another machine is refused before anything is sent', () => {
    assert.throws(
      () => new HookApi({ hookUrl: 'http://hook.example.com', allowInsecureHttp: false }),
      (e: unknown) => e instanceof ApiError && e.kind === 'insecureUrl',
    );
  });
});
