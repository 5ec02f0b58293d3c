/**
 * The axios client (ARCHITECTURE.md §3): base URL with optional path prefix, timeout, bearer hook with one re-mint on
 * 401, Authorization only to the configured origin, typed errors, and one redacted log line per request.
 */
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type * as Stream from 'node:stream';
import { ApiError, kindForNetworkCode, kindForStatus, parseRetryAfter } from './errors';
import type { ApiErrorKind } from './errors';
import { loadAxios } from './lazyAxios';
import { redact, redactUrl } from './redact';

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

export interface ApiClientOptions extends RequestLimits {
  baseUrl: string;
  getToken: (opts: { forceRefresh: boolean }) => Promise<string>;
  logger?: HttpLogger;
  allowInsecureHttp?: boolean;
  userAgent?: string;
}

/** node:stream on first use, not at activation (a fresh process spends ~3 ms loading it). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeStream = (): typeof Stream => require('node:stream') as typeof Stream;

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/**
 * This machine, however spelled after URL parsing (which turns `127.1` and `2130706433` into `127.0.0.1`):
 * `localhost` and `*.localhost`, 127/8, `0.0.0.0`, `::1`, `::`, and IPv4-mapped loopback (`::ffff:7f00:1`).
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '0.0.0.0' || h === '::1' || h === '::') {
    return true;
  }
  if (/^127(?:\.\d{1,3}){3}$/.test(h)) {
    return true;
  }
  // the URL parser writes IPv6 in its shortest form: an IPv4-mapped 127.x.y.z is `::ffff:7fxx:yyzz`
  return h.startsWith('::ffff:') && (/^7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(h.slice(7)) || /^127(?:\.\d{1,3}){3}$/.test(h.slice(7)));
}

/**
 * The URL policy of a redirect (N11): the target must pass checkUrlAllowed, and it may point at this machine only
 * when the configured base (the first request's URL) is this machine too, so a remote server cannot make the
 * extension send requests to local services. Throws ApiError('redirected') for a loopback target of a remote base.
 */
export function checkRedirectAllowed(target: string, firstUrl: string, allowInsecureHttp: boolean): void {
  checkUrlAllowed(target, allowInsecureHttp);
  let t: URL;
  let first: URL;
  try {
    t = new URL(target);
    first = new URL(firstUrl);
  } catch {
    throw new ApiError({ kind: 'insecureUrl', method: 'CHECK', path: 'invalid URL' });
  }
  if (isLoopbackHost(t.hostname) && !isLoopbackHost(first.hostname)) {
    throw new ApiError({ kind: 'redirected', method: 'CHECK', path: 'redirect to this machine' });
  }
}

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
/** setTimeout's largest delay; anything longer fires at once in Node. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface SendOptions extends RequestLimits {
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

/** Why a body read ended early. */
class BodyProblem extends Error {
  constructor(
    readonly why: 'idle' | 'tooLarge' | 'cut' | 'aborted',
    override readonly cause?: unknown,
  ) {
    super(
      why === 'idle'
        ? 'the body stalled'
        : why === 'tooLarge'
          ? 'the body is too large'
          : why === 'cut'
            ? 'the connection closed in the middle of the body'
            : 'aborted',
    );
    this.name = 'BodyProblem';
  }
}

function isReadable(v: unknown): v is NodeJS.ReadableStream & { destroy?(e?: Error): void } {
  return (
    !!v && typeof v === 'object' && typeof (v as { on?: unknown }).on === 'function' && typeof (v as { pipe?: unknown }).pipe === 'function'
  );
}

function destroyQuietly(v: unknown): void {
  if (isReadable(v)) {
    v.on('error', () => undefined);
    v.destroy?.();
  }
}

/**
 * Reads a whole body with an idle timer, a size limit and an abort signal. A connection that closes before the
 * body's end (a cut chunked body, a short Content-Length) is a 'cut', never an empty success. With `truncate`,
 * a body over the limit is cut at the limit instead (error bodies).
 */
function readBody(src: unknown, options: { limit: number; idleMs: number; signal: AbortSignal; truncate?: boolean }): Promise<Buffer> {
  if (typeof src === 'string' || Buffer.isBuffer(src)) {
    const b = Buffer.isBuffer(src) ? src : Buffer.from(src, 'utf8');
    if (b.length > options.limit && !options.truncate) {
      return Promise.reject(new BodyProblem('tooLarge'));
    }
    return Promise.resolve(options.truncate ? b.subarray(0, options.limit) : b);
  }
  if (!isReadable(src)) {
    return Promise.resolve(Buffer.alloc(0));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const finish = (err: Error | undefined) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(idle);
      options.signal.removeEventListener('abort', onAbort);
      if (err) {
        destroyQuietly(src);
        // our own abort (deadline, caller) also errors the stream first: report the abort, not a cut
        reject(
          options.signal.aborted && !(err instanceof BodyProblem && (err.why === 'tooLarge' || err.why === 'idle'))
            ? new BodyProblem('aborted')
            : err,
        );
      } else {
        resolve(Buffer.concat(chunks));
      }
    };
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => finish(new BodyProblem('idle')), Math.min(options.idleMs, MAX_TIMER_MS));
    };
    const onAbort = () => finish(new BodyProblem('aborted'));
    options.signal.addEventListener('abort', onAbort);
    if (options.signal.aborted) {
      onAbort();
      return;
    }
    arm();
    src.on('data', (c: Buffer | string) => {
      const b = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
      size += b.length;
      if (size > options.limit) {
        if (options.truncate) {
          chunks.push(b.subarray(0, b.length - (size - options.limit)));
          finish(undefined);
          destroyQuietly(src);
          return;
        }
        finish(new BodyProblem('tooLarge'));
        return;
      }
      chunks.push(b);
      arm();
    });
    src.on('end', () => finish(undefined));
    src.on('error', (e: unknown) => finish(new BodyProblem('cut', e)));
    src.on('aborted', () => finish(new BodyProblem('cut')));
    src.on('close', () => finish(new BodyProblem('cut')));
  });
}

/**
 * A streamed body (logs, artifacts) passed through a guard: a stall longer than the idle timer or a body past the
 * stream deadline ends as 'timeout', a connection cut before the end as 'network', both as ApiError on the stream.
 */
function guardStream(
  src: NodeJS.ReadableStream & { destroy?(e?: Error): void },
  options: { idleMs: number; deadlineMs: number; signal?: AbortSignal; method: string; path: string; logger?: HttpLogger },
): NodeJS.ReadableStream {
  const out = new (nodeStream().PassThrough)();
  // a consumer that has not attached yet (or went away) must not turn a stall into an uncaught 'error'
  out.on('error', () => undefined);
  let ended = false;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const fail = (kind: ApiErrorKind, why: string, cause?: unknown) => {
    if (ended) {
      return;
    }
    ended = true;
    cleanup();
    options.logger?.warn(`${options.method} ${options.path} → ${kind}: ${why}`);
    destroyQuietly(src);
    out.destroy(new ApiError({ kind, method: options.method, path: options.path, cause }));
  };
  const deadline = setTimeout(() => fail('timeout', 'the body took longer than the deadline'), Math.min(options.deadlineMs, MAX_TIMER_MS));
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => fail('timeout', 'the body stalled'), Math.min(options.idleMs, MAX_TIMER_MS));
  };
  const onAbort = () => fail('canceled', 'canceled');
  const cleanup = () => {
    clearTimeout(idle);
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onAbort);
  };
  options.signal?.addEventListener('abort', onAbort);
  arm();
  src.on('data', arm);
  src.on('end', () => {
    ended = true;
    cleanup();
  });
  src.on('error', (e: unknown) => fail('network', 'the connection broke in the middle of the body', e));
  src.on('aborted', () => fail('network', 'the connection closed in the middle of the body'));
  src.on('close', () => fail('network', 'the connection closed in the middle of the body'));
  // the consumer went away (destroyed its end): stop reading and the timers
  out.on('close', () => {
    if (!ended) {
      ended = true;
      cleanup();
      destroyQuietly(src);
    }
  });
  src.pipe(out);
  return out;
}

/** The 3xx target, resolved against the request URL; shown without query (it may carry anything). */
function redirectTargetOf(location: string, base: string): { url: URL | undefined; shown: string } {
  try {
    const u = new URL(location, base);
    return { url: u, shown: redactUrl(`${u.protocol}//${u.host}${u.pathname}`) };
  } catch {
    return { url: undefined, shown: redact(location.split('?')[0] ?? '').slice(0, 200) };
  }
}

/**
 * One HTTP exchange with typed errors and a redacted log line. Shared by ApiClient and AuthApi. Every request has
 * an idle timer and an overall deadline; JSON and text bodies are read whole within both and a size limit, so a
 * body cut off, stalled or trickled after the headers is an error, never an empty success.
 */
export async function send<T>(options: SendOptions): Promise<{ data: T; response: AxiosResponse }> {
  const started = Date.now();
  const firstOrigin = new URL(options.url).origin;
  const label = `${options.method} ${options.path}`;
  const idleMs = options.timeoutMs;
  const deadlineMs = options.deadlineMs ?? 2 * options.timeoutMs;
  const ac = new AbortController();
  let timedOut = false;
  const deadline = setTimeout(
    () => {
      timedOut = true;
      ac.abort();
    },
    Math.min(deadlineMs, MAX_TIMER_MS),
  );
  const onOuterAbort = () => ac.abort();
  options.signal?.addEventListener('abort', onOuterAbort);
  if (options.signal?.aborted) {
    ac.abort();
  }
  const done = () => {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onOuterAbort);
  };
  const abortKind = (): ApiErrorKind => (timedOut ? 'timeout' : 'canceled');
  try {
    let data: unknown;
    const baseHeaders: Record<string, string> = {
      Accept: options.responseType === 'json' ? 'application/json' : '*/*',
      'User-Agent': options.userAgent,
      ...options.headers,
    };
    if (options.form) {
      baseHeaders['Content-Type'] = 'application/x-www-form-urlencoded';
      data = new URLSearchParams(options.form).toString() || '{}';
    } else if (options.json !== undefined) {
      baseHeaders['Content-Type'] = 'application/json';
      data = JSON.stringify(options.json);
    }
    let url = options.url;
    let params = cleanParams(options.params);
    let token = options.token;
    let response: AxiosResponse;
    for (let hop = 0; ; hop++) {
      const headers = { ...baseHeaders };
      if (token !== undefined) {
        headers.Authorization = `Bearer ${token}`;
      }
      const config: AxiosRequestConfig = {
        method: options.method,
        url,
        params,
        data,
        headers,
        timeout: idleMs,
        signal: ac.signal,
        responseType: 'stream',
        transformResponse: (x: unknown) => x,
        validateStatus: () => true,
        // redirects are followed here, below, each target checked; never by axios
        maxRedirects: 0,
        proxy: false,
      };
      try {
        response = await loadAxios().request(config);
      } catch (e) {
        const err = e as { code?: string; message?: string };
        // validateStatus accepts every status, so a rejection is the network's (or a cancel)
        const kind = loadAxios().isCancel(e) || ac.signal.aborted ? abortKind() : kindForNetworkCode(err.code, err.message);
        options.logger?.warn(redact(`${label} → ${kind}${err.code ? ` (${err.code})` : ''} after ${Date.now() - started} ms`));
        throw new ApiError({ kind, method: options.method, path: options.path, cause: e });
      }
      const location = headerValue(response.headers.location);
      if (response.status < 300 || response.status >= 400 || !location) {
        break;
      }
      destroyQuietly(response.data);
      const target = redirectTargetOf(location, url);
      const status = response.status;
      if (!options.followRedirects || options.method !== 'GET' || !target.url || hop >= MAX_REDIRECTS) {
        options.logger?.warn(`${label} → ${status} redirect to ${target.shown}, not followed`);
        throw new ApiError({ kind: 'redirected', method: options.method, path: options.path, status, redirectTarget: target.shown });
      }
      try {
        checkRedirectAllowed(target.url.href, options.url, options.allowInsecureHttp ?? false);
      } catch (e) {
        const toLoopback = e instanceof ApiError && e.kind === 'redirected';
        options.logger?.warn(
          `${label} → ${status} redirect to ${target.shown} refused (${toLoopback ? 'this machine, from a remote server' : 'not https, nor http to this machine'})`,
        );
        throw new ApiError({
          kind: toLoopback ? 'redirected' : 'insecureUrl',
          method: options.method,
          path: options.path,
          status,
          redirectTarget: target.shown,
        });
      }
      if (target.url.origin !== firstOrigin) {
        token = undefined; // never carry the bearer token to another origin
      }
      options.logger?.debug(`${label} → ${status} redirect to ${target.shown}`);
      url = target.url.href;
      params = undefined; // the Location carries its own query
    }
    const status = response.status;
    const contentType = String(response.headers['content-type'] ?? '');
    const readLimited = async (limit: number, truncate = false): Promise<Buffer> => {
      try {
        return await readBody(response.data, { limit, idleMs, signal: ac.signal, truncate });
      } catch (e) {
        const why = e instanceof BodyProblem ? e.why : 'cut';
        const kind: ApiErrorKind =
          why === 'tooLarge' ? 'tooLarge' : why === 'idle' ? 'timeout' : why === 'aborted' ? abortKind() : 'network';
        const text =
          kind === 'tooLarge'
            ? `body over ${Math.round(limit / 1024 / 1024)} MB, refused`
            : kind === 'timeout'
              ? why === 'idle'
                ? 'the body stalled'
                : 'the deadline passed before the body ended'
              : kind === 'network'
                ? 'the connection closed in the middle of the body'
                : 'canceled';
        options.logger?.warn(`${label} → ${status}, ${text} (${Date.now() - started} ms)`);
        throw new ApiError({
          kind,
          method: options.method,
          path: options.path,
          status,
          limitBytes: kind === 'tooLarge' ? limit : undefined,
          cause: e,
        });
      }
    };
    if (status >= 200 && status < 300) {
      if (options.responseType === 'stream') {
        options.logger?.debug(`${label} → ${status} (${Date.now() - started} ms, stream)`);
        const stream = isReadable(response.data)
          ? guardStream(response.data, {
              idleMs,
              deadlineMs: options.streamDeadlineMs ?? DEFAULT_STREAM_DEADLINE_MS,
              signal: options.signal,
              method: options.method,
              path: options.path,
              logger: options.logger,
            })
          : nodeStream().PassThrough.from([
              Buffer.isBuffer(response.data) ? response.data : Buffer.from(String(response.data ?? ''), 'utf8'),
            ]);
        return { data: stream as T, response };
      }
      const limit =
        options.responseType === 'json'
          ? (options.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES)
          : (options.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES);
      const text = (await readLimited(limit)).toString('utf8');
      const ms = Date.now() - started;
      response.data = text;
      if (options.responseType === 'text') {
        if (/text\/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(text)) {
          options.logger?.warn(`${label} → ${status} HTML page instead of text (${ms} ms)`);
          throw new ApiError({ kind: 'htmlResponse', method: options.method, path: options.path, status, htmlBody: true });
        }
        options.logger?.debug(`${label} → ${status} (${ms} ms, ${text.length} chars)`);
        return { data: text as T, response };
      }
      if (/text\/html/i.test(contentType) || /^\s*</.test(text)) {
        options.logger?.warn(`${label} → ${status} HTML page instead of JSON (${ms} ms)`);
        throw new ApiError({ kind: 'htmlResponse', method: options.method, path: options.path, status, htmlBody: true });
      }
      try {
        const parsed = (text.trim() === '' ? undefined : JSON.parse(text)) as T;
        options.logger?.debug(`${label} → ${status} (${ms} ms)`);
        return { data: parsed, response };
      } catch {
        options.logger?.warn(`${label} → ${status} malformed JSON (${ms} ms)`);
        throw new ApiError({ kind: 'malformedResponse', method: options.method, path: options.path, status });
      }
    }
    const raw = (await readLimited(64 * 1024, true).catch(() => Buffer.alloc(0))).toString('utf8');
    const ms = Date.now() - started;
    const body = parseErrorBody(raw);
    const htmlBody = /text\/html/i.test(contentType) || /^\s*</.test(raw);
    const kind = kindForStatus(status);
    const retryAfterMs = parseRetryAfter(headerValue(response.headers['retry-after']), Date.now());
    const serverMessage = body ? shortServerMessage(body.message ?? body.error ?? '') : undefined;
    const isInvalidOrganizationId = status === 400 && /must be a valid GUID/i.test(`${body?.error ?? ''} ${body?.message ?? ''}`);
    // 416 answers a Range request for a log that has not grown: routine while following a build
    options.logger?.[status >= 500 ? 'warn' : status === 416 ? 'debug' : 'info'](
      `${label} → ${status} ${kind}${htmlBody ? ' (an HTML page, not Appcircle)' : ''}${serverMessage ? `: ${serverMessage}` : ''} (${ms} ms)`,
    );
    throw new ApiError({
      kind,
      method: options.method,
      path: options.path,
      status,
      serverMessage,
      retryAfterMs,
      isInvalidOrganizationId,
      htmlBody,
    });
  } finally {
    done();
  }
}

/** What redact() sees of a server's error message: a 64 KB message costs no more than this. */
export const SERVER_MESSAGE_SCAN_CHARS = 2048;
/** The longest server message kept in an ApiError (and its log line). */
export const SERVER_MESSAGE_MAX_CHARS = 300;

/**
 * A server's error message, bounded before it is redacted: cut to SERVER_MESSAGE_SCAN_CHARS (dropping a word the cut
 * split, which could be part of a secret redact() would not recognise), redacted, then cut to 300 characters.
 */
export function shortServerMessage(message: string): string | undefined {
  let cut = message;
  if (cut.length > SERVER_MESSAGE_SCAN_CHARS) {
    // back to the last separator within 256 characters (a message that is one long word is cut where it is)
    let end = SERVER_MESSAGE_SCAN_CHARS;
    while (end > SERVER_MESSAGE_SCAN_CHARS - 256 && !/[\s"',;&]/.test(cut.charAt(end - 1))) {
      end--;
    }
    cut = cut.slice(0, end > SERVER_MESSAGE_SCAN_CHARS - 256 ? end : SERVER_MESSAGE_SCAN_CHARS);
  }
  return redact(cut).slice(0, SERVER_MESSAGE_MAX_CHARS) || undefined;
}

function headerValue(v: unknown): string | undefined {
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
}

function parseErrorBody(text: string): { message?: string; error?: string } | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object') {
      const body = v as Record<string, unknown>;
      return {
        message: typeof body.message === 'string' ? body.message : undefined,
        error: typeof body.error === 'string' ? body.error : undefined,
      };
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

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = normalizeBase(options.baseUrl);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.userAgent = options.userAgent ?? 'appcircle-vscode';
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
  private async authedRaw<T>(
    method: 'GET' | 'POST',
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
