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
  /** An HTML page instead of JSON (a proxy, WAF or captive portal); `htmlStatus` 200 (default), 401, 403 or 502. */
  htmlPage?: boolean;
  htmlStatus?: number;
  /** Destroys the socket without an answer. */
  dropConnection?: boolean;
  /** A 3xx (default 302) to `location` (an absolute URL), with a small body, instead of the answer. */
  redirect?: { status?: 301 | 302 | 303 | 307 | 308; location: string };
  /** The real answer's headers (its full Content-Length), then only the first N body bytes, then the socket is destroyed. */
  cutAfterBytes?: number;
  /** The real answer's headers and first N body bytes, then nothing until the client gives up (or the sandbox stops). */
  stallAfterBytes?: number;
  /** The real answer, its body sent N bytes a second. */
  trickleBytesPerSec?: number;
  /** The real answer, its body padded with trailing spaces (still valid JSON) to N bytes, sent in chunks. */
  padToBytes?: number;
  /**
   * An error answer (`echoStatus`, default 400) whose message repeats the submitted credential: the form's
   * pat/secret/personalAccessKey, or the bearer token.
   */
  echoCredential?: boolean;
  echoStatus?: 400 | 401 | 403 | 500;
  /** Holds the request until `release()` (or `POST`-less in-process control), then answers normally: "while in flight". */
  hold?: boolean;
  /**
   * Applies only to requests whose path (without prefix, with a leading '/') contains this string, or whose path
   * with its query does (`'action=commitFileUpload'`: U1 and U3 share a path).
   */
  pathIncludes?: string;
  /** Applies to the next N matching requests, then clears itself. */
  times?: number;
  /**
   * A 206 answer (a log read with `Range: bytes=N-`) whose `Content-Range` names a start this many bytes before N
   * (at least byte 1): a server that gets Range wrong. The body is the real one.
   */
  rangeStartShift?: number;
}

/** How the real answer's body is delivered. */
export type BodyShape = { cutAfterBytes?: number; stallAfterBytes?: number; trickleBytesPerSec?: number; padToBytes?: number };

export type FaultAction =
  | { kind: 'none'; latencyMs: number; shape?: BodyShape; hold?: boolean; rangeStartShift?: number }
  | { kind: 'echo'; status: number; latencyMs: number }
  | { kind: 'status'; status: number; headers: Record<string, string>; body: string; contentType: string; latencyMs: number }
  | { kind: 'drop'; latencyMs: number }
  | { kind: 'malformed'; latencyMs: number };

export const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Sign in to the network</title></head><body><h1>Proxy login required</h1><p>This page is not JSON.</p></body></html>\n';
export const MALFORMED_JSON = '{"data": [ {"id": "truncated", ';

const KNOWN_KEYS = new Set([
  'latencyMs',
  'unauthorizedAfter',
  'forbidden',
  'rateLimit',
  'status',
  'retryAfterSec',
  'malformedJson',
  'htmlPage',
  'htmlStatus',
  'dropConnection',
  'redirect',
  'cutAfterBytes',
  'stallAfterBytes',
  'trickleBytesPerSec',
  'padToBytes',
  'echoCredential',
  'echoStatus',
  'hold',
  'pathIncludes',
  'times',
  'rangeStartShift',
]);

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
  if (s.htmlStatus !== undefined && ![200, 401, 403, 502].includes(s.htmlStatus)) {
    return 'htmlStatus must be 200, 401, 403 or 502';
  }
  if (s.echoStatus !== undefined && ![400, 401, 403, 500].includes(s.echoStatus)) {
    return 'echoStatus must be 400, 401, 403 or 500';
  }
  if (s.redirect !== undefined) {
    const r = s.redirect as { status?: unknown; location?: unknown };
    if (!r || typeof r !== 'object' || typeof r.location !== 'string' || !/^https?:\/\//.test(r.location)) {
      return 'redirect needs {location: an absolute http(s) URL, status?: 301|302|303|307|308}';
    }
    if (r.status !== undefined && ![301, 302, 303, 307, 308].includes(r.status as number)) {
      return 'redirect.status must be 301, 302, 303, 307 or 308';
    }
  }
  for (const k of [
    'latencyMs',
    'unauthorizedAfter',
    'retryAfterSec',
    'times',
    'cutAfterBytes',
    'stallAfterBytes',
    'trickleBytesPerSec',
    'padToBytes',
    'rangeStartShift',
  ] as const) {
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
  private waiting: (() => void)[] = [];
  private heldListeners: (() => void)[] = [];

  /** Adds a spec (specs accumulate until `clear()` or their `times` run out). */
  set(spec: FaultSpec): void {
    this.specs.push({ ...spec, seen: 0 });
  }

  /** Adds several specs, in order. */
  setAll(specs: readonly FaultSpec[]): void {
    specs.forEach((s) => this.set(s));
  }

  /** Clears every spec and lets held requests go on. */
  clear(): void {
    this.specs = [];
    this.release();
  }

  /** Requests held by a `hold` switch right now. */
  get held(): number {
    return this.waiting.length;
  }

  /** Lets every held request go on (answered normally); returns how many there were. */
  release(): number {
    const w = this.waiting;
    this.waiting = [];
    w.forEach((f) => f());
    return w.length;
  }

  /** Resolves once at least one request is held (at once if one is). */
  whenHeld(): Promise<void> {
    if (this.waiting.length) {
      return Promise.resolve();
    }
    return new Promise((r) => this.heldListeners.push(r));
  }

  /** For the server: parks a request until release(). */
  waitRelease(): Promise<void> {
    return new Promise<void>((r) => {
      this.waiting.push(r);
      const l = this.heldListeners;
      this.heldListeners = [];
      l.forEach((f) => f());
    });
  }

  /** The specs in force, with their remaining `times`. */
  get active(): FaultSpec[] {
    return this.specs.map(({ seen: _s, ...f }) => f);
  }

  /** Decides what happens to one request and consumes `times`. `search`: the query with its '?', or ''. */
  decide(path: string, search = ''): FaultAction {
    const isAuthRoute = path.startsWith('/auth/');
    let latencyMs = 0;
    for (const f of [...this.specs]) {
      if (f.pathIncludes && !path.includes(f.pathIncludes) && !`${path}${search}`.includes(f.pathIncludes)) {
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
      if (action.kind !== 'none' || action.shape || action.hold || action.rangeStartShift !== undefined) {
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
    return {
      kind: 'status',
      status: f.htmlStatus ?? 200,
      headers: {},
      body: HTML_PAGE,
      contentType: 'text/html; charset=utf-8',
      latencyMs,
    };
  }
  if (f.dropConnection) {
    return { kind: 'drop', latencyMs };
  }
  if (f.redirect) {
    const status = f.redirect.status ?? 302;
    return {
      kind: 'status',
      status,
      headers: { Location: f.redirect.location, 'Cache-Control': 'no-store' },
      body: JSON.stringify({ message: `Moved to ${f.redirect.location}` }),
      contentType: 'application/json; charset=utf-8',
      latencyMs,
    };
  }
  if (f.echoCredential) {
    return { kind: 'echo', status: f.echoStatus ?? 400, latencyMs };
  }
  const shape: BodyShape = {};
  for (const k of ['cutAfterBytes', 'stallAfterBytes', 'trickleBytesPerSec', 'padToBytes'] as const) {
    if (f[k] !== undefined) {
      shape[k] = f[k];
    }
  }
  return {
    kind: 'none',
    latencyMs,
    shape: Object.keys(shape).length ? shape : undefined,
    hold: f.hold === true ? true : undefined,
    rangeStartShift: f.rangeStartShift,
  };
}
