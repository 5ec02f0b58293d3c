/** Organizations (docs/appcircle-api.md §3): list is `{data:[…]}`, detail is a bare object. */
import type { OrganizationDto } from './dto';
import { unwrapList } from './dto';
import type { ApiClient } from './httpClient';
import { checkId } from './ids';

export class OrganizationsApi {
  constructor(private readonly client: ApiClient) {}

  async list(): Promise<OrganizationDto[]> {
    return unwrapList<OrganizationDto>(await this.client.get<unknown>('identity/v1/organizations')).map(normalize);
  }

  async get(id: string): Promise<OrganizationDto> {
    return normalize(
      await this.client.get<OrganizationDto>(`identity/v1/organizations/${checkId(id, 'GET', 'identity/v1/organizations/{id}')}`),
    );
  }
}

function normalize(o: OrganizationDto): OrganizationDto {
  return {
    ...o,
    id: String(o.id).toLowerCase(),
    rootOrganizationId: o.rootOrganizationId ? String(o.rootOrganizationId).toLowerCase() : o.rootOrganizationId,
  };
}
