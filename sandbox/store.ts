/**
 * Enterprise App Store routes of the sandbox (docs/appcircle-api.md §11.3): E1-E7 and the
 * E8 upload (`createNewProfile=true|false`). `publishType` arrives as the string "1"/"2" (or a number) and is
 * answered as a number; versions are newest first; E7 answers a plain JSON string, a URL on the storage origin.
 */
import type { UploadDeps } from './distribution';
import type { StoreProfile, StoreVersion } from './distributionSeed';
import type { AuthedCtx, Router } from './http';
import { parseJsonObject, sendError, sendJson } from './http';

export function storeProfileJson(p: StoreProfile) {
  const live = p.appVersions.find((v) => v.publishType === 2) ?? p.appVersions.find((v) => v.publishType === 1);
  const published = p.appVersions.map((v) => v.publishDate).filter((x): x is string => !!x);
  return {
    id: p.id,
    name: p.name,
    version: live?.version ?? p.appVersions[0]?.version ?? null,
    platformType: p.platformType,
    totalDownloadCount: p.appVersions.reduce((n, v) => n + v.downloadCount, 0),
    latestPublishDate: published.sort().at(-1) ?? null,
    lastBinaryReceivedDate: p.lastBinaryReceivedDate,
    createDate: p.createDate,
  };
}

const PUBLISH_FILTER: Record<string, number> = { beta: 1, live: 2, '1': 1, '2': 2 };

export function registerStoreRoutes(router: Router, d: UploadDeps): void {
  const { dist } = d;
  const org = (ctx: AuthedCtx) => ctx.auth.orgId;
  const profileOr404 = (ctx: AuthedCtx): StoreProfile | undefined => {
    const p = dist.storeProfile(ctx.params.p ?? '', org(ctx));
    if (!p) {
      sendError(ctx.res, 404, 'Enterprise store profile was not found.');
    }
    return p;
  };
  const versionOr404 = (ctx: AuthedCtx): { p: StoreProfile; v: StoreVersion } | undefined => {
    const p = profileOr404(ctx);
    const v = p?.appVersions.find((x) => x.id === (ctx.params.v ?? '').toLowerCase());
    if (p && !v) {
      sendError(ctx.res, 404, 'App version was not found.');
    }
    return p && v ? { p, v } : undefined;
  };

  // E1
  router.authed('GET', '/store/v2/profiles', (ctx) => sendJson(ctx.res, 200, dist.storeProfilesOf(org(ctx)).map(storeProfileJson)));
  // Profile detail (the MCP server's get_store_profile_details; no REST client seen)
  router.authed('GET', '/store/v2/profiles/:p', (ctx) => {
    const p = profileOr404(ctx);
    if (p) {
      sendJson(ctx.res, 200, { ...storeProfileJson(p), appVersions: p.appVersions.map((v) => ({ ...v })) });
    }
  });
  // E2: newest first, optional ?publishtype=Beta|Live
  router.authed('GET', '/store/v2/profiles/:p/app-versions', (ctx) => {
    const p = profileOr404(ctx);
    if (!p) {
      return;
    }
    const raw = (ctx.query.get('publishtype') ?? ctx.query.get('publishType') ?? '').toLowerCase();
    const want = PUBLISH_FILTER[raw];
    sendJson(
      ctx.res,
      200,
      p.appVersions.filter((v) => want === undefined || v.publishType === want).map((v) => ({ ...v })),
    );
  });
  // E3 publish, E4 unpublish: 200 with the version
  router.authed('PATCH', '/store/v2/profiles/:p/app-versions/:v', (ctx) => {
    const found = versionOr404(ctx);
    if (!found) {
      return;
    }
    const { v } = found;
    const action = ctx.query.get('action');
    const b = parseJsonObject(ctx.body);
    if (!b) {
      sendError(ctx.res, 400, 'The body must be a JSON object.');
      return;
    }
    if (action === 'publish') {
      const type = Number(b.publishType);
      if (type !== 1 && type !== 2) {
        sendError(ctx.res, 400, 'publishType must be 1 (Beta) or 2 (Live).');
        return;
      }
      const at = dist.stamp();
      v.publishType = type;
      v.publishDate = at;
      v.updateDate = at;
      if (typeof b.summary === 'string') {
        v.summary = b.summary;
      }
      if (typeof b.releaseNotes === 'string') {
        v.releaseNotes = b.releaseNotes;
      }
    } else if (action === 'unpublish') {
      v.publishType = 0;
      v.publishDate = null;
      v.updateDate = dist.stamp();
    } else {
      sendError(ctx.res, 400, 'Unknown action: expected publish or unpublish.');
      return;
    }
    sendJson(ctx.res, 200, { ...v });
  });
  // E5 remove → {taskId}
  router.authed('DELETE', '/store/v2/profiles/:p/app-versions/:v', (ctx) => {
    const found = versionOr404(ctx);
    if (found) {
      const t = d.tasks.start(
        org(ctx),
        () => {
          found.p.appVersions = found.p.appVersions.filter((x) => x !== found.v);
          return undefined;
        },
        'complete',
        d.uploads.pollsToFinish,
      );
      sendJson(ctx.res, 200, { taskId: t.id });
    }
  });
  // E6 notify → {taskId}
  router.authed('POST', '/store/v2/profiles/:p/app-versions/:v', (ctx) => {
    const found = versionOr404(ctx);
    if (!found) {
      return;
    }
    const b = parseJsonObject(ctx.body);
    if (ctx.query.get('action') !== 'notify' || !b || typeof b.subject !== 'string' || typeof b.message !== 'string') {
      sendError(ctx.res, 400, 'Expected action=notify with {subject, message}.');
      return;
    }
    sendJson(ctx.res, 200, { taskId: d.tasks.start(org(ctx), () => undefined, 'complete', d.uploads.pollsToFinish).id });
  });
  // E7 download link: a plain JSON string
  router.authed('GET', '/store/v2/profiles/:p/app-versions/:v', (ctx) => {
    const found = versionOr404(ctx);
    if (!found) {
      return;
    }
    if (ctx.query.get('action') !== 'download') {
      sendJson(ctx.res, 200, { ...found.v });
      return;
    }
    sendJson(ctx.res, 200, d.uploads.downloadLink(found.v.fileName));
  });

  // E8: U1 and U3 (createNewProfile=true makes a profile from the binary; false needs profileId)
  router.authed('GET', '/store/v1/profiles/app-versions', (ctx) => {
    if (ctx.query.get('action') !== 'uploadInformation') {
      sendError(ctx.res, 400, 'Unknown action: expected action=uploadInformation.');
      return;
    }
    const r = d.uploads.announce(org(ctx), 'store', ctx.query);
    sendJson(ctx.res, r.status, r.body);
  });
  router.authed('POST', '/store/v1/profiles/app-versions', (ctx) => {
    if (ctx.query.get('action') !== 'commitFileUpload') {
      sendError(ctx.res, 400, 'Unknown action: expected action=commitFileUpload.');
      return;
    }
    const createNew = (ctx.query.get('createNewProfile') ?? '').toLowerCase();
    if (createNew !== 'true' && createNew !== 'false') {
      sendError(ctx.res, 400, 'createNewProfile must be true or false.');
      return;
    }
    let target: StoreProfile | undefined;
    if (createNew === 'false') {
      target = dist.storeProfile(ctx.query.get('profileId') ?? '', org(ctx));
      if (!target) {
        sendError(ctx.res, ctx.query.get('profileId') ? 404 : 400, 'createNewProfile=false needs the profileId of a store profile.');
        return;
      }
    }
    if (d.uploads.faults.commitStatus) {
      sendError(ctx.res, d.uploads.faults.commitStatus, 'The commit failed (sandbox fault).');
      return;
    }
    const u = d.uploads.commitProblem(org(ctx), 'store', parseJsonObject(ctx.body));
    if ('status' in u) {
      sendError(ctx.res, u.status, u.message);
      return;
    }
    const duplicate = dist.takeDuplicate();
    const t = d.tasks.start(
      org(ctx),
      () => dist.addStoreVersion(org(ctx), target, { fileName: u.fileName, fileSize: u.fileSize }, duplicate),
      d.uploads.faults.task ?? 'complete',
      d.uploads.pollsToFinish,
    );
    sendJson(ctx.res, 200, { taskId: t.id });
  });
}
