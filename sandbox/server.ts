/**
 * The Appcircle-compatible sandbox server (DESIGN.md §7). Serves the auth host and the API host on one port or
 * two, with an optional base-path prefix, fault switches, and a JSON-lines request log.
 *
 *   const sb = await startSandbox({ quiet: true });   // sb.apiUrl, sb.authUrl, sb.faults, sb.stop()
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { registerAuthRoutes } from './auth';
import { registerBuildRoutes } from './builds';
import type { BuildWorld, BuildWorldOptions } from './builds';
import { Faults } from './faults';
import type { FaultSpec } from './faults';
import type { Ctx } from './http';
import { Router, sendError, sendJson } from './http';
import { decodeJwt } from './jwt';
import { SandboxState } from './state';
import type { RequestLogEntry } from './state';

export type { FaultSpec } from './faults';
export type { RequestLogEntry } from './state';

export interface SandboxOptions {
  /** API port; 0 (default) picks a free one. */
  port?: number;
  /** When set, the auth host is served on this second port (0 = any free one). */
  authPort?: number;
  /** Optional base-path prefix on both hosts, e.g. "/prefix". */
  prefix?: string;
  tokenLifetimeSec?: number;
  quiet?: boolean;
  /** Appends every request as a JSON line to this file. */
  requestLogFile?: string;
  /** Build simulation options (seeding, clock). */
  builds?: BuildWorldOptions;
}

export interface Sandbox {
  readonly apiUrl: string;
  readonly authUrl: string;
  readonly url: string;
  readonly faults: Faults;
  readonly requests: RequestLogEntry[];
  readonly state: SandboxState;
  readonly world: BuildWorld;
  setTokenLifetime(sec: number): void;
  /** Revokes a PAT (by value) or an API key (by name): it can no longer mint tokens. */
  revokeCredential(patOrKeyName: string): void;
  stop(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const state = new SandboxState(opts.tokenLifetimeSec ?? 3600);
  const faults = new Faults();
  const router = new Router();
  registerAuthRoutes(router, state);
  const world = registerBuildRoutes(router, state, opts.builds ?? {});
  registerControlRoutes(router, state, faults, world);
  const prefix = (opts.prefix ?? '').replace(/\/+$/, '');
  const logStream = opts.requestLogFile ? fs.createWriteStream(opts.requestLogFile, { flags: 'a' }) : undefined;

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void handle(req, res);
  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(`http://sandbox${req.url ?? '/'}`); // not new URL(path, base): '//auth/…' would read as a host
    let path = url.pathname.replace(/\/{2,}/g, '/');
    if (prefix && path.startsWith(prefix)) {
      path = path.slice(prefix.length) || '/';
    }
    const chunks: Buffer[] = [];
    for await (const c of req) {
      chunks.push(c as Buffer);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const authHeader = req.headers.authorization;
    const entry: RequestLogEntry = {
      time: new Date().toISOString(),
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      hasAuth: authHeader !== undefined,
      bearerEmpty: authHeader !== undefined && /^Bearer\s*$/i.test(authHeader),
      contentType: req.headers['content-type'],
      userAgent: req.headers['user-agent'],
      ms: 0,
    };
    if (path.startsWith('/auth/') && req.method === 'POST') {
      entry.bodyFields = Object.keys(Object.fromEntries(new URLSearchParams(body.trim() === '{}' ? '' : body)));
    }
    res.on('finish', () => {
      entry.status = res.statusCode;
      entry.ms = Date.now() - started;
      state.requests.push(entry);
      logStream?.write(JSON.stringify(entry) + '\n');
    });
    res.on('close', () => {
      if (!res.writableFinished) {
        entry.status = -1;
        entry.ms = Date.now() - started;
        state.requests.push(entry);
      }
    });

    const control = path.startsWith('/__sandbox/');
    if (!control) {
      const action = faults.decide(path);
      if (action.latencyMs) {
        await new Promise((r) => setTimeout(r, action.latencyMs));
      }
      if (action.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (action.kind === 'malformed') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"data": [ {"id": "truncated", ');
        return;
      }
      if (action.kind === 'status') {
        res.writeHead(action.status, { 'Content-Type': action.contentType, ...action.headers });
        res.end(action.body);
        return;
      }
    }
    const found = router.match(req.method ?? 'GET', path);
    if (!found) {
      sendError(res, 404, `No sandbox route for ${req.method ?? 'GET'} ${path}`);
      return;
    }
    const ctx: Ctx = { req, res, method: req.method ?? 'GET', path, query: url.searchParams, body, params: found.params };
    if (found.route.authed) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authHeader ?? '');
      const claims = m?.[1] ? decodeJwt(m[1]) : undefined;
      if (!claims || claims.exp * 1000 <= state.now() || !claims.cred) {
        sendError(res, 401, authHeader === undefined || entry.bearerEmpty ? 'Authorization required. Log in first.' : 'The access token is invalid or has expired.');
        return;
      }
      ctx.auth = { sub: claims.sub, email: claims.email, orgId: claims.currentOrganizationId, cred: claims.cred };
    }
    try {
      await found.route.handler(ctx);
    } catch (e) {
      if (!res.headersSent) {
        sendError(res, 500, `Sandbox error: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  const sockets = new Set<Socket>();
  const listen = async (port: number) => {
    const server = http.createServer(handler);
    server.keepAliveTimeout = 1000;
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return server;
  };
  const apiServer = await listen(opts.port ?? 0);
  let authServer: http.Server | undefined;
  try {
    authServer = opts.authPort !== undefined ? await listen(opts.authPort) : undefined;
  } catch (e) {
    apiServer.close();
    throw e;
  }
  const origin = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}${prefix}`;
  const apiUrl = origin(apiServer);
  const authUrl = authServer ? origin(authServer) : apiUrl;
  if (!opts.quiet) {
    console.log(`sandbox: API ${apiUrl}, auth ${authUrl}`);
  }
  let stopped = false;
  return {
    apiUrl,
    authUrl,
    url: apiUrl,
    faults,
    requests: state.requests,
    state,
    world,
    setTokenLifetime: (sec) => (state.tokenLifetimeSec = sec),
    revokeCredential: (x) => state.revoked.add(x),
    stop: async () => {
      if (stopped) {
        return;
      }
      stopped = true;
      world.dispose();
      for (const s of sockets) {
        s.destroy();
      }
      await Promise.all([apiServer, authServer].filter((s): s is http.Server => !!s).map((s) => new Promise<void>((r) => s.close(() => r()))));
      logStream?.end();
    },
  };
}

function registerControlRoutes(router: Router, state: SandboxState, faults: Faults, world: BuildWorld): void {
  router.add('POST', '/__sandbox/faults', (ctx) => {
    const spec = JSON.parse(ctx.body || '{}') as FaultSpec;
    faults.set(spec);
    sendJson(ctx.res, 200, { faults: faults.active });
  }, false);
  router.add('DELETE', '/__sandbox/faults', (ctx) => {
    faults.clear();
    sendJson(ctx.res, 200, { faults: [] });
  }, false);
  router.add('POST', '/__sandbox/token-lifetime', (ctx) => {
    const { seconds } = JSON.parse(ctx.body || '{}') as { seconds?: number };
    state.tokenLifetimeSec = seconds ?? state.tokenLifetimeSec;
    sendJson(ctx.res, 200, { seconds: state.tokenLifetimeSec });
  }, false);
  router.add('POST', '/__sandbox/revoke', (ctx) => {
    const { credential } = JSON.parse(ctx.body || '{}') as { credential?: string };
    if (credential) {
      state.revoked.add(credential);
    }
    sendJson(ctx.res, 200, { ok: true });
  }, false);
  router.add('GET', '/__sandbox/requests', (ctx) => sendJson(ctx.res, 200, state.requests), false);
  router.add('POST', '/__sandbox/clock', (ctx) => {
    const b = JSON.parse(ctx.body || '{}') as { advanceMs?: number; speed?: number };
    if (b.speed !== undefined) {
      world.setSpeed(b.speed);
    }
    if (b.advanceMs) {
      world.advance(b.advanceMs);
    }
    sendJson(ctx.res, 200, { speed: world.speed });
  }, false);
  router.add('POST', '/__sandbox/build-outcome', (ctx) => {
    const b = JSON.parse(ctx.body || '{}') as { status?: number; hasWarning?: boolean };
    world.nextOutcome = { status: b.status ?? 0, hasWarning: b.hasWarning ?? false };
    sendJson(ctx.res, 200, world.nextOutcome);
  }, false);
  router.add('GET', '/__sandbox/health', (ctx) => sendJson(ctx.res, 200, { ok: true }), false);
}
