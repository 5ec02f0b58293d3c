/**
 * Control routes under `/__sandbox/` for tests that drive a sandbox process over HTTP. They need no token, are
 * never faulted, and answer on both hosts, but only to requests addressed to a loopback name (`Host` 127.0.0.1,
 * localhost or [::1], any port) and not sent by a page of another origin: a web page that rebinds its own name
 * to 127.0.0.1, or posts across origins, cannot reset the sandbox or switch faults on (403).
 *
 *   GET    /__sandbox/health                     → {ok: true}
 *   GET    /__sandbox/faults                     → {faults: [...]}
 *   POST   /__sandbox/faults        FaultSpec | FaultSpec[]   (adds; 400 on an unknown switch)
 *   DELETE /__sandbox/faults                     (clears)
 *   POST   /__sandbox/token-lifetime {seconds}
 *   POST   /__sandbox/revoke        {credential}  (a PAT value or an API key name)
 *   GET    /__sandbox/requests                   → the request log;  DELETE clears it
 *   POST   /__sandbox/clock         {advanceMs?, speed?}  → {now, speed};  GET → {now, speed}
 *   POST   /__sandbox/build-outcome {status: 0|1|2|3, hasWarning?, count?: number | 'all'}
 *   GET    /__sandbox/builds                     → {timings, behaviour}
 *   POST   /__sandbox/builds        {waitMs?, runMs?, completeMs?, logLines?, ids?, cancel?, finishedQueueItem?, leavesQueueAt?, logRange?}
 *   POST   /__sandbox/reset                      (back to the seed)
 */
import type { BuildWorld } from './buildQueue';
import type { Faults, FaultSpec } from './faults';
import { validateFaultSpec } from './faults';
import type { Ctx, Router } from './http';
import { parseJsonObject, sendError, sendJson } from './http';
import type { SandboxState } from './state';

const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i;

/** A `Host` header naming this machine by a loopback name (127.0.0.1, localhost, [::1]), with any port. */
export function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && LOOPBACK_HOST.test(host);
}

/**
 * Why a control request is refused, or undefined when it may go on: its `Host` is not a loopback name, or it
 * carries the `Origin` of a page that is not on a loopback name (tools and tests send no `Origin`).
 */
export function controlRequestProblem(headers: { host?: string; origin?: string }): string | undefined {
  if (!isLoopbackHost(headers.host)) {
    return 'Control routes answer only requests addressed to 127.0.0.1, localhost or [::1].';
  }
  if (headers.origin !== undefined) {
    let originHost: string | undefined;
    try {
      originHost = new URL(headers.origin).host;
    } catch {
      originHost = undefined;
    }
    if (!isLoopbackHost(originHost)) {
      return 'Control routes do not answer pages of other origins.';
    }
  }
  return undefined;
}

export interface ControlDeps {
  state: SandboxState;
  faults: Faults;
  world: BuildWorld;
  reset: () => void;
}

export function registerControlRoutes(router: Router, d: ControlDeps): void {
  const add = (method: string, path: string, handler: (ctx: Ctx) => void) => router.add(method, `/__sandbox/${path}`, handler, false);
  const body = (ctx: Ctx): Record<string, unknown> | undefined => {
    const b = parseJsonObject(ctx.body);
    if (!b) {
      sendError(ctx.res, 400, 'The body must be a JSON object.');
    }
    return b;
  };

  add('GET', 'health', (ctx) => sendJson(ctx.res, 200, { ok: true }));

  add('GET', 'faults', (ctx) => sendJson(ctx.res, 200, { faults: d.faults.active }));
  add('POST', 'faults', (ctx) => {
    let spec: unknown;
    try {
      spec = JSON.parse(ctx.body || '{}');
    } catch {
      sendError(ctx.res, 400, 'The body must be a fault spec (JSON object) or a list of them.');
      return;
    }
    const specs = Array.isArray(spec) ? (spec as unknown[]) : [spec];
    const problem = specs.map(validateFaultSpec).find((p) => p !== undefined);
    if (problem) {
      sendError(ctx.res, 400, problem);
      return;
    }
    d.faults.setAll(specs as FaultSpec[]);
    sendJson(ctx.res, 200, { faults: d.faults.active });
  });
  add('DELETE', 'faults', (ctx) => {
    d.faults.clear();
    sendJson(ctx.res, 200, { faults: [] });
  });

  add('POST', 'token-lifetime', (ctx) => {
    const b = body(ctx);
    if (!b) {
      return;
    }
    if (typeof b.seconds !== 'number' || !(b.seconds > 0)) {
      sendError(ctx.res, 400, 'seconds must be a number > 0');
      return;
    }
    d.state.tokenLifetimeSec = b.seconds;
    sendJson(ctx.res, 200, { seconds: d.state.tokenLifetimeSec });
  });

  add('POST', 'revoke', (ctx) => {
    const b = body(ctx);
    if (!b) {
      return;
    }
    if (typeof b.credential !== 'string' || !b.credential) {
      sendError(ctx.res, 400, 'credential (a PAT or an API key name) is required');
      return;
    }
    d.state.revoked.add(b.credential);
    sendJson(ctx.res, 200, { ok: true });
  });

  add('GET', 'requests', (ctx) => sendJson(ctx.res, 200, d.state.requests));
  add('DELETE', 'requests', (ctx) => {
    d.state.requests.length = 0;
    sendJson(ctx.res, 200, { ok: true });
  });

  const clockState = () => ({ now: new Date(d.world.clock.now()).toISOString(), speed: d.world.clock.speed });
  add('GET', 'clock', (ctx) => sendJson(ctx.res, 200, clockState()));
  add('POST', 'clock', (ctx) => {
    const b = body(ctx);
    if (!b) {
      return;
    }
    const { advanceMs, speed } = b;
    if (
      (advanceMs !== undefined && (typeof advanceMs !== 'number' || !(advanceMs >= 0))) ||
      (speed !== undefined && (typeof speed !== 'number' || !(speed >= 0)))
    ) {
      sendError(ctx.res, 400, 'advanceMs and speed must be numbers ≥ 0');
      return;
    }
    if (typeof speed === 'number') {
      d.world.clock.setSpeed(speed);
    }
    if (typeof advanceMs === 'number') {
      d.world.clock.advance(advanceMs);
    }
    sendJson(ctx.res, 200, clockState());
  });

  add('POST', 'build-outcome', (ctx) => {
    const b = body(ctx);
    if (!b) {
      return;
    }
    const { status, hasWarning, count } = b;
    if (typeof status !== 'number' || ![0, 1, 2, 3].includes(status)) {
      sendError(ctx.res, 400, 'status must be 0 (success), 1 (failed), 2 (canceled) or 3 (timeout)');
      return;
    }
    if (count !== undefined && count !== 'all' && (typeof count !== 'number' || count < 0)) {
      sendError(ctx.res, 400, "count must be a number ≥ 0 or 'all'");
      return;
    }
    d.world.setOutcome({ status, hasWarning: hasWarning === true }, count ?? 1);
    sendJson(ctx.res, 200, { status, hasWarning: hasWarning === true, count: count ?? 1 });
  });

  const builds = () => ({ timings: { ...d.world.timings, logLines: d.world.logLines }, behaviour: d.world.behaviour });
  add('GET', 'builds', (ctx) => sendJson(ctx.res, 200, builds()));
  add('POST', 'builds', (ctx) => {
    const b = body(ctx);
    if (!b) {
      return;
    }
    const choices: Record<string, string[]> = {
      ids: ['one', 'distinct'],
      cancel: ['honoured', 'ignored'],
      finishedQueueItem: ['kept', 'gone'],
      leavesQueueAt: ['end', 'completing'],
      logRange: ['honoured', 'ignored'],
    };
    const timingKeys = ['waitMs', 'runMs', 'completeMs', 'logLines'];
    const unknown = Object.keys(b).find((k) => !(k in choices) && !timingKeys.includes(k));
    if (unknown) {
      sendError(ctx.res, 400, `Unknown setting ${unknown}: use ${[...timingKeys, ...Object.keys(choices)].join(', ')}.`);
      return;
    }
    for (const [k, allowed] of Object.entries(choices)) {
      const v = b[k];
      if (v !== undefined && !(typeof v === 'string' && allowed.includes(v))) {
        sendError(ctx.res, 400, `${k} must be ${allowed.map((a) => `'${a}'`).join(' or ')}`);
        return;
      }
    }
    try {
      d.world.setTimings({
        waitMs: b.waitMs as number | undefined,
        runMs: b.runMs as number | undefined,
        completeMs: b.completeMs as number | undefined,
        logLines: b.logLines as number | undefined,
      });
    } catch (e) {
      sendError(ctx.res, 400, e instanceof Error ? e.message : String(e));
      return;
    }
    d.world.setBehaviour(
      Object.fromEntries(
        Object.keys(choices)
          .filter((k) => b[k] !== undefined)
          .map((k) => [k, b[k]]),
      ),
    );
    sendJson(ctx.res, 200, builds());
  });

  add('POST', 'reset', (ctx) => {
    d.reset();
    sendJson(ctx.res, 200, { ok: true });
  });
}
