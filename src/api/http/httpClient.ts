/**
 * The axios client (ARCHITECTURE.md §3): base URL with optional path prefix, timeout, bearer hook with one re-mint on
 * 401, Authorization only to the configured origin, typed errors, and one redacted log line per request. send() is
 * one exchange: the request and the redirects it may follow (here), then its answer read (response.ts: readSuccess
 * or toApiError). The URL policy is in url.ts, the body readers in body.ts.
 */
import type { AxiosRequestConfig, AxiosResponse, AxiosStatic } from 'axios';
import { destroyQuietly, MAX_TIMER_MS } from './body';
import type { HttpLogger } from './body';
import { ApiError, kindForNetworkCode } from './errors';
import { redact } from './redact';
import { headerValue, readSuccess, toApiError } from './response';
import type { Exchange, Wanted } from './response';
import { checkRedirectAllowed, checkUrlAllowed, joinUrl, normalizeBase, redirectTargetOf } from './url';

/**
 * axios on the first request, not when features.js loads: its Node build loads http, https, zlib and more (about
 * 25 ms of a fresh process), which a first command that sends nothing (Show Log, a view while signed out) need not
 * pay. esbuild bundles this require into features.js and runs the module at the first call.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy, synchronous load is the point
const axios = (): AxiosStatic => require('axios') as AxiosStatic;

export type Params = Record<string, string | number | undefined>;

export type HttpMethod = 'GET' | 'POST' | 'PATCH';

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

export interface ApiClientOptions extends RequestLimits {
  baseUrl: string;
  getToken: (opts: { forceRefresh: boolean }) => Promise<string>;
  logger?: HttpLogger;
  allowInsecureHttp?: boolean;
  userAgent?: string;
}

/** Limits of one request: an idle timer, an overall deadline, a body size limit. */
export interface RequestLimits {
  /** No byte for this long (connect, headers or body): 'timeout'. Default 30 s. */
  timeoutMs?: number;
  /** The whole exchange of a JSON or text request, headers and body: 'timeout'. Default twice `timeoutMs`. */
  deadlineMs?: number;
  /** A streamed body (logs, artifacts) from its first byte to its end. Default 1 hour. */
  streamDeadlineMs?: number;
  /** JSON bodies above this size are refused ('tooLarge'). Default 32 MB. */
  maxJsonBytes?: number;
  /** Text bodies (a log read whole) above this size are refused. Default 64 MB. */
  maxTextBytes?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_STREAM_DEADLINE_MS = 60 * 60_000;
export const DEFAULT_MAX_JSON_BYTES = 32 * 1024 * 1024;
export const DEFAULT_MAX_TEXT_BYTES = 64 * 1024 * 1024;
/** Redirects an API GET may follow, each target checked like a configured URL. */
export const MAX_REDIRECTS = 5;

interface SendOptions extends RequestLimits {
  method: HttpMethod;
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
  userAgent: string;
  logger?: HttpLogger;
  /**
   * Follow a 3xx (GET only), each target checked like a configured URL (https, or http to loopback), the token
   * dropped on another origin. Off (the default) a 3xx is a 'redirected' error naming the target: token routes
   * never follow redirects, so a credential in a form body is never re-posted elsewhere.
   */
  followRedirects?: boolean;
  allowInsecureHttp?: boolean;
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

/** One exchange under way: what reading its answer needs (response.ts), its options, its first origin. */
interface Running extends Exchange {
  readonly options: SendOptions;
  /** The first request's origin: a redirect elsewhere drops the token. */
  readonly firstOrigin: string;
  /** Clears the deadline and lets go of the caller's signal. */
  done(): void;
}

/** The exchange's clock and its signal: aborted when the deadline passes or the caller aborts. */
function startExchange(options: SendOptions): Running {
  const started = Date.now();
  const firstOrigin = new URL(options.url).origin;
  const ac = new AbortController();
  let timedOut = false;
  const deadline = setTimeout(
    () => {
      timedOut = true;
      ac.abort();
    },
    Math.min(options.deadlineMs ?? 2 * options.timeoutMs, MAX_TIMER_MS),
  );
  const onOuterAbort = () => ac.abort();
  options.signal?.addEventListener('abort', onOuterAbort);
  if (options.signal?.aborted) {
    ac.abort();
  }
  return {
    options,
    method: options.method,
    path: options.path,
    label: `${options.method} ${options.path}`,
    started,
    idleMs: options.timeoutMs,
    logger: options.logger,
    firstOrigin,
    signal: ac.signal,
    abortKind: () => (timedOut ? 'timeout' : 'canceled'),
    done: () => {
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', onOuterAbort);
    },
  };
}

/**
 * One HTTP exchange with typed errors and a redacted log line. Shared by ApiClient and AuthApi. Every request has
 * an idle timer and an overall deadline; JSON and text bodies are read whole within both and a size limit, so a
 * body cut off, stalled or trickled after the headers is an error, never an empty success.
 */
export async function send<T>(options: SendOptions): Promise<{ data: T; response: AxiosResponse }> {
  const x = startExchange(options);
  try {
    const response = await followRedirects(x);
    if (response.status >= 200 && response.status < 300) {
      return { data: (await readSuccess(x, response, wanted(options))) as T, response };
    }
    throw await toApiError(x, response);
  } finally {
    x.done();
  }
}

/** What the 2xx body is read as, with its limits. */
function wanted(options: SendOptions): Wanted {
  return options.responseType === 'stream'
    ? { type: 'stream', deadlineMs: options.streamDeadlineMs ?? DEFAULT_STREAM_DEADLINE_MS, signal: options.signal }
    : {
        type: options.responseType,
        limit:
          options.responseType === 'json'
            ? (options.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES)
            : (options.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES),
      };
}

/** The request's headers (Authorization apart) and its encoded body. */
function encodeRequest(options: SendOptions): { headers: Record<string, string>; data: unknown } {
  const headers: Record<string, string> = {
    Accept: options.responseType === 'json' ? 'application/json' : '*/*',
    'User-Agent': options.userAgent,
    ...options.headers,
  };
  let data: unknown;
  if (options.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    data = new URLSearchParams(options.form).toString() || '{}';
  } else if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    data = JSON.stringify(options.json);
  }
  return { headers, data };
}

/** Where one request of the exchange goes: the first URL, or a redirect's target (which carries its own query). */
interface Hop {
  url: string;
  params?: Record<string, string | number>;
  token?: string;
}

/**
 * The request and the 3xx answers it may follow (SendOptions.followRedirects), each target checked: the final
 * answer, its body unread.
 */
async function followRedirects(x: Running): Promise<AxiosResponse> {
  const request = encodeRequest(x.options);
  let hop: Hop = { url: x.options.url, params: cleanParams(x.options.params), token: x.options.token };
  for (let n = 0; ; n++) {
    const response = await requestOnce(x, hop, request);
    const location = headerValue(response.headers.location);
    if (response.status < 300 || response.status >= 400 || !location) {
      return response;
    }
    destroyQuietly(response.data);
    const target = redirectTargetOf(location, hop.url);
    const url = redirectToFollow(x, response.status, target, n);
    x.options.logger?.debug(`${x.label} → ${response.status} redirect to ${target.shown}`);
    // never carry the bearer token to another origin
    hop = { url: url.href, params: undefined, token: url.origin === x.firstOrigin ? hop.token : undefined };
  }
}

/** One request of the exchange; a rejection (the network's, or an abort) as a typed error. */
async function requestOnce(x: Running, hop: Hop, request: { headers: Record<string, string>; data: unknown }): Promise<AxiosResponse> {
  const headers = { ...request.headers };
  if (hop.token !== undefined) {
    headers.Authorization = `Bearer ${hop.token}`;
  }
  const config: AxiosRequestConfig = {
    method: x.options.method,
    url: hop.url,
    params: hop.params,
    data: request.data,
    headers,
    timeout: x.options.timeoutMs,
    signal: x.signal,
    responseType: 'stream',
    transformResponse: (v: unknown) => v,
    validateStatus: () => true,
    // redirects are followed by followRedirects, each target checked; never by axios
    maxRedirects: 0,
    proxy: false,
  };
  try {
    return await axios().request(config);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    // validateStatus accepts every status, so a rejection is the network's (or a cancel)
    const kind = axios().isCancel(e) || x.signal.aborted ? x.abortKind() : kindForNetworkCode(err.code, err.message);
    x.options.logger?.warn(redact(`${x.label} → ${kind}${err.code ? ` (${err.code})` : ''} after ${Date.now() - x.started} ms`));
    throw new ApiError({ kind, method: x.options.method, path: x.options.path, cause: e });
  }
}

/** The URL of a redirect to follow; a typed error for one that must not be followed, or whose target is refused. */
function redirectToFollow(x: Running, status: number, target: ReturnType<typeof redirectTargetOf>, hop: number): URL {
  const { method, path } = x.options;
  if (!x.options.followRedirects || method !== 'GET' || !target.url || hop >= MAX_REDIRECTS) {
    x.options.logger?.warn(`${x.label} → ${status} redirect to ${target.shown}, not followed`);
    throw new ApiError({ kind: 'redirected', method, path, status, redirectTarget: target.shown });
  }
  try {
    checkRedirectAllowed(target.url.href, x.options.url, x.options.allowInsecureHttp ?? false);
  } catch (e) {
    const toLoopback = e instanceof ApiError && e.kind === 'redirected';
    x.options.logger?.warn(
      `${x.label} → ${status} redirect to ${target.shown} refused (${toLoopback ? 'this machine, from a remote server' : 'not https, nor http to this machine'})`,
    );
    throw new ApiError({ kind: toLoopback ? 'redirected' : 'insecureUrl', method, path, status, redirectTarget: target.shown });
  }
  return target.url;
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly userAgent: string;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = normalizeBase(options.baseUrl);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.userAgent = options.userAgent ?? 'appcircle-vscode';
  }

  /** For a request this client does not send itself (the signed-URL upload to storage, uploadApi.ts). */
  get transport(): { apiBase: string; allowInsecureHttp: boolean; logger?: HttpLogger } {
    return { apiBase: this.baseUrl, allowInsecureHttp: this.options.allowInsecureHttp ?? false, logger: this.options.logger };
  }

  async get<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    return this.authed<T>('GET', path, opts, 'json');
  }

  async post<T>(path: string, opts: PostOptions = {}): Promise<T> {
    return this.authed<T>('POST', path, opts, 'json');
  }

  /** PATCH with a JSON body (distribution and store `?action=` writes); never retried. */
  async patch<T>(path: string, opts: PostOptions = {}): Promise<T> {
    return this.authed<T>('PATCH', path, opts, 'json');
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

  private async authed<T>(method: HttpMethod, path: string, opts: PostOptions, type: 'json' | 'text'): Promise<T> {
    return (await this.authedRaw<T>(method, path, opts, type)).data;
  }

  /**
   * Sends with the current token; on 401 asks for a fresh one once and retries. This holds for POSTs that
   * start builds too: a 401 means the server did not act on the request. Nothing else is retried here.
   */
  private async authedRaw<T>(
    method: HttpMethod,
    path: string,
    opts: PostOptions,
    type: SendOptions['responseType'],
  ): Promise<{ data: T; response: AxiosResponse }> {
    const url = joinUrl(this.baseUrl, path);
    checkUrlAllowed(url, this.options.allowInsecureHttp ?? false);
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
        token: await this.options.getToken({ forceRefresh }),
        responseType: type,
        timeoutMs: this.timeoutMs,
        deadlineMs: this.options.deadlineMs,
        streamDeadlineMs: this.options.streamDeadlineMs,
        maxJsonBytes: this.options.maxJsonBytes,
        maxTextBytes: this.options.maxTextBytes,
        userAgent: this.userAgent,
        logger: this.options.logger,
        followRedirects: true,
        allowInsecureHttp: this.options.allowInsecureHttp,
      });
    try {
      return await attempt(false);
    } catch (e) {
      if (e instanceof ApiError && e.kind === 'unauthorized') {
        this.options.logger?.info(`${method} ${cleanPath} → 401: renewing the access token once`);
        try {
          return await attempt(true);
        } catch (e2) {
          // refused even with a fresh token: this endpoint refuses, the credential itself was just accepted
          throw e2 instanceof ApiError && e2.kind === 'unauthorized' ? e2.withAfterRenewal() : e2;
        }
      }
      throw e;
    }
  }
}
