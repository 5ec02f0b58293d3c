/** Domain types of the session and organization services. */
import type { OrganizationDto } from '../../api/dto';

export type Credential =
  | { kind: 'pat'; pat: string }
  | { kind: 'apiKey'; name: string; secret: string; organizationId?: string }
  /** A ready access token (AC_ACCESS_TOKEN / AC_API_KEY_TOKEN): cannot be re-minted or switched. */
  | { kind: 'accessToken'; token: string; source: string };

export type CredentialKind = Credential['kind'];

/** What is stored in SecretStorage for one workspace (one JSON value). */
export interface StoredSession {
  version: 1;
  credential: Credential;
  organizationId: string;
  organizationName: string;
  /** Root organization of the active organization (undefined when the active one is the root). */
  rootOrganizationId?: string;
  /** User email, or the API key name: what the user sees as "who". */
  account: string;
  /** Stable id of the identity (JWT sub, or `apikey:<name>`). */
  accountId: string;
  savedAt: string;
  /**
   * Origin of the auth host the credential was accepted by (S16): it is never sent to another one. Older values
   * without it are bound to the auth URL of their first restore.
   */
  authOrigin?: string;
}

/** The non-secret view of a session that UI code gets. */
export interface SessionInfo {
  account: string;
  accountId: string;
  kind: CredentialKind;
  organizationId: string;
  organizationName: string;
  isRootOrganization: boolean;
  /** Epoch ms when the current access token expires, when one has been minted. */
  tokenExpiresAt?: number;
}

/** The non-secret view of a stored session; `tokenExpiresAt`: of its organization's access token, when minted. */
export function toSessionInfo(s: StoredSession, tokenExpiresAt: number | undefined): SessionInfo {
  return {
    account: s.account,
    accountId: s.accountId,
    kind: s.credential.kind,
    organizationId: s.organizationId,
    organizationName: s.organizationName,
    isRootOrganization: s.rootOrganizationId === undefined,
    tokenExpiresAt,
  };
}

/** True when the session's credential belongs to another auth host than `current` (a ready-made token has none). */
export function boundElsewhere(s: StoredSession, current: string): s is StoredSession & { authOrigin: string } {
  return s.credential.kind !== 'accessToken' && s.authOrigin !== undefined && s.authOrigin !== current;
}

/** Why the session changed (SessionService.onDidChangeSession). */
export type SessionChangeReason = 'restore' | 'signIn' | 'signOut' | 'switch' | 'external' | 'expired';

export interface SessionChangeEvent {
  reason: SessionChangeReason;
  session: SessionInfo | undefined;
  /** For 'expired': what ended it. */
  cause?: unknown;
  /**
   * For 'signIn': the organizations the sign-in listed to name its organization (OrganizationService starts from
   * them: one request less when switching next); absent when that list could not be read.
   */
  organizations?: OrganizationDto[];
}

export interface Organization {
  id: string;
  name: string;
  isRoot: boolean;
  rootOrganizationId?: string;
}

export function toOrganization(dto: OrganizationDto): Organization {
  const root = dto.rootOrganizationId;
  const isRoot = root === undefined || root === null || root === '' || root === dto.id;
  return { id: dto.id, name: dto.name || dto.id, isRoot, rootOrganizationId: isRoot ? undefined : (root ?? undefined) };
}

/** Root first, then its sub-organizations by name. */
export function sortOrganizations(orgs: Organization[]): Organization[] {
  return [...orgs].sort((a, b) => {
    if (a.isRoot !== b.isRoot) {
      return a.isRoot ? -1 : 1;
    }
    return a.name.localeCompare(b.name);
  });
}

export interface OtherWorkspaceSession {
  /** SecretStorage key of the other workspace's session. */
  key: string;
  workspaceName: string;
  account: string;
  organizationName: string;
  kind: CredentialKind;
}

/** The same session: the same organization with the same credential (what a change event is compared by). */
export function sameSession(a: StoredSession | undefined, b: StoredSession | undefined): boolean {
  if (!a || !b) {
    return a === b;
  }
  return a.organizationId === b.organizationId && JSON.stringify(a.credential) === JSON.stringify(b.credential);
}
