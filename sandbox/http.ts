/** Tiny router and helpers for the sandbox (Node `http` only). */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface AuthInfo {
  sub: string;
  email?: string;
  /** The token's `currentOrganizationId`. */
  orgId: string;
  /** `pat:<userId>` or `apikey:<name>`. */
  cred: string;
}

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Path without prefix and query, with a leading '/' and collapsed '//' (docs/appcircle-api.md §7.16). */
  path: string;
  query: URLSearchParams;
  body: string;
  params: Record<string, string>;
  /** Claims of a valid bearer token (routes that need one only). */
  auth?: AuthInfo;
  /** Puts the request in the log now (a stream that stays open), not when the response ends. */
  logNow?: () => void;
}

/** A handler of a route that needs a bearer token: `ctx.auth` is set. */
export type AuthedCtx = Ctx & { auth: AuthInfo };

export type Handler = (ctx: Ctx) => void | Promise<void>;

export interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
  /** API routes and userinfo need a bearer token; token routes and control routes do not. */
  authed: boolean;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: Handler, authed = true): void {
    const keys: string[] = [];
    const pattern = new RegExp(
      '^' +
        path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, k: string) => {
          keys.push(k);
          return '([^/]+)';
        }) +
        '/?$',
    );
    this.routes.push({ method, pattern, keys, handler, authed });
  }

  /** Shorthand for a route that needs a bearer token. */
  authed(method: string, path: string, handler: (ctx: AuthedCtx) => void | Promise<void>): void {
    this.add(method, path, (ctx) => (ctx.auth ? handler(ctx as AuthedCtx) : sendError(ctx.res, 401, 'Authorization required.')));
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) {
        continue;
      }
      const m = route.pattern.exec(path);
      if (m) {
        const params: Record<string, string> = {};
        route.keys.forEach((k, i) => {
          const raw = m[i + 1] ?? '';
          try {
            params[k] = decodeURIComponent(raw);
          } catch {
            params[k] = raw;
          }
        });
        return { route, params };
      }
    }
    return undefined;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

/** A small error body with both keys clients read (`message ?? error`, docs/appcircle-api.md §5). */
export function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { message, error: message }, headers);
}

/** Form body (x-www-form-urlencoded), or JSON, or nothing; never rejects (§7.1-7.2). */
export function parseBody(body: string, contentType: string | undefined): Record<string, string> {
  const t = body.trim();
  if (!t || t === '{}') {
    return {};
  }
  if ((contentType ?? '').includes('json') || t.startsWith('{')) {
    try {
      const v = JSON.parse(t) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]));
      }
      return {};
    } catch {
      // fall through to form parsing
    }
  }
  return Object.fromEntries(new URLSearchParams(t));
}

/** A JSON object body (control routes, JSON API bodies); `undefined` when the body is not a JSON object. */
export function parseJsonObject(body: string): Record<string, unknown> | undefined {
  if (!body.trim()) {
    return {};
  }
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
