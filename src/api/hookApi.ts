/**
 * Appcircle's hook service (docs: appcircle-api-next §6, CLI-next): L1 a hook token for the access token, L2 the
 * Server-Sent Events stream (`GET /v2/hooks`, the hook token in the query and NO Authorization header, like the
 * signed-URL upload in uploadApi.ts), L3 / L4 subscribe and unsubscribe a build for this window's `browserId`
 * (Bearer access token). The hook host is another origin than the API: the same URL policy (https, or http to this
 * machine unless appcircle.allowInsecureHttp), no redirect followed, and the stream URL is logged only masked
 * (redactUrl: its query holds the hook token). A `build-log` payload is checked here, at the boundary.
 */
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import { decodeJwt } from './dto';
import type { HttpLogger } from './http/body';
import { destroyQuietly } from './http/body';
import { ApiError, kindForNetworkCode, kindForStatus } from './http/errors';
import { send } from './http/httpClient';
import { redactUrl, rememberSecret } from './http/redact';
import { checkUrlAllowed, joinUrl } from './http/url';

/* eslint-disable @typescript-eslint/no-require-imports -- Node built-ins on the first stream, not at activation */
const nodeHttp = (): typeof Http => require('node:http') as typeof Http;
const nodeHttps = (): typeof Https => require('node:https') as typeof Https;
/* eslint-enable @typescript-eslint/no-require-imports */

/** Who this window is to the hook service: the access token's `sub` and organization, and a per-window id. */
export interface HookIdentity {
  userId: string;
  organizationId: string;
  browserId: string;
}

/** One `build-log` message as the extension uses it (the other fields of the payload are not needed). */
export interface BuildLogMessage {
  taskId: string;
  messageIndex: number;
  message: string;
  stepName: string;
  uiOnly: boolean;
  workflowStatus: number;
}

export interface HookApiOptions {
  hookUrl: string;
  allowInsecureHttp: boolean;
  logger?: HttpLogger;
  /** L1, L2 (until the headers), L3: 15 s as the CLI; L4 10 s. */
  timeoutMs?: number;
  /** L1's and L3's wait before retry `n` (1, 2): 500 ms × 2^(n-1) by default. */
  retryDelayMs?: (n: number) => number;
}

/** An open L2 stream: its bytes, and how to close it. */
export interface HookStream {
  readonly body: NodeJS.ReadableStream;
  close(): void;
}

const TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
/** L1 and L3 tries in all: the first and 2 retries (never on a 4xx). */
const TRIES = 3;
/** A message longer than this is refused (the frame limit of the parser is 1 MiB). */
export const MAX_MESSAGE_CHARS = 512 * 1024;
const ID_SHAPE = /^[A-Za-z0-9_-]{1,128}$/;
const USER_AGENT = 'appcircle-vscode';

export class HookApi {
  constructor(private readonly o: HookApiOptions) {
    checkUrlAllowed(o.hookUrl, o.allowInsecureHttp);
  }

  /** L1: a hook token for the access token (2 retries with backoff, none on a 4xx). */
  async token(accessToken: string, signal?: AbortSignal): Promise<{ token: string; expiresInSec?: number }> {
    return this.retried('auth/token', signal, async () => {
      const { data } = await send<unknown>({
        ...this.base('POST', 'auth/token', TIMEOUT_MS, signal),
        json: {},
        token: accessToken,
        responseType: 'json',
      });
      return tokenOf(data);
    });
  }

  /**
   * L3: the server streams this build's messages (from messageIndex 1) to this window's browserId. A transient
   * failure (a 5xx, a reset, a timeout) is tried again as L1 is; a 4xx (a 404: the build is not known) never.
   */
  async subscribe(accessToken: string, taskId: string, who: HookIdentity, signal?: AbortSignal): Promise<void> {
    const path = 'build/log/trigger-events-receiving';
    await this.retried(path, signal, () => this.trigger(path, TIMEOUT_MS, accessToken, taskId, who, signal));
  }

  /** L4: no more of this build to this browserId. */
  async unsubscribe(accessToken: string, taskId: string, who: HookIdentity): Promise<void> {
    await this.trigger('build/log/trigger-stop-events-receiving', STOP_TIMEOUT_MS, accessToken, taskId, who);
  }

  private async trigger(path: string, timeoutMs: number, accessToken: string, taskId: string, who: HookIdentity, signal?: AbortSignal) {
    await send<string>({
      ...this.base('POST', path, timeoutMs, signal),
      params: { taskId: id(taskId, path), browserId: id(who.browserId, path), userId: who.userId, organizationId: who.organizationId },
      json: null,
      token: accessToken,
      responseType: 'text',
    });
  }

  /** `call` up to TRIES times, waiting retryDelayMs between; a 4xx, a cancel or a refused id is not tried again. */
  private async retried<T>(path: string, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await call();
      } catch (e) {
        const status = e instanceof ApiError ? e.status : undefined;
        const fatal =
          (status !== undefined && status >= 400 && status < 500) ||
          (e instanceof ApiError && (e.kind === 'canceled' || e.kind === 'invalidId'));
        if (fatal || n >= TRIES || signal?.aborted) {
          throw e;
        }
        await sleep((this.o.retryDelayMs ?? ((k) => 500 * 2 ** (k - 1)))(n), path, signal);
      }
    }
  }

  private base(method: 'POST', path: string, timeoutMs: number, signal?: AbortSignal) {
    const url = joinUrl(this.o.hookUrl, path);
    return {
      method,
      url,
      path,
      signal,
      timeoutMs: this.o.timeoutMs ?? timeoutMs,
      userAgent: USER_AGENT,
      logger: this.o.logger,
      allowInsecureHttp: this.o.allowInsecureHttp,
    };
  }

  /**
   * L2: the event stream, once its `200 text/event-stream` headers are in (15 s at most). No Authorization header;
   * the hook token in the query, so the URL is logged masked. A non-200 answer is an ApiError with its status.
   */
  openStream(hookToken: string, who: HookIdentity, signal?: AbortSignal): Promise<HookStream> {
    rememberSecret(hookToken);
    const url = new URL(joinUrl(this.o.hookUrl, 'v2/hooks'));
    url.search = new URLSearchParams({
      userId: who.userId,
      organizationId: who.organizationId,
      token: hookToken,
      browserId: id(who.browserId, 'v2/hooks'),
    }).toString();
    const shown = redactUrl(url.href);
    const lib = url.protocol === 'https:' ? nodeHttps() : nodeHttp();
    const headers = { Accept: 'text/event-stream', 'Cache-Control': 'no-cache', 'User-Agent': USER_AGENT };
    const started = Date.now();
    return new Promise<HookStream>((resolve, reject) => {
      let settled = false;
      const fail = (e: ApiError) => {
        if (!settled) {
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          req.destroy();
          this.o.logger?.info(`GET ${shown} → ${e.status ?? e.kind} (${Date.now() - started} ms)`);
          reject(e);
        }
      };
      const req = lib.request(url, { method: 'GET', headers, agent: false });
      const onAbort = () => fail(new ApiError({ kind: 'canceled', method: 'GET', path: 'v2/hooks' }));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.setTimeout(this.o.timeoutMs ?? TIMEOUT_MS, () => fail(new ApiError({ kind: 'timeout', method: 'GET', path: 'v2/hooks' })));
      req.on('error', (e: NodeJS.ErrnoException) =>
        fail(new ApiError({ kind: kindForNetworkCode(e.code, e.message), method: 'GET', path: 'v2/hooks', cause: e })),
      );
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const type = String(res.headers['content-type'] ?? '');
        if (status !== 200 || !type.toLowerCase().startsWith('text/event-stream')) {
          destroyQuietly(res);
          fail(
            new ApiError({ kind: status === 200 ? 'malformedResponse' : kindForStatus(status), method: 'GET', path: 'v2/hooks', status }),
          );
          return;
        }
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        req.setTimeout(0);
        res.on('error', () => undefined);
        this.o.logger?.debug(`GET ${shown} → 200 (${Date.now() - started} ms, event stream)`);
        resolve({ body: res, close: () => req.destroy() });
      });
      req.end();
      if (signal?.aborted) {
        onAbort();
      }
    });
  }
}

/** Who a window is: the access token's `sub` and `currentOrganizationId` (decoded, not verified), bounded. */
export function hookIdentity(accessToken: string, browserId: string): HookIdentity {
  const claims = decodeJwt(accessToken);
  const userId = claims.sub?.slice(0, 256);
  const organizationId = claims.currentOrganizationId?.slice(0, 256);
  if (!userId || !organizationId) {
    throw new Error('the access token names no user or no organization');
  }
  return { userId, organizationId, browserId };
}

/** L1's answer: `{access_token, expires_in}`; anything else is 'malformedResponse'. */
function tokenOf(data: unknown): { token: string; expiresInSec?: number } {
  const o = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  const token = o.access_token;
  if (typeof token !== 'string' || token.length === 0 || token.length > 16 * 1024 || !/^[\x21-\x7e]+$/.test(token)) {
    throw new ApiError({ kind: 'malformedResponse', method: 'POST', path: 'auth/token' });
  }
  rememberSecret(token);
  const exp = o.expires_in;
  return { token, expiresInSec: typeof exp === 'number' && Number.isFinite(exp) && exp > 0 ? exp : undefined };
}

function id(v: string, path: string): string {
  if (!ID_SHAPE.test(v)) {
    throw new ApiError({ kind: 'invalidId', method: 'POST', path });
  }
  return v;
}

/**
 * A `build-log` frame's data as a message, or undefined when it is not one: not JSON, no taskId of an id's shape,
 * messageIndex not a positive integer, message not a string or longer than MAX_MESSAGE_CHARS.
 */
export function toBuildLogMessage(data: string): BuildLogMessage | undefined {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    return undefined;
  }
  const o = v as Record<string, unknown>;
  const { taskId, messageIndex, message } = o;
  if (typeof taskId !== 'string' || !ID_SHAPE.test(taskId)) {
    return undefined;
  }
  if (typeof messageIndex !== 'number' || !Number.isSafeInteger(messageIndex) || messageIndex < 1) {
    return undefined;
  }
  if (typeof message !== 'string' || message.length > MAX_MESSAGE_CHARS) {
    return undefined;
  }
  const stepName = typeof o.stepName === 'string' ? o.stepName.slice(0, 1024) : '';
  const status = o.workflowStatus;
  return {
    taskId,
    messageIndex,
    message,
    stepName,
    uiOnly: o.uiOnly === true,
    workflowStatus: typeof status === 'number' && Number.isSafeInteger(status) ? status : 10,
  };
}

function sleep(ms: number, path: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new ApiError({ kind: 'canceled', method: 'POST', path }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Why the hook service could not be used, for the log: "the stream was refused (HTTP 503)", never a URL or token. */
export function whyRefused(e: unknown): string {
  if (!(e instanceof ApiError)) {
    return e instanceof Error ? e.message.slice(0, 200) : 'an unknown failure';
  }
  const what = e.path === 'auth/token' ? 'the hook token' : e.path === 'v2/hooks' ? 'the stream' : 'the subscription';
  if (e.status === 404) {
    return `the hook service does not exist there (HTTP 404 on ${e.path})`;
  }
  if (e.status !== undefined) {
    return `${what} was refused (HTTP ${e.status})`;
  }
  switch (e.kind) {
    case 'connectionRefused':
      return 'the hook service does not answer (connection refused)';
    case 'network':
      return `the hook service closed the connection without an answer (${what})`;
    case 'dns':
      return "the hook service's host name is not known";
    case 'timeout':
      return `${what} did not answer in time`;
    case 'insecureUrl':
      return `the hook URL is refused (${e.reason ?? 'not https'})`;
    default:
      return `${what} failed (${e.kind})`;
  }
}
