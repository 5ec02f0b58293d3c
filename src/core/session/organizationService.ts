/**
 * Organizations reachable by the session: the root organization and its sub-organizations.
 * The list is cached per session and dropped on any session change; switching goes through the session.
 */
import { OrganizationsApi } from '../../api/organizationsApi';
import { DisposableBase, Emitter } from '../events';
import type { Event } from '../events';
import type { Organization, SessionInfo } from './models';
import { sortOrganizations, toOrganization } from './models';
import type { SessionService } from './sessionService';

export class OrganizationService extends DisposableBase {
  private cache: { generation: number; orgs: Promise<Organization[]> } | undefined;
  private generation = 0;
  private readonly _onDidChangeOrganizations = this._register(new Emitter<void>());
  readonly onDidChangeOrganizations: Event<void> = this._onDidChangeOrganizations.event;

  constructor(private readonly session: SessionService) {
    super();
    this._register(
      session.onDidChangeSession((e) => {
        if (e.reason !== 'switch') {
          this.invalidate();
          // a sign-in has just read the list: start from it (one request less when switching next)
          const listed = e.reason === 'signIn' ? e.organizations : undefined;
          if (listed) {
            this.cache = { generation: this.generation, orgs: Promise.resolve(sortOrganizations(listed.map(toOrganization))) };
          }
        }
      }),
    );
  }

  invalidate(): void {
    this.generation++;
    this.cache = undefined;
    this._onDidChangeOrganizations.fire();
  }

  /** Root first, then sub-organizations by name. A failed load is not cached. */
  list(): Promise<Organization[]> {
    if (!this.cache || this.cache.generation !== this.generation) {
      const generation = this.generation;
      const orgs = this.session
        .request((client) => new OrganizationsApi(client).list())
        .then((dtos) => sortOrganizations(dtos.map(toOrganization)));
      orgs.catch(() => {
        if (this.cache?.orgs === orgs) {
          this.cache = undefined;
        }
      });
      this.cache = { generation, orgs };
    }
    return this.cache.orgs;
  }

  current(): SessionInfo | undefined {
    return this.session.session;
  }

  async switchTo(organizationId: string): Promise<SessionInfo> {
    const target = (await this.list()).find((o) => o.id === organizationId.toLowerCase() || o.id === organizationId);
    if (!target) {
      throw new UnknownOrganizationError(organizationId);
    }
    return this.session.switchOrganization(target);
  }
}

export class UnknownOrganizationError extends Error {
  constructor(readonly organizationId: string) {
    super(`Organization ${organizationId} is not reachable with this session`);
    this.name = 'UnknownOrganizationError';
  }
}
