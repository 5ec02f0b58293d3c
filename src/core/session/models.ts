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
