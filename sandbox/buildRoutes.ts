/**
 * The build routes of the sandbox (docs/appcircle-api.md §4, §7): B1-B19 and the variable groups of CLI 2.7.3 over
 * the living queue of buildQueue.ts: query and body parsing, the response wrappers and status codes, and logs
 * written in chunks with `Range`.
 */
import type { ServerResponse } from 'node:http';
import { ZERO_GUID, stableGuid } from './fixtures';
import type { AuthedCtx, Router } from './http';
import { parseBody, parseJsonObject, sendError, sendJson, sendText } from './http';
import type { BuildLog, BuildWorld, LiveRef } from './buildQueue';
import { TERMINAL } from './buildSeed';
import type { LiveBuild, SBranch, SBuild, SCommit, SProfile } from './buildSeed';

export function registerBuildRoutes(router: Router, world: BuildWorld): void {
  const org = (ctx: AuthedCtx) => ctx.auth.orgId;
  const buildJson = (x: SBuild) => {
    world.refresh(x);
    const { live: _l, ...rest } = x;
    return rest;
  };
  const notFound = (ctx: AuthedCtx, what: string) => sendError(ctx.res, 404, `${what} was not found.`);

  // B1
  router.authed('GET', '/build/v2/profiles', (ctx) => {
    sendJson(
      ctx.res,
      200,
      world.profilesOf(org(ctx)).map((p) => ({
        id: p.id,
        name: p.name,
        pinned: p.pinned,
        os: p.os,
        buildPlatformType: p.buildPlatformType,
        repositoryName: p.repositoryName,
        lastBuildDate: p.branches.reduce<string | null>(
          (m, b) => (b.builds[0] && (!m || b.builds[0].startDate > m) ? b.builds[0].startDate : m),
          null,
        ),
        autoDistributeCount: 0,
        autoBuildCount: 1,
      })),
    );
  });
  // B2 (v1; older CLIs use v2)
  const profileDetail = (ctx: AuthedCtx) => {
    const p = world.findProfile(ctx.params.id ?? '', org(ctx));
    if (!p) {
      notFound(ctx, 'Build profile');
      return;
    }
    sendJson(ctx.res, 200, {
      id: p.id,
      name: p.name,
      pinned: p.pinned,
      os: p.os,
      buildPlatformType: p.buildPlatformType,
      repositoryName: p.repositoryName,
      branches: p.branches.map((b) => {
        const last = b.builds[0];
        if (!last) {
          return { id: b.id, name: b.name }; // "No previous builds"
        }
        world.refresh(last);
        return { id: b.id, name: b.name, lastBuildDate: last.startDate, buildStatus: last.status };
      }),
    });
  };
  router.authed('GET', '/build/v1/profiles/:id', profileDetail);
  router.authed('GET', '/build/v2/profiles/:id', profileDetail);
  // B3, B4
  router.authed('GET', '/build/v2/profiles/:id/workflows', (ctx) => {
    const p = world.findProfile(ctx.params.id ?? '', org(ctx));
    return p ? sendJson(ctx.res, 200, p.workflows) : notFound(ctx, 'Build profile');
  });
  router.authed('GET', '/build/v2/profiles/:id/configurations', (ctx) => {
    const p = world.findProfile(ctx.params.id ?? '', org(ctx));
    return p ? sendJson(ctx.res, 200, p.configurations) : notFound(ctx, 'Build profile');
  });
  // B5
  router.authed('GET', '/build/v2/commits', (ctx) => {
    const found = world.findBranch(ctx.query.get('branchId') ?? '', org(ctx));
    return found ? sendJson(ctx.res, 200, found.b.commits) : notFound(ctx, 'Branch');
  });
  // B17 (unverified): before B6 so 'last-commit' is not read as a commit id
  router.authed('GET', '/build/v2/commits/last-commit', (ctx) => {
    const found = world.findBranch(ctx.query.get('branchId') ?? '', org(ctx));
    const c = found && found.p.id === ctx.query.get('profileId') ? found.b.commits[0] : undefined;
    return c ? sendJson(ctx.res, 200, c) : notFound(ctx, 'Branch');
  });
  // B6
  router.authed('GET', '/build/v2/commits/:id', (ctx) => {
    const found = world.findCommit(ctx.params.id ?? '', org(ctx));
    if (!found) {
      notFound(ctx, 'Commit');
      return;
    }
    sendJson(ctx.res, 200, { ...found.c, builds: found.b.builds.filter((x) => x.commitId === found.c.id).map(buildJson) });
  });
  // B7: the body (the literal `{}` as a form) is ignored; everything comes from the query (§7.2)
  const startAndReply = (ctx: AuthedCtx, ref: { p: SProfile; b: SBranch; c: SCommit }, workflowId: string, configurationId: string) => {
    const email = ctx.auth.email ?? `${ctx.auth.cred.replace(/^apikey:/, '')} (API key)`;
    const result = world.start(ref, workflowId, configurationId, { id: ctx.auth.sub, email, orgId: org(ctx) });
    if (typeof result === 'string') {
      sendError(ctx.res, 404, result);
      return;
    }
    sendJson(ctx.res, 200, { taskId: result.live?.taskId, queueItemId: result.live?.queueId });
  };
  router.authed('POST', '/build/v2/commits/:id', (ctx) => {
    if (ctx.query.get('action') !== 'build') {
      sendError(ctx.res, 400, 'Unknown action: expected action=build.');
      return;
    }
    const found = world.findCommit(ctx.params.id ?? '', org(ctx));
    if (!found) {
      notFound(ctx, 'Commit');
      return;
    }
    startAndReply(ctx, found, ctx.query.get('workflowId') ?? '', ctx.query.get('configurationId') ?? '');
  });
  // B18, B19 (unverified): start on the latest commit of a branch (by id or name)
  router.authed('PUT', '/build/v2/profiles/:p/branch/:b/workflow/:w', (ctx) => {
    const found = world.findBranch(ctx.params.b ?? '', org(ctx));
    const c = found && found.p.id === ctx.params.p ? found.b.commits[0] : undefined;
    return found && c
      ? startAndReply(ctx, { ...found, c }, ctx.params.w ?? '', ctx.query.get('configurationId') ?? '')
      : notFound(ctx, 'Branch');
  });
  router.authed('PUT', '/build/v2/profiles/:p/workflow/:w', (ctx) => {
    const p = world.findProfile(ctx.params.p ?? '', org(ctx));
    const b = p?.branches.find((x) => x.name === ctx.query.get('branchName'));
    const c = b?.commits[0];
    return p && b && c
      ? startAndReply(ctx, { p, b, c }, ctx.params.w ?? '', ctx.query.get('configurationId') ?? '')
      : notFound(ctx, 'Branch');
  });
  // B9: waiting and running builds of the organization, paged, {data}
  router.authed('GET', '/build/v1/queue/my-dashboard', (ctx) => {
    const rows = world
      .liveBuilds(org(ctx))
      .filter((x) => world.isActive(x.build) && !(world.behaviour.leavesQueueAt === 'completing' && x.build.status === 92))
      .reverse()
      .map(({ p, b, build }) => ({
        id: build.live?.queueId,
        commitId: build.commitId,
        commitHash: build.hash,
        profileId: p.id,
        profileName: p.name,
        branchName: b.name,
        queueItemStatus: build.status === 90 ? 0 : 1,
        publishId: null,
        appVersionId: null,
        stepName: null,
        email: build.live?.userEmail,
        startQueueDateTime: build.startDate,
        os: p.os,
      }));
    const page = Math.max(1, Number(ctx.query.get('page')) || 1);
    const size = Math.max(1, Number(ctx.query.get('size')) || 1000);
    sendJson(ctx.res, 200, { data: rows.slice((page - 1) * size, page * size), totalCount: rows.length });
  });
  // B13: by queue item (or task) id
  router.authed('GET', '/build/v1/queue/logs/:id', async (ctx) => {
    const found = world.findLive(ctx.params.id ?? '', org(ctx));
    if (!found) {
      notFound(ctx, 'Queue item');
      return;
    }
    const log = world.log(found);
    if (!log.count) {
      sendText(ctx.res, 200, 'No Logs Available');
      return;
    }
    await sendLog(ctx.res, log, world.behaviour.logRange === 'honoured' ? rangeStart(ctx.req.headers.range) : undefined);
  });
  // B8 and B16 (`?action=cancel`), either id
  router.authed('GET', '/build/v1/queue/:id', (ctx) => {
    const found = world.findLive(ctx.params.id ?? '', org(ctx));
    if (!found) {
      notFound(ctx, 'Queue item');
      return;
    }
    const { p, b, build } = found;
    const live = build.live as LiveBuild;
    world.refresh(build);
    if (world.behaviour.finishedQueueItem === 'gone' && TERMINAL.includes(build.status)) {
      notFound(ctx, 'Queue item'); // it has left the queue (docs/appcircle-api.md §10: unknown in production)
      return;
    }
    // 'ignored': as a real server most likely does, the unknown query parameter changes nothing (§4.7)
    const action = world.behaviour.cancel === 'ignored' ? null : ctx.query.get('action');
    if (action === 'cancel') {
      if (world.cancel(found) === 'finished') {
        sendError(ctx.res, 400, 'The build has already finished.');
        return;
      }
      sendJson(ctx.res, 200, { id: live.queueId, taskId: live.taskId, cancelling: true, buildStatus: build.status });
      return;
    }
    if (action) {
      sendError(ctx.res, 400, `Unknown action: ${action}.`);
      return;
    }
    sendJson(ctx.res, 200, {
      id: live.queueId,
      taskId: live.taskId,
      agentId: stableGuid(`agent:${p.os}`),
      organizationId: live.orgId,
      userId: live.userId,
      profileId: p.id,
      branchId: b.id,
      commitId: build.commitId,
      // The all-zero GUID until the build record "exists" (running), as the CLI expects (§4.2, §7.6).
      buildId: build.status === 90 ? ZERO_GUID : build.id,
      purpose: 1,
      triggerReason: 0,
      cancelling: live.canceledAt !== undefined,
      queueItemStatus: build.status === 90 ? 0 : 1,
      xcodeVersion: p.os === 1 ? '16.2.x' : '',
      buildStatus: build.status,
      hasWarning: build.hasWarning,
    });
  });
  // B10
  router.authed('GET', '/build/v1/builds', (ctx) => {
    const found = world.findBranch(ctx.query.get('branchId') ?? '', org(ctx));
    if (!found || found.p.id !== ctx.query.get('profileId')) {
      notFound(ctx, 'Branch');
      return;
    }
    sendJson(ctx.res, 200, found.b.builds.map(buildJson));
  });
  const findBuild = (ctx: AuthedCtx): LiveRef | undefined => {
    const found = world.findCommit(ctx.params.commitId ?? '', org(ctx));
    const build = found?.b.builds.find((x) => x.id === ctx.params.buildId && x.commitId === found.c.id);
    return found && build ? { p: found.p, b: found.b, build } : undefined;
  };
  // B12: 404 "No Logs Available" until the build has written something (§4.5, §7.10)
  const logRoute = async (ctx: AuthedCtx) => {
    const f = findBuild(ctx);
    if (!f) {
      notFound(ctx, 'Build');
      return;
    }
    const log = world.log(f);
    if (!log.count) {
      sendError(ctx.res, 404, 'No Logs Available');
      return;
    }
    await sendLog(ctx.res, log, world.behaviour.logRange === 'honoured' ? rangeStart(ctx.req.headers.range) : undefined);
  };
  router.authed('GET', '/build/v1/commits/:commitId/builds/:buildId/logs', logRoute);
  router.authed('GET', '/build/v2/commits/:commitId/builds/:buildId/logs', logRoute);
  // B11 (shape unverified)
  router.authed('GET', '/build/v2/commits/:commitId/builds/:buildId/status', (ctx) => {
    const f = findBuild(ctx);
    if (!f) {
      notFound(ctx, 'Build');
      return;
    }
    world.refresh(f.build);
    sendJson(ctx.res, 200, { status: f.build.status, hasWarning: f.build.hasWarning });
  });
  // B14: one zip of all artifacts; 404 when there are none (yet)
  const artifactRoute = (ctx: AuthedCtx) => {
    const f = findBuild(ctx);
    if (!f) {
      notFound(ctx, 'Build');
      return;
    }
    const zip = world.artifacts(f);
    if (!zip) {
      sendError(ctx.res, 404, 'This build has no artifacts.');
      return;
    }
    ctx.res.writeHead(200, {
      'Content-Type': 'application/zip',
      'Content-Length': zip.length,
      'Content-Disposition': 'attachment; filename="artifacts.zip"',
      'Cache-Control': 'no-store',
    });
    ctx.res.end(zip);
  };
  router.authed('GET', '/build/v1/commits/:commitId/builds/:buildId', artifactRoute);
  router.authed('GET', '/build/v2/commits/:commitId/builds/:buildId', artifactRoute);
  // B15: a build's task (uploads are out of scope)
  router.authed('GET', '/task/v1/tasks/:id', (ctx) => {
    const found = world.findLive(ctx.params.id ?? '', org(ctx));
    return found ? sendJson(ctx.res, 200, world.taskState(found.build)) : notFound(ctx, 'Task');
  });

  // Variable groups (CLI 2.7.3 `build variable …`): bare lists, PascalCase on create, camelCase back (§7.14)
  const group = (ctx: AuthedCtx) => world.variableGroups.find((g) => g.id === ctx.params.id && g.orgId === org(ctx));
  router.authed('GET', '/build/v1/variable-groups', (ctx) => {
    sendJson(
      ctx.res,
      200,
      world.variableGroups.filter((g) => g.orgId === org(ctx)).map((g) => ({ id: g.id, name: g.name })),
    );
  });
  router.authed('POST', '/build/v1/variable-groups', (ctx) => {
    const b = parseJsonObject(ctx.body);
    const name = typeof b?.name === 'string' ? b.name.trim() : '';
    if (!name) {
      sendJson(ctx.res, 400, { error: 'name is required', message: 'name is required' });
      return;
    }
    const g = { id: stableGuid(`vg:${org(ctx)}:${name}:${Date.now()}`), orgId: org(ctx), name, variables: [] };
    world.variableGroups.push(g);
    sendJson(ctx.res, 200, { id: g.id, name: g.name });
  });
  router.authed('GET', '/build/v1/variable-groups/:id/variables', (ctx) => {
    const g = group(ctx);
    if (!g) {
      notFound(ctx, 'Variable group');
      return;
    }
    sendJson(
      ctx.res,
      200,
      g.variables.map((v) => ({ key: v.key, value: v.isSecret ? '' : v.value, isSecret: v.isSecret })),
    );
  });
  router.authed('POST', '/build/v1/variable-groups/:id/variables', (ctx) => {
    const g = group(ctx);
    if (!g) {
      notFound(ctx, 'Variable group');
      return;
    }
    const b = parseBody(ctx.body, ctx.req.headers['content-type']);
    const key = b.Key ?? b.key;
    if (!key) {
      sendJson(ctx.res, 400, { error: 'Key is required', message: 'Key is required' });
      return;
    }
    const isSecret = (b.IsSecret ?? b.isSecret) === 'true';
    g.variables = g.variables.filter((v) => v.key !== key);
    g.variables.push({ key, value: b.Value ?? b.value ?? '', isSecret });
    sendJson(ctx.res, 200, {});
  });
}

/** `Range: bytes=N-` → N; anything else (no header, other forms) → undefined (the whole log). */
function rangeStart(header: string | undefined): number | undefined {
  const m = /^\s*bytes=(\d+)-\s*$/.exec(header ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * Writes a log as text/plain, in chunks (a 20 MB log never becomes one string on the server). With a byte
 * offset (`Range: bytes=N-`) it answers 206 with the rest, or 416 when nothing is past N (RFC 9110 §14).
 */
async function sendLog(res: ServerResponse, log: BuildLog, from?: number): Promise<void> {
  if (from === undefined && log.count <= 2000) {
    const lines: string[] = [];
    for (let i = 0; i < log.count; i++) {
      lines.push(log.line(i));
    }
    sendText(res, 200, lines.join('\n') + '\n');
    return;
  }
  let first = 0;
  let skip = 0;
  if (from !== undefined) {
    let total = 0;
    let found = false;
    for (let i = 0; i < log.count; i++) {
      const len = Buffer.byteLength(log.line(i)) + 1;
      if (!found && total + len > from) {
        first = i;
        skip = from - total;
        found = true;
      }
      total += len;
    }
    if (!found) {
      res.writeHead(416, { 'Content-Range': `bytes */${total}`, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    res.writeHead(206, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Range': `bytes ${from}-${total - 1}/${total}`,
      'Content-Length': total - from,
      'Cache-Control': 'no-store',
    });
  } else {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  }
  for (let i = first; i < log.count;) {
    const chunk: string[] = [];
    for (const end = Math.min(log.count, i + 2000); i < end; i++) {
      chunk.push(log.line(i));
    }
    let data: string | Buffer = chunk.join('\n') + '\n';
    if (skip > 0) {
      data = Buffer.from(data).subarray(skip);
      skip = 0;
    }
    if (!res.write(data)) {
      await new Promise<void>((r) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          r();
        };
        res.on('drain', done);
        res.on('close', done);
      });
      if (res.destroyed) {
        return;
      }
    }
  }
  res.end();
}
