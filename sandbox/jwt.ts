/**
 * JWT-shaped access tokens (docs/appcircle-api.md §2.3, §7.5): three unpadded base64url segments. Clients never verify
 * the signature (the official CLI does not); the sandbox signs with a fixed, public HMAC key only so that it can
 * tell its own tokens, from any sandbox instance, from made-up ones ("unknown bearer" → 401).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface SandboxClaims {
  sub: string;
  email?: string;
  preferred_username?: string;
  currentOrganizationId: string;
  iat: number;
  exp: number;
  jti: string;
  /** Sandbox-only: which credential minted it (`pat:<userId>` / `apikey:<name>`), never a secret. */
  cred: string;
}

/** Not a secret: it only marks tokens as the sandbox's own. */
const SANDBOX_KEY = 'appcircle-sandbox-signing-key (public, not a secret)';

const b64url = (s: string) => Buffer.from(s).toString('base64url');
const sign = (data: string) => createHmac('sha256', SANDBOX_KEY).update(data).digest('base64url');

export function mintJwt(claims: Omit<SandboxClaims, 'jti'>): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'sandbox' }));
  const payload = b64url(JSON.stringify({ ...claims, jti: randomBytes(8).toString('hex') }));
  return `${header}.${payload}.${sign(`${header}.${payload}`)}`;
}

/** The claims of a token this sandbox issued, or undefined for anything else (malformed, made up, tampered). */
export function decodeJwt(token: string): SandboxClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[0] || !parts[1] || !parts[2]) {
    return undefined;
  }
  const expected = Buffer.from(sign(`${parts[0]}.${parts[1]}`));
  const given = Buffer.from(parts[2]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return undefined;
  }
  try {
    const v = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Partial<SandboxClaims>;
    if (
      typeof v.sub !== 'string' ||
      typeof v.exp !== 'number' ||
      typeof v.currentOrganizationId !== 'string' ||
      typeof v.cred !== 'string'
    ) {
      return undefined;
    }
    return v as SandboxClaims;
  } catch {
    return undefined;
  }
}
