/**
 * What a sign-in or a switch stores, from the token it minted: the organization the token is for (its claim,
 * checked against the one asked for), that organization's name (from the organization list, which is returned too
 * for OrganizationService to start from, or else read on its own), and the StoredSession with its account and
 * account id. No session state: SessionService decides whether the result is still wanted.
 */
import * as l10n from '@vscode/l10n';
import type { TokenResult } from '../../api/authApi';
import type { OrganizationDto } from '../../api/dto';
import { OrganizationsApi } from '../../api/organizationsApi';
import type { ApiFactory } from '../apiFactory';
import { OrganizationMismatchError, errorText } from '../errors';
import type { Logger } from '../ports';
import type { Credential, Organization, StoredSession } from './models';
import { toOrganization } from './models';

/** The organization the minted token is for; OrganizationMismatchError when it is not the one asked for, or none. */
export function claimedOrganization(minted: TokenResult, orgId: string | undefined): string {
  const claimOrg = minted.claims.currentOrganizationId;
  if (orgId && claimOrg !== orgId) {
    throw new OrganizationMismatchError(orgId, claimOrg);
  }
  if (!claimOrg) {
    throw new OrganizationMismatchError(orgId ?? '(default)', undefined);
  }
  return claimOrg;
}

/** The sign-in's organization, named from the organization list (also returned) or else read on its own. */
export async function readOrganization(
  api: ApiFactory,
  logger: Logger,
  token: string,
  orgId: string,
): Promise<{ org: Organization; listed?: OrganizationDto[] }> {
  const client = api.client(() => Promise.resolve(token));
  const orgs = new OrganizationsApi(client);
  let dto: OrganizationDto | undefined;
  let listed: OrganizationDto[] | undefined;
  try {
    listed = await orgs.list();
    dto = listed.find((o) => o.id === orgId);
  } catch (e) {
    logger.warn(`Could not list organizations: ${errorText(e)}`);
  }
  dto ??= await orgs.get(orgId);
  return { org: toOrganization(dto), listed };
}

/** The session a sign-in stores: `org` (the claimed organization, `organizationId`) reached with `cred`. */
export function storedSessionOf(
  cred: Credential,
  minted: TokenResult,
  organizationId: string,
  org: Organization,
  authOrigin: string,
  now: number,
): StoredSession {
  return {
    version: 1,
    credential: cred,
    organizationId,
    organizationName: org.name,
    rootOrganizationId: org.isRoot ? undefined : org.rootOrganizationId,
    account: accountOf(cred, minted),
    accountId: cred.kind === 'apiKey' ? `apikey:${cred.name}` : (minted.claims.sub ?? accountOf(cred, minted)),
    savedAt: new Date(now).toISOString(),
    authOrigin,
  };
}

/** The session a switch stores: `s` moved to `target`. */
export function switchedSession(s: StoredSession, target: Organization, now: number): StoredSession {
  return {
    ...s,
    organizationId: target.id,
    organizationName: target.name,
    rootOrganizationId: target.isRoot ? undefined : target.rootOrganizationId,
    savedAt: new Date(now).toISOString(),
  };
}

/** Who the user is, as the session shows it: the API key's name, else the token's email, username or subject. */
function accountOf(cred: Credential, minted: TokenResult): string {
  if (cred.kind === 'apiKey') {
    return cred.name;
  }
  return minted.claims.email ?? minted.claims.preferred_username ?? minted.claims.sub ?? l10n.t('Appcircle user');
}
