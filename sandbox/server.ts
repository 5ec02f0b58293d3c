/**
 * The Appcircle-compatible sandbox server (ARCHITECTURE.md §9, docs/appcircle-api.md). Serves the auth host and the API host
 * on 127.0.0.1, on one port or two, with an optional base-path prefix, fault switches, a build clock, control
 * routes under `/__sandbox/`, and a request log (in memory and optionally as JSON lines).
 *
 *   const sb = await startSandbox({ quiet: true });   // sb.apiUrl, sb.authUrl, sb.faults, sb.clock, sb.stop()
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { registerAuthRoutes } from './auth';
import { BuildWorld } from './buildQueue';
import type { BuildBehaviour, BuildWorldOptions } from './buildQueue';
import { registerBuildRoutes } from './buildRoutes';
import type { BuildTimings } from './buildSeed';
import type { SandboxClock } from './clock';
import { VirtualClock } from './clock';
import { Faults, MALFORMED_JSON } from './faults';
import type { BodyShape } from './faults';
import { controlRequestProblem, registerControlRoutes } from './control';
import type { AuthInfo, Ctx } from './http';
import { Router, parseBody, sendError, sendJson } from './http';
import { registerIdentityRoutes } from './identity';
import { registerDistributionRoutes } from './distribution';
import { DistributionWorld } from './distributionWorld';
import type { SigningKind, SigningItem } from './distributionSeed';
import { registerSigningRoutes } from './signing';
import { registerStoreRoutes } from './store';
import { TaskBoard, registerTaskRoutes } from './tasks';
import { UploadWorld, registerUploadControl } from './uploads';
import type { UploadFaults, UploadOptions } from './uploads';
import { HookService, registerHookControl } from './hooks';
import type { HookFaults, HookOptions } from './hooks';
import { decodeJwt } from './jwt';
import { SandboxState } from './state';
import type { RequestLogEntry } from './state';

export type { FaultSpec } from './faults';
export type { Faults } from './faults';
export type { RequestLogEntry } from './state';
export type { SandboxClock } from './clock';
export type { BuildWorld, BuildWorldOptions, BuildBehaviour } from './buildQueue';
export type { BuildTimings } from './buildSeed';
export type { DistributionWorld } from './distributionWorld';
export type { UploadWorld, UploadFaults, UploadOptions } from './uploads';
export type { SigningKind, SigningItem } from './distributionSeed';
export type { HookService, HookFaults, HookOptions, HookMessage } from './hooks';

export interface SandboxOptions {
  /** API port (and auth port in one-port mode); 0 (default) picks a free one. */
  port?: number;
  /** When given, the auth host is served on this second port (0 = any free one) and each host answers only its own routes. */
  authPort?: number;
  /** Always 127.0.0.1: the sandbox never listens elsewhere. */
  host?: '127.0.0.1';
  /** Optional base-path prefix on both hosts, e.g. "/prefix". Requests without it are accepted too. */
  prefix?: string;
  /** Access-token lifetime in seconds (default 3600). */
  tokenLifetimeSec?: number;
  /** No console output. */
  quiet?: boolean;
  /** Appends every request as a JSON line to this file. */
  requestLogFile?: string;
  /** Build clock in real time (speed 1, the demo) or frozen (speed 0, tests advance it). Default: real time. */
  realTime?: boolean;
  /** Build clock speed (overrides `realTime`): 1 real time, 0 frozen, 20 = twenty times faster. */
  speed?: number;
  /** Benchmarks: many profiles and a branch with many builds in the root organization. */
  largeSeed?: { profiles?: number; buildsOnBranch?: number };
  /** Build simulation options (timings, log length; `speed`/`largeSeed` may also be given here). */
  builds?: BuildWorldOptions;
  /** Port of the storage origin that takes signed uploads (0, default, picks a free one). */
  uploadPort?: number;
  /** Signed uploads: PUT or POST form, the size limit, polls before a task ends. */
  uploads?: UploadOptions;
  /** Port of the hook service (SSE build logs, L1-L4); 0 (default) picks a free one. */
  hookPort?: number;
  /** Hook service: keep-alive interval, open streams at most, how often a running clock is looked at. */
  hooks?: HookOptions;
}

export interface BuildOutcome {
  /** 0 success, 1 failed, 2 canceled, 3 timeout. */
  status: 0 | 1 | 2 | 3;
  hasWarning?: boolean;
}

export interface Sandbox {
  readonly apiUrl: string;
  readonly authUrl: string;
  /** Same as apiUrl. */
  readonly url: string;
  readonly faults: Faults;
  /** Every request so far (cleared by `reset()`), oldest first. Never holds secret values. */
  readonly requests: RequestLogEntry[];
  readonly state: SandboxState;
  /** The build clock. */
  readonly clock: SandboxClock;
  /** The seeded build data and the living queue. */
  readonly world: BuildWorld;
  setTokenLifetime(sec: number): void;
  /** Revokes a PAT (by value) or an API key (by name): it can no longer mint tokens (issued tokens live until `exp`). */
  revokeCredential(patOrKeyName: string): void;
  /** Outcome of the next `count` started builds (default 1), or of all following ones with 'all'. */
  setBuildOutcome(outcome: BuildOutcome, count?: number | 'all'): void;
  /** Phase lengths (virtual ms) and log length of builds started from now on, e.g. a slow demo build `{runMs: 60_000, logLines: 300}`. */
  setBuildTimings(t: Partial<BuildTimings>): BuildTimings;
  /** Where production is unverified: one id or three, cancel honoured or ignored, B8 404 after the queue, Range on logs. */
  setBuildBehaviour(b: Partial<BuildBehaviour>): BuildBehaviour;
  /** The storage origin of signed uploads (U1's `uploadUrl` points here; it refuses Authorization). */
  readonly uploadUrl: string;
  /** Testing Distribution, Enterprise App Store and signing data (living; `reset()` restores the seed). */
  readonly distribution: DistributionWorld;
  /** Upload options (`mode`, `maxFileSize`, `pollsToFinish`) and upload faults (`setFaults`, `clearFaults`). */
  readonly uploads: UploadWorld;
  /** Sets a signing item's expiry by id or name: an ISO date or `{inDays}` from the sandbox clock (negative = expired). */
  setSigningExpiry(kind: SigningKind, idOrName: string, expiry: string | { inDays: number }, orgId?: string): SigningItem;
  /** The next `count` committed uploads (default 1) carry a version number their profile has: their task ends in 2. */
  makeNextUploadDuplicate(count?: number): void;
  /** Upload faults: cut mid-body, expired URL (403), commit 5xx, task failing or never ending. */
  setUploadFaults(f: UploadFaults): void;
  /** The hook service's origin (L1-L4, Server-Sent Events build logs; `appcircle.hookUrl`). */
  readonly hookUrl: string;
  /** The hook service: counters `connections`, `connectionsOpened`, `framesSent`, `subscriptions`, `timersHeld`. */
  readonly hooks: HookService;
  /** Hook faults (add to the current ones): refuse, drop, duplicate, reorder, stall, silent. */
  setHookFaults(f: HookFaults): void;
  /** Back to the seed: data, started builds, faults, revocations, token lifetime, request log. The clock keeps running. */
  reset(): void;
  /** Closes both ports and every open connection. */
  stop(): Promise<void>;
}

/** A port could not be opened. */
export class SandboxListenError extends Error {
  constructor(
    readonly port: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxListenError';
  }
}

export const HOST = '127.0.0.1';

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const tokenLifetimeSec = opts.tokenLifetimeSec ?? 3600;
  const state = new SandboxState(tokenLifetimeSec);
  const faults = new Faults();
  const buildOpts: BuildWorldOptions = { ...opts.builds };
  buildOpts.speed = opts.speed ?? (opts.realTime !== undefined ? (opts.realTime ? 1 : 0) : (buildOpts.speed ?? 1));
  buildOpts.largeSeed = opts.largeSeed ?? buildOpts.largeSeed;
  const clock = new VirtualClock(buildOpts.speed);
  const world = new BuildWorld(buildOpts, clock);

  const dist = new DistributionWorld(clock);
  const uploads = new UploadWorld(opts.uploads);
  const tasks = new TaskBoard();

  const router = new Router();
  const hookRouter = new Router();
  const hooks = new HookService(world, state, clock, (h) => checkBearer(h), opts.hooks);
  hooks.register(hookRouter);
  hooks.registerTriggers(router); // L3/L4 on the API host too (the CLI falls back to it)
  registerHookControl(router, hooks);
  registerAuthRoutes(router, state);
  registerIdentityRoutes(router, state);
  registerTaskRoutes(router, tasks, world); // before the build routes: it answers build tasks (B15) too
  registerBuildRoutes(router, world);
  registerDistributionRoutes(router, { dist, uploads, tasks });
  registerStoreRoutes(router, { dist, uploads, tasks });
  registerSigningRoutes(router, dist);
  registerUploadControl(router, uploads, (n) => dist.makeNextUploadDuplicate(n));
  const reset = () => {
    state.reset();
    faults.clear();
    world.reset();
    dist.reset();
    uploads.reset();
    tasks.clear();
    hooks.reset();
  };
  registerControlRoutes(router, { state, faults, world, reset });

  const prefix = normalizePrefix(opts.prefix);
  const logStream = opts.requestLogFile ? fs.createWriteStream(opts.requestLogFile, { flags: 'a' }) : undefined;
  const twoPorts = opts.authPort !== undefined;

  const handlerFor = (host: 'api' | 'auth' | 'hook') => (req: http.IncomingMessage, res: http.ServerResponse) =>
    void handle(host, req, res);

  /** The claims of a valid sandbox access token in a Bearer header, or why it is refused. */
  function checkBearer(authHeader: string | undefined): AuthInfo | string {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authHeader ?? '');
    const claims = m?.[1] ? decodeJwt(m[1]) : undefined;
    const problem =
      authHeader === undefined || /^Bearer\s*$/i.test(authHeader)
        ? 'Authorization required: sign in first.'
        : !claims || !state.isKnownCredential(claims.cred)
          ? 'The access token is invalid.'
          : claims.exp * 1000 <= state.now()
            ? 'The access token has expired.'
            : undefined;
    if (problem || !claims) {
      return problem ?? 'The access token is invalid.';
    }
    return { sub: claims.sub, email: claims.email, orgId: claims.currentOrganizationId, cred: claims.cred };
  }

  async function handle(host: 'api' | 'auth' | 'hook', req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const method = req.method ?? 'GET';
    // Not new URL(path, base): '//auth/…' would read as a host (docs/appcircle-api.md §1, §7.16).
    const url = new URL(`http://sandbox${req.url ?? '/'}`);
    let path = url.pathname.replace(/\/{2,}/g, '/');
    if (prefix && (path === prefix || path.startsWith(`${prefix}/`))) {
      path = path.slice(prefix.length) || '/';
    }
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) {
        chunks.push(c as Buffer);
      }
    } catch {
      return; // the client went away
    }
    const raw = Buffer.concat(chunks);
    const body = raw.toString('utf8');
    const authHeader = req.headers.authorization;
    const entry: RequestLogEntry = {
      time: new Date(started).toISOString(),
      method,
      path,
      // the hook token travels in the query (L2): never logged
      query: Object.fromEntries([...url.searchParams].map(([k, v]) => [k, k.toLowerCase() === 'token' ? '***' : v])),
      status: 0,
      host,
      hasAuth: authHeader !== undefined,
      bearerEmpty: authHeader !== undefined && /^Bearer\s*$/i.test(authHeader),
      contentType: req.headers['content-type'],
      accept: req.headers.accept,
      range: req.headers.range,
      userAgent: req.headers['user-agent'],
      bodyBytes: raw.length,
      ms: 0,
    };
    if (path.startsWith('/auth/') && method === 'POST') {
      entry.bodyFields = Object.keys(parseBody(body, req.headers['content-type'])); // names only, never values
    }
    let logged = false;
    const log = (status: number) => {
      if (logged) {
        return;
      }
      logged = true;
      entry.status = status;
      entry.ms = Date.now() - started;
      state.requests.push(entry);
      logStream?.write(JSON.stringify(entry) + '\n');
    };
    res.on('finish', () => log(res.statusCode));
    res.on('close', () => log(res.writableFinished ? res.statusCode : -1));

    if (host === 'hook' && hooks.absent) {
      req.socket.destroy(); // as if no hook service listened there
      return;
    }
    const control = host !== 'hook' && path.startsWith('/__sandbox/');
    const refused = control ? controlRequestProblem(req.headers) : undefined;
    if (refused) {
      sendError(res, 403, refused);
      return;
    }
    if (!control && host !== 'hook') {
      const action = faults.decide(path, url.search);
      if (action.latencyMs) {
        await new Promise((r) => setTimeout(r, action.latencyMs));
      }
      if (action.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (action.kind === 'malformed') {
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(MALFORMED_JSON);
        return;
      }
      if (action.kind === 'status') {
        res.writeHead(action.status, { 'Content-Type': action.contentType, ...action.headers });
        res.end(action.body);
        return;
      }
      if (action.kind === 'echo') {
        // a careless server repeating what was submitted (the fault matrix's "echo the credential")
        const form = method === 'POST' ? parseBody(body, req.headers['content-type']) : {};
        const submitted = form.pat ?? form.personalAccessKey ?? form.secret ?? /^Bearer\s+(\S+)/i.exec(authHeader ?? '')?.[1] ?? '';
        const message = `Invalid credential '${submitted}' for ${path}`;
        sendJson(res, action.status, { message, error: message, detail: { submitted: JSON.stringify({ pat: submitted }) } });
        return;
      }
      if (action.hold) {
        await faults.waitRelease();
        if (res.destroyed) {
          return;
        }
      }
      if (action.shape) {
        shapeBody(res, action.shape);
      }
      if (action.rangeStartShift !== undefined) {
        shiftContentRange(res, action.rangeStartShift);
      }
    }
    // In two-port mode each host answers only its own routes, as in production (docs/appcircle-api.md §1).
    const isAuthPath = path.startsWith('/auth/');
    const wrongHost = twoPorts && !control && host !== 'hook' && (host === 'auth') !== isAuthPath;
    const found = wrongHost ? undefined : (host === 'hook' ? hookRouter : router).match(method, path);
    if (!found) {
      sendError(
        res,
        404,
        wrongHost
          ? `${method} ${path} is served by the ${isAuthPath ? 'auth' : 'API'} host, not this one.`
          : `No route for ${method} ${path}.`,
      );
      return;
    }
    const ctx: Ctx = { req, res, method, path, query: url.searchParams, body, params: found.params, logNow: () => log(res.statusCode) };
    if (found.route.authed) {
      const auth = checkBearer(authHeader);
      if (typeof auth === 'string') {
        sendError(res, 401, auth, { 'WWW-Authenticate': 'Bearer realm="appcircle"' });
        return;
      }
      ctx.auth = auth;
    }
    try {
      await found.route.handler(ctx);
    } catch (e) {
      if (!res.headersSent) {
        sendError(res, 500, `Sandbox error: ${e instanceof Error ? e.message : String(e)}`);
      } else {
        res.destroy();
      }
    }
  }

  const sockets = new Set<Socket>();
  const servers: http.Server[] = [];
  const listen = async (port: number, host: 'api' | 'auth' | 'upload' | 'hook') => {
    const server = http.createServer(
      host === 'upload'
        ? uploads.handler((e) => {
            state.requests.push(e);
            logStream?.write(JSON.stringify(e) + '\n');
          })
        : handlerFor(host),
    );
    server.keepAliveTimeout = 1000;
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          new SandboxListenError(
            port,
            e.code,
            e.code === 'EADDRINUSE' ? `port ${port} on ${HOST} is already in use` : `cannot listen on ${HOST}:${port}: ${e.message}`,
          ),
        ),
      );
      server.listen(port, HOST, () => resolve());
    });
    servers.push(server);
    return server;
  };
  const closeAll = async () => {
    for (const s of sockets) {
      s.destroy();
    }
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  };
  let apiServer: http.Server;
  let authServer: http.Server | undefined;
  try {
    apiServer = await listen(opts.port ?? 0, 'api');
    authServer = twoPorts ? await listen(opts.authPort ?? 0, 'auth') : undefined;
    uploads.origin = `http://${HOST}:${((await listen(opts.uploadPort ?? 0, 'upload')).address() as AddressInfo).port}`;
    hooks.origin = `http://${HOST}:${((await listen(opts.hookPort ?? 0, 'hook')).address() as AddressInfo).port}`;
  } catch (e) {
    hooks.dispose();
    await closeAll();
    logStream?.end();
    throw e;
  }
  const origin = (s: http.Server) => `http://${HOST}:${(s.address() as AddressInfo).port}${prefix}`;
  const apiUrl = origin(apiServer);
  const authUrl = authServer ? origin(authServer) : apiUrl;
  if (!opts.quiet) {
    console.log(`sandbox: API ${apiUrl}, auth ${authUrl}, uploads ${uploads.origin}, hooks ${hooks.origin}`);
  }
  let stopping: Promise<void> | undefined;
  return {
    apiUrl,
    authUrl,
    url: apiUrl,
    faults,
    requests: state.requests,
    state,
    clock,
    world,
    setTokenLifetime: (sec) => {
      state.tokenLifetimeSec = sec;
    },
    revokeCredential: (x) => {
      state.revoked.add(x);
    },
    setBuildOutcome: (outcome, count = 1) => world.setOutcome(outcome, count),
    setBuildTimings: (t) => world.setTimings(t),
    setBuildBehaviour: (b) => world.setBehaviour(b),
    uploadUrl: uploads.origin,
    distribution: dist,
    uploads,
    setSigningExpiry: (kind, idOrName, expiry, orgId) => dist.setSigningExpiry(kind, idOrName, expiry, orgId),
    makeNextUploadDuplicate: (count = 1) => dist.makeNextUploadDuplicate(count),
    setUploadFaults: (f) => uploads.setFaults(f),
    hookUrl: hooks.origin,
    hooks,
    setHookFaults: (f) => hooks.setFaults(f),
    reset,
    stop: () => {
      stopping ??= (async () => {
        world.dispose();
        hooks.dispose();
        await closeAll();
        if (logStream) {
          await new Promise<void>((r) => logStream.end(() => r()));
        }
      })();
      return stopping;
    },
  };
}

function normalizePrefix(p: string | undefined): string {
  const t = (p ?? '').trim().replace(/\/+$/, '');
  return !t ? '' : t.startsWith('/') ? t : `/${t}`;
}

/** A 206's `Content-Range` names a start `shift` bytes before the real one (at least byte 1); the body is unchanged. */
function shiftContentRange(res: http.ServerResponse, shift: number): void {
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: http.OutgoingHttpHeaders) => http.ServerResponse;
  const fake = (status: number, headers?: http.OutgoingHttpHeaders) => {
    Object.assign(res, { writeHead });
    const h: http.OutgoingHttpHeaders = { ...(headers ?? {}) };
    const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(h['Content-Range'] ?? ''));
    if (status === 206 && m) {
      h['Content-Range'] = `bytes ${Math.max(1, Number(m[1]) - shift)}-${m[2]}/${m[3]}`;
    }
    return writeHead(status, h);
  };
  Object.assign(res, { writeHead: fake });
}

/**
 * Delivers whatever the route writes in the given shape: cut after N bytes (the socket destroyed, the declared
 * Content-Length unmet), stalled after N bytes, trickled at N bytes a second, or padded with spaces to N bytes.
 * The route's output is collected first (routes write small bodies or a zip), then sent.
 */
function shapeBody(res: http.ServerResponse, shape: BodyShape): void {
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: http.OutgoingHttpHeaders) => http.ServerResponse;
  const write = res.write.bind(res) as (chunk: Buffer, cb?: () => void) => boolean;
  const end = res.end.bind(res) as (cb?: () => void) => http.ServerResponse;
  let status = 200;
  let headers: http.OutgoingHttpHeaders = {};
  const chunks: Buffer[] = [];
  const toBuffer = (c: unknown): Buffer | undefined =>
    c === undefined || c === null || typeof c === 'function'
      ? undefined
      : Buffer.isBuffer(c)
        ? c
        : typeof c === 'string'
          ? Buffer.from(c, 'utf8')
          : Buffer.from(c as Uint8Array);
  const fakeWriteHead = (st: number, h?: http.OutgoingHttpHeaders) => {
    status = st;
    headers = { ...headers, ...(h ?? {}) };
    return res;
  };
  const fakeWrite = (chunk: unknown, ...rest: unknown[]) => {
    const b = toBuffer(chunk);
    if (b) {
      chunks.push(b);
    }
    const cb = rest.find((x): x is () => void => typeof x === 'function');
    cb?.();
    return true;
  };
  const fakeEnd = (chunk?: unknown) => {
    const b = toBuffer(chunk);
    if (b) {
      chunks.push(b);
    }
    void deliver();
    return res;
  };
  Object.assign(res, { writeHead: fakeWriteHead, write: fakeWrite, end: fakeEnd });
  const gone = () => res.destroyed || res.writableEnded;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const drain = () =>
    new Promise<void>((r) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        r();
      };
      res.on('drain', done);
      res.on('close', done);
    });

  async function deliver(): Promise<void> {
    Object.assign(res, { writeHead, write, end });
    const bodyBuf = Buffer.concat(chunks);
    const h: http.OutgoingHttpHeaders = { ...headers };
    for (const k of Object.keys(h)) {
      if (k.toLowerCase() === 'content-length') {
        delete h[k];
      }
    }
    if (shape.padToBytes !== undefined && shape.padToBytes > bodyBuf.length) {
      writeHead(status, h); // chunked: the size is not announced
      write(bodyBuf);
      const pad = Buffer.alloc(64 * 1024, 0x20);
      let left = shape.padToBytes - bodyBuf.length;
      while (left > 0 && !gone()) {
        const n = Math.min(left, pad.length);
        left -= n;
        if (!write(n === pad.length ? pad : pad.subarray(0, n))) {
          await drain();
        }
      }
      if (!gone()) {
        end();
      }
      return;
    }
    writeHead(status, { ...h, 'Content-Length': bodyBuf.length });
    if (shape.cutAfterBytes !== undefined) {
      write(bodyBuf.subarray(0, Math.min(shape.cutAfterBytes, Math.max(0, bodyBuf.length - 1))), () => res.socket?.destroy());
      return;
    }
    if (shape.stallAfterBytes !== undefined) {
      write(bodyBuf.subarray(0, Math.min(shape.stallAfterBytes, Math.max(0, bodyBuf.length - 1))));
      return; // nothing more: the client's timers must end it (the sandbox's stop() closes the socket)
    }
    if (shape.trickleBytesPerSec !== undefined) {
      const per = Math.max(1, Math.round(shape.trickleBytesPerSec / 10));
      for (let i = 0; i < bodyBuf.length && !gone(); i += per) {
        write(bodyBuf.subarray(i, i + per));
        await sleep(100);
      }
      if (!gone()) {
        end();
      }
      return;
    }
    write(bodyBuf);
    end();
  }
}
