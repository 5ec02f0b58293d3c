/**
 * The hook service (docs/appcircle-api.md §11.5, L1-L4): live build logs over Server-Sent
 * Events on an origin of its own, as Appcircle's newer CLI reads them.
 *
 *   L1 POST /auth/token                              Bearer <access token>   → {access_token, expires_in} (hook token)
 *   L2 GET  /v2/hooks?userId&organizationId&token&browserId                  → 200 text/event-stream
 *   L3 POST /build/log/trigger-events-receiving?taskId&browserId&userId&organizationId      → 200 OK (hook and API origin)
 *   L4 POST /build/log/trigger-stop-events-receiving?…                       → 200 OK (hook and API origin)
 *
 * One stream per browserId (a second L2 replaces the first), at most `maxStreams` open; a subscription per
 * (browserId, task), made by L3, replays the build's messages from messageIndex 1 (the sandbox's choice) and then
 * pushes the new ones as the build clock writes them: at once after `clock.advance()`, on a short real timer
 * while the clock runs, and after a cancel. A stream that closes takes its browserId's subscriptions with it. The
 * messages come from the plain log's own lines (hookStream.ts), so the two always agree byte for byte.
 */
import { randomBytes } from 'node:crypto';
import type { BuildWorld, LiveRef } from './buildQueue';
import type { SandboxClock } from './clock';
import type { AuthInfo, Ctx, Router } from './http';
import { parseJsonObject, sendError, sendJson, sendText } from './http';
import { HookConnection, frameOf, hookFaultsProblem, newCursor, nextMessages } from './hookStream';
import type { HookCursor, HookFaults } from './hookStream';
import type { SandboxState } from './state';

export type { HookFaults, HookMessage } from './hookStream';

export interface HookOptions {
  /** Silence after which a stream gets `: keep-alive` (real ms, default 15 000). */
  keepAliveMs?: number;
  /** Open streams at most (default 50); one more L2 answers 503. */
  maxStreams?: number;
  /** While the build clock runs: how often (real ms) new lines are looked for (default 200). */
  pollMs?: number;
}

/** Checks a Bearer header against the sandbox's access tokens: the claims, or why not. */
export type BearerCheck = (authorization: string | undefined) => AuthInfo | string;

interface Subscription {
  taskId: string;
  orgId: string;
  cursor: HookCursor;
}

const MAX_TOKENS = 1000;
const MAX_SUBS_PER_BROWSER = 20;
const MAX_BROWSERS = 200;
/** Messages one subscription sends in one pump (a 20 MB log replays over several). */
const PUMP_BUDGET = 2000;

export class HookService {
  /** The hook origin (`sb.hookUrl`), set when its port is open. */
  origin = '';
  faults: HookFaults = {};
  private opened = 0;
  private frames = 0;
  private readonly timers = { count: 0 };
  private readonly tokens = new Map<string, { sub: string; orgId: string; exp: number }>();
  private readonly streams = new Map<string, HookConnection>();
  private readonly subs = new Map<string, Map<string, Subscription>>();
  private pollTimer: NodeJS.Timeout | undefined;
  private pumpQueued: NodeJS.Immediate | undefined;
  private readonly unlisten: () => void;
  private readonly keepAliveMs: number;
  private readonly maxStreams: number;
  private readonly pollMs: number;

  constructor(
    private readonly world: BuildWorld,
    private readonly state: SandboxState,
    private readonly clock: SandboxClock,
    private readonly bearer: BearerCheck,
    opts: HookOptions = {},
  ) {
    this.keepAliveMs = opts.keepAliveMs ?? 15_000;
    this.maxStreams = opts.maxStreams ?? 50;
    this.pollMs = opts.pollMs ?? 200;
    this.unlisten = clock.onChange(() => {
      this.schedulePump();
      this.updatePoll();
    });
    world.onLogChange = () => this.schedulePump(); // a cancel writes its last lines at once
  }

  /** Open streams now. */
  get connections(): number {
    return this.streams.size;
  }
  /** Streams opened since the start (or `reset()`). */
  get connectionsOpened(): number {
    return this.opened;
  }
  /** build-log frames written (duplicates included). */
  get framesSent(): number {
    return this.frames;
  }
  /** Subscriptions held now (all browserIds). */
  get subscriptions(): number {
    let n = 0;
    for (const m of this.subs.values()) {
      n += m.size;
    }
    return n;
  }
  /** Real timers held now (keep-alives, held frames, the clock poll): 0 once every stream is closed. */
  get timersHeld(): number {
    return this.timers.count + (this.pollTimer ? 1 : 0) + (this.pumpQueued ? 1 : 0);
  }

  setFaults(f: HookFaults): void {
    this.faults = { ...this.faults, ...f };
  }

  clearFaults(): void {
    this.faults = {};
  }

  /** Tests (the fault matrix's hostile frames): `text` written as it is to every open stream, past the frame faults. */
  sendRaw(text: string): void {
    this.streams.forEach((conn) => conn.raw(text));
  }

  /** 'absent': the hook origin closes every connection (hooks.ts is "not there"). */
  get absent(): boolean {
    return this.faults.refuse === 'absent';
  }

  /** Back to the start: streams closed, subscriptions, tokens, faults and counters cleared. */
  reset(): void {
    this.closeStreams(false);
    this.subs.clear();
    this.tokens.clear();
    this.faults = {};
    this.opened = 0;
    this.frames = 0;
  }

  /** Closes every stream and timer (the sandbox stops). */
  dispose(): void {
    this.unlisten();
    this.world.onLogChange = undefined;
    this.closeStreams(true);
    this.subs.clear();
    this.updatePoll();
    if (this.pumpQueued) {
      clearImmediate(this.pumpQueued);
      this.pumpQueued = undefined;
    }
  }

  /** L1-L4 on the hook origin. */
  register(router: Router): void {
    router.authed('POST', '/auth/token', (ctx) => this.issueToken(ctx));
    router.add('GET', '/v2/hooks', (ctx) => this.openStream(ctx), false);
    this.registerTriggers(router);
  }

  /** L3 and L4 on the API origin (the CLI falls back to the API host). */
  registerTriggers(router: Router): void {
    router.add('POST', '/build/log/trigger-events-receiving', (ctx) => this.trigger(ctx, true), false);
    router.add('POST', '/build/log/trigger-stop-events-receiving', (ctx) => this.trigger(ctx, false), false);
  }

  // ---- L1 ----------------------------------------------------------------------------------------

  private issueToken(ctx: Ctx): void {
    if (this.faults.refuse === 'token') {
      sendError(ctx.res, 403, 'You do not have the required permissions to receive build logs.');
      return;
    }
    const auth = ctx.auth as AuthInfo;
    const token = `hook_${randomBytes(18).toString('hex')}`;
    const lifetime = this.state.tokenLifetimeSec;
    this.tokens.set(token, { sub: auth.sub, orgId: auth.orgId, exp: this.state.now() + lifetime * 1000 });
    if (this.tokens.size > MAX_TOKENS) {
      this.tokens.delete(this.tokens.keys().next().value as string);
    }
    sendJson(ctx.res, 200, { access_token: token, expires_in: lifetime });
  }

  private hookToken(token: string | null | undefined): { sub: string; orgId: string } | undefined {
    const t = token ? this.tokens.get(token) : undefined;
    return t && t.exp > this.state.now() ? t : undefined;
  }

  // ---- L2 ----------------------------------------------------------------------------------------

  private openStream(ctx: Ctx): void {
    if (this.faults.refuse === 'stream') {
      sendError(ctx.res, 503, 'The hook service is unavailable.');
      return;
    }
    // the hook token in the query only: an Authorization header is ignored
    if (!this.hookToken(ctx.query.get('token'))) {
      sendError(ctx.res, 401, 'The hook token is invalid or has expired.');
      return;
    }
    const browserId = (ctx.query.get('browserId') ?? '').trim();
    if (!browserId || browserId.length > 200) {
      sendError(ctx.res, 400, 'browserId is required.');
      return;
    }
    const previous = this.streams.get(browserId);
    if (!previous && this.streams.size >= this.maxStreams) {
      sendError(ctx.res, 503, `Too many open streams (${this.maxStreams}).`);
      return;
    }
    previous?.close();
    this.streams.delete(browserId);
    const { res } = ctx;
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.flushHeaders();
    ctx.logNow?.(); // the request log shows the stream while it is open
    const conn = new HookConnection(
      browserId,
      res,
      () => this.faults,
      this.keepAliveMs,
      () => this.frames++,
      this.timers,
    );
    this.streams.set(browserId, conn);
    this.opened++;
    res.on('drain', () => this.schedulePump());
    res.on('close', () => {
      conn.dispose();
      if (this.streams.get(browserId) === conn) {
        this.streams.delete(browserId);
        this.subs.delete(browserId); // its subscriptions go with it: a new stream subscribes again (L3)
      }
      this.updatePoll();
    });
    this.updatePoll();
    this.schedulePump();
  }

  // ---- L3 / L4 -----------------------------------------------------------------------------------

  private trigger(ctx: Ctx, start: boolean): void {
    if (this.absent) {
      sendError(ctx.res, 404, `No route for ${ctx.method} ${ctx.path}.`);
      return;
    }
    const auth = this.triggerAuth(ctx.req.headers.authorization);
    if (typeof auth === 'string') {
      sendError(ctx.res, 401, auth, { 'WWW-Authenticate': 'Bearer realm="appcircle"' });
      return;
    }
    const taskId = (ctx.query.get('taskId') ?? '').trim();
    const browserId = (ctx.query.get('browserId') ?? '').trim();
    if (!taskId || !browserId || browserId.length > 200) {
      sendError(ctx.res, 400, 'taskId and browserId are required.');
      return;
    }
    const ref = this.world.findLive(taskId, auth.orgId);
    if (!start) {
      if (ref?.build.live) {
        this.subs.get(browserId)?.delete(ref.build.live.queueId);
      }
      this.updatePoll();
      sendText(ctx.res, 200, 'OK');
      return;
    }
    if (!ref?.build.live) {
      sendError(ctx.res, 404, `Task ${taskId} was not found.`);
      return;
    }
    const fails = this.faults.failSubscribes ?? 0;
    if (fails > 0) {
      this.faults = { ...this.faults, failSubscribes: fails - 1 };
      sendError(ctx.res, 503, 'The hook service is busy.');
      return;
    }
    this.subscribe(browserId, ref, auth.orgId);
    sendText(ctx.res, 200, 'OK');
    this.updatePoll();
    this.schedulePump();
  }

  /** The Appcircle access token or the hook token (which one the CLI sends is not visible: docs/appcircle-api.md §11.5). */
  private triggerAuth(header: string | undefined): { orgId: string } | string {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    const hook = this.hookToken(m?.[1]);
    if (hook) {
      return hook;
    }
    const claims = this.bearer(header);
    return typeof claims === 'string' ? claims : { orgId: claims.orgId };
  }

  private subscribe(browserId: string, ref: LiveRef, orgId: string): void {
    let mine = this.subs.get(browserId);
    if (!mine) {
      if (this.subs.size >= MAX_BROWSERS) {
        // the oldest browserId without an open stream (else the oldest) loses its subscriptions
        const idle = [...this.subs.keys()].find((b) => !this.streams.has(b)) ?? this.subs.keys().next().value;
        this.subs.delete(idle as string);
      }
      mine = new Map();
      this.subs.set(browserId, mine);
    }
    const key = ref.build.live?.queueId ?? ref.build.id;
    mine.delete(key); // again: a fresh replay from messageIndex 1
    mine.set(key, { taskId: key, orgId, cursor: newCursor() });
    if (mine.size > MAX_SUBS_PER_BROWSER) {
      mine.delete(mine.keys().next().value as string);
    }
  }

  // ---- the feed ----------------------------------------------------------------------------------

  private schedulePump(): void {
    if (this.pumpQueued || this.streams.size === 0) {
      return;
    }
    this.pumpQueued = setImmediate(() => {
      this.pumpQueued = undefined;
      this.pump();
    });
  }

  /** Sends every subscription the messages its build has written since the last pump. */
  private pump(): void {
    let more = false;
    const now = this.clock.now();
    for (const [browserId, conn] of this.streams) {
      const mine = this.subs.get(browserId);
      for (const [key, sub] of mine ?? []) {
        if (!conn.open) {
          break;
        }
        const ref = this.world.findLive(sub.taskId, sub.orgId);
        if (!ref) {
          mine?.delete(key); // the build is gone (reset)
          continue;
        }
        const log = this.world.log(ref);
        for (const m of nextMessages(ref, log, sub.cursor, now, PUMP_BUDGET)) {
          conn.send(frameOf(m));
        }
        if (sub.cursor.done) {
          mine?.delete(key); // after Completing workflow the server stops sending for that task
        } else if (sub.cursor.line < log.count) {
          more = true;
        }
      }
    }
    if (more) {
      this.schedulePump();
    }
    this.updatePoll();
  }

  /** A real timer only while the clock runs and a stream has a subscription. */
  private updatePoll(): void {
    const wanted = this.clock.speed > 0 && [...this.streams.keys()].some((b) => (this.subs.get(b)?.size ?? 0) > 0);
    if (wanted && !this.pollTimer) {
      this.pollTimer = setInterval(() => this.pump(), this.pollMs);
      this.pollTimer.unref();
    } else if (!wanted && this.pollTimer) {
      clearInterval(this.pollTimer);
      this.pollTimer = undefined;
    }
  }

  private closeStreams(destroy: boolean): void {
    for (const conn of [...this.streams.values()]) {
      conn.close(destroy);
    }
    this.streams.clear();
  }
}

/** `GET/POST/DELETE /__sandbox/hooks`: hook faults (POST adds, DELETE clears) and the counters. */
export function registerHookControl(router: Router, hooks: HookService): void {
  const state = () => ({
    hookUrl: hooks.origin,
    faults: hooks.faults,
    connections: hooks.connections,
    connectionsOpened: hooks.connectionsOpened,
    framesSent: hooks.framesSent,
    subscriptions: hooks.subscriptions,
  });
  router.add('GET', '/__sandbox/hooks', (ctx) => sendJson(ctx.res, 200, state()), false);
  router.add(
    'DELETE',
    '/__sandbox/hooks',
    (ctx) => {
      hooks.clearFaults();
      sendJson(ctx.res, 200, state());
    },
    false,
  );
  router.add(
    'POST',
    '/__sandbox/hooks',
    (ctx) => {
      const b = parseJsonObject(ctx.body);
      const problem = b ? hookFaultsProblem(b) : 'The body must be a JSON object.';
      if (problem || !b) {
        sendError(ctx.res, 400, problem ?? 'The body must be a JSON object.');
        return;
      }
      hooks.setFaults(b);
      sendJson(ctx.res, 200, state());
    },
    false,
  );
}
