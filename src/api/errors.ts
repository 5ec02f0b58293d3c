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
  | 'insecureUrl';

export interface ApiErrorInit {
  kind: ApiErrorKind;
  method: string;
  path: string;
  status?: number;
  serverMessage?: string;
  retryAfterMs?: number;
  isInvalidOrganizationId?: boolean;
  cause?: unknown;
}

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status?: number;
  readonly serverMessage?: string;
  readonly retryAfterMs?: number;
  readonly method: string;
  readonly path: string;
  readonly isInvalidOrganizationId: boolean;

  constructor(init: ApiErrorInit) {
    super(`${init.method} ${init.path} failed: ${init.kind}${init.status ? ` (HTTP ${init.status})` : ''}${init.serverMessage ? `: ${init.serverMessage}` : ''}`);
    this.name = 'ApiError';
    this.kind = init.kind;
    this.status = init.status;
    this.serverMessage = init.serverMessage;
    this.retryAfterMs = init.retryAfterMs;
    this.method = init.method;
    this.path = init.path;
    this.isInvalidOrganizationId = init.isInvalidOrganizationId ?? false;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** Retry-After as seconds or an HTTP date → milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined | null, now: number): number | undefined {
  if (value === undefined || value === null || value.trim() === '') {
    return undefined;
  }
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) {
    return Math.round(Number(v) * 1000);
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) {
    return undefined;
  }
  return Math.max(0, t - now);
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
