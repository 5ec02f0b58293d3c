/** Token routes, userinfo and identity (appcircle-api.md §2-3, §6-7). */
import type { SandboxState } from './state';
import type { Router } from './http';
import { GUID, parseBody, sendError, sendJson } from './http';
import { mintJwt } from './jwt';
import { ORGANIZATIONS, USER } from './fixtures';

export function registerAuthRoutes(router: Router, state: SandboxState): void {
  const issue = (ctx: Parameters<Parameters<Router['add']>[2]>[0], claims: { sub: string; email?: string; orgId: string; cred: string }) => {
    const now = Math.floor(state.now() / 1000);
    const token = mintJwt({ sub: claims.sub, email: claims.email, preferred_username: claims.email, currentOrganizationId: claims.orgId, iat: now, exp: now + state.tokenLifetimeSec, cred: claims.cred });
    sendJson(ctx.res, 200, { access_token: token, expires_in: state.tokenLifetimeSec, token_type: 'Bearer', 'not-before-policy': 0, scope: 'openid profile email' });
  };

  const patRoute = (field: 'pat' | 'personalAccessKey') => (ctx: Parameters<Parameters<Router['add']>[2]>[0]) => {
    const form = parseBody(ctx.body, ctx.req.headers['content-type']);
    const value = form[field] ?? (field === 'personalAccessKey' ? form.pat : undefined);
    const user = value ? state.pats.find((p) => p.pat === value && !state.revoked.has(p.pat)) : undefined;
    if (!user) {
      sendError(ctx.res, 401, 'Invalid personal access token.');
      return;
    }
    const sub = (form.subOrganizationId || form.subOrganization || '').toLowerCase();
    if (sub && !GUID.test(sub)) {
      sendError(ctx.res, 400, 'subOrganizationId must be a valid GUID');
      return;
    }
    const orgId = sub || user.defaultOrg;
    if (!user.reaches.includes(orgId)) {
      sendError(ctx.res, 403, 'The user has no access to this organization.');
      return;
    }
    issue(ctx, { sub: user.userId, email: user.email, orgId, cred: `pat:${user.userId}` });
  };

  router.add('POST', '/auth/v1/token', patRoute('pat'), false);
  router.add('POST', '/auth/v2/token', patRoute('pat'), false);
  router.add('POST', '/auth/v3/token', patRoute('personalAccessKey'), false);

  router.add(
    'POST',
    '/auth/v1/api-key/token',
    (ctx) => {
      const form = parseBody(ctx.body, ctx.req.headers['content-type']);
      const orgParam = form.organizationId;
      if (orgParam !== undefined && orgParam !== '' && !GUID.test(orgParam)) {
        sendJson(ctx.res, 400, { error: 'organizationId must be a valid GUID', message: 'organizationId must be a valid GUID' });
        return;
      }
      const key = state.apiKeys.find((k) => k.name === form.name && k.secret === form.secret && !state.revoked.has(k.name));
      if (!key) {
        sendError(ctx.res, 401, 'Invalid API key name or secret.');
        return;
      }
      const orgId = (orgParam || key.organizationId).toLowerCase();
      if (!key.reaches.includes(orgId)) {
        sendError(ctx.res, 403, 'The API key has no access to this organization.');
        return;
      }
      issue(ctx, { sub: key.id, orgId, cred: `apikey:${key.name}` });
    },
    false,
  );

  router.add('GET', '/auth/realms/appcircle/protocol/openid-connect/userinfo', (ctx) => {
    const a = ctx.auth;
    if (!a) {
      return;
    }
    sendJson(ctx.res, 200, { sub: a.sub, email: a.email, email_verified: true, preferred_username: a.email ?? a.sub, name: a.email === USER.email ? USER.name : undefined, currentOrganizationId: a.orgId });
  });

  // ---- identity (API host) ----
  const orgJson = (o: (typeof ORGANIZATIONS)[number]) => {
    const root = o.rootOrganizationId ? ORGANIZATIONS.find((r) => r.id === o.rootOrganizationId) : undefined;
    return {
      id: o.id,
      name: o.name,
      givenId: o.givenId,
      ssoEnabled: false,
      disabled: false,
      ...(root ? { rootOrganizationId: root.id, rootOrganizationName: root.name } : {}),
      createdDate: o.createdDate,
      memberCount: o.memberCount,
      logoUrl: null,
    };
  };
  const reachable = (ctx: Parameters<Parameters<Router['add']>[2]>[0]) => state.reachableOrgs(ctx.auth?.cred ?? '');

  router.add('GET', '/identity/v1/organizations', (ctx) => {
    sendJson(ctx.res, 200, { data: ORGANIZATIONS.filter((o) => reachable(ctx).includes(o.id)).map(orgJson) });
  });
  router.add('GET', '/identity/v1/organizations/:id', (ctx) => {
    const id = ctx.params.id === 'current' ? ctx.auth?.orgId : ctx.params.id?.toLowerCase();
    const org = ORGANIZATIONS.find((o) => o.id === id);
    if (!org) {
      sendError(ctx.res, 404, 'Organization not found.');
      return;
    }
    if (!reachable(ctx).includes(org.id)) {
      sendError(ctx.res, 403, 'You do not have access to this organization.');
      return;
    }
    sendJson(ctx.res, 200, orgJson(org));
  });
  router.add('GET', '/identity/v1/organizations/:id/users', (ctx) => {
    sendJson(ctx.res, 200, [{ id: USER.id, username: USER.email, email: USER.email, fullName: USER.name }]);
  });
  router.add('GET', '/identity/v1/organizations/:id/users/:userId/roles', (ctx) => {
    sendJson(ctx.res, 200, { roles: ['owner'], inheritedRoles: [], isSubOrganizationMember: ctx.params.id !== ORGANIZATIONS[0]?.id });
  });
  router.add('GET', '/identity/v1/organizations/:id/invitations', (ctx) => sendJson(ctx.res, 200, []));
  router.add('GET', '/roles.json', (ctx) =>
    sendJson(ctx.res, 200, [{ module: 'build', title: 'Build', multi: true, enabled: true, defaultRoles: [], roles: [{ key: 'build_manager', name: 'Manager' }, { key: 'build_viewer', name: 'Viewer' }] }]),
  );
}
