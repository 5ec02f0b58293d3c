/**
 * Fault switches that tests set at run time, in-process (`sandbox.faults.set({...})`) or over HTTP
 * (`POST /__sandbox/faults` with a spec or a list of specs, `DELETE /__sandbox/faults`). Each `set` adds a spec;
 * specs apply in the order they were set, to auth routes too unless `pathIncludes` restricts them. Control
 * routes (`/__sandbox/…`) are never faulted.
 */
export interface FaultSpec {
  /** Delay before the answer (combines with the other switches of the same spec). */
  latencyMs?: number;
  /** Answer 401 to API requests after N more of them went through (0 = at once). Token routes are not counted. */
  unauthorizedAfter?: number;
  /** 403 `{message}`. */
  forbidden?: boolean;
  /** 429 with `Retry-After` in seconds (default 30), or as an HTTP date with `httpDate`. */
  rateLimit?: { retryAfterSec?: number; httpDate?: boolean };
  /** 500/502/503 `{message}`; `retryAfterSec` adds `Retry-After`. */
  status?: 500 | 502 | 503;
  retryAfterSec?: number;
  /** 200 with a truncated JSON body. */
  malformedJson?: boolean;
  /** An HTML page instead of JSON (a proxy or captive portal); `htmlStatus` 200 (default) or 502. */
  htmlPage?: boolean;
  htmlStatus?: number;
  /** Destroys the socket without an answer. */
  dropConnection?: boolean;
  /** Applies only to requests whose path (without prefix, with a leading '/') contains this string. */
  pathIncludes?: string;
  /** Applies to the next N matching requests, then clears itself. */
  times?: number;
}

export type FaultAction =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'status'; status: number; headers: Record<string, string>; body: string; contentType: string; latencyMs: number }
  | { kind: 'drop'; latencyMs: number }
  | { kind: 'malformed'; latencyMs: number };

export const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Sign in to the network</title></head><body><h1>Proxy login required</h1><p>This page is not JSON.</p></body></html>\n';
export const MALFORMED_JSON = '{"data": [ {"id": "truncated", ';

const KNOWN_KEYS = new Set(['latencyMs', 'unauthorizedAfter', 'forbidden', 'rateLimit', 'status', 'retryAfterSec', 'malformedJson', 'htmlPage', 'htmlStatus', 'dropConnection', 'pathIncludes', 'times']);

/** Checks a spec that came over HTTP; returns an error text or undefined. */
export function validateFaultSpec(v: unknown): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    return 'a fault spec is a JSON object';
  }
  const unknown = Object.keys(v).filter((k) => !KNOWN_KEYS.has(k));
  if (unknown.length) {
    return `unknown fault switch(es): ${unknown.join(', ')}`;
  }
  const s = v as FaultSpec;
  if (s.status !== undefined && ![500, 502, 503].includes(s.status)) {
    return 'status must be 500, 502 or 503';
  }
  if (s.htmlStatus !== undefined && ![200, 502].includes(s.htmlStatus)) {
    return 'htmlStatus must be 200 or 502';
  }
  for (const k of ['latencyMs', 'unauthorizedAfter', 'retryAfterSec', 'times'] as const) {
    if (s[k] !== undefined && (typeof s[k] !== 'number' || s[k] < 0)) {
      return `${k} must be a number ≥ 0`;
    }
  }
  return undefined;
}

interface ActiveFault extends FaultSpec {
  /** API requests let through so far (unauthorizedAfter). */
  seen: number;
}

export class Faults {
  private specs: ActiveFault[] = [];

  /** Adds a spec (specs accumulate until `clear()` or their `times` run out). */
  set(spec: FaultSpec): void {
    this.specs.push({ ...spec, seen: 0 });
  }

  /** Adds several specs, in order. */
  setAll(specs: readonly FaultSpec[]): void {
    specs.forEach((s) => this.set(s));
  }

  clear(): void {
    this.specs = [];
  }

  /** The specs in force, with their remaining `times`. */
  get active(): FaultSpec[] {
    return this.specs.map(({ seen: _s, ...f }) => f);
  }

  /** Decides what happens to one request and consumes `times`. `isTokenRoute`: a path under /auth/. */
  decide(path: string): FaultAction {
    const isAuthRoute = path.startsWith('/auth/');
    let latencyMs = 0;
    for (const f of [...this.specs]) {
      if (f.pathIncludes && !path.includes(f.pathIncludes)) {
        continue;
      }
      if (f.unauthorizedAfter !== undefined) {
        if (isAuthRoute) {
          continue; // "401 after N requests" is about API calls with a token, not the token routes
        }
        if (f.seen < f.unauthorizedAfter) {
          f.seen++;
          latencyMs = Math.max(latencyMs, f.latencyMs ?? 0);
          continue;
        }
      }
      const action = actionOf(f, Math.max(latencyMs, f.latencyMs ?? 0));
      this.consume(f);
      if (action.kind !== 'none') {
        return action;
      }
      latencyMs = action.latencyMs; // latency only: keep looking, the request then proceeds
    }
    return { kind: 'none', latencyMs };
  }

  private consume(f: ActiveFault): void {
    if (f.times !== undefined) {
      f.times--;
      if (f.times <= 0) {
        this.specs = this.specs.filter((s) => s !== f);
      }
    }
  }
}

function actionOf(f: FaultSpec, latencyMs: number): FaultAction {
  const json = (status: number, message: string, headers: Record<string, string> = {}): FaultAction => ({
    kind: 'status',
    status,
    headers: { 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify({ message, error: message }),
    contentType: 'application/json; charset=utf-8',
    latencyMs,
  });
  if (f.unauthorizedAfter !== undefined) {
    return json(401, 'The access token is invalid or has expired.');
  }
  if (f.forbidden) {
    return json(403, 'You do not have permission to access this resource.');
  }
  if (f.rateLimit) {
    const sec = f.rateLimit.retryAfterSec ?? 30;
    const value = f.rateLimit.httpDate ? new Date(Date.now() + sec * 1000).toUTCString() : String(sec);
    return json(429, 'Too many requests. Try again later.', { 'Retry-After': value });
  }
  if (f.status) {
    const text = f.status === 500 ? 'Internal server error.' : f.status === 502 ? 'Bad gateway.' : 'Service unavailable.';
    return json(f.status, text, f.retryAfterSec !== undefined ? { 'Retry-After': String(f.retryAfterSec) } : {});
  }
  if (f.malformedJson) {
    return { kind: 'malformed', latencyMs };
  }
  if (f.htmlPage) {
    return { kind: 'status', status: f.htmlStatus ?? 200, headers: {}, body: HTML_PAGE, contentType: 'text/html; charset=utf-8', latencyMs };
  }
  if (f.dropConnection) {
    return { kind: 'drop', latencyMs };
  }
  return { kind: 'none', latencyMs };
}
