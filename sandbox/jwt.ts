/** Unsigned three-segment JWTs, as the official CLI accepts them (appcircle-api.md §2.3, §7.5). */
import { randomBytes } from 'node:crypto';

export interface SandboxClaims {
  sub: string;
  email?: string;
  preferred_username?: string;
  currentOrganizationId: string;
  iat: number;
  exp: number;
  jti: string;
  /** Sandbox-only: which credential minted it (for revocation). Never a secret. */
  cred: string;
}

const b64url = (s: string) => Buffer.from(s).toString('base64url');

export function mintJwt(claims: Omit<SandboxClaims, 'jti'>): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'sandbox' }));
  const payload = b64url(JSON.stringify({ ...claims, jti: randomBytes(8).toString('hex') }));
  return `${header}.${payload}.${randomBytes(24).toString('base64url')}`;
}

export function decodeJwt(token: string): SandboxClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) {
    return undefined;
  }
  try {
    const v = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Partial<SandboxClaims>;
    if (typeof v.sub !== 'string' || typeof v.exp !== 'number' || typeof v.currentOrganizationId !== 'string') {
      return undefined;
    }
    return v as SandboxClaims;
  } catch {
    return undefined;
  }
}
