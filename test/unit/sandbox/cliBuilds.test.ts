/**
 * Replays of the build command sequences the official CLI 2.7.3 sends (appcircle-api.md §4.3, §6, §7),
 * with its headers and quirks, against the sandbox on a frozen build clock.
 */
import * as assert from 'node:assert/strict';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';

const CLI_UA = 'Appcircle CLI/1.0.3';
const ZERO = '00000000-0000-0000-0000-000000000000';

describe('sandbox: build commands of the official CLI 2.7.3 (replayed)', () => {
  let sb: Sandbox;
  let token: string;
  const get = async <T>(path: string, extra: Record<string, string> = {}): Promise<{ status: number; body: T; type: string }> => {
    const r = await fetch(`${sb.apiUrl}/${path}`, { headers: { Authorization: `Bearer ${token}`, accept: 'application/json', 'User-Agent': CLI_UA, ...extra } });
    const type = r.headers.get('content-type') ?? '';
    const body = (type.includes('json') ? await r.json() : type.includes('zip') ? Buffer.from(await r.arrayBuffer()) : await r.text()) as T;
    return { status: r.status, body, type };
  };

  before(async () => {
    sb = await startSandbox({ quiet: true, builds: { speed: 0, timings: { waitMs: 4000, runMs: 6000, completeMs: 500 } } });
    const r = await fetch(`${sb.authUrl}/auth/v1/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `pat=${DEMO_PAT}` });
    token = ((await r.json()) as { access_token: string }).access_token;
  });
  after(async () => {
    await sb.stop();
  });

  type Profile = { id: string; name: string; os: number; repositoryName: string; pinned: boolean };
  type Branch = { id: string; name: string; buildStatus?: number };

  it('build profile list / branch list / workflows / configurations / branch commits: shapes and wrappers', async () => {
    const profiles = await get<Profile[]>('build/v2/profiles');
    assert.ok(Array.isArray(profiles.body), 'bare array');
    const ios = profiles.body.find((p) => p.name === 'Acme iOS')!;
    assert.equal(ios.os, 1);
    const detail = await get<{ branches: Branch[] }>(`build/v1/profiles/${ios.id}`);
    assert.ok(detail.body.branches.some((b) => b.name === 'main'));
    const wfs = await get<{ id: string; workflowName: string }[]>(`build/v2/profiles/${ios.id}/workflows`);
    assert.equal(wfs.body[0]?.workflowName, 'Default Push Workflow');
    const cfgs = await get<{ item1: { id: string; configurationName: string } }[]>(`build/v2/profiles/${ios.id}/configurations`);
    assert.equal(typeof cfgs.body[0]?.item1.id, 'string');
    const main = detail.body.branches.find((b) => b.name === 'main')!;
    const commits = await get<{ id: string; hash: string; commitDate: string }[]>(`build/v2/commits?branchId=${main.id}`);
    const dates = commits.body.map((c) => Date.parse(c.commitDate));
    assert.deepEqual(dates, [...dates].sort((a, b) => b - a), 'newest first');
    assert.equal(commits.body[0]?.hash.length, 40);
  });

  it('build start (wait) → B5, B4, B7 with "{}" form body → B8 90 → 91 within 5 polls → terminal; B10 lists it first at once', async () => {
    const profiles = (await get<Profile[]>('build/v2/profiles')).body;
    const p = profiles.find((x) => x.name === 'Acme Android')!;
    const branch = (await get<{ branches: Branch[] }>(`build/v1/profiles/${p.id}`)).body.branches.find((b) => b.name === 'main')!;
    const commitId = (await get<{ id: string }[]>(`build/v2/commits?branchId=${branch.id}`)).body[0].id;
    const cfg = (await get<{ item1: { id: string } }[]>(`build/v2/profiles/${p.id}/configurations`)).body[0].item1.id;
    const start = await fetch(`${sb.apiUrl}/build/v2/commits/${commitId}?action=build&workflowId=&configurationId=${cfg}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-www-form-urlencoded', Accept: '*/*', 'User-Agent': CLI_UA },
      body: '{}',
    });
    assert.equal(start.status, 200);
    const ids = (await start.json()) as { taskId: string; queueItemId: string };
    assert.ok(ids.taskId && ids.queueItemId);
    const listed = await get<{ id: string; startDate: string; status: number }[]>(`build/v1/builds?branchId=${branch.id}&profileId=${p.id}`);
    const newest = [...listed.body].sort((a, b) => Date.parse(b.startDate) - Date.parse(a.startDate))[0];
    assert.equal(newest?.id, listed.body[0]?.id, 'listed first');
    assert.equal(newest?.status, 90);
    const statuses: number[] = [];
    let q = await get<{ buildStatus: number; buildId: string; commitId: string; hasWarning: boolean }>(`build/v1/queue/${ids.queueItemId}`);
    assert.equal(q.body.buildId, ZERO, 'all-zero build id while waiting');
    for (let poll = 0; poll < 10 && ![0, 1, 2, 3].includes(q.body.buildStatus); poll++) {
      statuses.push(q.body.buildStatus);
      sb.world.advance(3000); // the CLI polls every 3 s
      q = await get(`build/v1/queue/${poll % 2 ? ids.taskId : ids.queueItemId}`);
    }
    statuses.push(q.body.buildStatus);
    assert.ok(statuses.indexOf(91) > 0 && statuses.indexOf(91) < 5, `91 within the first 5 polls: ${statuses.join(',')}`);
    assert.equal(statuses.at(-1), 0);
    assert.equal(q.body.commitId, commitId);
    // build view / build list: B6 with builds[] newest first
    const commit = await get<{ builds: { id: string }[] }>(`build/v2/commits/${commitId}`);
    assert.equal(commit.body.builds[0]?.id, q.body.buildId);
    // --download-logs: B12 with a multipart Content-Type and no body; --download-artifacts: B14 zip
    const logs = await get<string>(`build/v1/commits/${commitId}/builds/${q.body.buildId}/logs`, { 'Content-Type': 'multipart/form-data; boundary=----x' });
    assert.equal(logs.status, 200);
    assert.match(logs.body, /Build succeeded\./);
    const zip = await get<Buffer>(`build/v1/commits/${commitId}/builds/${q.body.buildId}`);
    assert.match(zip.type, /application\/zip/);
    assert.equal(zip.body.subarray(0, 2).toString(), 'PK');
  });

  it('build active-list: B9 {data} rows while waiting/running, empty after', async () => {
    const p = (await get<Profile[]>('build/v2/profiles')).body.find((x) => x.name === 'Acme iOS')!;
    const branch = (await get<{ branches: Branch[] }>(`build/v1/profiles/${p.id}`)).body.branches.find((b) => b.name === 'develop')!;
    const commitId = (await get<{ id: string }[]>(`build/v2/commits?branchId=${branch.id}`)).body[0].id;
    await fetch(`${sb.apiUrl}/build/v2/commits/${commitId}?action=build&workflowId=&configurationId=`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '{}' });
    const active = await get<{ data: { profileName: string; branchName: string; queueItemStatus: number; publishId: null }[] }>('build/v1/queue/my-dashboard?page=1&size=1000');
    assert.equal(active.body.data.length, 1);
    assert.equal(active.body.data[0]?.branchName, 'develop');
    assert.equal(active.body.data[0]?.publishId, null);
    sb.world.advance(60_000);
    assert.equal((await get<{ data: unknown[] }>('build/v1/queue/my-dashboard?page=1&size=1000')).body.data.length, 0);
  });

  it('logs are "not ready" (404 / No Logs Available) before a build writes any; artifacts 404 for a failed build', async () => {
    const p = (await get<Profile[]>('build/v2/profiles')).body.find((x) => x.name === 'Acme iOS')!;
    const branch = (await get<{ branches: Branch[] }>(`build/v1/profiles/${p.id}`)).body.branches.find((b) => b.name === 'feature/login')!;
    const commitId = (await get<{ id: string }[]>(`build/v2/commits?branchId=${branch.id}`)).body[0].id;
    await fetch(`${sb.apiUrl}/__sandbox/build-outcome`, { method: 'POST', body: JSON.stringify({ status: 1 }) });
    const ids = (await (await fetch(`${sb.apiUrl}/build/v2/commits/${commitId}?action=build&workflowId=&configurationId=`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '{}' })).json()) as { queueItemId: string };
    assert.equal((await get<string>(`build/v1/queue/logs/${ids.queueItemId}`)).body, 'No Logs Available');
    const b10 = await get<{ id: string }[]>(`build/v1/builds?branchId=${branch.id}&profileId=${p.id}`);
    assert.equal((await get(`build/v1/commits/${commitId}/builds/${b10.body[0].id}/logs`)).status, 404);
    sb.world.advance(60_000);
    const q = await get<{ buildStatus: number; buildId: string }>(`build/v1/queue/${ids.queueItemId}`);
    assert.equal(q.body.buildStatus, 1);
    assert.equal((await get(`build/v1/commits/${commitId}/builds/${q.body.buildId}`)).status, 404);
  });

  it('cancel (B16, unverified): GET build/v1/queue/{id}?action=cancel → canceled', async () => {
    const p = (await get<Profile[]>('build/v2/profiles')).body.find((x) => x.name === 'Acme iOS')!;
    const branch = (await get<{ branches: Branch[] }>(`build/v1/profiles/${p.id}`)).body.branches.find((b) => b.name === 'main')!;
    const commitId = (await get<{ id: string }[]>(`build/v2/commits?branchId=${branch.id}`)).body[0].id;
    const ids = (await (await fetch(`${sb.apiUrl}/build/v2/commits/${commitId}?action=build&workflowId=&configurationId=`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '{}' })).json()) as { taskId: string };
    sb.world.advance(5000);
    assert.equal((await get<{ cancelling: boolean }>(`build/v1/queue/${ids.taskId}?action=cancel`)).body.cancelling, true);
    assert.equal((await get<{ buildStatus: number }>(`build/v1/queue/${ids.taskId}`)).body.buildStatus, 2);
  });
});
