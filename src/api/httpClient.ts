/**
 * The axios client (STYLE.md §2): base URL with optional path prefix, timeout, bearer hook with one re-mint on
 * 401, Authorization only to the configured origin, typed errors, and one redacted log line per request.
 */
import axios from 'axios';
import type { AxiosAdapter, AxiosRequestConfig, AxiosResponse } from 'axios';
import { ApiError, kindForNetworkCode, kindForStatus, parseRetryAfter } from './errors';
import { redact } from './redact';

export interface HttpLogger {
  trace?(m: string): void;
  debug(m: string): void;
  info(m: string): void;
  warn(m: string): void;
  error(m: string): void;
}

export type Params = Record<string, string | number | undefined>;

export interface RequestOptions {
  params?: Params;
  signal?: AbortSignal;
  /** Extra request headers (e.g. `Range`); never Authorization. */
  headers?: Record<string, string>;
}

export interface PostOptions extends RequestOptions {
  form?: Record<string, string>;
  json?: unknown;
}

export interface StreamResult {
  stream: NodeJS.ReadableStream;
  contentLength?: number;
  contentType?: string;
  /** 200, or 206 for a partial answer to a Range request. */
  status: number;
  contentRange?: string;
}

export interface ApiClientOptions {
  baseUrl: string;
  timeoutMs?: number;
  getToken: (opts: { forceRefresh: boolean }) => Promise<string>;
  logger?: HttpLogger;
  adapter?: AxiosAdapter;
  allowInsecureHttp?: boolean;
  userAgent?: string;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** Throws ApiError('insecureUrl') for anything but https, or http to loopback (unless allowed). */
export function checkUrlAllowed(url: string, allowInsecureHttp: boolean): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ApiError({ kind: 'insecureUrl', method: 'CHECK', path: 'invalid URL' });
  }
  if (u.username || u.password) {
    throw new ApiError({ kind: 'insecureUrl', method: 'CHECK', path: 'URL with credentials' });
  }
  if (u.protocol === 'https:') {
    return;
  }
  if (u.protocol === 'http:' && (allowInsecureHttp || LOOPBACK.test(u.hostname))) {
    return;
  }
  throw new ApiError({ kind: 'insecureUrl', method: 'CHECK', path: `${u.protocol}//${u.hostname}` });
}

export function normalizeBase(base: string): string {
  return base.trim().replace(/\/+$/, '');
}

/** Host (+ prefix) joined to a relative or absolute path with exactly one '/'. */
export function joinUrl(base: string, path: string): string {
  return `${normalizeBase(base)}/${path.replace(/^\/+/, '')}`;
}

interface SendOptions {
  method: 'GET' | 'POST';
  url: string;
  /** For logs and errors: the path without host and query. */
  path: string;
  params?: Params;
  form?: Record<string, string>;
  json?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  token?: string;
  responseType: 'json' | 'text' | 'stream';
  timeoutMs: number;
  adapter?: AxiosAdapter;
  userAgent: string;
  logger?: HttpLogger;
}

function cleanParams(params: Params | undefined): Record<string, string | number> | undefined {
  if (!params) {
    return undefined;
  }
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined) {
      out[k] = v;
    }
  }
  return out;
}

/** One HTTP exchange with typed errors and a redacted log line. Shared by ApiClient and AuthApi. */
export async function send<T>(o: SendOptions): Promise<{ data: T; response: AxiosResponse }> {
  const started = Date.now();
  const origin = new URL(o.url).origin;
  const headers: Record<string, string> = { Accept: o.responseType === 'json' ? 'application/json' : '*/*', 'User-Agent': o.userAgent, ...o.headers };
  if (o.token !== undefined) {
    headers.Authorization = `Bearer ${o.token}`;
  }
  let data: unknown;
  if (o.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    data = new URLSearchParams(o.form).toString() || '{}';
  } else if (o.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    data = JSON.stringify(o.json);
  }
  const config: AxiosRequestConfig = {
    method: o.method,
    url: o.url,
    params: cleanParams(o.params),
    data,
    headers,
    timeout: o.timeoutMs,
    signal: o.signal,
    responseType: o.responseType === 'stream' ? 'stream' : 'text',
    transformResponse: (x: unknown) => x,
    validateStatus: () => true,
    maxRedirects: 5,
    // never carry the bearer token to another origin
    beforeRedirect: (options: Record<string, unknown>) => {
      const port = typeof options.port === 'string' || typeof options.port === 'number' ? `:${options.port}` : '';
      const target = `${String(options.protocol)}//${String(options.hostname)}${port}`;
      if (new URL(target).origin !== origin) {
        const h = options.headers as Record<string, unknown> | undefined;
        if (h) {
          for (const k of Object.keys(h)) {
            if (k.toLowerCase() === 'authorization') {
              delete h[k];
            }
          }
        }
      }
    },
    adapter: o.adapter,
    proxy: false,
  };
  const label = `${o.method} ${o.path}`;
  let response: AxiosResponse;
  try {
    response = await axios.request(config);
  } catch (e) {
    const err = e as { code?: string; message?: string; response?: AxiosResponse };
    if (err.response) {
      response = err.response; // a test adapter that rejects non-2xx itself
    } else {
      const kind = axios.isCancel(e) || o.signal?.aborted ? 'canceled' : kindForNetworkCode(err.code, err.message);
      o.logger?.warn(redact(`${label} → ${kind}${err.code ? ` (${err.code})` : ''} after ${Date.now() - started} ms`));
      throw new ApiError({ kind, method: o.method, path: o.path, cause: e });
    }
  }
  const ms = Date.now() - started;
  const status = response.status;
  const contentType = String(response.headers['content-type'] ?? '');
  if (status >= 200 && status < 300) {
    if (o.responseType === 'stream') {
      o.logger?.debug(`${label} → ${status} (${ms} ms, stream)`);
      return { data: response.data as T, response };
    }
    const text = typeof response.data === 'string' ? response.data : Buffer.isBuffer(response.data) ? response.data.toString('utf8') : String(response.data ?? '');
    if (o.responseType === 'text') {
      if (/text\/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(text)) {
        o.logger?.warn(`${label} → ${status} HTML page instead of text (${ms} ms)`);
        throw new ApiError({ kind: 'htmlResponse', method: o.method, path: o.path, status });
      }
      o.logger?.debug(`${label} → ${status} (${ms} ms, ${text.length} chars)`);
      return { data: text as T, response };
    }
    if (/text\/html/i.test(contentType) || /^\s*</.test(text)) {
      o.logger?.warn(`${label} → ${status} HTML page instead of JSON (${ms} ms)`);
      throw new ApiError({ kind: 'htmlResponse', method: o.method, path: o.path, status });
    }
    try {
      const parsed = (text.trim() === '' ? undefined : JSON.parse(text)) as T;
      o.logger?.debug(`${label} → ${status} (${ms} ms)`);
      return { data: parsed, response };
    } catch {
      o.logger?.warn(`${label} → ${status} malformed JSON (${ms} ms)`);
      throw new ApiError({ kind: 'malformedResponse', method: o.method, path: o.path, status });
    }
  }
  const body = await readErrorBody(response, o.responseType);
  const kind = kindForStatus(status);
  const retryAfterMs = parseRetryAfter(headerValue(response.headers['retry-after']), Date.now());
  const serverMessage = body ? redact(body.message ?? body.error ?? '').slice(0, 300) || undefined : undefined;
  const isInvalidOrganizationId = status === 400 && /must be a valid GUID/i.test(`${body?.error ?? ''} ${body?.message ?? ''}`);
  // 416 answers a Range request for a log that has not grown: routine while following a build
  o.logger?.[status >= 500 ? 'warn' : status === 416 ? 'debug' : 'info'](`${label} → ${status} ${kind}${serverMessage ? `: ${serverMessage}` : ''} (${ms} ms)`);
  throw new ApiError({ kind, method: o.method, path: o.path, status, serverMessage, retryAfterMs, isInvalidOrganizationId });
}

function headerValue(v: unknown): string | undefined {
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
}

async function readErrorBody(response: AxiosResponse, type: SendOptions['responseType']): Promise<{ message?: string; error?: string } | undefined> {
  let text: string;
  if (type === 'stream') {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const c of response.data as AsyncIterable<Buffer>) {
        size += c.length;
        if (size < 64 * 1024) {
          chunks.push(Buffer.from(c));
        }
      }
    } catch {
      return undefined;
    }
    text = Buffer.concat(chunks).toString('utf8');
  } else {
    text = typeof response.data === 'string' ? response.data : '';
  }
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      return { message: typeof o.message === 'string' ? o.message : undefined, error: typeof o.error === 'string' ? o.error : undefined };
    }
  } catch {
    // not JSON (an HTML error page from a proxy): no server message
  }
  return undefined;
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly userAgent: string;

  constructor(private readonly o: ApiClientOptions) {
    this.baseUrl = normalizeBase(o.baseUrl);
    this.timeoutMs = o.timeoutMs ?? 30_000;
    this.userAgent = o.userAgent ?? 'appcircle-vscode';
  }

  async get<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    return this.authed<T>('GET', path, opts, 'json');
  }

  async post<T>(path: string, opts: PostOptions = {}): Promise<T> {
    return this.authed<T>('POST', path, opts, 'json');
  }

  async getText(path: string, opts: RequestOptions = {}): Promise<string> {
    return this.authed<string>('GET', path, opts, 'text');
  }

  async getStream(path: string, opts: RequestOptions = {}): Promise<StreamResult> {
    const { data, response } = await this.authedRaw<NodeJS.ReadableStream>('GET', path, opts, 'stream');
    const len = Number(response.headers['content-length']);
    return {
      stream: data,
      contentLength: Number.isFinite(len) && len > 0 ? len : undefined,
      contentType: headerValue(response.headers['content-type']),
      status: response.status,
      contentRange: headerValue(response.headers['content-range']),
    };
  }

  private async authed<T>(method: 'GET' | 'POST', path: string, opts: PostOptions, type: 'json' | 'text'): Promise<T> {
    return (await this.authedRaw<T>(method, path, opts, type)).data;
  }

  /**
   * Sends with the current token; on 401 asks for a fresh one once and retries. This holds for POSTs that
   * start builds too: a 401 means the server did not act on the request. Nothing else is retried here.
   */
  private async authedRaw<T>(method: 'GET' | 'POST', path: string, opts: PostOptions, type: SendOptions['responseType']): Promise<{ data: T; response: AxiosResponse }> {
    const url = joinUrl(this.baseUrl, path);
    checkUrlAllowed(url, this.o.allowInsecureHttp ?? false);
    const cleanPath = path.replace(/^\/+/, '').split('?')[0] ?? path;
    const attempt = async (forceRefresh: boolean) =>
      send<T>({
        method,
        url,
        path: cleanPath,
        params: opts.params,
        form: opts.form,
        json: opts.json,
        signal: opts.signal,
        headers: opts.headers,
        token: await this.o.getToken({ forceRefresh }),
        responseType: type,
        timeoutMs: this.timeoutMs,
        adapter: this.o.adapter,
        userAgent: this.userAgent,
        logger: this.o.logger,
      });
    try {
      return await attempt(false);
    } catch (e) {
      if (e instanceof ApiError && e.kind === 'unauthorized') {
        this.o.logger?.info(`${method} ${cleanPath} → 401: renewing the access token once`);
        return attempt(true);
      }
      throw e;
    }
  }
}
