import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEMO_API_KEY, DEMO_PAT } from '../../../sandbox/fixtures';
import { BuildNode } from '../../../src/ui/tree/nodes';
import { isOpenableDashboardUrl } from '../../../src/ui/builds/dashboardLinks';
import { fake } from '../fakes/vscodeFake';
import type { UiHarness } from './harness';
import { bootExtension, waitUntil } from './harness';

describe('ui: commands take credentials and folders only from the user (S17), and open only a valid dashboardUrl (S23)', () => {
  let h: UiHarness;
  afterEach(async () => {
    await h.dispose();
  });

  it('a Personal Access Key or API key passed as an argument signs in only after the user confirms it', async () => {
    h = await bootExtension({ extensionMode: vscode.ExtensionMode.Production });
    // a command link's or another extension's key: the user is asked, and Escape signs nothing in
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    const asked = fake.messages.find((m) => /A link or another extension asks to sign you in/.test(m.message));
    assert.ok(asked, JSON.stringify(fake.messages));
    assert.deepEqual(asked.actions, ['Sign In With It']);
    assert.equal(h.ext.session.isSignedIn, false);
    await h.run('appcircle.loginWithApiKey', { name: DEMO_API_KEY.name, secret: DEMO_API_KEY.secret });
    assert.equal(h.ext.session.isSignedIn, false);
    assert.equal(fake.messages.filter((m) => /asks to sign you in/.test(m.message)).length, 2);
    // confirmed: signed in with it
    fake.messageAnswers.push('Sign In With It');
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    assert.equal(h.ext.session.isSignedIn, true);
  });

  it('Download Artifacts never writes into a folder passed as an argument: the dialog asks, and a fake build is refused', async () => {
    h = await bootExtension();
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    const given = fs.mkdtempSync(path.join(os.tmpdir(), 'ac-given-'));
    const picked = fs.mkdtempSync(path.join(os.tmpdir(), 'ac-picked-'));
    try {
      const profile = (await h.ext.builds.profiles()).value.find((p) => p.name === 'Acme iOS');
      assert.ok(profile);
      const branch = (await h.ext.builds.branches(profile.id)).value.find((b) => b.name === 'main');
      assert.ok(branch);
      const ok = (await h.ext.builds.builds(profile.id, branch.id)).items.find((b) => b.status === 0);
      assert.ok(ok);
      // a command link: a finished-build-like object and a folder; no dialog answer (the user closes it)
      const like = { queueItemId: ok.id, buildId: ok.id, commitId: ok.commitId, profileName: 'x', branchName: 'y' };
      await h.run('appcircle.downloadArtifacts', like, given);
      assert.deepEqual(fs.readdirSync(given), [], 'nothing written where the caller said');
      // the user picks the folder: that is where it goes, and only there
      fake.openDialogAnswers.push(picked);
      await h.run('appcircle.downloadArtifacts', like, given);
      await waitUntil(() => fs.readdirSync(picked).some((f) => f.endsWith('.zip')), 10_000, 'the zip in the picked folder');
      assert.equal(fake.openDialogAnswers.length, 0, 'the dialog was asked');
      assert.deepEqual(fs.readdirSync(given), []);
      // ids that are no GUIDs are no build: no dialog, no request
      fake.openDialogAnswers.push(picked);
      await h.run('appcircle.downloadArtifacts', { queueItemId: 'x', buildId: '../../x', commitId: 'y' }, given);
      assert.equal(fake.openDialogAnswers.length, 1, 'no dialog for a fake build');
      // a tree node with a folder: still the dialog
      await h.run('appcircle.downloadArtifacts', new BuildNode(ok, profile, branch, Date.now()), given);
      assert.equal(fake.openDialogAnswers.length, 0, 'the dialog was asked');
      await waitUntil(() => fs.readdirSync(picked).filter((f) => f.endsWith('.zip')).length === 2, 10_000, 'the second zip');
      assert.deepEqual(fs.readdirSync(given), []);
      // a folder of a virtual workspace's file system: refused with a message, nothing requested or written
      fake.messages = [];
      fake.openDialogAnswers.push('vscode-vfs://github/acme/ios-app');
      await h.run('appcircle.downloadArtifacts', like);
      await waitUntil(() => fake.messages.length > 0, 5_000, 'the message');
      assert.match(fake.messages[0]?.message ?? '', /saves to a folder on this computer.*Pick a local folder\./);
      assert.equal(fs.readdirSync(picked).filter((f) => f.endsWith('.zip')).length, 2, 'no third zip');
    } finally {
      fs.rmSync(given, { recursive: true, force: true });
      fs.rmSync(picked, { recursive: true, force: true });
    }
  });

  it('Start Build ignores arguments whose ids are not GUIDs: the user picks, and Escape starts nothing', async () => {
    h = await bootExtension();
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    const profile = (await h.ext.builds.profiles()).value.find((p) => p.name === 'Acme iOS');
    assert.ok(profile);
    const branch = (await h.ext.builds.branches(profile.id)).value.find((b) => b.name === 'main');
    assert.ok(branch);
    await h.run('appcircle.startBuild', { profileId: profile.id, branchId: branch.id, commitId: '../../../identity/v1/x' });
    assert.equal(fake.pickRequests.length, 1, 'asked for the profile');
    assert.ok(!fake.statusBarMessages.some((m) => m.startsWith('Build started')), JSON.stringify(fake.statusBarMessages));
  });

  it('Open in Appcircle opens the dashboard only when appcircle.dashboardUrl is https (or http to this machine)', async () => {
    h = await bootExtension();
    for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'http://evil.example', 'https://user:pw@my.example', 'not a url']) {
      fake.configuration.set('appcircle.dashboardUrl', bad);
      fake.messages = [];
      await h.run('appcircle.openInAppcircle');
      assert.deepEqual(fake.openedExternal, [], bad);
      const m = fake.messages.find((x) => x.severity === 'error');
      assert.match(m?.message ?? '', /The appcircle\.dashboardUrl setting \(.*\) is not an https:\/\/ address, so nothing was opened/, bad);
    }
    for (const good of ['https://my.example.test', 'http://127.0.0.1:8080', 'http://localhost:3000/']) {
      fake.configuration.set('appcircle.dashboardUrl', good);
      await h.run('appcircle.openInAppcircle');
      assert.ok(fake.openedExternal.pop()?.startsWith(good.replace(/\/$/, '')), good);
    }
    assert.equal(isOpenableDashboardUrl('http://my.example', true), true, 'appcircle.allowInsecureHttp, as for the API URLs');
  });
});
