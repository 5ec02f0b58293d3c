/**
 * "CLI 2.7.3 replay" of the build commands (docs/appcircle-api.md §4.3, §6, §7): @appcircle/cli is not on the npm
 * registry reachable here, so each command's documented request sequence is replayed with its headers and quirks,
 * including the client-side logic the CLI applies to the answers (names → ids, `[0]` picks, newest `startDate`,
 * the polling stop rule), on the sandbox's default timings with the clock driven as the CLI's timers would move it.
 */
import * as assert from 'node:assert/strict';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import type { RequestLogEntry, Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import { BuildClient, readZip } from './buildHelpers';
import type { Branch, Build, Commit, Profile, QueueItem, QueueRow, Started } from './buildHelpers';
import { patToken } from './helpers';

type Workflow = { id: string; workflowName: string };
type Config = { item1: { id: string; configurationName: string } };

describe('sandbox: CLI 2.7.3 replay — build commands', () => {
  let sb: Sandbox;
  let cli: BuildClient;
  let mark = 0;
  /** The API requests since the last `begin()`, as `METHOD path?query`. */
  const begin = () => (mark = sb.requests.length);
  const sent = () =>
    sb.requests
      .slice(mark)
      .map(
        (r: RequestLogEntry) => `${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query).toString()}` : ''}`,
      );

  before(async () => {
    // Default timings (2 s waiting, 8 s running, 1 s completing): what `npm run sandbox` serves the CLI in real time.
    sb = await startSandbox({ quiet: true, authPort: 0, realTime: false });
    cli = new BuildClient(sb, await patToken(sb.authUrl, DEMO_PAT));
  });
  after(async () => {
    await sb.stop();
  });
  afterEach(() => {
    sb.reset();
  });

  const ids = async (profileName: string, branchName: string) => {
    const profile = await cli.profile(profileName);
    const branch = await cli.branch(profile.id, branchName);
    return { profile, branch };
  };

  it('`build profile list` / `branch list` / `workflows` / `configurations` / `branch commits`: one request each (B1-B5)', async () => {
    begin();
    const profiles = await cli.ok<Profile[]>('build/v2/profiles');
    const ios = profiles.find((p) => p.name === 'Acme iOS') as Profile;
    const detail = await cli.ok<{ branches: Branch[] }>(`build/v1/profiles/${ios.id}`);
    await cli.ok<Workflow[]>(`build/v2/profiles/${ios.id}/workflows`);
    await cli.ok<Config[]>(`build/v2/profiles/${ios.id}/configurations`);
    const main = detail.branches.find((b) => b.name === 'main') as Branch;
    await cli.ok<Commit[]>(`build/v2/commits?branchId=${main.id}`);
    assert.deepEqual(sent(), [
      'GET /build/v2/profiles',
      `GET /build/v1/profiles/${ios.id}`,
      `GET /build/v2/profiles/${ios.id}/workflows`,
      `GET /build/v2/profiles/${ios.id}/configurations`,
      `GET /build/v2/commits?branchId=${main.id}`,
    ]);
    assert.ok(sb.requests.slice(mark).every((r) => r.status === 200 && r.host === 'api' && r.userAgent === 'Appcircle CLI/1.0.3'));
  });

  it('`build start --profileId P --branchId B --workflowId W --no-wait`: B5, B4, B7 (body `{}`) → {taskId, queueItemId}', async () => {
    const { profile, branch } = await ids('Acme iOS', 'main');
    const [wf] = await cli.ok<Workflow[]>(`build/v2/profiles/${profile.id}/workflows`);
    begin();
    const commitId = (await cli.commits(branch.id))[0].id; // B5 [0]
    const cfgId = (await cli.ok<Config[]>(`build/v2/profiles/${profile.id}/configurations`))[0].item1.id; // B4 [0].item1.id
    const r = await cli.start(commitId, wf?.id, cfgId);
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json).sort(), ['queueItemId', 'taskId'], '-o json prints exactly these');
    assert.deepEqual(sent(), [
      `GET /build/v2/commits?branchId=${branch.id}`,
      `GET /build/v2/profiles/${profile.id}/configurations`,
      `POST /build/v2/commits/${commitId}?action=build&workflowId=${wf?.id ?? ''}&configurationId=${cfgId}`,
    ]);
    const b7 = sb.requests.at(-1);
    assert.deepEqual([b7?.contentType, b7?.accept, b7?.bodyBytes], ['application/x-www-form-urlencoded', '*/*', 2]);
  });

  it('`build start --profile "Acme iOS" --branch main --workflow "Default Push Workflow" --no-wait`: B1, B2, B3 (names → ids), B5, B4, B7', async () => {
    begin();
    const profile = (await cli.ok<Profile[]>('build/v2/profiles')).find((p) => p.name === 'Acme iOS') as Profile;
    const branch = (await cli.ok<{ branches: Branch[] }>(`build/v1/profiles/${profile.id}`)).branches.find(
      (b) => b.name === 'main',
    ) as Branch;
    const wf = (await cli.ok<Workflow[]>(`build/v2/profiles/${profile.id}/workflows`)).find(
      (w) => w.workflowName === 'Default Push Workflow',
    ) as Workflow;
    const commitId = (await cli.commits(branch.id))[0].id;
    const cfgId = (await cli.ok<Config[]>(`build/v2/profiles/${profile.id}/configurations`))[0].item1.id;
    assert.equal((await cli.start(commitId, wf.id, cfgId)).status, 200);
    assert.deepEqual(
      sent().map((s) => s.replace(/[0-9a-f-]{36}/g, 'ID')),
      [
        'GET /build/v2/profiles',
        'GET /build/v1/profiles/ID',
        'GET /build/v2/profiles/ID/workflows',
        'GET /build/v2/commits?branchId=ID',
        'GET /build/v2/profiles/ID/configurations',
        'POST /build/v2/commits/ID?action=build&workflowId=ID&configurationId=ID',
      ],
    );
  });

  it('`build start … --commitHash H --configuration "Default Configuration" --no-wait`: B4 (name → id), B5 (hash → id), B7', async () => {
    const { profile, branch } = await ids('Acme Android', 'develop');
    const target = (await cli.commits(branch.id))[2]; // not the latest
    begin();
    const cfg = (await cli.ok<Config[]>(`build/v2/profiles/${profile.id}/configurations`)).find(
      (c) => c.item1.configurationName === 'Default Configuration',
    ) as Config;
    const commit = (await cli.commits(branch.id)).find((c) => c.hash === target.hash) as Commit;
    const r = await cli.start(commit.id, '', cfg.item1.id);
    assert.equal(r.status, 200);
    assert.equal(sent().length, 3);
    assert.equal((await cli.queue(r.json.queueItemId)).commitId, target.id, 'the build runs on the chosen commit');
  });

  /** `build start …` in wait mode, as CLI 2.7.3 polls (§4.3 step 6), with the clock moved as its timers would. */
  async function startAndWait(
    profileName: string,
    branchName: string,
  ): Promise<{
    started: Started;
    statuses: number[];
    b10BuildId: string;
    result: 'success' | 'failed';
    elapsedMs: number;
    commitId: string;
  }> {
    const { profile, branch } = await ids(profileName, branchName);
    const commitId = (await cli.commits(branch.id))[0].id;
    const cfgId = (await cli.ok<Config[]>(`build/v2/profiles/${profile.id}/configurations`))[0].item1.id;
    const started = (await cli.start(commitId, '', cfgId)).json;
    let elapsedMs = 2000;
    sb.clock.advance(2000);
    const statuses: number[] = [];
    let b10BuildId = '';
    for (let poll = 1; poll <= 300; poll++) {
      const q = await cli.queue(started.queueItemId); // the CLI polls with the queueItemId
      if (poll === 1) {
        const b10 = await cli.builds(profile.id, branch.id);
        b10BuildId = [...b10].sort((a, b) => Date.parse(b.startDate) - Date.parse(a.startDate))[0].id; // newest startDate
      }
      statuses.push(q.buildStatus);
      if ([0, 1, 2, 3].includes(q.buildStatus) || (poll > 5 && q.buildStatus !== 91)) {
        break;
      }
      sb.clock.advance(3000);
      elapsedMs += 3000;
    }
    return { started, statuses, b10BuildId, result: statuses.at(-1) === 0 ? 'success' : 'failed', elapsedMs, commitId };
  }

  it('`build start …` (wait, -o json): B8 90/91 within the first 5 polls, then terminal in about 11 s; B10 at the first poll already names the new build', async () => {
    const run = await startAndWait('Acme iOS', 'develop');
    assert.equal(run.result, 'success');
    const i91 = run.statuses.indexOf(91);
    assert.ok(i91 >= 0 && i91 < 5, `91 within the first 5 polls: ${run.statuses.join(' → ')}`);
    assert.ok(
      run.statuses.slice(5).every((s) => s === 91 || [0, 1, 2, 3].includes(s)),
      'never 90/92 after poll 5 (the CLI would stop there)',
    );
    assert.ok(run.elapsedMs >= 8_000 && run.elapsedMs <= 20_000, `${run.elapsedMs} ms`);
    const q = await cli.queue(run.started.queueItemId);
    assert.equal(run.b10BuildId, q.buildId, 'the CLI’s pick from B10 is the started build');
  });

  it('`build start …` (wait) with a failing build → "failed"', async () => {
    sb.setBuildOutcome({ status: 1 });
    const run = await startAndWait('Acme Android', 'main');
    assert.deepEqual([run.result, run.statuses.at(-1)], ['failed', 1]);
  });

  it('`build start … --download-logs --download-artifacts --path DIR`: then +10 s B10, B14; then B10, B1, B2, B12 (multipart GET)', async () => {
    const run = await startAndWait('Appcircle VS Code Demo', 'develop');
    const { profile, branch } = await ids('Appcircle VS Code Demo', 'develop');
    sb.clock.advance(10_000);
    begin();
    const b10 = await cli.builds(profile.id, branch.id);
    const newest = [...b10].sort((a, b) => Date.parse(b.startDate) - Date.parse(a.startDate))[0];
    const zip = await cli.bytes(`build/v1/commits/${newest.commitId}/builds/${newest.id}`);
    assert.equal(zip.status, 200);
    assert.ok(readZip(zip.body).some((e) => e.name.endsWith('.apk')));
    const again = (await cli.builds(profile.id, branch.id))[0];
    const p = (await cli.ok<Profile[]>('build/v2/profiles')).find((x) => x.id === profile.id) as Profile;
    const br = (await cli.ok<{ branches: Branch[] }>(`build/v1/profiles/${p.id}`)).branches.find((x) => x.id === branch.id) as Branch;
    const fileName = `${br.name}-${p.name}-build-${again.id}-logs-${Date.now()}.txt`;
    const log = await cli.get<string>(`build/v1/commits/${again.commitId}/builds/${again.id}/logs`, {
      'Content-Type': 'multipart/form-data; boundary=----1234',
    });
    assert.equal(log.status, 200);
    assert.match(log.text, /Build succeeded\.\n.*Completing workflow\n.*Completing workflow, Ver: 1\.0\n$/);
    assert.match(fileName, /^develop-Appcircle VS Code Demo-build-[0-9a-f-]{36}-logs-\d+\.txt$/);
    assert.equal(again.commitId, run.commitId);
    assert.deepEqual(
      sent().map((s) => s.replace(/[0-9a-f-]{36}/g, 'ID')),
      [
        'GET /build/v1/builds?branchId=ID&profileId=ID',
        'GET /build/v1/commits/ID/builds/ID',
        'GET /build/v1/builds?branchId=ID&profileId=ID',
        'GET /build/v2/profiles',
        'GET /build/v1/profiles/ID',
        'GET /build/v1/commits/ID/builds/ID/logs',
      ],
    );
    assert.equal(sb.requests.at(-1)?.contentType, 'multipart/form-data; boundary=----1234');
  });

  it('`build download-log … --commitId C --buildId X`: B10 `[0]` unsorted (X ignored) is the newest; B1, B2, B12', async () => {
    const { profile, branch } = await ids('Acme iOS', 'release/1.2');
    const b10 = await cli.builds(profile.id, branch.id);
    const newest = [...b10].sort((a, b) => Date.parse(b.startDate) - Date.parse(a.startDate))[0];
    assert.equal(b10[0]?.id, newest.id, '[0] unsorted is the newest');
    begin();
    const p = (await cli.ok<Profile[]>('build/v2/profiles')).find((x) => x.id === profile.id) as Profile; // B1, B2: the file name
    const br = (await cli.ok<{ branches: Branch[] }>(`build/v1/profiles/${p.id}`)).branches.find((x) => x.id === branch.id) as Branch;
    assert.deepEqual([br.name, p.name], ['release/1.2', 'Acme iOS']);
    const log = await cli.get<string>(`build/v1/commits/${newest.commitId}/builds/${newest.id}/logs`, {
      'Content-Type': 'multipart/form-data; boundary=x',
    });
    assert.equal(log.status, 200);
    assert.match(log.text, /^Appcircle build /);
    assert.equal(sent().length, 3);
  });

  it('`build download … --commitId C --buildId X`: B10 newest startDate, B14 → artifacts zip (404 when the newest has none)', async () => {
    const { profile, branch } = await ids('Acme iOS', 'main');
    const newestOf = async () =>
      [...(await cli.builds(profile.id, branch.id))].sort((a, b) => Date.parse(b.startDate) - Date.parse(a.startDate))[0];
    const n1 = await newestOf();
    assert.equal((await cli.bytes(`build/v1/commits/${n1.commitId}/builds/${n1.id}`)).status, n1.status === 0 ? 200 : 404);
    const run = await startAndWait('Acme iOS', 'main');
    sb.clock.advance(10_000);
    const n2 = await newestOf();
    assert.equal(n2.id, (await cli.queue(run.started.queueItemId)).buildId);
    const zip = await cli.bytes(`build/v1/commits/${n2.commitId}/builds/${n2.id}`);
    assert.equal(zip.status, 200);
    assert.equal(readZip(zip.body).length, 2);
  });

  it('`build list` / `build view --commitId C [--buildId X]`: B6; view picks from builds[] client-side', async () => {
    const { branch } = await ids('Acme Android', 'main');
    const commits = await cli.commits(branch.id);
    begin();
    const b6 = await cli.ok<Commit & { builds: Build[] }>(`build/v2/commits/${commits[0].id}`);
    assert.ok(b6.builds.length >= 1);
    const pick = b6.builds.find((b) => b.id === b6.builds.at(-1)?.id);
    assert.ok(
      pick && typeof pick.status === 'number' && typeof pick.startDate === 'string' && 'duration' in pick && 'isDistributable' in pick,
    );
    assert.equal(sent().length, 1);
  });

  it('`build active-list`: B9 {data}, build rows with publishId null, gone when finished', async () => {
    const s = await cli.startOn('Acme iOS', 'feature/login');
    const rows = await cli.ok<{ data: QueueRow[] }>('build/v1/queue/my-dashboard?page=1&size=1000');
    assert.deepEqual(
      rows.data.map((r) => [r.id, r.publishId, r.queueItemStatus, r.branchName]),
      [[s.queueItemId, null, 0, 'feature/login']],
    );
    sb.clock.advance(60_000);
    assert.deepEqual((await cli.ok<{ data: QueueRow[] }>('build/v1/queue/my-dashboard?page=1&size=1000')).data, []);
    const q = await cli.ok<QueueItem>(`build/v1/queue/${s.queueItemId}`);
    assert.equal(q.buildStatus, 0, 'B8 still answers after the item left the queue');
  });

  it('`build variable group list` / `build variable view --variableGroupId G`', async () => {
    begin();
    const groups = await cli.ok<{ id: string; name: string }[]>('build/v1/variable-groups');
    const vars = await cli.ok<{ key: string; value: string; isSecret: boolean }[]>(
      `build/v1/variable-groups/${groups[0]?.id ?? ''}/variables`,
    );
    assert.ok(vars.length >= 1 && vars.every((v) => typeof v.key === 'string' && typeof v.isSecret === 'boolean'));
    assert.equal(sent().length, 2);
  });

  it('any build command after `logout` (empty Bearer) → 401 JSON', async () => {
    const loggedOut = new BuildClient(sb, '');
    for (const p of ['build/v2/profiles', 'build/v1/queue/my-dashboard?page=1&size=1000']) {
      const r = await loggedOut.get<{ message: string }>(p);
      assert.equal(r.status, 401);
      assert.equal(typeof r.json.message, 'string');
    }
  });
});
