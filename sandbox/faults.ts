/** Fault switches that tests set at run time, in-process or over HTTP (`/__sandbox/faults`). */
export interface FaultSpec {
  latencyMs?: number;
  /** Answer 401 to API requests after N more successful ones (0 = at once). */
  unauthorizedAfter?: number;
  forbidden?: boolean;
  rateLimit?: { retryAfterSec?: number; httpDate?: boolean };
  status?: 500 | 502 | 503;
  retryAfterSec?: number;
  malformedJson?: boolean;
  /** An HTML page instead of JSON (a proxy or captive portal); `htmlStatus` defaults to 200. */
  htmlPage?: boolean;
  htmlStatus?: number;
  dropConnection?: boolean;
  /** Applies only to requests whose path contains this string. */
  pathIncludes?: string;
  /** Applies to the next N matching requests, then clears. */
  times?: number;
}

export type FaultAction =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'status'; status: number; headers: Record<string, string>; body: string; contentType: string; latencyMs: number }
  | { kind: 'drop'; latencyMs: number }
  | { kind: 'malformed'; latencyMs: number };

export class Faults {
  private specs: (FaultSpec & { seen: number })[] = [];

  set(spec: FaultSpec): void {
    this.specs.push({ ...spec, seen: 0 });
  }

  clear(): void {
    this.specs = [];
  }

  get active(): FaultSpec[] {
    return this.specs.map(({ seen: _s, ...f }) => f);
  }

  /** Decides what happens to one request; consumes `times`. */
  decide(path: string): FaultAction {
    let latencyMs = 0;
    for (const f of [...this.specs]) {
      if (f.pathIncludes && !path.includes(f.pathIncludes)) {
        continue;
      }
      if (f.latencyMs) {
        latencyMs = Math.max(latencyMs, f.latencyMs);
      }
      if (f.unauthorizedAfter !== undefined && path.includes('/auth/')) {
        continue; // "401 after N requests" is about API calls with a token, not token routes
      }
      if (f.unauthorizedAfter !== undefined && f.seen < f.unauthorizedAfter) {
        f.seen++;
        continue;
      }
      const action = this.actionOf(f, latencyMs);
      if (!action) {
        continue;
      }
      if (f.times !== undefined) {
        f.times--;
        if (f.times <= 0) {
          this.specs = this.specs.filter((s) => s !== f);
        }
      }
      return action;
    }
    return { kind: 'none', latencyMs };
  }

  private actionOf(f: FaultSpec, latencyMs: number): FaultAction | undefined {
    const json = (status: number, message: string, headers: Record<string, string> = {}): FaultAction => ({
      kind: 'status',
      status,
      headers,
      body: JSON.stringify({ message, error: message }),
      contentType: 'application/json',
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
      return json(429, 'Too many requests.', { 'Retry-After': value });
    }
    if (f.status) {
      return json(f.status, `Sandbox fault ${f.status}`, f.retryAfterSec ? { 'Retry-After': String(f.retryAfterSec) } : {});
    }
    if (f.malformedJson) {
      return { kind: 'malformed', latencyMs };
    }
    if (f.htmlPage) {
      return {
        kind: 'status',
        status: f.htmlStatus ?? 200,
        headers: {},
        body: '<!DOCTYPE html><html><head><title>Sign in to the network</title></head><body><h1>Proxy login required</h1></body></html>',
        contentType: 'text/html; charset=utf-8',
        latencyMs,
      };
    }
    if (f.dropConnection) {
      return { kind: 'drop', latencyMs };
    }
    if (f.latencyMs) {
      return undefined; // latency only: keep looking, the request proceeds
    }
    return undefined;
  }
}
