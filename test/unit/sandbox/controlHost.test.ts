/** Control routes answer only requests addressed to a loopback name, and no page of another origin (DNS rebinding, CSRF). */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import { controlRequestProblem, isLoopbackHost } from '../../../sandbox/control';

/** One request with the headers as given (fetch would not let a test set Host). */
function request(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, setHost: headers.Host === undefined }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** An HTTP/1.0 request without any Host header, over a raw socket. */
function requestWithoutHost(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.0\r\n\r\n`));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (text += c));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('sandbox: control routes refuse a Host that is not loopback', () => {
  let sb: Sandbox;
  let port: number;
  before(async () => {
    sb = await startSandbox({ quiet: true, authPort: 0 });
    port = Number(new URL(sb.apiUrl).port);
  });
  after(async () => {
    await sb.stop();
  });

  it('loopback names answer, with or without a port, in any case', async () => {
    for (const host of [`127.0.0.1:${port}`, '127.0.0.1', `localhost:${port}`, 'localhost', 'LocalHost:1', `[::1]:${port}`, '[::1]']) {
      const r = await request(`${sb.apiUrl}/__sandbox/health`, 'GET', { Host: host });
      assert.equal(r.status, 200, host);
    }
  });

  it('any other Host gets 403 on every control route, on both hosts, and changes nothing', async () => {
    const foreign = [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1.evil.example:${port}`,
      'localhost.evil.example',
      '127.0.0.2',
      '0.0.0.0',
      '[::2]:1',
      `127.0.0.1:${port}@evil.example`,
      '',
    ];
    for (const host of foreign) {
      const r = await request(`${sb.apiUrl}/__sandbox/health`, 'GET', { Host: host });
      assert.equal(r.status, 403, `Host "${host}"`);
      assert.match(r.text, /127\.0\.0\.1, localhost or \[::1\]/);
    }
    const spec = JSON.stringify({ status: 503, pathIncludes: 'my-dashboard' });
    assert.equal(
      (await request(`${sb.apiUrl}/__sandbox/faults`, 'POST', { Host: 'evil.example', 'Content-Type': 'application/json' }, spec)).status,
      403,
    );
    assert.equal(
      (await request(`${sb.authUrl}/__sandbox/faults`, 'POST', { Host: 'evil.example', 'Content-Type': 'application/json' }, spec)).status,
      403,
      'auth host too',
    );
    assert.equal((await request(`${sb.apiUrl}/__sandbox/reset`, 'POST', { Host: 'rebound.example' })).status, 403);
    assert.deepEqual(sb.faults.active, [], 'no fault switched on');
    assert.match(await requestWithoutHost(port, '/__sandbox/health'), /^HTTP\/1\.[01] 403 /, 'no Host at all');
  });

  it('a page of another origin is refused even when it reaches a loopback name; loopback pages and tools are not', async () => {
    const host = `127.0.0.1:${port}`;
    assert.equal((await request(`${sb.apiUrl}/__sandbox/reset`, 'POST', { Host: host, Origin: 'https://evil.example' })).status, 403);
    assert.equal((await request(`${sb.apiUrl}/__sandbox/reset`, 'POST', { Host: host, Origin: 'null' })).status, 403);
    assert.equal((await request(`${sb.apiUrl}/__sandbox/health`, 'GET', { Host: host, Origin: 'http://127.0.0.1:8080' })).status, 200);
    assert.equal((await request(`${sb.apiUrl}/__sandbox/reset`, 'POST', { Host: host })).status, 200);
  });

  it('the API routes are not affected (a proxy may forward them under another name)', async () => {
    const r = await request(`${sb.apiUrl}/identity/v1/organizations`, 'GET', { Host: 'api.appcircle.example' });
    assert.equal(r.status, 401, 'the route answered (no token), not the control refusal');
  });

  it('the checks themselves', () => {
    assert.equal(isLoopbackHost(undefined), false);
    assert.equal(isLoopbackHost('127.0.0.1:65535'), true);
    assert.equal(isLoopbackHost('127.0.0.1:'), false);
    assert.equal(controlRequestProblem({ host: 'localhost:8787' }), undefined);
    assert.ok(controlRequestProblem({ host: 'localhost:8787', origin: 'http://localhost.evil.example' }));
  });
});
