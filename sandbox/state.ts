/** Mutable sandbox state: credentials, token lifetime, revocations, the clock, and the request log. */
import { API_KEYS, PATS } from './fixtures';
import type { SeedApiKey } from './fixtures';

export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  hasAuth: boolean;
  bearerEmpty: boolean;
  contentType?: string;
  userAgent?: string;
  /** Names of form/JSON fields sent to token routes; never their values. */
  bodyFields?: string[];
  ms: number;
}

export class SandboxState {
  tokenLifetimeSec: number;
  readonly pats = PATS.map((p) => ({ ...p }));
  readonly apiKeys: SeedApiKey[] = API_KEYS.map((k) => ({ ...k }));
  readonly revoked = new Set<string>();
  readonly requests: RequestLogEntry[] = [];
  /** Offset added to real time by the sandbox clock (ms). */
  clockOffsetMs = 0;

  constructor(tokenLifetimeSec: number) {
    this.tokenLifetimeSec = tokenLifetimeSec;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  reachableOrgs(cred: string): string[] {
    if (cred.startsWith('pat:')) {
      return this.pats.find((p) => `pat:${p.userId}` === cred)?.reaches ?? [];
    }
    if (cred.startsWith('apikey:')) {
      return this.apiKeys.find((k) => `apikey:${k.name}` === cred)?.reaches ?? [];
    }
    return [];
  }

  isCredentialValid(cred: string): boolean {
    if (cred.startsWith('pat:')) {
      const p = this.pats.find((x) => `pat:${x.userId}` === cred);
      return !!p && !this.revoked.has(p.pat);
    }
    if (cred.startsWith('apikey:')) {
      return !this.revoked.has(cred.slice('apikey:'.length));
    }
    return false;
  }
}
