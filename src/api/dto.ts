/** Wire types as the server sends them (docs/appcircle-api.md §2-3), and lenient helpers to read them. */
import { ApiError } from './http/errors';

export interface TokenResponseDto {
  access_token: string;
  expires_in?: number;
  token_type?: string;
}

export interface UserInfoDto {
  sub?: string;
  email?: string;
  preferred_username?: string;
  currentOrganizationId?: string;
  [key: string]: unknown;
}

export interface OrganizationDto {
  id: string;
  name: string;
  givenId?: string;
  rootOrganizationId?: string | null;
  rootOrganizationName?: string | null;
  ssoEnabled?: boolean;
  disabled?: boolean;
  createdDate?: string;
  memberCount?: number;
  logoUrl?: string | null;
}

export interface JwtClaims {
  sub?: string;
  email?: string;
  preferred_username?: string;
  name?: string;
  exp?: number;
  iat?: number;
  currentOrganizationId?: string;
}

/** The typed error for a body (or part of one) that is not what the server documents. */
export function malformed(what: string): ApiError {
  return new ApiError({ kind: 'malformedResponse', method: 'DECODE', path: what });
}

/** Decodes a JWT payload without verifying it (the official CLI does the same, docs/appcircle-api.md §2.3). */
export function decodeJwt(token: string): JwtClaims {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) {
    throw malformed('access token (not a JWT)');
  }
  try {
    const json = Buffer.from(parts[1].replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    const v: unknown = JSON.parse(json);
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      throw new Error('not an object');
    }
    const o = v as Record<string, unknown>;
    const str = (k: string) => (typeof o[k] === 'string' ? o[k] : undefined);
    // JSON.parse reads 1e999 as Infinity: an expiry that never comes is no expiry
    const num = (k: string) => (typeof o[k] === 'number' && Number.isFinite(o[k]) ? o[k] : undefined);
    return {
      sub: str('sub'),
      email: str('email'),
      preferred_username: str('preferred_username'),
      name: str('name'),
      exp: num('exp'),
      iat: num('iat'),
      currentOrganizationId: str('currentOrganizationId')?.toLowerCase(),
    };
  } catch {
    throw malformed('access token (payload)');
  }
}

/** Epoch ms of a JWT's `exp`; undefined when it has none. */
export function expiresAtMs(claims: JwtClaims): number | undefined {
  return claims.exp ? claims.exp * 1000 : undefined;
}

/** A wire object's fields, or a typed malformedResponse when the value is not an object. */
export function wireObject(v: unknown, what: string): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw malformed(what);
  }
  return v as Record<string, unknown>;
}

/** A required id: a non-empty string, else a typed malformedResponse. */
export function wireId(o: Record<string, unknown>, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') {
    throw malformed(`${what} (${key})`);
  }
  return v;
}

/** A string field, or undefined when absent or of another type. */
export function wireString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A finite number field, or undefined when absent or of another type. */
export function wireNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Accepts a bare array or `{data:[…]}` (docs/appcircle-api.md §5). */
export function unwrapList<T>(body: unknown): T[] {
  if (Array.isArray(body)) {
    return body as T[];
  }
  if (body && typeof body === 'object' && Array.isArray((body as { data?: unknown }).data)) {
    return (body as { data: T[] }).data;
  }
  throw malformed('list');
}
