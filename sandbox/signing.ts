/**
 * Signing-identity routes of the sandbox (docs/appcircle-api.md §11.4): the lists S1, S2,
 * S7, S12 and the details S3, S8, S13 as JSON (the CLI also downloads from the detail URL; the sandbox answers JSON
 * there, the download's negotiation is unknown), and the control route that sets an item's expiry.
 */
import type { DistributionWorld } from './distributionWorld';
import type { SigningItem, SigningKind } from './distributionSeed';
import type { AuthedCtx, Ctx, Router } from './http';
import { parseJsonObject, sendError, sendJson } from './http';

const KINDS: readonly SigningKind[] = ['certificates', 'csr', 'keystores', 'provisioning-profiles'];

function itemJson(s: SigningItem) {
  const { orgId: _o, kind: _k, ...rest } = s;
  return rest;
}

export function registerSigningRoutes(router: Router, dist: DistributionWorld): void {
  const paths: [SigningKind, string][] = [
    ['certificates', '/signing-identity/v2/certificates'],
    ['csr', '/signing-identity/v1/csr'],
    ['keystores', '/signing-identity/v2/keystores'],
    ['provisioning-profiles', '/signing-identity/v2/provisioning-profiles'],
  ];
  for (const [kind, path] of paths) {
    router.authed('GET', path, (ctx) => sendJson(ctx.res, 200, dist.signingOf(ctx.auth.orgId, kind).map(itemJson)));
    router.authed('GET', `${path}/:id`, (ctx: AuthedCtx) => {
      const s = dist.signingItem(kind, ctx.params.id ?? '', ctx.auth.orgId);
      return s ? sendJson(ctx.res, 200, itemJson(s)) : sendError(ctx.res, 404, 'The signing identity was not found.');
    });
  }

  // POST /__sandbox/signing-expiry {kind, id | name, expireDate | inDays, orgId?}
  router.add(
    'POST',
    '/__sandbox/signing-expiry',
    (ctx: Ctx) => {
      const b = parseJsonObject(ctx.body);
      const kind = b?.kind as SigningKind;
      const idOrName = typeof b?.id === 'string' ? b.id : typeof b?.name === 'string' ? b.name : '';
      const expiry = typeof b?.expireDate === 'string' ? b.expireDate : typeof b?.inDays === 'number' ? { inDays: b.inDays } : undefined;
      if (!b || !KINDS.includes(kind) || !idOrName || !expiry) {
        sendError(ctx.res, 400, `Expected {kind: ${KINDS.join('|')}, id or name, expireDate (ISO) or inDays, orgId?}.`);
        return;
      }
      try {
        sendJson(ctx.res, 200, dist.setSigningExpiry(kind, idOrName, expiry, typeof b.orgId === 'string' ? b.orgId : undefined));
      } catch (e) {
        sendError(ctx.res, 404, e instanceof Error ? e.message : String(e));
      }
    },
    false,
  );
}
