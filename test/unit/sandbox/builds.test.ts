/** The build part of the sandbox: seed, shapes, the living queue on the controlled clock, logs, artifacts, cancel. */
import * as assert from 'node:assert/strict';
import { DEMO_API_KEY, DEMO_PAT, PROFILES, QA_ORG_ID, REPO_NAME, ROOT_ORG_ID, ZERO_GUID } from '../../../sandbox/fixtures';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import { BuildClient, readZip } from './buildHelpers';
import type { Build, Commit, Profile } from './buildHelpers';
import { call, patToken, postToken, until } from './helpers';

const TIMINGS = { waitMs: 2000, runMs: 8000, completeMs: 1000 };
const TOTAL = TIMINGS.waitMs + TIMINGS.runMs + TIMINGS.completeMs;
const sortedDesc = (xs: string[]) => [...xs].sort((a, b) => Date.parse(b) - Date.parse(a));

describe('sandbox: build seed and shapes (B1-B6, B10)', () => {
  let sb: Sandbox;
  let api: BuildClient;
  before(async () => {
    sb = await startSandbox({ quiet: true, realTime: false });
    api = new BuildClient(sb, await patToken(sb.authUrl));
  });
  after(async () => {
    await sb.stop();
  });

  it('B1: bare array of profiles per organization, iOS and Android, one on this repository', async () => {
    const profiles = await api.profiles();
    assert.ok(Array.isArray(profiles));
    assert.deepEqual(
      profiles.map((p) => p.name),
      PROFILES.filter((p) => p.orgId === ROOT_ORG_ID).map((p) => p.name),
    );
    assert.deepEqual(new Set(profiles.map((p) => p.os)), new Set([1, 2]));
    assert.ok(
      profiles.some((p) => p.repositoryName === REPO_NAME),
      'matches git@github.com:appcircle/appcircle-vscode.git',
    );
    for (const p of profiles) {
      for (const k of [
        'id',
        'name',
        'pinned',
        'os',
        'buildPlatformType',
        'repositoryName',
        'lastBuildDate',
        'autoDistributeCount',
        'autoBuildCount',
      ]) {
        assert.ok(k in p, `${p.name}.${k}`);
      }
    }
    const qa = new BuildClient(
      sb,
      (await postToken(sb.authUrl, '/auth/v2/token', { pat: DEMO_PAT, subOrganizationId: QA_ORG_ID })).json.access_token,
    );
    const qaProfiles = await qa.profiles();
    assert.deepEqual(new Set(qaProfiles.map((p) => p.os)), new Set([1, 2]));
    assert.ok(!qaProfiles.some((p) => profiles.some((r) => r.id === p.id)), 'scoped to the organization');
  });

  it('B2: obj with branches[] (main, develop, …); a branch without builds has no buildStatus', async () => {
    const android = await api.profile('Acme Android');
    const detail = await api.ok<{
      id: string;
      name: string;
      branches: { id: string; name: string; buildStatus?: number; lastBuildDate?: string }[];
    }>(`build/v1/profiles/${android.id}`);
    assert.equal(detail.id, android.id);
    const names = detail.branches.map((b) => b.name);
    assert.ok(names.includes('main') && names.includes('develop'));
    assert.ok(detail.branches.filter((b) => typeof b.buildStatus === 'number').length >= 3);
    const empty = detail.branches.find((b) => b.buildStatus === undefined);
    assert.ok(empty && empty.lastBuildDate === undefined, 'a "No previous builds" branch');
    assert.deepEqual((await api.ok<{ id: string }>(`build/v2/profiles/${android.id}`)).id, android.id, 'v2 path of older CLIs');
    assert.equal((await api.get(`build/v1/profiles/${QA_ORG_ID}`)).status, 404);
  });

  it('B3 workflows and B4 configurations (bare arrays; item1 tuples with id, configurationName)', async () => {
    const p = await api.profile('Acme iOS');
    const wfs = await api.ok<{ id: string; workflowName: string; lastUsedTime: string }[]>(`build/v2/profiles/${p.id}/workflows`);
    assert.equal(wfs[0]?.workflowName, 'Default Push Workflow');
    assert.ok(wfs.every((w) => typeof w.id === 'string' && !Number.isNaN(Date.parse(w.lastUsedTime))));
    const cfgs = await api.ok<{ item1: { id: string; configurationName: string; updateDate: string }; item2: unknown }[]>(
      `build/v2/profiles/${p.id}/configurations`,
    );
    assert.ok(cfgs.length >= 1);
    assert.equal(cfgs[0]?.item1.configurationName, 'Default Configuration');
    assert.ok('item2' in (cfgs[0] ?? {}));
  });

  it('B5 commits newest first (40-char hashes); B6 commit obj with builds[] newest first; B10 newest first', async () => {
    const p = await api.profile('Acme iOS');
    const main = await api.branch(p.id, 'main');
    const commits = await api.commits(main.id);
    assert.ok(commits.length > 3);
    assert.deepEqual(
      commits.map((c) => c.commitDate),
      sortedDesc(commits.map((c) => c.commitDate)),
    );
    assert.ok(commits.every((c) => /^[0-9a-f]{40}$/.test(c.hash) && c.author && c.message));
    const builds = await api.builds(p.id, main.id);
    assert.deepEqual(
      builds.map((b) => b.startDate),
      sortedDesc(builds.map((b) => b.startDate)),
    );
    const withBuilds = commits.find((c) => builds.some((b) => b.commitId === c.id)) as Commit;
    const b6 = await api.ok<Commit & { builds: Build[] }>(`build/v2/commits/${withBuilds.id}`);
    assert.equal(b6.hash, withBuilds.hash);
    assert.deepEqual(
      b6.builds.map((b) => b.id),
      builds.filter((b) => b.commitId === withBuilds.id).map((b) => b.id),
    );
    assert.equal(main.buildStatus, builds[0]?.status, 'branch status = its last build');
    for (const b of builds) {
      assert.match(b.duration ?? '', /^\d\d:\d\d:\d\d$/);
      assert.ok(Date.parse(b.endDate ?? '') > Date.parse(b.startDate));
      assert.ok(Date.parse(b.endDate ?? '') <= Date.now(), 'no seeded build ends in the future');
    }
    assert.equal((await api.get(`build/v1/builds?branchId=${main.id}&profileId=${QA_ORG_ID}`)).status, 404, 'profileId must match');
    assert.equal((await api.get('build/v2/commits?branchId=nope')).status, 404);
  });

  it('seeded builds cover every terminal status, success with warnings included, each with a log; artifacts only for successes', async () => {
    const p = await api.profile('Acme iOS');
    const all: Build[] = [];
    for (const b of await api.branches(p.id)) {
      all.push(...(await api.builds(p.id, b.id)));
    }
    assert.deepEqual(new Set(all.map((b) => b.status)), new Set([0, 1, 2, 3]));
    assert.ok(all.some((b) => b.status === 0 && b.hasWarning));
    for (const [status, hasWarning, tail] of [
      [0, false, /Build succeeded\.\n.*Completing workflow\n.*Completing workflow, Ver: 1\.0\n$/],
      [0, true, /Build succeeded with warnings\.\n.*Completing workflow\n.*Completing workflow, Ver: 1\.0\n$/],
      [1, false, /Build failed\.\n.*Completing workflow\n.*Completing workflow, Ver: 1\.0\n$/],
      [2, false, /Build canceled\.\n.*Completing workflow\n.*Completing workflow, Ver: 1\.0\n$/],
      [3, false, /Build timed out\.\n.*Completing workflow\n.*Completing workflow, Ver: 1\.0\n$/],
    ] as const) {
      const b = all.find((x) => x.status === status && x.hasWarning === hasWarning) as Build;
      const log = await api.get<string>(`build/v1/commits/${b.commitId}/builds/${b.id}/logs`);
      assert.equal(log.status, 200);
      assert.match(log.headers.get('content-type') ?? '', /text\/plain/);
      assert.match(log.text, tail);
      assert.equal((await api.bytes(`build/v1/commits/${b.commitId}/builds/${b.id}`)).status, status === 0 ? 200 : 404);
    }
  });
});

describe('sandbox: the living queue on the controlled clock', () => {
  let sb: Sandbox;
  let api: BuildClient;
  before(async () => {
    sb = await startSandbox({ quiet: true, speed: 0, builds: { timings: TIMINGS } });
    api = new BuildClient(sb, await patToken(sb.authUrl));
  });
  after(async () => {
    await sb.stop();
  });
  afterEach(() => sb.reset());

  it('B7 → {taskId, queueItemId}: one id for queue item, task and build by default (§10)', async () => {
    const s = await api.startOn('Acme iOS', 'develop');
    assert.equal(s.taskId, s.queueItemId);
    const listed = await api.builds(s.profile.id, s.branch.id);
    assert.equal(listed[0]?.id, s.queueItemId, 'the build id is the queue item id');
    sb.clock.advance(TIMINGS.waitMs);
    assert.equal((await api.queue(s.queueItemId)).buildId, s.queueItemId, 'B8 names the same id once running');
  });

  it('B7 with ids: distinct → three ids, both accepted; 90 with the all-zero buildId → 91 → 92 → 0; B9 shows it while active', async () => {
    sb.setBuildBehaviour({ ids: 'distinct' });
    const s = await api.startOn('Acme iOS', 'develop');
    assert.notEqual(s.taskId, s.queueItemId);
    const listed = await api.builds(s.profile.id, s.branch.id);
    assert.equal(listed[0]?.status, 90, 'listed first at once');
    assert.equal(listed[0]?.commitId, s.commit.id);
    assert.ok(Date.parse(listed[0]?.startDate ?? '') > Date.parse(listed[1]?.startDate ?? ''), 'newest startDate');
    const trail: [number, string, number | undefined][] = [];
    let at = 0;
    for (const next of [0, 1999, 2000, 9999, 10_000, 10_999, 11_000, 60_000]) {
      sb.clock.advance(next - at);
      at = next;
      const q = await api.queue(trail.length % 2 ? s.taskId : s.queueItemId);
      const rows = await api.dashboard();
      trail.push([q.buildStatus, q.buildId, rows.find((r) => r.id === s.queueItemId)?.queueItemStatus]);
    }
    const buildId = listed[0]?.id;
    assert.deepEqual(trail, [
      [90, ZERO_GUID, 0],
      [90, ZERO_GUID, 0],
      [91, buildId, 1],
      [91, buildId, 1],
      [92, buildId, 1],
      [92, buildId, 1],
      [0, buildId, undefined],
      [0, buildId, undefined],
    ]);
    const done = (await api.builds(s.profile.id, s.branch.id))[0];
    assert.deepEqual([done.status, done.hasWarning, done.isDistributable, done.duration], [0, false, true, '00:00:09']);
    assert.equal(done.endDate, new Date(Date.parse(done.startDate) + TOTAL).toISOString());
    const branch = await api.branch(s.profile.id, 'develop');
    assert.equal(branch.buildStatus, 0);
  });

  it('B9: {data} rows with the confirmed fields, newest first, paged by page/size; publishId null', async () => {
    const a = await api.startOn('Acme iOS', 'main');
    sb.clock.advance(1);
    const b = await api.startOn('Acme Android', 'develop');
    const r = await api.get<{ data: Record<string, unknown>[] }>('build/v1/queue/my-dashboard?page=1&size=1000');
    assert.deepEqual(
      r.json.data.map((x) => x.id),
      [b.queueItemId, a.queueItemId],
    );
    const row = r.json.data[1] ?? {};
    for (const k of [
      'id',
      'commitId',
      'commitHash',
      'profileId',
      'profileName',
      'branchName',
      'queueItemStatus',
      'publishId',
      'appVersionId',
      'stepName',
      'email',
      'startQueueDateTime',
      'os',
    ]) {
      assert.ok(k in row, k);
    }
    assert.deepEqual(
      [row.profileName, row.branchName, row.commitHash, row.publishId, row.email, row.os],
      ['Acme iOS', 'main', a.commit.hash, null, 'dev@acme.test', 1],
    );
    assert.deepEqual(
      (await api.ok<{ data: { id: string }[] }>('build/v1/queue/my-dashboard?page=2&size=1')).data.map((x) => x.id),
      [a.queueItemId],
    );
    const qaApi = new BuildClient(
      sb,
      (await postToken(sb.authUrl, '/auth/v2/token', { pat: DEMO_PAT, subOrganizationId: QA_ORG_ID })).json.access_token,
    );
    assert.deepEqual(await qaApi.dashboard(), [], 'another organization’s queue');
    assert.equal((await qaApi.get(`build/v1/queue/${a.queueItemId}`)).status, 404);
  });

  it('logs: B13 "No Logs Available" and B12 404 while waiting; lines grow while running; the outcome line at the end', async () => {
    const s = await api.startOn('Appcircle VS Code Demo', 'main');
    const b13 = () => api.get<string>(`build/v1/queue/logs/${s.queueItemId}`);
    const listed = (await api.builds(s.profile.id, s.branch.id))[0];
    const b12 = () =>
      api.get<string>(`build/v1/commits/${s.commit.id}/builds/${listed.id}/logs`, {
        'Content-Type': 'multipart/form-data; boundary=----cli',
      });
    assert.equal((await b13()).text, 'No Logs Available');
    assert.equal((await b12()).status, 404);
    assert.equal((await api.get<string>(`build/v1/queue/logs/${s.taskId}`)).text, 'No Logs Available', 'either id');
    const counts: number[] = [];
    for (const step of [2000, 2000, 2000, 2000]) {
      sb.clock.advance(step);
      const t = (await b13()).text;
      assert.ok(t.startsWith('Appcircle build'));
      counts.push(t.split('\n').length);
    }
    assert.ok(
      counts.every((c, i) => i === 0 || c > (counts[i - 1] ?? 0)),
      `growing: ${counts.join(',')}`,
    );
    assert.match((await b12()).text, /compiling module/);
    assert.doesNotMatch((await b12()).text, /Build succeeded/);
    sb.clock.advance(2500); // 92
    assert.match((await b12()).text, /Exporting build artifacts…\n$/);
    sb.clock.advance(1000);
    const full = (await b12()).text;
    assert.match(full, /Build succeeded\.\n.*Completing workflow\n.*Completing workflow, Ver: 1\.0\n$/);
    assert.equal(full, (await b13()).text, 'B12 and B13 agree at the end');
  });

  it('the build-outcome switch: failed (no artifacts), success with warnings (artifacts), several at once, every following', async () => {
    sb.setBuildOutcome({ status: 1 });
    const failed = await api.startOn('Acme iOS', 'main');
    const normal = await api.startOn('Acme iOS', 'develop');
    sb.setBuildOutcome({ status: 0, hasWarning: true }, 2);
    const warnA = await api.startOn('Acme Android', 'main');
    const warnB = await api.startOn('Acme Android', 'develop');
    const after = await api.startOn('Acme Android', 'feature/dark-mode');
    sb.clock.advance(TOTAL);
    const outcome = async (id: string) => {
      const q = await api.queue(id);
      return [q.buildStatus, q.hasWarning];
    };
    assert.deepEqual(await outcome(failed.queueItemId), [1, false]);
    assert.deepEqual(await outcome(normal.queueItemId), [0, false]);
    assert.deepEqual(await outcome(warnA.queueItemId), [0, true]);
    assert.deepEqual(await outcome(warnB.queueItemId), [0, true]);
    assert.deepEqual(await outcome(after.queueItemId), [0, false]);
    const q1 = await api.queue(failed.queueItemId);
    assert.equal((await api.bytes(`build/v1/commits/${q1.commitId}/builds/${q1.buildId}`)).status, 404);
    assert.match(
      (await api.get<string>(`build/v1/commits/${q1.commitId}/builds/${q1.buildId}/logs`)).text,
      /Build failed\.\n.*Completing workflow\n.*Completing workflow, Ver: 1\.0\n$/,
    );
    const qw = await api.queue(warnA.queueItemId);
    assert.equal((await api.bytes(`build/v1/commits/${qw.commitId}/builds/${qw.buildId}`)).status, 200);
    assert.match(
      (await api.get<string>(`build/v1/commits/${qw.commitId}/builds/${qw.buildId}/logs`)).text,
      /warning: .*\nBuild succeeded with warnings\.\n.*Completing workflow\n.*Completing workflow, Ver: 1\.0\n$/,
    );

    const ctl = (body: unknown) => call(`${sb.apiUrl}/__sandbox/build-outcome`, { method: 'POST', body: JSON.stringify(body) });
    assert.equal((await ctl({ status: 3, count: 'all' })).status, 200);
    const t1 = await api.startOn('Acme iOS', 'main');
    const t2 = await api.startOn('Acme iOS', 'main');
    sb.clock.advance(TOTAL);
    assert.deepEqual([(await api.queue(t1.queueItemId)).buildStatus, (await api.queue(t2.queueItemId)).buildStatus], [3, 3]);
    assert.equal((await ctl({ status: 7 })).status, 400);
    assert.equal((await ctl({ status: 0, count: -1 })).status, 400);
  });

  it('artifacts: a valid zip (stored entries, CRC-32 checked by zlib) with the app and build-info.txt', async () => {
    const s = await api.startOn('Acme iOS', 'main');
    const q0 = await api.queue(s.queueItemId);
    sb.clock.advance(TIMINGS.waitMs + 1);
    const running = await api.queue(s.queueItemId);
    assert.equal((await api.bytes(`build/v1/commits/${running.commitId}/builds/${running.buildId}`)).status, 404, 'none while running');
    sb.clock.advance(TOTAL);
    const q = await api.queue(s.queueItemId);
    assert.equal(q0.commitId, q.commitId);
    for (const v of ['v1', 'v2']) {
      const zip = await api.bytes(`build/${v}/commits/${q.commitId}/builds/${q.buildId}`);
      assert.equal(zip.status, 200);
      assert.match(zip.type, /application\/zip/);
      const entries = readZip(zip.body);
      assert.deepEqual(
        entries.map((e) => e.name),
        ['Acme-iOS.ipa', 'build-info.txt'],
      );
      assert.ok(entries.every((e) => e.method === 0));
      assert.ok((entries[0]?.data.length ?? 0) >= 1024);
      assert.match(entries[1]?.data.toString() ?? '', new RegExp(`build=${q.buildId}`));
    }
  });

  it('B16 cancel (unverified) by either id: cancelling true, then Canceled (2); a finished build → 400; unknown → 404', async () => {
    const waiting = await api.startOn('Acme iOS', 'main');
    const c1 = await api.get<{ cancelling: boolean }>(`build/v1/queue/${waiting.taskId}?action=cancel`);
    assert.equal(c1.status, 200);
    assert.equal(c1.json.cancelling, true);
    const q1 = await api.queue(waiting.queueItemId);
    assert.deepEqual([q1.buildStatus, q1.cancelling], [2, true]);
    const running = await api.startOn('Acme Android', 'main');
    sb.clock.advance(5000);
    assert.equal((await api.get(`build/v1/queue/${running.queueItemId}?action=cancel`)).status, 200);
    sb.clock.advance(60_000);
    assert.equal((await api.queue(running.taskId)).buildStatus, 2, 'stays canceled');
    assert.deepEqual(await api.dashboard(), []);
    const q2 = await api.queue(running.queueItemId);
    const log = await api.get<string>(`build/v1/commits/${q2.commitId}/builds/${q2.buildId}/logs`);
    assert.match(
      log.text,
      /compiling module[\s\S]*Build canceled by dev@acme\.test\.\n.*Completing workflow\n.*Completing workflow, Ver: 1\.0\n$/,
    );
    assert.equal((await api.bytes(`build/v1/commits/${q2.commitId}/builds/${q2.buildId}`)).status, 404);
    assert.equal((await api.get(`build/v1/queue/${running.queueItemId}?action=cancel`)).status, 400);
    assert.equal((await api.get(`build/v1/queue/${ZERO_GUID}?action=cancel`)).status, 404);
  });

  it('B16 with cancel: ignored (a real server most likely): 200 with the unchanged queue item, the build runs on; in-process and over /__sandbox/builds', async () => {
    for (const viaHttp of [false, true]) {
      if (viaHttp) {
        const r = await call<{ behaviour: { cancel: string } }>(`${sb.apiUrl}/__sandbox/builds`, {
          method: 'POST',
          body: JSON.stringify({ cancel: 'ignored' }),
        });
        assert.equal(r.status, 200);
        assert.equal(r.json.behaviour.cancel, 'ignored');
      } else {
        sb.setBuildBehaviour({ cancel: 'ignored' });
      }
      const s = await api.startOn('Acme iOS', viaHttp ? 'develop' : 'main');
      sb.clock.advance(TIMINGS.waitMs + 1000);
      const before = await api.queue(s.queueItemId);
      const c = await api.get<Record<string, unknown>>(`build/v1/queue/${s.queueItemId}?action=cancel`);
      assert.equal(c.status, 200);
      assert.deepEqual(c.json, before, 'the queue item, unchanged');
      assert.deepEqual([c.json.cancelling, c.json.buildStatus], [false, 91]);
      sb.clock.advance(TOTAL);
      assert.equal((await api.queue(s.queueItemId)).buildStatus, 0, 'the build was not canceled');
      sb.reset();
    }
    assert.equal((await call(`${sb.apiUrl}/__sandbox/builds`, { method: 'POST', body: JSON.stringify({ cancel: 'maybe' }) })).status, 400);
    assert.equal((await call(`${sb.apiUrl}/__sandbox/builds`, { method: 'POST', body: JSON.stringify({ speedy: true }) })).status, 400);
  });

  it('finishedQueueItem: gone → B8 answers 404 once the build left the queue; B10 still has its final status', async () => {
    sb.setBuildBehaviour({ finishedQueueItem: 'gone' });
    sb.setBuildOutcome({ status: 1 });
    const s = await api.startOn('Acme Android', 'main');
    assert.equal((await api.get(`build/v1/queue/${s.queueItemId}`)).status, 200, 'while queued');
    sb.clock.advance(TOTAL);
    assert.equal((await api.get(`build/v1/queue/${s.queueItemId}`)).status, 404);
    const b10 = (await api.builds(s.profile.id, s.branch.id)).find((b) => b.id === s.queueItemId);
    assert.equal(b10?.status, 1);
  });

  it('logs honour `Range: bytes=N-` (206 with the rest, byte-exact across multi-byte characters; 416 past the end); logRange: ignored → 200 whole', async () => {
    const s = await api.startOn('Appcircle VS Code Demo', 'main');
    sb.clock.advance(TIMINGS.waitMs + 3000);
    const path = `build/v1/queue/logs/${s.queueItemId}`;
    const whole = (await api.bytes(path)).body;
    const dot = whole.indexOf(Buffer.from('·'));
    assert.ok(dot > 0 && Buffer.from('·').length === 2);
    for (const from of [0, dot + 1, whole.length - 1]) {
      const r = await fetch(`${sb.apiUrl}/${path}`, { headers: { Authorization: `Bearer ${api.token}`, Range: `bytes=${from}-` } });
      assert.equal(r.status, 206);
      assert.equal(r.headers.get('content-range'), `bytes ${from}-${whole.length - 1}/${whole.length}`);
      assert.ok(Buffer.from(await r.arrayBuffer()).equals(whole.subarray(from)), `from ${from}`);
    }
    const past = await fetch(`${sb.apiUrl}/${path}`, {
      headers: { Authorization: `Bearer ${api.token}`, Range: `bytes=${whole.length}-` },
    });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), `bytes */${whole.length}`);
    sb.clock.advance(2000);
    const more = await fetch(`${sb.apiUrl}/${path}`, {
      headers: { Authorization: `Bearer ${api.token}`, Range: `bytes=${whole.length}-` },
    });
    assert.equal(more.status, 206, 'the log grew');
    assert.match(await more.text(), /compiling module/);
    assert.equal(sb.requests.at(-1)?.range, `bytes=${whole.length}-`, 'the request log keeps the Range header');
    sb.setBuildBehaviour({ logRange: 'ignored' });
    const ignored = await fetch(`${sb.apiUrl}/${path}`, { headers: { Authorization: `Bearer ${api.token}`, Range: 'bytes=10-' } });
    assert.equal(ignored.status, 200);
    assert.ok(
      Buffer.from(await ignored.arrayBuffer())
        .subarray(0, whole.length)
        .equals(whole),
    );
  });

  it('build timings for a slow demo build: in-process and over /__sandbox/builds; running builds keep theirs', async () => {
    const fast = await api.startOn('Acme iOS', 'main');
    const r = await call<{ timings: { runMs: number; logLines: number } }>(`${sb.apiUrl}/__sandbox/builds`, {
      method: 'POST',
      body: JSON.stringify({ runMs: 60_000, logLines: 300 }),
    });
    assert.deepEqual([r.status, r.json.timings.runMs, r.json.timings.logLines], [200, 60_000, 300]);
    const slow = await api.startOn('Acme iOS', 'develop');
    sb.clock.advance(TOTAL);
    assert.equal((await api.queue(fast.queueItemId)).buildStatus, 0, 'started before: its own timings');
    assert.equal((await api.queue(slow.queueItemId)).buildStatus, 91, 'still running');
    sb.clock.advance(60_000);
    const q = await api.queue(slow.queueItemId);
    assert.equal(q.buildStatus, 0);
    assert.match((await api.get<string>(`build/v1/commits/${q.commitId}/builds/${q.buildId}/logs`)).text, /compiling module 300 of 300/);
    assert.deepEqual(sb.setBuildTimings({ waitMs: 10 }), { waitMs: 10, runMs: 60_000, completeMs: TIMINGS.completeMs, logLines: 300 });
    assert.equal((await call(`${sb.apiUrl}/__sandbox/builds`, { method: 'POST', body: JSON.stringify({ runMs: -1 }) })).status, 400);
    sb.reset();
    assert.deepEqual((await call<{ timings: unknown }>(`${sb.apiUrl}/__sandbox/builds`)).json.timings, { ...TIMINGS, logLines: 40 });
  });

  it('B15 task status of a build (1 Begin → 0 in progress → 3 Completed; 2 when canceled) by task id', async () => {
    const s = await api.startOn('Acme iOS', 'main');
    const task = async () => (await api.ok<{ stateValue: number; stateName: string }>(`task/v1/tasks/${s.taskId}`)).stateValue;
    const states = [await task()];
    sb.clock.advance(TIMINGS.waitMs);
    states.push(await task());
    sb.clock.advance(TOTAL);
    states.push(await task());
    assert.deepEqual(states, [1, 0, 3]);
    assert.equal((await api.get(`task/v1/tasks/${ZERO_GUID}`)).status, 404);
  });

  it('B7: `{}` body ignored; empty workflowId/configurationId → the first; unknown ids, commits or actions → 4xx', async () => {
    const p = await api.profile('Acme iOS');
    const b = await api.branch(p.id, 'main');
    const [c] = await api.commits(b.id);
    const wfs = await api.ok<{ id: string; workflowName: string }[]>(`build/v2/profiles/${p.id}/workflows`);
    const cfgs = await api.ok<{ item1: { id: string; configurationName: string } }[]>(`build/v2/profiles/${p.id}/configurations`);
    const release = wfs[1];
    const staging = cfgs[1];
    assert.ok(c && release && staging);
    assert.equal((await api.start(c.id, release.id, staging.item1.id)).status, 200);
    const started = (await api.builds(p.id, b.id))[0] as Build & { workflowName: string; configurationName: string };
    assert.deepEqual([started.workflowName, started.configurationName], ['Release Workflow', 'Staging']);
    assert.equal((await api.start(c.id)).status, 200);
    const dflt = (await api.builds(p.id, b.id))[0] as Build & { workflowName: string; configurationName: string };
    assert.deepEqual([dflt.workflowName, dflt.configurationName], ['Default Push Workflow', 'Default Configuration']);
    assert.equal((await api.start(c.id, ZERO_GUID)).status, 404);
    assert.equal((await api.start(c.id, '', ZERO_GUID)).status, 404);
    assert.equal((await api.start(ZERO_GUID)).status, 404);
    const noAction = await call(`${sb.apiUrl}/build/v2/commits/${c.id}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${api.token}` },
      body: '{}',
    });
    assert.equal(noAction.status, 400);
  });

  it('an API-key token starts builds too; the queue shows the key', async () => {
    const key = new BuildClient(
      sb,
      (await postToken(sb.authUrl, '/auth/v1/api-key/token', { name: DEMO_API_KEY.name, secret: DEMO_API_KEY.secret })).json.access_token,
    );
    const s = await key.startOn('Acme Android', 'main');
    assert.match((await key.dashboard()).find((r) => r.id === s.queueItemId)?.email ?? '', /ci-bot/);
  });

  it('B17-B19 (unverified): last commit, start by branch + workflow, start by branch name', async () => {
    const p = await api.profile('Acme Android');
    const b = await api.branch(p.id, 'develop');
    const [c] = await api.commits(b.id);
    assert.equal((await api.ok<Commit>(`build/v2/commits/last-commit?profileId=${p.id}&branchId=${b.id}`)).id, c?.id);
    const [wf] = await api.ok<{ id: string }[]>(`build/v2/profiles/${p.id}/workflows`);
    const put = (path: string) =>
      call<{ taskId: string; queueItemId: string }>(`${sb.apiUrl}/${path}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${api.token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
    const r18 = await put(`build/v2/profiles/${p.id}/branch/${b.id}/workflow/${wf?.id ?? ''}?action=build`);
    assert.equal(r18.status, 200);
    const r19 = await put(`build/v2/profiles/${p.id}/workflow/${wf?.id ?? ''}?branchName=develop`);
    assert.equal(r19.status, 200);
    assert.deepEqual(new Set((await api.dashboard()).map((r) => r.id)), new Set([r18.json.queueItemId, r19.json.queueItemId]));
  });

  it('variable groups: bare lists; create with PascalCase {Key, Value, IsSecret}, listed back in camelCase; secrets blank', async () => {
    const groups = await api.ok<{ id: string; name: string }[]>('build/v1/variable-groups');
    assert.ok(groups.length >= 1);
    const post = (path: string, body: unknown) =>
      call<Record<string, unknown>>(`${sb.apiUrl}/${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${api.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const created = await post('build/v1/variable-groups', { name: 'Replay Group', variables: [] });
    const id = created.json.id as string;
    assert.equal((await post(`build/v1/variable-groups/${id}/variables`, { Key: 'TOKEN', Value: 's3cret', IsSecret: true })).status, 200);
    assert.equal((await post(`build/v1/variable-groups/${id}/variables`, { Key: 'ENV', Value: 'qa', IsSecret: false })).status, 200);
    assert.deepEqual(await api.ok(`build/v1/variable-groups/${id}/variables`), [
      { key: 'TOKEN', value: '', isSecret: true },
      { key: 'ENV', value: 'qa', isSecret: false },
    ]);
  });

  it('faults with pathIncludes apply to build routes', async () => {
    sb.faults.set({ status: 503, retryAfterSec: 2, pathIncludes: 'queue/my-dashboard', times: 1 });
    const r = await api.get('build/v1/queue/my-dashboard?page=1&size=1000');
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('retry-after'), '2');
    assert.equal((await api.get('build/v2/profiles')).status, 200);
    assert.equal((await api.get('build/v1/queue/my-dashboard?page=1&size=1000')).status, 200);
  });

  it('reset() drops started builds and outcomes; clock control over HTTP: advanceMs and speed', async () => {
    sb.setBuildOutcome({ status: 1 }, 'all');
    const s = await api.startOn('Acme iOS', 'main');
    sb.reset();
    assert.equal((await api.get(`build/v1/queue/${s.queueItemId}`)).status, 404);
    assert.notEqual((await api.builds(s.profile.id, s.branch.id))[0]?.status, 90);
    const s2 = await api.startOn('Acme iOS', 'main');
    const clock = (body: unknown) =>
      call<{ now: string; speed: number }>(`${sb.apiUrl}/__sandbox/clock`, { method: 'POST', body: JSON.stringify(body) });
    const before = Date.parse((await clock({})).json.now);
    assert.equal(Date.parse((await clock({ advanceMs: TOTAL })).json.now) - before, TOTAL);
    assert.equal((await api.queue(s2.queueItemId)).buildStatus, 0, 'outcome reset to success');
    assert.equal((await clock({ advanceMs: -5 })).status, 400);
    const s3 = await api.startOn('Acme iOS', 'develop');
    assert.equal((await clock({ speed: 200 })).json.speed, 200);
    await until(async () => (await api.queue(s3.queueItemId)).buildStatus === 0, 'the build to finish at 200× speed', 2000);
    assert.equal((await clock({ speed: 0 })).json.speed, 0);
  });
});

describe('sandbox: real-time clock and large seeding', () => {
  it('realTime (default): a build started with short timings finishes by itself', async () => {
    const sb = await startSandbox({ quiet: true, builds: { timings: { waitMs: 50, runMs: 150, completeMs: 50 } } });
    try {
      assert.equal(sb.clock.speed, 1);
      const api = new BuildClient(sb, await patToken(sb.authUrl));
      const s = await api.startOn('Acme iOS', 'main');
      const seen = new Set<number>();
      await until(
        async () => {
          const st = (await api.queue(s.queueItemId)).buildStatus;
          seen.add(st);
          return st === 0;
        },
        'the build to finish in real time',
        3000,
      );
      assert.ok(seen.has(0));
    } finally {
      await sb.stop();
    }
  });

  it('largeSeed {profiles: 1000, buildsOnBranch: 10000}: lists stay correct and quick', async () => {
    const t0 = performance.now();
    const sb = await startSandbox({ quiet: true, realTime: false, largeSeed: { profiles: 1000, buildsOnBranch: 10_000 } });
    const startMs = performance.now() - t0;
    try {
      const api = new BuildClient(sb, await patToken(sb.authUrl));
      const profiles = await api.profiles();
      assert.equal(profiles.length, PROFILES.filter((p) => p.orgId === ROOT_ORG_ID).length + 1000 + 1);
      const bulk = profiles.find((p) => p.name === 'Bulk History') as Profile;
      const main = await api.branch(bulk.id, 'main');
      const t1 = performance.now();
      const builds = await api.builds(bulk.id, main.id);
      const listMs = performance.now() - t1;
      assert.equal(builds.length, 10_000);
      const dates = builds.map((b) => Date.parse(b.startDate));
      assert.ok(
        dates.every((d, i) => i === 0 || d <= (dates[i - 1] ?? 0)),
        'newest first',
      );
      assert.equal(new Set(builds.map((b) => b.id)).size, 10_000, 'unique ids');
      const s = await api.startOn('Bulk History', 'main');
      assert.equal((await api.builds(bulk.id, main.id))[0]?.id, (await api.builds(bulk.id, main.id)).find((b) => b.status === 90)?.id);
      assert.equal((await api.dashboard())[0]?.id, s.queueItemId);
      console.log(`      large seed: started in ${startMs.toFixed(0)} ms, 10,000-build list in ${listMs.toFixed(0)} ms`);
    } finally {
      await sb.stop();
    }
  });
});
