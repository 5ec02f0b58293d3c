/**
 * The auth host (docs/appcircle-api.md §2, §6-7): the four token routes and userinfo. Token routes take
 * x-www-form-urlencoded (JSON too, any Content-Type), ignore unknown fields such as `scope`, and answer
 * `{access_token, expires_in, token_type}` with `Cache-Control: no-store`.
 */
import type { Ctx, Router } from './http';
import { GUID, parseBody, sendError, sendJson } from './http';
import { mintJwt } from './jwt';
import { USER } from './fixtures';
import type { SandboxState } from './state';

export const USERINFO_PATH = '/auth/realms/appcircle/protocol/openid-connect/userinfo';

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

export function registerAuthRoutes(router: Router, state: SandboxState): void {
  const issue = (ctx: Ctx, claims: { sub: string; email?: string; orgId: string; cred: string }) => {
    const now = Math.floor(state.now() / 1000);
    const token = mintJwt({
      sub: claims.sub,
      ...(claims.email ? { email: claims.email, preferred_username: claims.email } : {}),
      currentOrganizationId: claims.orgId,
      iat: now,
      exp: now + state.tokenLifetimeSec,
      cred: claims.cred,
    });
    sendJson(
      ctx.res,
      200,
      { access_token: token, expires_in: state.tokenLifetimeSec, token_type: 'Bearer', scope: 'openid profile email' },
      NO_STORE,
    );
  };

  /** PAT routes: v1 `pat` (no sub-organization), v2 `pat` + sub-organization, v3 `personalAccessKey` + sub-organization. */
  const patRoute = (field: 'pat' | 'personalAccessKey', subOrgCapable: boolean) => (ctx: Ctx) => {
    const form = parseBody(ctx.body, ctx.req.headers['content-type']);
    const value = form[field];
    const user = value ? state.pats.find((p) => p.pat === value && !state.revoked.has(p.pat) && !(field === 'pat' && p.v3Only)) : undefined;
    if (!user) {
      sendError(ctx.res, 401, field === 'pat' ? 'Invalid personal access token.' : 'Invalid personal access key.', NO_STORE);
      return;
    }
    // Both spellings are accepted (docs/appcircle-api.md §2.6: sources disagree); empty means "no switch".
    const sub = subOrgCapable ? (form.subOrganizationId || form.subOrganization || '').trim() : '';
    if (sub && !GUID.test(sub)) {
      sendJson(
        ctx.res,
        400,
        { error: 'subOrganizationId must be a valid GUID', message: 'subOrganizationId must be a valid GUID' },
        NO_STORE,
      );
      return;
    }
    const orgId = sub ? sub.toLowerCase() : user.defaultOrg;
    if (!state.reachableOrgs(`pat:${user.userId}`).includes(orgId)) {
      sendError(ctx.res, 403, 'The user has no access to this organization.', NO_STORE);
      return;
    }
    issue(ctx, { sub: user.userId, email: user.email, orgId, cred: `pat:${user.userId}` });
  };

  router.add('POST', '/auth/v1/token', patRoute('pat', false), false);
  router.add('POST', '/auth/v2/token', patRoute('pat', true), false);
  router.add('POST', '/auth/v3/token', patRoute('personalAccessKey', true), false);

  router.add(
    'POST',
    '/auth/v1/api-key/token',
    (ctx) => {
      const form = parseBody(ctx.body, ctx.req.headers['content-type']);
      const orgParam = (form.organizationId ?? '').trim();
      if (orgParam && !GUID.test(orgParam)) {
        // The phrase is what CLI 2.7.3 looks for (docs/appcircle-api.md §2.1, §7.15).
        sendJson(ctx.res, 400, { error: 'organizationId must be a valid GUID', message: 'organizationId must be a valid GUID' }, NO_STORE);
        return;
      }
      const key = state.apiKeys.find((k) => k.name === form.name && k.secret === form.secret && !state.revoked.has(k.name));
      if (!key) {
        sendError(ctx.res, 401, 'Invalid API key name or secret.', NO_STORE);
        return;
      }
      const orgId = orgParam ? orgParam.toLowerCase() : key.organizationId;
      if (!state.reachableOrgs(`apikey:${key.name}`).includes(orgId)) {
        sendError(ctx.res, 403, 'The API key has no access to this organization.', NO_STORE);
        return;
      }
      issue(ctx, { sub: key.id, orgId, cred: `apikey:${key.name}` });
    },
    false,
  );

  router.authed('GET', USERINFO_PATH, (ctx) => {
    const a = ctx.auth;
    const key = a.cred.startsWith('apikey:') ? a.cred.slice('apikey:'.length) : undefined;
    sendJson(ctx.res, 200, {
      sub: a.sub,
      ...(a.email ? { email: a.email, email_verified: true } : {}),
      preferred_username: a.email ?? `service-account-${key ?? a.sub}`,
      ...(a.email === USER.email ? { name: USER.name } : {}),
      currentOrganizationId: a.orgId,
    });
  });
}
