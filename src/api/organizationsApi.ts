/** Organizations (docs/appcircle-api.md §3): list is `{data:[…]}`, detail is a bare object. */
import type { OrganizationDto } from './dto';
import { unwrapList, wireId, wireNumber, wireObject, wireString } from './dto';
import type { ApiClient } from './http/httpClient';
import { checkId } from './http/ids';

export class OrganizationsApi {
  constructor(private readonly client: ApiClient) {}

  async list(): Promise<OrganizationDto[]> {
    return unwrapList<unknown>(await this.client.get<unknown>('identity/v1/organizations')).map(normalize);
  }

  async get(id: string): Promise<OrganizationDto> {
    return normalize(await this.client.get<unknown>(`identity/v1/organizations/${checkId(id, 'GET', 'identity/v1/organizations/{id}')}`));
  }
}

/** A wire organization with its documented types (anything else is dropped), ids lower-cased; no id: malformedResponse. */
function normalize(raw: unknown): OrganizationDto {
  const o = wireObject(raw, 'organization');
  const root = wireString(o.rootOrganizationId);
  const bool = (v: unknown) => (typeof v === 'boolean' ? v : undefined);
  return {
    id: wireId(o, 'id', 'organization').toLowerCase(),
    name: wireString(o.name) ?? '',
    givenId: wireString(o.givenId),
    rootOrganizationId: root ? root.toLowerCase() : undefined,
    rootOrganizationName: wireString(o.rootOrganizationName),
    ssoEnabled: bool(o.ssoEnabled),
    disabled: bool(o.disabled),
    createdDate: wireString(o.createdDate),
    memberCount: wireNumber(o.memberCount),
    logoUrl: wireString(o.logoUrl),
  };
}
