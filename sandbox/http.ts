/** Tiny router and helpers for the sandbox (Node http only). */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Path without prefix and query, with a leading '/' and collapsed '//' (appcircle-api.md §7.16). */
  path: string;
  query: URLSearchParams;
  body: string;
  params: Record<string, string>;
  /** Claims of a valid bearer token (API routes only). */
  auth?: { sub: string; email?: string; orgId: string; cred: string };
}

export type Handler = (ctx: Ctx) => void | Promise<void>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
  /** API routes need a bearer token; auth routes and control routes do not. */
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

  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) {
        continue;
      }
      const m = route.pattern.exec(path);
      if (m) {
        const params: Record<string, string> = {};
        route.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1] ?? '')));
        return { route, params };
      }
    }
    return undefined;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { message, error: message });
}

/** Form body (x-www-form-urlencoded), or JSON, or nothing; never rejects (§7.1-7.2). */
export function parseBody(body: string, contentType: string | undefined): Record<string, string> {
  const t = body.trim();
  if (!t || t === '{}') {
    return {};
  }
  if ((contentType ?? '').includes('json') || t.startsWith('{')) {
    try {
      const v = JSON.parse(t) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]));
    } catch {
      // fall through to form parsing
    }
  }
  return Object.fromEntries(new URLSearchParams(t));
}

export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
