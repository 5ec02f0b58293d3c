/**
 * The identity part of the API host (docs/appcircle-api.md §3, §6): organizations (`{data}` list, bare detail, the
 * literal `current`), members and their roles, invitations, sub-organization creation, and `roles.json`.
 */
import { randomUUID } from 'node:crypto';
import type { AuthedCtx, Router } from './http';
import { GUID, parseJsonObject, sendError, sendJson } from './http';
import { ROLE_CATALOGUE } from './fixtures';
import type { SeedOrganization } from './fixtures';
import type { SandboxState } from './state';

export function registerIdentityRoutes(router: Router, state: SandboxState): void {
  const orgJson = (o: SeedOrganization) => {
    const root = o.rootOrganizationId ? state.orgs.find((r) => r.id === o.rootOrganizationId) : undefined;
    return {
      id: o.id,
      name: o.name,
      givenId: o.givenId,
      ssoEnabled: false,
      disabled: false,
      // Root organizations omit the key (docs/appcircle-api.md §3: the migration tool tests for its presence).
      ...(root ? { rootOrganizationId: root.id, rootOrganizationName: root.name } : {}),
      createdDate: o.createdDate,
      memberCount: o.memberCount,
      logoUrl: null,
    };
  };

  /** Resolves `{id}` (or the literal `current`) to an organization the caller reaches; otherwise answers 404/403. */
  const resolveOrg = (ctx: AuthedCtx): SeedOrganization | undefined => {
    const raw = ctx.params.id ?? '';
    const id = raw === 'current' ? ctx.auth.orgId : raw.toLowerCase();
    const org = GUID.test(id) ? state.orgs.find((o) => o.id === id) : undefined;
    if (!org) {
      sendError(ctx.res, 404, `Organization ${raw} was not found.`);
      return undefined;
    }
    if (!state.reachableOrgs(ctx.auth.cred).includes(org.id)) {
      sendError(ctx.res, 403, 'You do not have access to this organization.');
      return undefined;
    }
    return org;
  };

  /** Members of an organization; a root organization also lists its sub-organization-only members (§3: roles → 400). */
  const membersOf = (org: SeedOrganization) => {
    const subIds = org.rootOrganizationId ? [] : state.orgs.filter((o) => o.rootOrganizationId === org.id).map((o) => o.id);
    return state.members.filter((m) => m.memberships.some((x) => x.organizationId === org.id || subIds.includes(x.organizationId)));
  };

  router.authed('GET', '/identity/v1/organizations', (ctx) => {
    const reach = state.reachableOrgs(ctx.auth.cred);
    sendJson(ctx.res, 200, { data: state.orgs.filter((o) => reach.includes(o.id)).map(orgJson) });
  });

  router.authed('GET', '/identity/v1/organizations/:id', (ctx) => {
    const org = resolveOrg(ctx);
    if (org) {
      sendJson(ctx.res, 200, orgJson(org));
    }
  });

  router.authed('POST', '/identity/v1/organizations/:id/sub-organizations', (ctx) => {
    const parent = resolveOrg(ctx);
    if (!parent) {
      return;
    }
    const name = parseJsonObject(ctx.body)?.name;
    if (typeof name !== 'string' || !name.trim()) {
      sendJson(ctx.res, 400, { error: 'name is required', message: 'name is required' });
      return;
    }
    if (parent.rootOrganizationId) {
      sendJson(ctx.res, 400, {
        error: 'A sub-organization cannot have sub-organizations.',
        message: 'A sub-organization cannot have sub-organizations.',
      });
      return;
    }
    if (state.orgs.some((o) => o.rootOrganizationId === parent.id && o.name.toLowerCase() === name.trim().toLowerCase())) {
      sendJson(ctx.res, 400, {
        error: 'An organization with this name already exists.',
        message: 'An organization with this name already exists.',
      });
      return;
    }
    const org: SeedOrganization = {
      id: randomUUID(),
      name: name.trim(),
      givenId: name
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-'),
      rootOrganizationId: parent.id,
      createdDate: new Date().toISOString(),
      memberCount: 1,
    };
    state.orgs.push(org);
    const creator = state.members.find((m) => m.id === ctx.auth.sub);
    creator?.memberships.push({ organizationId: org.id, roles: ['owner'] });
    sendJson(ctx.res, 200, orgJson(org));
  });

  router.authed('GET', '/identity/v1/organizations/:id/users', (ctx) => {
    const org = resolveOrg(ctx);
    if (org) {
      sendJson(
        ctx.res,
        200,
        membersOf(org).map((m) => ({ id: m.id, username: m.email, email: m.email, fullName: m.fullName })),
      );
    }
  });

  router.authed('GET', '/identity/v1/organizations/:id/users/:userId/roles', (ctx) => {
    const org = resolveOrg(ctx);
    if (!org) {
      return;
    }
    const m = membersOf(org).find((x) => x.id === ctx.params.userId);
    if (!m) {
      sendError(ctx.res, 404, 'User not found in this organization.');
      return;
    }
    const own = m.memberships.find((x) => x.organizationId === org.id);
    if (!own) {
      // Listed under the root but a member of a sub-organization only (docs/appcircle-api.md §3).
      sendJson(ctx.res, 400, {
        error: 'The user is a member of a sub-organization only.',
        message: 'The user is a member of a sub-organization only.',
      });
      return;
    }
    const inherited = org.rootOrganizationId ? (m.memberships.find((x) => x.organizationId === org.rootOrganizationId)?.roles ?? []) : [];
    sendJson(ctx.res, 200, {
      roles: own.roles,
      inheritedRoles: inherited,
      ...(org.rootOrganizationId ? { isSubOrganizationMember: true } : {}),
    });
  });

  router.authed('PUT', '/identity/v1/organizations/:id/users/:userId/roles', (ctx) => {
    const org = resolveOrg(ctx);
    if (!org) {
      return;
    }
    const roles = parseJsonObject(ctx.body)?.roles;
    const own = state.members.find((x) => x.id === ctx.params.userId)?.memberships.find((x) => x.organizationId === org.id);
    if (!own) {
      sendError(ctx.res, 404, 'User not found in this organization.');
      return;
    }
    if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) {
      sendJson(ctx.res, 400, { error: 'roles must be a list of role keys', message: 'roles must be a list of role keys' });
      return;
    }
    own.roles = roles;
    sendJson(ctx.res, 200, { roles: own.roles });
  });

  router.authed('GET', '/identity/v1/organizations/:id/invitations', (ctx) => {
    const org = resolveOrg(ctx);
    if (org) {
      const root = org.rootOrganizationId ?? org.id;
      sendJson(
        ctx.res,
        200,
        state.invitations
          .filter((i) => i.organizationId === org.id)
          .map((i) => ({
            userEmail: i.userEmail,
            rootOrganizationId: root,
            status: 0,
            organizationsAndRoles: [{ organizationId: i.organizationId, roles: i.roles }],
          })),
      );
    }
  });

  router.authed('PATCH', '/identity/v1/users', (ctx) => {
    const orgId = (ctx.query.get('organizationId') ?? '').toLowerCase();
    if (ctx.query.get('action') !== 'invite' || !state.reachableOrgs(ctx.auth.cred).includes(orgId)) {
      sendError(
        ctx.res,
        ctx.query.get('action') !== 'invite' ? 400 : 403,
        ctx.query.get('action') !== 'invite' ? 'Unknown action.' : 'You do not have access to this organization.',
      );
      return;
    }
    const b = parseJsonObject(ctx.body) ?? {};
    const email = typeof b.userEmail === 'string' ? b.userEmail : typeof b.email === 'string' ? b.email : '';
    if (!email.includes('@')) {
      sendJson(ctx.res, 400, { error: 'userEmail must be an email address', message: 'userEmail must be an email address' });
      return;
    }
    state.invitations.push({
      organizationId: orgId,
      userEmail: email,
      roles: Array.isArray(b.roles) ? b.roles.filter((r): r is string => typeof r === 'string') : [],
    });
    sendJson(ctx.res, 200, {});
  });

  router.authed('PATCH', '/identity/v1/organizations/:id/invitations', (ctx) => {
    if (resolveOrg(ctx)) {
      sendJson(ctx.res, 200, {});
    }
  });

  router.authed('DELETE', '/identity/v1/organizations/:id/invitations', (ctx) => {
    const org = resolveOrg(ctx);
    if (!org) {
      return;
    }
    // A DELETE with a JSON body `{userEmail}` (docs/appcircle-api.md §7.14).
    const email = parseJsonObject(ctx.body)?.userEmail;
    const i = state.invitations.findIndex((x) => x.organizationId === org.id && x.userEmail === email);
    if (i < 0) {
      sendError(ctx.res, 404, 'Invitation not found.');
      return;
    }
    state.invitations.splice(i, 1);
    sendJson(ctx.res, 200, {});
  });

  router.authed('DELETE', '/identity/v1/organizations/:id', (ctx) => {
    const org = resolveOrg(ctx);
    if (!org) {
      return;
    }
    const userId = ctx.query.get('userId');
    const m = state.members.find((x) => x.id === userId);
    if (ctx.query.get('action') !== 'remove' || !m) {
      sendError(ctx.res, m ? 400 : 404, m ? 'Unknown action.' : 'User not found in this organization.');
      return;
    }
    m.memberships = m.memberships.filter((x) => x.organizationId !== org.id);
    sendJson(ctx.res, 200, {});
  });

  // The role catalogue sits at the API root (`roles.json?v=5`, docs/appcircle-api.md §3, §7.17).
  router.authed('GET', '/roles.json', (ctx) => sendJson(ctx.res, 200, ROLE_CATALOGUE));
}
