/**
 * The Distribution view and its commands on the vscode fake against the sandbox: Testing Distribution and Enterprise
 * App Store profiles → versions newest first (two requests to open the view and a profile), the auto-send testing
 * groups (read back), Publish to Beta / Live (Live asks first), Unpublish, Copy Download Link, a local .apk uploaded
 * to the store and published, and a finished build's .apk sent to Testing Distribution with its release notes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import { ArtifactsZip } from '../../../src/core/distribution/artifactBinaries';
import { UserCancelledError } from '../../../src/core/errors';
import { DIST_SEED } from '../../../sandbox/distributionSeed';
import { DEMO_PAT, REPO_NAME, ROOT_ORG_ID } from '../../../sandbox/fixtures';
import type {
  DistributionNode,
  StoreProfileNode,
  StoreVersionNode,
  TestingProfileNode,
} from '../../../src/ui/distribution/distributionNodes';
import { SectionNode, TestingVersionNode } from '../../../src/ui/distribution/distributionNodes';
import { EventEmitter, fake, fakeGitRepository } from '../fakes/vscodeFake';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import type { UiHarness } from './harness';
import { bootExtension, nodeLabel, waitUntil } from './harness';

const label = (n: DistributionNode) => nodeLabel(n as never);

describe('ui: the Distribution view, Testing Distribution and the Enterprise App Store', () => {
  let h: UiHarness;

  beforeEach(async () => {
    h = await bootExtension();
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
  });
  afterEach(async () => {
    await h.dispose();
  });

  const tree = () => h.ext.features.distribution.tree;
  async function child<T extends DistributionNode>(parent: DistributionNode | undefined, name: string): Promise<T> {
    const children = await tree().getChildren(parent);
    const n = children.find((c) => label(c) === name);
    assert.ok(n, `"${name}" among ${children.map(label).join(', ')}`);
    return n as T;
  }
  const testingSection = async () => (await tree().getChildren()).find((n) => n instanceof SectionNode && n.module === 'testing')!;
  const storeSection = async () => (await tree().getChildren()).find((n) => n instanceof SectionNode && n.module === 'store')!;

  it('profiles → versions newest first, in two requests; Testing Distribution open, the store closed', async () => {
    const before = h.sb.requests.length;
    const [testing, store] = await tree().getChildren();
    assert.equal(testing.getTreeItem().collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    assert.equal(store.getTreeItem().collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const ios = await child<TestingProfileNode>(testing, DIST_SEED.td.ios);
    assert.match(String(ios.getTreeItem().description), /auto-send to 1 testing group$/);
    const versions = await tree().getChildren(ios);
    assert.deepEqual(versions.slice(0, 3).map(label), ['2.4.0 (120)', '2.3.1 (118)', '2.3.0 (115)']);
    assert.ok(versions.every((v) => v instanceof TestingVersionNode));
    const reads = h.sb.requests.slice(before).filter((r) => r.path.includes('/distribution/') || r.path.includes('/store/'));
    assert.equal(reads.length, 2, reads.map((r) => r.path).join(', '));
    // the hover names the auto-send groups
    const item = await tree().resolveTreeItem(ios.getTreeItem(), ios);
    assert.match((item.tooltip as vscode.MarkdownString).value, /QA Team/);
  });

  it('auto-send testing groups: the pick starts from the current ones, the change is read back; cancelled, nothing', async () => {
    const ios = await child<TestingProfileNode>(await testingSection(), DIST_SEED.td.ios);
    fake.messages = [];
    fake.pickAnswers.push(() => undefined);
    await h.run('appcircle.distribution.editTestingGroups', ios);
    assert.deepEqual(
      fake.messages.map((m) => m.message),
      [],
      'cancelling the pick is silent',
    );
    fake.pickAnswers.push((items) => items.filter((i) => ['QA Team', 'Beta Testers'].includes(i.label)));
    await h.run('appcircle.distribution.editTestingGroups', ios);
    const request = fake.pickRequests.at(-1);
    assert.deepEqual(
      request?.items.filter((i) => (i as { picked?: boolean }).picked).map((i) => i.label),
      ['QA Team'],
      'the current group checked',
    );
    const stored = h.sb.distribution.tdProfilesOf(ROOT_ORG_ID).find((p) => p.name === DIST_SEED.td.ios);
    assert.equal(stored?.testingGroupIds.length, 2);
    assert.match(fake.messages.at(-1)?.message ?? '', /now sends new versions to QA Team, Beta Testers/);
  });

  it('store: Beta / Live in words; Publish to Live asks first; Unpublish; Copy Download Link', async () => {
    const field = await child<StoreProfileNode>(await storeSection(), DIST_SEED.store.android);
    const versions = (await tree().getChildren(field)) as StoreVersionNode[];
    assert.deepEqual(
      versions.map((v) => `${label(v)} ${v.channel}`),
      ['3.1.0 (310) beta', '3.0.2 (302) live', '3.0.1 (301) none'],
    );
    assert.match(String(versions[0].getTreeItem().description), /^Beta/);
    // Live asks first: declined, nothing changes
    fake.messageAnswers.push(undefined);
    await h.run('appcircle.store.publishLive', versions[0]);
    const storedVersion = () =>
      h.sb.distribution.storeProfilesOf(ROOT_ORG_ID).find((p) => p.name === DIST_SEED.store.android)!.appVersions[0];
    assert.equal(storedVersion().publishType, 1);
    fake.messageAnswers.push('Publish to Live');
    await h.run('appcircle.store.publishLive', versions[0]);
    assert.equal(storedVersion().publishType, 2);
    assert.match(fake.messages.at(-1)?.message ?? '', /is on Live\./);
    await h.run('appcircle.store.unpublish', versions[0]);
    assert.equal(storedVersion().publishType, 0);
    await h.run('appcircle.store.copyDownloadLink', versions[1]);
    assert.match((vscode.env.clipboard as unknown as { text: string }).text, /^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('Copy Download Link copies only a link a tester may open: not plain http elsewhere, no password, no hidden characters', async () => {
    const field = await child<StoreProfileNode>(await storeSection(), DIST_SEED.store.android);
    const version = ((await tree().getChildren(field)) as StoreVersionNode[])[0];
    const clipboard = vscode.env.clipboard as unknown as { text: string };
    const store = h.ext.features.distribution.store;
    const cases: [string, RegExp][] = [
      ['http://files.example.test/app.apk', /plain http to another machine, so it was not copied/],
      ['https://user:pw@files.example.test/app.apk', /contains a user name or password, so it was not copied/],
      ['https://files.example.test/a\u202egpj.apk', /control or hidden characters in it, so it was not copied/],
      [`https://files.example.test/${'a'.repeat(2100)}`, /longer than 2048 characters, so it was not copied/],
      ['javascript:alert(1)', /did not give a download link/],
    ];
    for (const [link, expected] of cases) {
      clipboard.text = 'before';
      store.downloadLink = () => Promise.resolve(link);
      await h.run('appcircle.store.copyDownloadLink', version);
      assert.match(fake.messages.at(-1)?.message ?? '', expected);
      assert.equal(clipboard.text, 'before', link);
    }
    store.downloadLink = () => Promise.resolve(' https://files.example.test/app.apk?sig=1 ');
    await h.run('appcircle.store.copyDownloadLink', version);
    assert.equal(clipboard.text, 'https://files.example.test/app.apk?sig=1');
  });

  it('a local .apk uploaded to an Enterprise App Store profile comes first, then goes to Beta', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appcircle-apk-'));
    try {
      const file = path.join(dir, 'Acme Field-3.2.0 (311).apk');
      fs.writeFileSync(file, Buffer.alloc(256 * 1024, 7));
      fake.pickAnswers.push((items) => items.find((i) => i.label === DIST_SEED.store.android));
      await h.run('appcircle.uploadToEnterpriseStore', vscode.Uri.file(file));
      assert.match(fake.messages.at(-1)?.message ?? '', /^3\.2\.0 \(311\) is in the Enterprise App Store, not published yet/);
      const field = await child<StoreProfileNode>(await storeSection(), DIST_SEED.store.android);
      const first = ((await tree().getChildren(field)) as StoreVersionNode[])[0];
      assert.equal(label(first), '3.2.0 (311)');
      await h.run('appcircle.store.publishBeta', first);
      const stored = h.sb.distribution.storeProfilesOf(ROOT_ORG_ID).find((p) => p.name === DIST_SEED.store.android)!.appVersions[0];
      assert.equal(stored.publishType, 1);
      const upload = h.sb.requests.find((r) => r.host === 'upload');
      assert.ok(upload && !upload.hasAuth, 'the storage origin got no Authorization');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Send to Testing Distribution: a finished build's .apk, the commit message as release notes, its testing groups named", async () => {
    const profile = (await h.ext.builds.profiles()).value.find((p) => p.name === 'Acme Android');
    assert.ok(profile);
    const branch = (await h.ext.builds.branches(profile.id)).value.find((b) => b.name === 'main');
    assert.ok(branch);
    const build = (await h.ext.builds.builds(profile.id, branch.id)).items.find((b) => b.status === 0);
    assert.ok(build);
    const beforeVersions = h.sb.distribution.tdProfilesOf(ROOT_ORG_ID).find((p) => p.name === DIST_SEED.td.android)!.appVersions.length;
    fake.pickAnswers.push((items) => items.find((i) => i.label === DIST_SEED.td.android));
    fake.inputAnswers.push('Fixed the login crash');
    await h.run('appcircle.sendToTestingDistribution', {
      profileId: profile.id,
      branchId: branch.id,
      commitId: build.commitId,
      buildId: build.id,
    });
    const message = fake.messages.at(-1)?.message ?? '';
    assert.match(message, /is in Acme Android Beta; it goes to the testing groups QA Team, Beta Testers\./);
    const stored = h.sb.distribution.tdProfilesOf(ROOT_ORG_ID).find((p) => p.name === DIST_SEED.td.android)!;
    assert.equal(stored.appVersions.length, beforeVersions + 1);
    assert.equal(stored.appVersions[0].message, 'Fixed the login crash');
    // the default is the commit message as written (no zero-width spaces), and the box caps the length
    const box = fake.inputRequests.at(-1);
    assert.ok(box?.value !== undefined && !box.value.includes('\u200b'), JSON.stringify(box?.value));
    assert.equal(await box.validateInput?.('ok'), undefined);
    assert.match(String(await box.validateInput?.('x'.repeat(4001))), /at most 4000 characters; these have 4001/);
    // the next send of this build profile offers the same distribution profile first
    fake.pickAnswers.push(() => undefined);
    await h.run('appcircle.sendToTestingDistribution', {
      profileId: profile.id,
      branchId: branch.id,
      commitId: build.commitId,
      buildId: build.id,
    });
    await waitUntil(() => fake.pickRequests.length >= 2, 5000, 'the second pick');
    assert.equal(fake.pickRequests.at(-1)?.items[0]?.label, DIST_SEED.td.android);
    assert.equal(fake.pickRequests.at(-1)?.items[0]?.description, 'last used');
  });

  it('a duplicate version number: a clear message, no version made', async () => {
    const profile = (await h.ext.builds.profiles()).value.find((p) => p.name === 'Acme Android');
    const branch = (await h.ext.builds.branches(profile!.id)).value.find((b) => b.name === 'main');
    const build = (await h.ext.builds.builds(profile!.id, branch!.id)).items.find((b) => b.status === 0);
    const stored = () => h.sb.distribution.tdProfilesOf(ROOT_ORG_ID).find((p) => p.name === DIST_SEED.td.android)!.appVersions.length;
    const before = stored();
    h.sb.makeNextUploadDuplicate();
    fake.pickAnswers.push((items) => items.find((i) => i.label === DIST_SEED.td.android));
    fake.inputAnswers.push('');
    await h.run('appcircle.sendToTestingDistribution', {
      profileId: profile!.id,
      branchId: branch!.id,
      commitId: build!.commitId,
      buildId: build!.id,
    });
    await waitUntil(() => fake.messages.some((m) => /version number is already in the profile/.test(m.message)), 5000, 'the message');
    assert.equal(stored(), before);
  });

  it("an upload's failures in an upload's words: a 403 names the upload, a lost commit answer says to look first", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appcircle-apk-'));
    const stored = () => h.sb.distribution.tdProfilesOf(ROOT_ORG_ID).find((p) => p.name === DIST_SEED.td.android)!.appVersions.length;
    const before = stored();
    try {
      const file = vscode.Uri.file(path.join(dir, 'Acme-9.9.apk'));
      fs.writeFileSync(file.fsPath, Buffer.alloc(64 * 1024, 3));
      const send = async (fault: Parameters<Sandbox['faults']['set']>[0], expected: RegExp) => {
        h.sb.faults.set({ ...fault, times: 1 });
        fake.pickAnswers.push((items) => items.find((i) => i.label === DIST_SEED.td.android));
        fake.inputAnswers.push('');
        await h.run('appcircle.uploadToTestingDistribution', file);
        await waitUntil(() => expected.test(fake.messages.at(-1)?.message ?? ''), 5000, String(expected));
      };
      await send({ forbidden: true, pathIncludes: 'action=uploadInformation' }, /lacks the permission to upload to that profile/);
      await send(
        { status: 502, pathIncludes: 'action=commitFileUpload' },
        /Appcircle may have made the version\. Refresh the Distribution view before sending again\.$/,
      );
      assert.ok(!fake.messages.some((m) => /download/i.test(m.message)), 'no message speaks of a download');
      assert.equal(stored(), before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a failed or cancelled build, a folder named like a binary, a file of another kind: refused before any pick', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appcircle-apk-'));
    try {
      const profile = (await h.ext.builds.profiles()).value.find((p) => p.name === 'Acme Android')!;
      const branch = (await h.ext.builds.branches(profile.id)).value.find((b) => b.name === 'main')!;
      const build = (await h.ext.builds.builds(profile.id, branch.id)).items.find((b) => b.status === 0)!;
      const ref = { profileId: profile.id, branchId: branch.id, commitId: build.commitId, buildId: build.id };
      for (const status of [1, 2, 3]) {
        await h.run('appcircle.sendToTestingDistribution', { ...ref, status });
        assert.match(fake.messages.at(-1)?.message ?? '', /failed, timed out or was cancelled, so it has no app to send/);
      }
      fs.mkdirSync(path.join(dir, 'folder.apk'));
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
      fs.writeFileSync(path.join(dir, 'bundle.aab'), 'x');
      const cases: [string, string, RegExp][] = [
        ['appcircle.uploadToTestingDistribution', 'folder.apk', /^folder\.apk is not a file\./],
        ['appcircle.uploadToEnterpriseStore', 'folder.apk', /^folder\.apk is not a file\./],
        ['appcircle.uploadToTestingDistribution', 'notes.txt', /^notes\.txt is not an \.ipa, \.apk or \.aab file/],
        ['appcircle.uploadToEnterpriseStore', 'bundle.aab', /takes \.ipa and \.apk files, so bundle\.aab was not uploaded/],
      ];
      for (const [command, name, expected] of cases) {
        await h.run(command, vscode.Uri.file(path.join(dir, name)));
        assert.match(fake.messages.at(-1)?.message ?? '', expected);
      }
      assert.equal(fake.pickRequests.length, 0, 'no pick was shown');
      assert.equal(h.sb.requests.filter((r) => r.host === 'upload' || r.path.includes('artifact')).length, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the artifacts zip is disposed when the send fails midway; a failing dispose never hides the outcome', async () => {
    const profile = (await h.ext.builds.profiles()).value.find((p) => p.name === 'Acme Android')!;
    const branch = (await h.ext.builds.branches(profile.id)).value.find((b) => b.name === 'main')!;
    const build = (await h.ext.builds.builds(profile.id, branch.id)).items.find((b) => b.status === 0)!;
    const original = ArtifactsZip.prototype.dispose; // eslint-disable-line @typescript-eslint/unbound-method
    // deletes the folder, then fails as a busy folder would
    const dispose = sinon.stub(ArtifactsZip.prototype, 'dispose').callsFake(async function (this: ArtifactsZip) {
      await original.call(this);
      throw new Error('EBUSY: temporary folder in use');
    });
    try {
      fake.pickAnswers.push(() => undefined);
      const ref = {
        source: 'build' as const,
        profileId: profile.id,
        branchId: branch.id,
        commitId: build.commitId,
        buildId: build.id,
        status: 0 as const,
      };
      await assert.rejects(h.ext.features.distribution.send.sendBuild(ref), UserCancelledError);
      assert.equal(dispose.callCount, 1);
    } finally {
      dispose.restore();
    }
  });

  it("Send to Testing Distribution… on a succeeded build's notification sends that build", async () => {
    const profile = (await h.ext.builds.profiles()).value.find((p) => p.name === 'Acme Android')!;
    const branch = (await h.ext.builds.branches(profile.id)).value.find((b) => b.name === 'main')!;
    const build = (await h.ext.builds.builds(profile.id, branch.id)).items.find((b) => b.status === 0)!;
    const stored = () => h.sb.distribution.tdProfilesOf(ROOT_ORG_ID).find((p) => p.name === DIST_SEED.td.android)!.appVersions;
    const before = stored().length;
    const { BuildNotifier } = await import('../../../src/ui/builds/notifications');
    const n = new BuildNotifier(h.ext.builds, () => 'all');
    try {
      fake.messageAnswers.push('Send to Testing Distribution…');
      fake.pickAnswers.push((items) => items.find((i) => i.label === DIST_SEED.td.android));
      fake.inputAnswers.push('From the notification');
      const finished = {
        queueItemId: build.id,
        profileId: profile.id,
        profileName: profile.name,
        branchId: branch.id,
        branchName: branch.name,
        commitId: build.commitId,
        buildId: build.id,
        status: 0 as const,
        hasWarning: false,
        watched: true,
      };
      await n.notify([finished]);
      await waitUntil(
        () => fake.messages.some((m) => /is in Acme Android Beta/.test(m.message)),
        8000,
        `the send (${fake.messages.map((m) => m.message).join(' / ')})`,
      );
      assert.equal(stored().length, before + 1);
      assert.equal(stored()[0]?.message, 'From the notification');
    } finally {
      n.dispose();
    }
  });
});

describe('ui: Send to Testing Distribution… from the Command Palette: the build of the commit checked out here', () => {
  let h: UiHarness;
  let sb: Sandbox;
  const head = { name: 'main', commit: '', upstream: { remote: 'origin', name: 'main' }, ahead: 0 };
  let changed: EventEmitter<void>;

  beforeEach(async () => {
    fake.reset();
    sb = await startSandbox({ quiet: true, builds: { speed: 0 } });
    const demo = sb.world.profiles.find((p) => p.repositoryName === REPO_NAME);
    const ok = demo?.branches.find((b) => b.name === 'main')?.builds.find((b) => b.status === 0);
    assert.ok(ok, 'the sandbox has a succeeded build of the demo profile on main');
    head.commit = ok.hash;
    changed = new EventEmitter<void>();
    fakeGitRepository({
      get HEAD() {
        return { ...head };
      },
      remotes: [{ name: 'origin', fetchUrl: 'git@github.com:appcircle/appcircle-vscode.git' }],
      onDidChange: changed.event,
    });
    h = await bootExtension({ keepFake: true, sb });
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
  });
  afterEach(async () => {
    await h.dispose();
    await sb.stop();
  });

  it('the commit item’s succeeded build is sent; with no build of this commit, a message says what to do', async () => {
    await waitUntil(() => h.ext.features.commitStatus.state.kind === 'build', 8000, 'the commit’s build found');
    const stored = () => sb.distribution.tdProfilesOf(ROOT_ORG_ID).find((p) => p.name === DIST_SEED.td.android)!.appVersions;
    const before = stored().length;
    fake.pickAnswers.push((items) => items.find((i) => i.label === DIST_SEED.td.android));
    fake.inputAnswers.push('From the palette');
    await h.run('appcircle.sendToTestingDistribution');
    assert.match(fake.messages.at(-1)?.message ?? '', /is in Acme Android Beta/);
    assert.equal(stored().length, before + 1);
    assert.equal(stored()[0]?.message, 'From the palette');
    // HEAD on a commit Appcircle never built: nothing is sent, the message names the way that works
    head.commit = 'f'.repeat(40);
    changed.fire();
    await waitUntil(() => h.ext.features.commitStatus.state.kind !== 'build', 8000, 'the new HEAD looked up');
    await h.run('appcircle.sendToTestingDistribution');
    assert.match(fake.messages.at(-1)?.message ?? '', /No finished Appcircle build of the commit checked out here/);
    assert.equal(stored().length, before + 1);
  });
});
