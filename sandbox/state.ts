/** Mutable sandbox state: organizations, credentials, token lifetime, revocations and the request log. */
import { API_KEYS, INVITATIONS, MEMBERS, ORGANIZATIONS, PATS } from './fixtures';
import type { SeedApiKey, SeedMember, SeedOrganization, SeedPat } from './fixtures';

export interface RequestLogEntry {
  time: string;
  method: string;
  /** Path without the prefix and the query, `//` collapsed. */
  path: string;
  query: Record<string, string>;
  /** HTTP status; -1 when the connection was dropped before a response. */
  status: number;
  /** Which host answered: 'api', 'auth' in two-port mode, 'upload' (the storage origin of signed uploads) or 'hook' (SSE logs). */
  host: 'api' | 'auth' | 'upload' | 'hook';
  /** An Authorization header was sent (its value is never logged). */
  hasAuth: boolean;
  /** The header was `Bearer ` with nothing after it (what the CLI sends after logout). */
  bearerEmpty: boolean;
  contentType?: string;
  accept?: string;
  /** The Range header (logs are asked for from a byte offset). */
  range?: string;
  userAgent?: string;
  /** Request body size in bytes. */
  bodyBytes: number;
  /** Names of the form/JSON fields sent to token routes; never their values. */
  bodyFields?: string[];
  ms: number;
}

/** A credential as named inside the sandbox's tokens (`pat:<userId>` or `apikey:<name>`); never a secret. */
export type CredentialRef = string;

export class SandboxState {
  tokenLifetimeSec: number;
  readonly orgs: SeedOrganization[] = [];
  readonly pats: SeedPat[] = [];
  readonly apiKeys: SeedApiKey[] = [];
  readonly members: SeedMember[] = [];
  readonly invitations: { organizationId: string; userEmail: string; roles: string[] }[] = [];
  /** Revoked PAT values and API key names: they can no longer mint tokens. */
  readonly revoked = new Set<string>();
  readonly requests: RequestLogEntry[] = [];

  constructor(private readonly initialLifetimeSec: number) {
    this.tokenLifetimeSec = initialLifetimeSec;
    this.reset();
  }

  /** Back to the seed: organizations, credentials, revocations, token lifetime, request log (cleared in place). */
  reset(): void {
    this.tokenLifetimeSec = this.initialLifetimeSec;
    replace(
      this.orgs,
      ORGANIZATIONS.map((o) => ({ ...o })),
    );
    replace(
      this.pats,
      PATS.map((p) => ({ ...p, reaches: [...p.reaches] })),
    );
    replace(
      this.apiKeys,
      API_KEYS.map((k) => ({ ...k, reaches: [...k.reaches] })),
    );
    replace(
      this.members,
      MEMBERS.map((m) => ({ ...m, memberships: m.memberships.map((x) => ({ ...x, roles: [...x.roles] })) })),
    );
    replace(
      this.invitations,
      INVITATIONS.map((i) => ({ ...i, roles: [...i.roles] })),
    );
    this.revoked.clear();
    this.requests.length = 0;
  }

  now(): number {
    return Date.now();
  }

  /** Organizations a credential reaches, in list order (root first). */
  reachableOrgs(cred: CredentialRef): string[] {
    const base = this.baseReach(cred);
    if (!base) {
      return [];
    }
    // Sub-organizations created at run time are reached by whoever reaches their root as a root member.
    const ownRoot = base.own;
    return this.orgs
      .filter(
        (o) =>
          base.reaches.includes(o.id) ||
          (o.rootOrganizationId !== undefined && o.rootOrganizationId === ownRoot && base.reaches.includes(ownRoot)),
      )
      .map((o) => o.id);
  }

  /** The credential still exists (it may be revoked: revocation only stops minting, issued tokens live until `exp`). */
  isKnownCredential(cred: CredentialRef): boolean {
    return this.baseReach(cred) !== undefined;
  }

  private baseReach(cred: CredentialRef): { own: string; reaches: string[] } | undefined {
    if (cred.startsWith('pat:')) {
      const p = this.pats.find((x) => `pat:${x.userId}` === cred);
      return p ? { own: p.defaultOrg, reaches: p.reaches } : undefined;
    }
    if (cred.startsWith('apikey:')) {
      const k = this.apiKeys.find((x) => `apikey:${x.name}` === cred);
      return k ? { own: k.organizationId, reaches: k.reaches } : undefined;
    }
    return undefined;
  }
}

function replace<T>(target: T[], items: T[]): void {
  target.length = 0;
  target.push(...items);
}
