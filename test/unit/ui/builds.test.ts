import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import type { BuildStatusCode } from '../../../src/core/builds/buildModels';
import { BuildStatus } from '../../../src/core/builds/buildModels';
import type { FinishedBuild } from '../../../src/core/builds/buildService';
import { downloadTo } from '../../../src/ui/builds/artifacts';
import { describeError } from '../../../src/ui/errors/errorMessages';
import { LogDocumentProvider } from '../../../src/ui/logs/logDocument';
import { logUri } from '../../../src/ui/logs/logUri';
import { finishedMessage, selectForNotification, summaryMessage } from '../../../src/ui/builds/notifications';
import { ActiveBuildsTreeProvider } from '../../../src/ui/tree/activeBuildsTree';
import { BuildsTreeProvider } from '../../../src/ui/tree/buildsTree';
import type { AppcircleNode, BranchNode, ProfileNode } from '../../../src/ui/tree/nodes';
import { BuildNode, LoadMoreNode, MessageNode } from '../../../src/ui/tree/nodes';
import { NoArtifactsError } from '../../../src/ui/errors/buildErrors';
import { CancellationTokenSource, fake } from '../fakes/vscodeFake';
import type { UiHarness } from './harness';
import { bootExtension, nodeLabel, treeChild, waitUntil } from './harness';

const label = nodeLabel;

describe('ui: build views, commands, logs, artifacts, notifications', () => {
  let h: UiHarness;
  let tree: BuildsTreeProvider;

  beforeEach(async () => {
    h = await bootExtension();
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    tree = new BuildsTreeProvider(h.ext.builds, h.ext.session);
  });
  afterEach(async () => {
    tree.dispose();
    await h.dispose();
  });

  const nodeNamed = <T extends AppcircleNode>(parent: AppcircleNode | undefined, name: string) => treeChild<T>(tree, parent, name);

  it('tree: profiles → branches → builds with stable ids, icons, descriptions and context values', async () => {
    const roots = await tree.getChildren();
    // the fake workspace has no git remote, so the pinned profile comes first
    assert.equal(label(roots[0]), 'Acme iOS');
    const ios = await nodeNamed<ProfileNode>(undefined, 'Acme iOS');
    assert.equal(ios.id, `profile:${ios.profile.id}`);
    const item = ios.getTreeItem();
    assert.match(String(item.description), /acme\/ios-app/);
    assert.equal(item.contextValue, 'profile pinned');
    const main = await nodeNamed<BranchNode>(ios, 'main');
    const builds = await tree.getChildren(main);
    assert.ok(builds.every((b) => b instanceof BuildNode));
    const b0 = builds[0];
    const bi = b0.getTreeItem();
    assert.match(String(bi.contextValue), /^build /);
    assert.match(String(bi.description), /^[0-9a-f]{7} · /);
    assert.equal(tree.getParent(b0), main);
    const md = tree.resolveTreeItem(bi, b0).tooltip as { value: string };
    assert.match(md.value, /Author/);
    assert.match(md.value, /Workflow/);
    const again = await tree.getChildren(main);
    assert.deepEqual(
      again.map((n) => n.id),
      builds.map((n) => n.id),
      'ids survive a refresh',
    );
  });

  it('getChildren never throws: a failure becomes an error node with Retry, and Retry reloads', async () => {
    h.sb.faults.set({ status: 502, pathIncludes: 'build/v2/profiles', times: 1 });
    const nodes = await tree.getChildren();
    assert.equal(nodes.length, 1);
    const err = nodes[0] as MessageNode;
    assert.equal(err.kind, 'error');
    assert.match(err.message, /server error \(502\)/);
    assert.equal(err.getTreeItem().command?.command, 'appcircle.retry');
    await h.run('appcircle.retry', err);
    const ok = await tree.getChildren();
    assert.ok(ok.length >= 3);
  });

  it('a failed refresh keeps the last good tree with one error row on top', async () => {
    const first = await tree.getChildren();
    h.sb.faults.set({ status: 500, pathIncludes: 'build/v2/profiles', times: 1 });
    await h.run('appcircle.refresh');
    const after = await tree.getChildren();
    assert.equal(after.length, first.length + 1);
    assert.ok(after[0] instanceof MessageNode);
    assert.deepEqual(
      after.slice(1).map((n) => n.id),
      first.map((n) => n.id),
    );
  });

  it('Load more… on long branches', async () => {
    await h.dispose();
    const { startSandbox } = await import('../../../sandbox/server');
    const sb = await startSandbox({ quiet: true, builds: { speed: 0, largeSeed: { profiles: 3, buildsOnBranch: 30 } } });
    h = await bootExtension({ sb });
    const inner = h;
    h = {
      ...inner,
      dispose: async () => {
        await inner.dispose();
        await sb.stop();
      },
    };
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    tree = new BuildsTreeProvider(h.ext.builds, h.ext.session);
    const bulk = await nodeNamed<ProfileNode>(undefined, 'Bulk History');
    const main = await nodeNamed<BranchNode>(bulk, 'main');
    const page1 = await tree.getChildren(main);
    assert.equal(page1.length, 21);
    const more = page1[20] as LoadMoreNode;
    assert.ok(more instanceof LoadMoreNode);
    await h.run('appcircle.loadMore', more);
    const page2 = await tree.getChildren(main);
    assert.equal(page2.length, 30);
  });

  it('Start Build: branch → workflow → configuration picks (profile given by the node), remembers the choices per profile', async () => {
    const demo = await nodeNamed<ProfileNode>(undefined, 'Appcircle VS Code Demo');
    fake.pickAnswers.push(
      (items) => items.find((i) => i.label === 'develop'),
      (items) => items.find((i) => i.label === 'Release Workflow'),
      (items) => items.find((i) => i.label === 'Staging'),
    );
    const started = await h.run<{ queueItemId: string }>('appcircle.startBuild', demo);
    assert.ok(started?.queueItemId);
    assert.deepEqual(
      fake.pickRequests.map((r) => r.title),
      ['Start Build (1/3): branch of Appcircle VS Code Demo', 'Start Build (2/3): workflow', 'Start Build (3/3): configuration'],
      'the profile came with the row: not a step',
    );
    assert.deepEqual(
      fake.pickRequests.map((r) => r.placeHolder),
      ['Pick the branch to build', 'Pick the workflow to run', 'Pick the build configuration'],
    );
    // a status bar message, no toast (the Active Builds badge counts the build)
    assert.match(fake.statusBarMessages.at(-1) ?? '', /^Build started: Appcircle VS Code Demo \/ develop \(Release Workflow, Staging\)/);
    assert.ok(!fake.messages.some((m) => m.message.startsWith('Build started')), JSON.stringify(fake.messages));
    assert.ok(h.ext.builds.isWatched(started.queueItemId));
    const post = h.sb.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/build/v2/commits/'));
    assert.equal(post.length, 1);
    assert.equal(post[0]?.query.action, 'build');
    // second time: the remembered branch/workflow/configuration come first
    fake.pickRequests = [];
    fake.pickAnswers.push(
      (items) => items[0],
      (items) => items[0],
      (items) => items[0],
    );
    await h.run('appcircle.startBuild', demo);
    assert.equal(fake.pickRequests[0]?.items[0]?.label, 'develop');
    assert.equal(fake.pickRequests[1]?.items[0]?.label, 'Release Workflow');
    assert.equal(fake.pickRequests[2]?.items[0]?.label, 'Staging');
  });

  it('Start Build skips a step with a single option (a profile with one branch)', async () => {
    await h.run('appcircle.selectOrganization', { organizationId: '6fbd094c-18cb-4bcd-bc6f-cf2aee752982' });
    const smoke = await nodeNamed<ProfileNode>(undefined, 'QA Android Smoke');
    fake.pickRequests = [];
    fake.pickAnswers.push(
      (i) => i[0],
      (i) => i[0],
    );
    const started = await h.run<{ queueItemId: string }>('appcircle.startBuild', smoke);
    assert.ok(started?.queueItemId);
    assert.deepEqual(
      fake.pickRequests.map((r) => r.title),
      ['Start Build (1/2): workflow', 'Start Build (2/2): configuration'],
      'no branch step, and it is not counted',
    );
  });

  it('Start Build from the palette: the profile step counts; a given workflow is neither shown nor counted', async () => {
    fake.pickRequests = [];
    fake.pickAnswers.push(
      (items) => items.find((i) => i.label === 'Appcircle VS Code Demo'),
      (items) => items.find((i) => i.label === 'develop'),
      (items) => items[0],
      (items) => items[0],
    );
    await h.run('appcircle.startBuild');
    assert.deepEqual(
      fake.pickRequests.map((r) => [r.title, r.placeHolder]),
      [
        // the profile step cannot know how many steps the picked profile needs: it has no count
        ['Start Build: build profile', 'Pick the build profile'],
        ['Start Build (2/4): branch of Appcircle VS Code Demo', 'Pick the branch to build'],
        ['Start Build (3/4): workflow', 'Pick the workflow to run'],
        ['Start Build (4/4): configuration', 'Pick the build configuration'],
      ],
    );
    const demo = (await h.ext.builds.profiles()).value.find((p) => p.name === 'Appcircle VS Code Demo');
    assert.ok(demo);
    const workflow = (await h.ext.builds.workflows(demo.id))[0];
    assert.ok(workflow);
    fake.pickRequests = [];
    fake.pickAnswers.push(
      (items) => items.find((i) => i.label === 'develop'),
      (items) => items[0],
    );
    await h.run('appcircle.startBuild', { profileId: demo.id, workflowId: workflow.id });
    assert.deepEqual(
      fake.pickRequests.map((r) => r.title),
      ['Start Build (1/2): branch of Appcircle VS Code Demo', 'Start Build (2/2): configuration'],
    );
  });

  it('a double click on Start Build or Rebuild starts one build; the next start after it is sent starts another', async () => {
    const startPosts = () => h.sb.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/build/v2/commits/')).length;
    const demo = await nodeNamed<ProfileNode>(undefined, 'Appcircle VS Code Demo');
    const develop = await nodeNamed<BranchNode>(demo, 'develop');
    // answers for two whole runs: without the guard both would pick and post
    fake.pickRequests = [];
    fake.pickAnswers.push(
      (i) => i[0],
      (i) => i[0],
      (i) => i[0],
      (i) => i[0],
    );
    const [a, b] = await Promise.all([
      h.run<{ queueItemId: string }>('appcircle.startBuild', develop),
      h.run<{ queueItemId: string }>('appcircle.startBuild', develop),
    ]);
    assert.equal(startPosts(), 1, 'one POST for two concurrent starts of the same branch');
    assert.equal([a, b].filter((s) => s?.queueItemId).length, 1);
    assert.equal(fake.pickRequests.length, 2, 'the second start asked nothing');
    assert.equal(fake.statusBarMessages.filter((m) => m.startsWith('Build started')).length, 1);
    fake.pickAnswers = [];

    // Rebuild never prompts (the remembered workflow and configuration): the case a double click hit hardest
    const [build] = (await tree.getChildren(develop)).filter((n): n is BuildNode => n instanceof BuildNode && n.build.id !== '');
    assert.ok(build);
    await Promise.all([h.run('appcircle.rebuild', build), h.run('appcircle.rebuild', build)]);
    assert.equal(startPosts(), 2, 'one more POST for two concurrent rebuilds');

    // only starts in flight are ignored: once sent, the branch can be started again
    await h.run('appcircle.rebuild', build);
    assert.equal(startPosts(), 3);
  });

  it('Start Build from the palette with Escape says nothing and starts nothing', async () => {
    fake.pickAnswers.push(() => undefined);
    await h.run('appcircle.startBuild');
    assert.equal(fake.messages.length, 1, 'only the sign-in message');
    assert.equal(h.sb.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/build/')).length, 0);
  });

  it('a 403 on start says the account lacks the permission for that action', async () => {
    const demo = await nodeNamed<ProfileNode>(undefined, 'Appcircle VS Code Demo');
    h.sb.faults.set({ forbidden: true, pathIncludes: '/build/v2/commits/', times: 5 });
    fake.pickAnswers.push(
      (i) => i[0],
      (i) => i[0],
      (i) => i[0],
    );
    await h.run('appcircle.startBuild', demo);
    await waitUntil(() => fake.messages.some((m) => m.severity === 'error'));
    assert.match(fake.messages.find((m) => m.severity === 'error')?.message ?? '', /lacks the permission to start builds/);
  });

  it('Active Builds lists the queue; Cancel asks, then cancels', async () => {
    const active = new ActiveBuildsTreeProvider(h.ext.builds, h.ext.session);
    try {
      const demo = await nodeNamed<ProfileNode>(undefined, 'Appcircle VS Code Demo');
      fake.pickAnswers.push(
        (i) => i[0],
        (i) => i[0],
        (i) => i[0],
      );
      await h.run('appcircle.startBuild', demo);
      await waitUntil(() => h.ext.builds.queue.entries.length === 1, 5000, 'queue polled');
      const rows = active.getChildren();
      assert.equal(rows.length, 1);
      assert.match(String(rows[0].getTreeItem().contextValue), /\bcancelable\b/);
      fake.messageAnswers.push('Cancel Build');
      await h.run('appcircle.cancelBuild', rows[0]);
      assert.ok(h.sb.requests.some((r) => r.query.action === 'cancel'));
      assert.match(fake.messages.at(-1)?.message ?? '', /was canceled\.$/, 'confirmed by reading the queue item back');
    } finally {
      active.dispose();
    }
  });

  it('log document: a running build is followed; "no logs yet" is a state; the whole log at the end', async () => {
    const provider = new LogDocumentProvider(h.ext.builds);
    try {
      const demo = await nodeNamed<ProfileNode>(undefined, 'Appcircle VS Code Demo');
      fake.pickAnswers.push(
        (i) => i[0],
        (i) => i[0],
        (i) => i[0],
      );
      const s = await h.run<{ queueItemId: string }>('appcircle.startBuild', demo);
      const uri = logUri({ profileName: 'Appcircle VS Code Demo', branchName: 'develop', queueItemId: s?.queueItemId, label: 'Build x' });
      const token = new CancellationTokenSource().token;
      assert.match(await provider.provideTextDocumentContent(uri, token), /^No logs yet/);
      assert.equal(provider.followedCount, 1);
      // the followed text changes at poll ticks (not when VS Code asks again)
      const changed = (n: number) => waitUntil(() => provider.updates >= n, 5000, `log update ${n}`);
      h.sb.world.advance(4000);
      h.ext.builds.scheduler.pokeNow();
      await changed(1);
      const running = await provider.provideTextDocumentContent(uri, token);
      assert.match(running, /compiling module/);
      h.sb.world.advance(60_000);
      h.ext.builds.scheduler.pokeNow();
      await changed(2);
      const done = await provider.provideTextDocumentContent(uri, token);
      assert.match(done, /Build succeeded\.\n.*Completing workflow\n.*Completing workflow, Ver: 1\.0\n$/);
      assert.ok(done.startsWith(running), 'appended');
      // the build has left the queue: one more tick finds nothing new, and following stops
      h.ext.builds.scheduler.pokeNow();
      await waitUntil(() => provider.followedCount === 0, 5000, 'following stops when the build ends');
    } finally {
      provider.dispose();
    }
  });

  it('a 20 MB log opens from a temporary file (streamed by the server, never held whole)', async () => {
    h.sb.world.logLinesOverride = 420_000; // ≈ 56 bytes a line → > 20 MB
    const provider = new LogDocumentProvider(h.ext.builds);
    try {
      const demo = await nodeNamed<ProfileNode>(undefined, 'Appcircle VS Code Demo');
      fake.pickAnswers.push(
        (i) => i[0],
        (i) => i[0],
        (i) => i[0],
      );
      const s = await h.run<{ queueItemId: string }>('appcircle.startBuild', demo);
      h.sb.world.advance(60_000);
      const q = await h.ext.builds.queueItem(s!.queueItemId);
      const uri = logUri({ profileName: 'p', branchName: 'b', commitId: q.commitId, buildId: q.buildId, label: 'big' });
      const started = Date.now();
      const text = await provider.provideTextDocumentContent(uri, new CancellationTokenSource().token);
      const file = provider.fileOf(uri);
      assert.ok(file && text.includes(file), text);
      // the file opened as the log passed the threshold; the rest streams into it
      await provider.downloaded(uri);
      const size = fs.statSync(file).size;
      assert.ok(size >= 20 * 1024 * 1024, `${(size / 1024 / 1024).toFixed(1)} MB`);
      const fd = fs.openSync(file, 'r');
      const tail = Buffer.alloc(200);
      fs.readSync(fd, tail, 0, 200, size - 200);
      fs.closeSync(fd);
      assert.match(tail.toString('utf8'), /Build succeeded\.\n.*Completing workflow\n.*Completing workflow, Ver: 1\.0\n$/);
      console.log(`      20 MB log fetched in ${Date.now() - started} ms`);
    } finally {
      provider.dispose();
      h.sb.world.logLinesOverride = undefined;
    }
  });

  it('artifacts: the zip lands in the folder; cancel mid-download and 404 leave no file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ac-artifacts-'));
    try {
      const ios = await nodeNamed<ProfileNode>(undefined, 'Acme iOS');
      const main = await nodeNamed<BranchNode>(ios, 'main');
      const builds = (await tree.getChildren(main)) as BuildNode[];
      const ok = builds.find((b) => b.build.status === 0 && !b.build.hasWarning)!;
      const failed = builds.find((b) => b.build.status === 1)!;
      const t = (b: BuildNode) => ({ commitId: b.build.commitId, buildId: b.build.id, profileName: 'Acme iOS', branchName: 'main' });
      const progress: number[] = [];
      const file = await downloadTo(h.ext.builds, t(ok), dir, (r) => progress.push(r), new AbortController().signal);
      assert.equal(fs.readFileSync(file).subarray(0, 4).toString('hex'), '504b0304');
      assert.ok(progress.length > 0);
      await assert.rejects(
        downloadTo(h.ext.builds, t(failed), dir, () => undefined, new AbortController().signal),
        (e: unknown) => e instanceof NoArtifactsError,
      );
      assert.match(describeError(new NoArtifactsError(), 'download')?.message ?? '', /no artifacts/);
      h.sb.faults.set({ latencyMs: 300, pathIncludes: `/builds/${ok.build.id}`, times: 1 });
      const ac = new AbortController();
      const p = downloadTo(h.ext.builds, t(ok), dir, () => undefined, ac.signal);
      setTimeout(() => ac.abort(), 50);
      await assert.rejects(p);
      assert.deepEqual(
        fs.readdirSync(dir).filter((f) => f.endsWith('.part')),
        [],
      );
      assert.equal(fs.readdirSync(dir).length, 1, 'only the first, complete zip');
      h.sb.faults.set({ dropConnection: true, pathIncludes: `/builds/${ok.build.id}`, times: 1 });
      await assert.rejects(downloadTo(h.ext.builds, t(ok), dir, () => undefined, new AbortController().signal));
      assert.equal(fs.readdirSync(dir).length, 1, 'a dropped connection leaves no partial file');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('notifications: per setting, batched into one summary', () => {
    const f = (status: BuildStatusCode, watched: boolean, hasWarning = false): FinishedBuild => ({
      queueItemId: `q${status}${watched ? 'w' : ''}`,
      status,
      hasWarning,
      watched,
      profileName: 'Acme iOS',
      branchName: 'main',
    });
    const list = [f(0, true), f(1, false), f(2, true), f(3, false), f(0, false, true)];
    assert.equal(selectForNotification(list, 'never').length, 0);
    assert.equal(selectForNotification(list, 'all').length, 5);
    assert.deepEqual(
      selectForNotification(list, 'watched').map((b) => b.status),
      [0, 2],
    );
    assert.deepEqual(
      selectForNotification(list, 'failures').map((b) => b.status),
      [1, 2, 3],
    );
    assert.equal(finishedMessage(f(1, true)), 'Appcircle build failed: Acme iOS / main.');
    assert.equal(
      summaryMessage(list),
      '5 Appcircle builds finished: 1 succeeded, 1 failed, 1 canceled, 1 timed out, 1 succeeded with warnings.',
    );
  });

  it('several builds ending together make one summary notification', async () => {
    const { BuildNotifier } = await import('../../../src/ui/builds/notifications');
    const n = new BuildNotifier(h.ext.builds, () => 'all');
    try {
      fake.messages = [];
      const f = (status: BuildStatusCode): FinishedBuild => ({
        queueItemId: `q${status}`,
        status,
        hasWarning: false,
        watched: false,
        profileName: 'Acme iOS',
        branchName: 'main',
      });
      await n.notify([f(0), f(1), f(0)]);
      assert.equal(fake.messages.length, 1);
      assert.equal(fake.messages[0]?.message, '3 Appcircle builds finished: 2 succeeded, 1 failed.');
      assert.deepEqual(fake.messages[0]?.actions, ['Show Builds', 'Notification Settings']);
      assert.equal(fake.messages[0]?.severity, 'warning');
    } finally {
      n.dispose();
    }
  });

  it('Notification Settings on a build-finished notification opens the appcircle.notifications settings', async () => {
    const { BuildNotifier } = await import('../../../src/ui/builds/notifications');
    const n = new BuildNotifier(h.ext.builds, () => 'all');
    try {
      fake.messages = [];
      const before = fake.executed.length;
      const f = (q: string): FinishedBuild => ({
        queueItemId: q,
        buildId: `b-${q}`,
        status: BuildStatus.Failed,
        hasWarning: false,
        watched: false,
        profileName: 'Acme iOS',
        branchName: 'main',
      });
      fake.messageAnswers.push('Notification Settings');
      await n.notify([f('one')]);
      fake.messageAnswers.push('Notification Settings');
      await n.notify([f('two'), f('three')]);
      const opened = fake.executed.slice(before).filter((c) => c.id === 'workbench.action.openSettings');
      assert.deepEqual(
        opened.map((c) => c.args),
        [['appcircle.notifications'], ['appcircle.notifications']],
      );
      assert.deepEqual(
        fake.messages.map((m) => m.actions.at(-1)),
        ['Notification Settings', 'Notification Settings'],
      );
    } finally {
      n.dispose();
    }
  });

  it('a finished watched build notifies once with Show Log / Download Artifacts / Open in Appcircle', async () => {
    const demo = await nodeNamed<ProfileNode>(undefined, 'Appcircle VS Code Demo');
    fake.pickAnswers.push(
      (i) => i[0],
      (i) => i[0],
      (i) => i[0],
    );
    await h.run('appcircle.startBuild', demo);
    await waitUntil(() => h.ext.builds.queue.entries.length === 1, 5000, 'queued');
    h.sb.world.advance(60_000);
    h.ext.builds.scheduler.pokeNow();
    await waitUntil(() => fake.messages.some((m) => m.message.startsWith('Appcircle build succeeded')), 8000, 'notification');
    const m = fake.messages.find((x) => x.message.startsWith('Appcircle build succeeded'));
    assert.deepEqual(m?.actions, [
      'Show Log',
      'Download Artifacts',
      'Send to Testing Distribution…',
      'Open in Appcircle',
      'Notification Settings',
    ]);
  });

  it('sign-out clears the tree', async () => {
    assert.ok((await tree.getChildren()).length > 0);
    await h.run('appcircle.logout');
    assert.deepEqual(await tree.getChildren(), []);
  });
});
