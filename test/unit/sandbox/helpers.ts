/** Plain-HTTP helpers for the sandbox tests (Node fetch only; none of the extension's code). */
import { DEMO_PAT } from '../../../sandbox/fixtures';

export const CLI_UA = 'Appcircle CLI/1.0.3';
/** What axios sends by default (the CLI's token calls use it). */
export const AXIOS_UA = 'axios/1.7.9';
export const FORM = 'application/x-www-form-urlencoded';

export const form = (o: Record<string, string>): string => new URLSearchParams(o).toString();

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

/** One request; the body is parsed as JSON when it is JSON, else left as text. */
export async function call<T = Record<string, unknown>>(url: string, init: RequestInit = {}): Promise<Reply<T>> {
  const r = await fetch(url, init);
  const text = await r.text();
  let json: unknown = undefined;
  if ((r.headers.get('content-type') ?? '').includes('json')) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: r.status, headers: r.headers, text, json: json as T };
}

/** A token call exactly as CLI 2.7.3 sends it: form body, `Accept: application/json`, axios UA, no Authorization. */
export function postToken(
  authUrl: string,
  path: string,
  body: Record<string, string>,
): Promise<Reply<{ access_token: string; expires_in: number; token_type: string; error?: string; message?: string }>> {
  return call(`${authUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': FORM, Accept: 'application/json', 'User-Agent': AXIOS_UA },
    body: form(body),
  });
}

export async function patToken(authUrl: string, pat = DEMO_PAT): Promise<string> {
  const r = await postToken(authUrl, '/auth/v1/token', { pat });
  if (r.status !== 200) {
    throw new Error(`token: ${r.status} ${r.text}`);
  }
  return r.json.access_token;
}

/** An API call with the CLI's headers. */
export function apiGet<T = Record<string, unknown>>(
  apiUrl: string,
  path: string,
  token: string,
  extra: Record<string, string> = {},
): Promise<Reply<T>> {
  return call<T>(`${apiUrl}/${path.replace(/^\//, '')}`, {
    headers: { Authorization: `Bearer ${token}`, accept: 'application/json', 'User-Agent': CLI_UA, ...extra },
  });
}

export function claims(token: string): Record<string, unknown> {
  const p = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Waits for a condition (polling), failing with `what` after `timeoutMs`. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for: ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
