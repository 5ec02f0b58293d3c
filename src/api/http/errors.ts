/** Typed API errors: callers switch on `kind`; messages never carry secrets, hosts or query strings. */
export type ApiErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'badRequest'
  | 'notFound'
  | 'rateLimited'
  | 'server'
  | 'timeout'
  | 'connectionRefused'
  | 'dns'
  | 'tls'
  | 'network'
  | 'malformedResponse'
  | 'htmlResponse'
  | 'canceled'
  | 'insecureUrl'
  /** A 3xx the client must not follow (a token route, a POST) or whose target failed the URL policy. */
  | 'redirected'
  /** A JSON or text body over the size limit. */
  | 'tooLarge'
  /** An id for a URL path (profile, branch, commit, build, queue item, …) that is not an id: nothing was sent. */
  | 'invalidId';

export interface ApiErrorInit {
  kind: ApiErrorKind;
  /** The request's method; absent for a URL refused before any request (`reason`). */
  method?: string;
  /** The request's path, without host and query; absent for a URL refused before any request (`reason`). */
  path?: string;
  /** Why the URL policy (url.ts) refused a URL before any request was sent: 'invalid URL', 'URL with credentials', … */
  reason?: string;
  status?: number;
  serverMessage?: string;
  retryAfterMs?: number;
  isInvalidOrganizationId?: boolean;
  /** The error body was an HTML page (a proxy or WAF), not the server's JSON. */
  htmlBody?: boolean;
  /** 'redirected': where the server pointed (origin and path, no query); shown to the user to fix a URL setting. */
  redirectTarget?: string;
  /** A 401 that came back even with a freshly minted token. */
  afterRenewal?: boolean;
  /** 'tooLarge': the limit in bytes. */
  limitBytes?: number;
  cause?: unknown;
}

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status?: number;
  readonly serverMessage?: string;
  readonly retryAfterMs?: number;
  /** '' for a URL refused before any request (then `reason` says why). */
  readonly method: string;
  /** '' for a URL refused before any request (then `reason` says why). */
  readonly path: string;
  readonly reason?: string;
  readonly isInvalidOrganizationId: boolean;
  readonly htmlBody: boolean;
  readonly redirectTarget?: string;
  readonly afterRenewal: boolean;
  readonly limitBytes?: number;

  constructor(init: ApiErrorInit) {
    super(
      init.method
        ? `${init.method} ${init.path ?? ''} failed: ${init.kind}${init.status ? ` (HTTP ${init.status})` : ''}${init.serverMessage ? `: ${init.serverMessage}` : ''}`
        : `URL refused (${init.reason ?? ''}): ${init.kind}`,
    );
    this.name = 'ApiError';
    this.kind = init.kind;
    this.status = init.status;
    this.serverMessage = init.serverMessage;
    this.retryAfterMs = init.retryAfterMs;
    this.method = init.method ?? '';
    this.path = init.path ?? '';
    this.reason = init.reason;
    this.isInvalidOrganizationId = init.isInvalidOrganizationId ?? false;
    this.htmlBody = init.htmlBody ?? false;
    this.redirectTarget = init.redirectTarget;
    this.afterRenewal = init.afterRenewal ?? false;
    this.limitBytes = init.limitBytes;
  }

  /** The same error, marked as having survived one token renewal. */
  withAfterRenewal(): ApiError {
    return new ApiError({ ...this.init(), afterRenewal: true });
  }

  private init(): ApiErrorInit {
    return {
      kind: this.kind,
      method: this.method,
      path: this.path,
      reason: this.reason,
      status: this.status,
      serverMessage: this.serverMessage,
      retryAfterMs: this.retryAfterMs,
      isInvalidOrganizationId: this.isInvalidOrganizationId,
      htmlBody: this.htmlBody,
      redirectTarget: this.redirectTarget,
      limitBytes: this.limitBytes,
    };
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** The longest wait a server can ask for with Retry-After; more is taken as this, so no timer overflows. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * Retry-After as seconds or an HTTP date → milliseconds from `now`, within [0, MAX_RETRY_AFTER_MS]: a date in
 * the past is 0, a huge number or a far-future date is one hour, anything unreadable is undefined.
 */
export function parseRetryAfter(value: string | undefined | null, now: number): number | undefined {
  if (value === undefined || value === null || value.trim() === '') {
    return undefined;
  }
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) {
    const ms = Number(v) * 1000;
    return Number.isFinite(ms) ? Math.min(MAX_RETRY_AFTER_MS, Math.round(ms)) : MAX_RETRY_AFTER_MS;
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) {
    return undefined;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, t - now));
}

export function kindForStatus(status: number): ApiErrorKind {
  if (status === 401) {
    return 'unauthorized';
  }
  if (status === 403) {
    return 'forbidden';
  }
  if (status === 400 || status === 422) {
    return 'badRequest';
  }
  if (status === 404) {
    return 'notFound';
  }
  if (status === 429) {
    return 'rateLimited';
  }
  return status >= 500 ? 'server' : 'badRequest';
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_NOT_YET_VALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export function kindForNetworkCode(code: string | undefined, message = ''): ApiErrorKind {
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || /timeout/i.test(message)) {
    return 'timeout';
  }
  if (code === 'ECONNREFUSED') {
    return 'connectionRefused';
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return 'dns';
  }
  if ((code && TLS_CODES.has(code)) || /certificate|SSL|TLS/i.test(message)) {
    return 'tls';
  }
  if (code === 'ERR_CANCELED') {
    return 'canceled';
  }
  return 'network';
}
