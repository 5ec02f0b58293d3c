/**
 * Testing Distribution routes of the sandbox (docs/appcircle-api.md §11.2): TD1-TD10 with
 * both `v1` and `v2` where official clients disagree (create, settings PATCH), and the TD9 upload (U1, U3) over
 * uploads.ts and tasks.ts. Lists are bare arrays; `page`/`size`/`search` are ignored.
 */
import type { DistributionWorld } from './distributionWorld';
import type { TdProfile, TdVersion, TestingGroup } from './distributionSeed';
import type { AuthedCtx, Router } from './http';
import { parseJsonObject, sendError, sendJson } from './http';
import type { TaskBoard } from './tasks';
import { FormCounter } from './multipart';
import type { UploadWorld } from './uploads';

export interface UploadDeps {
  dist: DistributionWorld;
  uploads: UploadWorld;
  tasks: TaskBoard;
}

const versionLabel = (v: TdVersion | undefined) => (v ? `${v.version} (${v.versionCode})` : null);

export function tdProfileJson(p: TdProfile) {
  return {
    id: p.id,
    name: p.name,
    pinned: p.pinned,
    iOSVersion: versionLabel(p.appVersions.find((v) => v.platformType === 1)),
    androidVersion: versionLabel(p.appVersions.find((v) => v.platformType === 2)),
    createDate: p.createdAt,
    updateDate: p.updateDate,
    lastAppVersionSharedDate: p.lastAppVersionSharedDate,
    settings: { ...p.settings },
    testingGroupIds: [...p.testingGroupIds],
  };
}

const groupJson = (g: TestingGroup) => ({
  id: g.id,
  name: g.name,
  createDate: g.createDate,
  updateDate: g.updateDate,
  testers: [...g.testers],
});

export function registerDistributionRoutes(router: Router, d: UploadDeps): void {
  const { dist } = d;
  const org = (ctx: AuthedCtx) => ctx.auth.orgId;
  const profileOr404 = (ctx: AuthedCtx): TdProfile | undefined => {
    const p = dist.tdProfile(ctx.params.id ?? '', org(ctx));
    if (!p) {
      sendError(ctx.res, 404, 'Distribution profile was not found.');
    }
    return p;
  };
  const jsonBody = (ctx: AuthedCtx): Record<string, unknown> | undefined => {
    const b = parseJsonObject(ctx.body);
    if (!b) {
      sendError(ctx.res, 400, 'The body must be a JSON object.');
    }
    return b;
  };

  // TD1
  router.authed('GET', '/distribution/v2/profiles', (ctx) => sendJson(ctx.res, 200, dist.tdProfilesOf(org(ctx)).map(tdProfileJson)));
  // TD2: the profile with its versions, newest first
  router.authed('GET', '/distribution/v2/profiles/:id', (ctx) => {
    const p = profileOr404(ctx);
    if (p) {
      sendJson(ctx.res, 200, {
        ...tdProfileJson(p),
        appVersions: p.appVersions.map((v) => ({ ...v, sentTestingGroupIds: [...v.sentTestingGroupIds] })),
      });
    }
  });
  // TD3: v2 (fastlane, ADO, GHA, Jenkins, migration tool) and v1 (CLI)
  const create = (ctx: AuthedCtx) => {
    const b = jsonBody(ctx);
    const name = typeof b?.name === 'string' ? b.name.trim() : '';
    if (!b) {
      return;
    }
    if (!name) {
      sendError(ctx.res, 400, 'name is required.');
      return;
    }
    const at = dist.stamp();
    const p: TdProfile = {
      orgId: org(ctx),
      id: dist.newId('td'),
      name,
      pinned: false,
      createdAt: at,
      updateDate: at,
      lastAppVersionSharedDate: null,
      settings: { authenticationType: 1 },
      testingGroupIds: [],
      appVersions: [],
    };
    dist.data.tdProfiles.unshift(p);
    sendJson(ctx.res, 200, tdProfileJson(p));
  };
  router.authed('POST', '/distribution/v2/profiles', create);
  router.authed('POST', '/distribution/v1/profiles', create);
  // TD4: v2 (CLI, fastlane with application/json-patch+json) and v1 (migration tool)
  const patch = (ctx: AuthedCtx) => {
    const p = profileOr404(ctx);
    const b = p ? patchBody(ctx) : undefined;
    if (!p || !b) {
      return;
    }
    if (b.testingGroupIds !== undefined) {
      const ids = b.testingGroupIds;
      if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string')) {
        sendError(ctx.res, 400, 'testingGroupIds must be a list of testing group ids.');
        return;
      }
      const unknown = (ids as string[]).find((x) => !dist.group(x, org(ctx)));
      if (unknown) {
        sendError(ctx.res, 400, `Unknown testing group ${unknown}.`);
        return;
      }
      p.testingGroupIds = [...new Set((ids as string[]).map((x) => x.toLowerCase()))];
    }
    if (b.settings !== undefined) {
      const s = b.settings as Record<string, unknown> | null;
      const type = s?.authenticationType;
      if (!s || typeof s !== 'object' || (type !== undefined && ![1, 2, 3, 4, 5].includes(Number(type)))) {
        sendError(ctx.res, 400, 'settings.authenticationType must be 1, 2, 3, 4 or 5.');
        return;
      }
      p.settings = {
        authenticationType: type === undefined ? p.settings.authenticationType : Number(type),
        ...(typeof s.username === 'string' ? { username: s.username } : {}),
      };
    }
    if (typeof b.name === 'string' && b.name.trim()) {
      p.name = b.name.trim();
    }
    p.updateDate = dist.stamp();
    sendJson(ctx.res, 200, tdProfileJson(p));
  };
  router.authed('PATCH', '/distribution/v2/profiles/:id', patch);
  router.authed('PATCH', '/distribution/v1/profiles/:id', patch);
  // TD5-TD8
  router.authed('GET', '/distribution/v2/testing-groups', (ctx) => sendJson(ctx.res, 200, dist.groupsOf(org(ctx)).map(groupJson)));
  const groupOr404 = (ctx: AuthedCtx) => {
    const g = dist.group(ctx.params.id ?? '', org(ctx));
    if (!g) {
      sendError(ctx.res, 404, 'Testing group was not found.');
    }
    return g;
  };
  router.authed('GET', '/distribution/v2/testing-groups/:id', (ctx) => {
    const g = groupOr404(ctx);
    if (g) {
      sendJson(ctx.res, 200, groupJson(g));
    }
  });
  router.authed('POST', '/distribution/v2/testing-groups', (ctx) => {
    const b = jsonBody(ctx);
    const name = typeof b?.name === 'string' ? b.name.trim() : '';
    if (!b) {
      return;
    }
    if (!name) {
      sendError(ctx.res, 400, 'name is required.');
      return;
    }
    const at = dist.stamp();
    const g: TestingGroup = { orgId: org(ctx), id: dist.newId('group'), name, createDate: at, updateDate: at, testers: [] };
    dist.data.groups.push(g);
    sendJson(ctx.res, 200, groupJson(g));
  });
  router.authed('DELETE', '/distribution/v2/testing-groups/:id', (ctx) => {
    const g = groupOr404(ctx);
    if (g) {
      dist.data.groups = dist.data.groups.filter((x) => x !== g);
      dist.data.tdProfiles.forEach((p) => (p.testingGroupIds = p.testingGroupIds.filter((x) => x !== g.id)));
      sendJson(ctx.res, 200, {});
    }
  });
  const testers = (add: boolean) => (ctx: AuthedCtx) => {
    const g = groupOr404(ctx);
    if (!g) {
      return;
    }
    let emails: unknown;
    try {
      emails = JSON.parse(ctx.body);
    } catch {
      emails = undefined;
    }
    if (!Array.isArray(emails) || !emails.length || emails.some((e) => typeof e !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(e))) {
      sendError(ctx.res, 400, 'The body must be a JSON array of e-mail addresses.');
      return;
    }
    const list = emails as string[];
    g.testers = add ? [...g.testers, ...list.filter((e) => !g.testers.includes(e))] : g.testers.filter((e) => !list.includes(e));
    g.updateDate = dist.stamp();
    sendJson(ctx.res, 200, groupJson(g));
  };
  router.authed('POST', '/distribution/v2/testing-groups/:id/testers', testers(true));
  router.authed('DELETE', '/distribution/v2/testing-groups/:id/testers', testers(false));

  // TD9: U1 (GET) and U3 (POST) on one path, chosen by ?action=
  router.authed('GET', '/distribution/v1/profiles/:id/app-versions', (ctx) => {
    const p = profileOr404(ctx);
    if (!p) {
      return;
    }
    if (ctx.query.get('action') !== 'uploadInformation') {
      sendError(ctx.res, 400, 'Unknown action: expected action=uploadInformation.');
      return;
    }
    const r = d.uploads.announce(org(ctx), 'distribution', ctx.query, p.id);
    sendJson(ctx.res, r.status, r.body);
  });
  router.authed('POST', '/distribution/v1/profiles/:id/app-versions', (ctx) => {
    const p = profileOr404(ctx);
    if (!p) {
      return;
    }
    if (ctx.query.get('action') !== 'commitFileUpload') {
      sendError(ctx.res, 400, 'Unknown action: expected action=commitFileUpload.');
      return;
    }
    if (d.uploads.faults.commitStatus) {
      sendError(ctx.res, d.uploads.faults.commitStatus, 'The commit failed (sandbox fault).');
      return;
    }
    const b = parseJsonObject(ctx.body);
    const u = d.uploads.commitProblem(org(ctx), 'distribution', b, p.id);
    if ('status' in u) {
      sendError(ctx.res, u.status, u.message);
      return;
    }
    const message = typeof b?.message === 'string' ? b.message : '';
    const duplicate = dist.takeDuplicate();
    const t = d.tasks.start(
      org(ctx),
      () => dist.addTdVersion(p, { fileName: u.fileName, fileSize: u.fileSize }, message, duplicate),
      d.uploads.faults.task ?? 'complete',
      d.uploads.pollsToFinish,
    );
    sendJson(ctx.res, 200, { taskId: t.id });
  });
  // TD11 (legacy, GHA-TD and JNK-TD): multipart Message + File straight to the API host → {taskId}
  router.authed('POST', '/distribution/v2/profiles/:id/app-versions', (ctx) => {
    const p = profileOr404(ctx);
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(ctx.req.headers['content-type'] ?? '');
    if (!p) {
      return;
    }
    const form = new FormCounter(boundary?.[1] ?? boundary?.[2] ?? '-', 'File');
    form.push(Buffer.from(ctx.body, 'utf8'));
    const problem = boundary ? form.problem(false) : 'The body must be multipart/form-data with Message and File.';
    const fileName = form.fileName;
    if (problem || !fileName) {
      sendError(ctx.res, 400, problem ?? 'The File part needs a file name.');
      return;
    }
    const duplicate = dist.takeDuplicate();
    const t = d.tasks.start(
      org(ctx),
      () => dist.addTdVersion(p, { fileName, fileSize: form.fileBytes }, form.fields.Message ?? '', duplicate),
      d.uploads.faults.task ?? 'complete',
      d.uploads.pollsToFinish,
    );
    sendJson(ctx.res, 200, { taskId: t.id });
  });
  // TD10
  router.authed('PATCH', '/distribution/v1/profiles/:id/app-versions/:versionId', (ctx) => {
    const p = profileOr404(ctx);
    if (!p) {
      return;
    }
    const v = p.appVersions.find((x) => x.id === (ctx.params.versionId ?? '').toLowerCase());
    if (!v) {
      sendError(ctx.res, 404, 'App version was not found.');
      return;
    }
    const b = jsonBody(ctx);
    if (!b) {
      return;
    }
    if (ctx.query.get('action') !== 'updateMessage' || typeof b.message !== 'string') {
      sendError(ctx.res, 400, 'Expected action=updateMessage with {message}.');
      return;
    }
    v.message = b.message;
    v.updateDate = dist.stamp();
    sendJson(ctx.res, 200, { ...v });
  });
}

/** A PATCH body: a JSON object, or a JSON Patch list of `replace`/`add` ops on top-level keys. */
function patchBody(ctx: AuthedCtx): Record<string, unknown> | undefined {
  let v: unknown;
  try {
    v = JSON.parse(ctx.body || '{}');
  } catch {
    v = undefined;
  }
  if (Array.isArray(v)) {
    const out: Record<string, unknown> = {};
    for (const op of v as { op?: string; path?: string; value?: unknown }[]) {
      const key = /^\/(\w+)$/.exec(op?.path ?? '')?.[1];
      if ((op?.op === 'replace' || op?.op === 'add') && key) {
        out[key] = op.value;
      }
    }
    return out;
  }
  if (v && typeof v === 'object') {
    return v as Record<string, unknown>;
  }
  sendError(ctx.res, 400, 'The body must be a JSON object.');
  return undefined;
}
