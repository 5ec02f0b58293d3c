import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EU_ORG_ID, DEMO_PAT, QA_ORG_ID, ROOT_ORG_ID } from '../../../sandbox/fixtures';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import type { FinishedBuild } from '../../../src/core/builds/buildService';
import { BUILDS_PAGE_SIZE, BuildService } from '../../../src/core/builds/buildService';
import { buildsRequest } from '../../../src/core/builds/buildsRequest';
import type { BuildsRequest } from '../../../src/core/builds/buildsRequest';
import type { FakeTime } from '../fakes/clock';
import { fakeTime, runNextDue } from '../fakes/clock';
import type { Harness } from './helpers';
import { makeHarness, wholeLog } from './helpers';

const settle = () => new Promise((r) => setImmediate(r));

describe('core/BuildService (against the sandbox, frozen build clock)', () => {
  let sb: Sandbox;
  let h: Harness;
  let clock: FakeTime['clock'];
  let timers: FakeTime['timers'];
  let builds: BuildService;
  let finished: FinishedBuild[][];

  /** Runs due scheduler timers, letting each tick's HTTP round trip finish. */
  async function tickOnce(): Promise<void> {
    const before = builds.scheduler.ticks;
    runNextDue(timers, timers.now + 60_000);
    for (let i = 0; i < 200 && (builds.scheduler.ticks === before || builds.scheduler.current === 'polling'); i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await settle();
  }

  beforeEach(async () => {
    sb = await startSandbox({ quiet: true, builds: { speed: 0, timings: { waitMs: 1000, runMs: 4000, completeMs: 500 } } });
    h = makeHarness(sb);
    ({ clock, timers } = fakeTime(Date.now()));
    builds = new BuildService({
      session: h.session,
      clock,
      logger: h.logger,
      pollIntervalMs: () => 5000,
      gitRemotes: () => Promise.resolve(['git@github.com:appcircle/appcircle-vscode.git']),
    });
    finished = [];
    builds.onDidFinishBuilds((f) => finished.push(f));
    await h.session.signIn({ kind: 'pat', pat: DEMO_PAT });
  });
  afterEach(async () => {
    builds.dispose();
    h.dispose();
    await sb.stop();
  });

  it('profiles: the workspace match first, then pinned, then by name', async () => {
    const { value } = await builds.profiles();
    assert.deepEqual(
      value.map((p) => p.name),
      ['Appcircle VS Code Demo', 'Acme iOS', 'Acme Android'],
    );
    assert.equal(value[0]?.matchesWorkspace, true);
    assert.equal(value[1]?.pinned, true);
    assert.equal(value[1]?.platform, 'ios');
  });

  it('branches with last status; builds newest first with commit messages; paging by 20', async () => {
    const profile = (await builds.profiles()).value.find((p) => p.name === 'Acme iOS')!;
    const branches = (await builds.branches(profile.id)).value;
    const main = branches.find((b) => b.name === 'main')!;
    assert.equal(typeof main.lastStatus, 'number');
    const page = await builds.builds(profile.id, main.id);
    assert.equal(page.items.length, 12);
    assert.equal(page.hasMore, false);
    const starts = page.items.map((b) => Date.parse(b.startDate ?? ''));
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => b - a),
    );
    assert.ok(page.items.every((b) => b.commitMessage && b.commitHash));
  });

  it('Load more appends a page on large branches', async () => {
    await sb.stop();
    sb = await startSandbox({ quiet: true, builds: { speed: 0, largeSeed: { profiles: 0, buildsOnBranch: 45 } } });
    h.dispose();
    h = makeHarness(sb);
    builds.dispose();
    builds = new BuildService({
      session: h.session,
      clock,
      logger: h.logger,
      pollIntervalMs: () => 5000,
      gitRemotes: () => Promise.resolve([]),
    });
    await h.session.signIn({ kind: 'pat', pat: DEMO_PAT });
    const p = (await builds.profiles()).value.find((x) => x.name === 'Bulk History')!;
    const b = (await builds.branches(p.id)).value[0];
    const first = await builds.builds(p.id, b.id);
    assert.equal(first.items.length, BUILDS_PAGE_SIZE);
    assert.equal(first.hasMore, true);
    const n = sb.requests.length;
    builds.loadMore(p.id, b.id);
    const second = await builds.builds(p.id, b.id);
    assert.equal(second.items.length, 2 * BUILDS_PAGE_SIZE);
    assert.equal(sb.requests.length, n, 'the next page comes from the cache');
  });

  it('a failed refresh keeps the last good list and reports the error', async () => {
    const first = await builds.profiles();
    sb.faults.set({ status: 500, pathIncludes: 'build/v2/profiles', times: 1 });
    builds.refresh({ kind: 'profiles' });
    const again = await builds.profiles();
    assert.deepEqual(again.value, first.value);
    assert.ok(again.error);
  });

  it('start → one queue request per tick → finished once, batched, with the final status', async () => {
    const p = (await builds.profiles()).value[0];
    const b = (await builds.branches(p.id)).value.find((x) => x.name === 'develop')!;
    const [wf] = await builds.workflows(p.id);
    const [cfg] = await builds.configurations(p.id);
    const [commit] = await builds.commits(b.id);
    const started = await builds.startBuild({
      profileId: p.id,
      branchId: b.id,
      branchName: b.name,
      commitId: commit.id,
      workflowId: wf.id,
      configurationId: cfg.id,
    });
    const page = await builds.builds(p.id, b.id);
    assert.equal(page.items[0]?.status, 90, 'the new build is listed first at once');
    await tickOnce();
    assert.equal(builds.queue.entries.length, 1);
    assert.equal(builds.queue.entries[0]?.queueItemStatus, 0);
    sb.world.advance(1500);
    await tickOnce();
    assert.equal(builds.runningCount, 1);
    const dashboardCalls = () => sb.requests.filter((r) => r.path.endsWith('/my-dashboard')).length;
    const before = dashboardCalls();
    await tickOnce();
    assert.equal(dashboardCalls(), before + 1, 'one request per tick');
    sb.world.advance(10_000);
    await tickOnce();
    assert.equal(finished.length, 1);
    assert.equal(finished[0]?.length, 1);
    assert.equal(finished[0]?.[0]?.queueItemId, started.queueItemId);
    assert.equal(finished[0]?.[0]?.status, 0);
    assert.equal(finished[0]?.[0]?.watched, true);
    assert.equal(finished[0]?.[0]?.profileName, 'Appcircle VS Code Demo');
    assert.ok(finished[0]?.[0]?.buildId);
    await tickOnce();
    assert.equal(builds.scheduler.current, 'idle', 'polling stops when nothing is active');
  });

  it('two builds ending in the same tick arrive as one batch; cancel ends one as canceled', async () => {
    const p = (await builds.profiles()).value.find((x) => x.name === 'Acme Android')!;
    const branches = (await builds.branches(p.id)).value;
    const [wf] = await builds.workflows(p.id);
    const [cfg] = await builds.configurations(p.id);
    const ids: string[] = [];
    for (const b of branches.slice(0, 2)) {
      const [c] = await builds.commits(b.id);
      ids.push(
        (await builds.startBuild({ profileId: p.id, branchId: b.id, commitId: c.id, workflowId: wf.id, configurationId: cfg.id }))
          .queueItemId,
      );
    }
    await tickOnce();
    assert.equal(builds.queue.entries.length, 2);
    await builds.cancel(ids[0]);
    sb.world.advance(20_000);
    await tickOnce();
    await tickOnce();
    const all = finished.flat();
    assert.equal(finished.length, 1, 'one batch');
    assert.deepEqual(all.map((f) => f.status).sort(), [0, 2]);
  });

  it('the active organization scopes everything; a switch clears the caches', async () => {
    let cleared = 0;
    builds.onDidChangeData((c) => c.kind === 'all' && cleared++);
    await builds.profiles();
    await h.session.switchOrganization({ id: QA_ORG_ID, name: 'Acme QA', isRoot: false, rootOrganizationId: ROOT_ORG_ID });
    assert.equal(cleared, 1);
    assert.deepEqual(
      (await builds.profiles()).value.map((p) => p.name),
      ['QA Android Smoke', 'QA Regression iOS'],
    );
    await h.session.switchOrganization({ id: EU_ORG_ID, name: 'Acme Europe', isRoot: false, rootOrganizationId: ROOT_ORG_ID });
    assert.deepEqual((await builds.profiles()).value, []);
  });

  it('logs: "not ready" while waiting, lines while running, the whole log at the end', async () => {
    const p = (await builds.profiles()).value[0];
    const b = (await builds.branches(p.id)).value[0];
    const [wf] = await builds.workflows(p.id);
    const [cfg] = await builds.configurations(p.id);
    const [c] = await builds.commits(b.id);
    const s = await builds.startBuild({ profileId: p.id, branchId: b.id, commitId: c.id, workflowId: wf.id, configurationId: cfg.id });
    assert.equal(await wholeLog(builds, { queueItemId: s.queueItemId }), undefined);
    sb.world.advance(3000);
    const partial = await wholeLog(builds, { queueItemId: s.queueItemId });
    assert.ok(partial && partial.includes('Appcircle build') && !partial.includes('Build succeeded.'));
    sb.world.advance(10_000);
    const q = await builds.queueItem(s.queueItemId);
    assert.equal(q.status, 0);
    const full = await wholeLog(builds, { commitId: c.id, buildId: q.buildId! });
    assert.ok(full?.includes('Build succeeded.'));
  });

  /** Starts a build through the service on the latest commit of a branch (or the given commit). */
  async function start(profileName: string, branchName: string, commitId?: string) {
    const p = (await builds.profiles()).value.find((x) => x.name === profileName)!;
    const b = (await builds.branches(p.id)).value.find((x) => x.name === branchName)!;
    const [wf] = await builds.workflows(p.id);
    const [cfg] = await builds.configurations(p.id);
    const c = commitId ?? (await builds.commits(b.id))[0].id;
    return {
      p,
      b,
      ...(await builds.startBuild({
        profileId: p.id,
        branchId: b.id,
        branchName: b.name,
        commitId: c,
        workflowId: wf.id,
        configurationId: cfg.id,
      })),
    };
  }

  it('a rebuild: two active builds of one commit are told apart by id; Cancel and log go to the right one', async () => {
    const first = await start('Acme iOS', 'main');
    const second = await start('Acme iOS', 'main', first.commitId);
    assert.notEqual(first.queueItemId, second.queueItemId);
    await tickOnce();
    assert.equal(builds.queue.entries.length, 2);
    const listed = (await builds.builds(first.p.id, first.b.id)).items.filter((x) => x.status === 90);
    assert.equal(listed.length, 2);
    assert.ok(
      listed.every((x) => x.commitId === first.commitId),
      'same commit',
    );
    // each build node maps to its own queue item (queue item id = build id, docs/appcircle-api.md §10)
    assert.deepEqual(listed.map((x) => builds.queueItemFor(x)).sort(), [first.queueItemId, second.queueItemId].sort());
    const older = listed.find((x) => x.id === first.queueItemId)!;
    const r = await builds.cancel(builds.queueItemFor(older)!);
    assert.equal(r.kind, 'canceled');
    assert.equal(sb.requests.filter((x) => x.query.action === 'cancel').at(-1)?.path, `/build/v1/queue/${first.queueItemId}`);
    assert.equal((await builds.queueItem(first.queueItemId)).status, 2);
    assert.equal((await builds.queueItem(second.queueItemId)).status, 90, 'the rebuild runs on');
    sb.world.advance(1500);
    const log = await builds.readLog({ queueItemId: second.queueItemId }, 0);
    assert.equal(log.kind, 'bytes');
    assert.equal(builds.queueItemFor({ id: 'another-build' }), undefined, 'never matched by commit');
  });

  it('cancel says only what happened: confirmed (Canceled) when the server honours it; not confirmed when it ignores action=cancel', async () => {
    const a = await start('Acme Android', 'main');
    sb.world.advance(1500);
    assert.deepEqual(await builds.cancel(a.queueItemId), {
      kind: 'canceled',
      queueItemId: a.queueItemId,
      status: 2,
      profileId: a.p.id,
      commitId: a.commitId,
    });
    sb.setBuildBehaviour({ cancel: 'ignored' });
    const b = await start('Acme Android', 'develop');
    sb.world.advance(1500);
    const r = await builds.cancel(b.queueItemId);
    assert.deepEqual(r, { kind: 'notConfirmed', queueItemId: b.queueItemId, status: 91, profileId: b.p.id, commitId: b.commitId });
    assert.equal(sb.requests.at(-1)?.path, `/build/v1/queue/${b.queueItemId}`, 'the queue item was read back after the cancel request');
    sb.world.advance(10_000);
    assert.equal((await builds.cancel(b.queueItemId)).kind, 'ended', 'a build that ended otherwise: nothing to cancel');
  });

  it('a followed build whose queue item answers 404 after leaving the queue is announced with its final status from B10, no warning', async () => {
    sb.setBuildBehaviour({ finishedQueueItem: 'gone' });
    sb.setBuildOutcome({ status: 1 });
    const s = await start('Appcircle VS Code Demo', 'develop');
    await tickOnce();
    sb.world.advance(10_000);
    await tickOnce();
    assert.equal(finished.length, 1);
    const f = finished[0]?.[0];
    assert.deepEqual(
      [f?.queueItemId, f?.status, f?.watched, f?.buildId, f?.branchName],
      [s.queueItemId, 1, true, s.queueItemId, 'develop'],
    );
    assert.ok(
      sb.requests.some((r) => r.path === `/build/v1/queue/${s.queueItemId}` && r.status === 404),
      'B8 answered 404',
    );
    assert.ok(
      sb.requests.some((r) => r.path === '/build/v1/builds' && r.query.branchId === s.branchId),
      'B10 of its branch',
    );
    assert.deepEqual(
      h.logger.lines.filter((l) => l.startsWith('warn')),
      [],
    );
    await tickOnce();
    assert.equal(builds.scheduler.current, 'idle');
  });

  it('a build that leaves the queue unfinished is announced only with its final status (never as failed meanwhile)', async () => {
    await sb.stop();
    sb = await startSandbox({
      quiet: true,
      builds: { speed: 0, timings: { waitMs: 1000, runMs: 4000, completeMs: 20_000 }, behaviour: { leavesQueueAt: 'completing' } },
    });
    h.dispose();
    h = makeHarness(sb);
    builds.dispose();
    builds = new BuildService({
      session: h.session,
      clock,
      logger: h.logger,
      pollIntervalMs: () => 5000,
      gitRemotes: () => Promise.resolve([]),
    });
    builds.onDidFinishBuilds((f) => finished.push(f));
    await h.session.signIn({ kind: 'pat', pat: DEMO_PAT });
    const watched = await start('Acme iOS', 'develop');
    // another user's build: in the queue, not started here
    const other = sb.world.start(
      (() => {
        const p = sb.world.profiles.find((x) => x.name === 'Acme Android')!;
        const b = p.branches[0];
        return { p, b, c: b.commits[0] };
      })(),
      '',
      '',
      { id: 'u2', email: 'qa@acme.test', orgId: ROOT_ORG_ID },
    );
    assert.ok(typeof other !== 'string');
    await tickOnce();
    assert.equal(builds.queue.entries.length, 2);
    sb.world.advance(5_500); // both Completing (92): gone from the queue, no final status yet
    await tickOnce();
    await tickOnce();
    assert.equal(builds.queue.entries.length, 0);
    assert.equal(finished.length, 0, 'nothing announced while the final status is unknown');
    assert.notEqual(builds.scheduler.current, 'idle', 'still looking');
    sb.world.advance(20_000);
    await tickOnce();
    const all = finished.flat();
    assert.deepEqual(
      all.map((f) => [f.queueItemId, f.status, f.watched]).sort(),
      [
        [watched.queueItemId, 0, true],
        [other.id, 0, false],
      ].sort(),
    );
  });

  it('every builds request goes through the injected gateway, with one BuildsApi per HTTP client', async () => {
    builds.dispose();
    const apis = new Set<unknown>();
    const through = buildsRequest(h.session);
    const request: BuildsRequest = (fn) => through((a) => (apis.add(a), fn(a)));
    let calls = 0;
    builds = new BuildService({
      session: h.session,
      clock,
      logger: h.logger,
      pollIntervalMs: () => 5000,
      gitRemotes: () => Promise.resolve([]),
      request: (fn) => (calls++, request(fn)),
    });
    const p = (await builds.profiles()).value[0];
    const [b] = (await builds.branches(p.id)).value;
    await builds.builds(p.id, b.id);
    builds.pollNow();
    await tickOnce();
    assert.equal(calls, 5, 'B1, B2, B10 and B5, then the queue (B9)');
    assert.equal(apis.size, 1, 'one BuildsApi for the session client');
  });

  it('pollNow polls at once; keepPolling keeps the loop going while it lives', async () => {
    const dashboardCalls = () => sb.requests.filter((r) => r.path.endsWith('/my-dashboard')).length;
    builds.pollNow();
    await tickOnce();
    assert.equal(dashboardCalls(), 1);
    assert.equal(builds.scheduler.current, 'idle', 'nothing active, nothing kept');
    const keep = builds.keepPolling();
    await tickOnce();
    await tickOnce();
    assert.equal(dashboardCalls(), 3);
    assert.equal(builds.scheduler.current, 'scheduled', 'kept polling with an empty queue');
    keep.dispose();
    await tickOnce();
    assert.equal(builds.scheduler.current, 'idle');
    builds.setBackground(true);
    builds.pollIntervalChanged();
    assert.equal(builds.scheduler.nextDelay(), 5000 * 6, 'the background factor');
  });

  it('src reaches the poll loop only through BuildService (no `.scheduler.` outside src/core/builds)', () => {
    const src = path.resolve(__dirname, '../../../../src');
    const files = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((d) => (d.isDirectory() ? files(path.join(dir, d.name)) : [path.join(dir, d.name)]));
    const reaching = files(src)
      .filter((f) => f.endsWith('.ts') && !f.startsWith(path.join(src, 'core', 'builds') + path.sep))
      .filter((f) => /\.scheduler\./.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(src, f));
    assert.deepEqual(reaching, []);
  });
});
