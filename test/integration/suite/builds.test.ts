/** Tree providers and the polling scheduler inside a real extension host, against the run's sandbox. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import type { AppcircleExtension } from '../../../src/container';
import type { FinishedBuild } from '../../../src/core/builds/buildService';
import { BuildsTreeProvider } from '../../../src/ui/tree/buildsTree';
import { waitFor } from './waitFor';
import type { AppcircleNode } from '../../../src/ui/tree/nodes';

const EXT_ID = 'appcircle-community.appcircle-vscode';

async function extension(): Promise<AppcircleExtension> {
  const api = await vscode.extensions.getExtension<{ testApi?: { extension: AppcircleExtension } }>(EXT_ID)?.activate();
  assert.ok(api?.testApi, 'test API enabled');
  return api.testApi.extension;
}

const label = (n: AppcircleNode) => {
  const l = n.getTreeItem().label;
  return typeof l === 'string' ? l : (l?.label ?? '');
};

describe('Build views in a real extension host', () => {
  let ext: AppcircleExtension;
  before(async () => {
    ext = await extension();
    await vscode.commands.executeCommand('appcircle.logout');
    await vscode.commands.executeCommand('appcircle.loginWithPat', { pat: DEMO_PAT });
  });
  after(async () => {
    await vscode.commands.executeCommand('appcircle.logout');
  });

  it('the Build Profiles provider lists profiles → branches → builds from the sandbox', async () => {
    // the extension's own provider class, fed by the running extension's BuildService
    const tree = new BuildsTreeProvider(ext.builds, ext.session);
    try {
      const profiles = await tree.getChildren();
      assert.ok(profiles.map(label).includes('Acme iOS'));
      const ios = profiles.find((p) => label(p) === 'Acme iOS');
      const branches = await tree.getChildren(ios);
      assert.ok(branches.map(label).includes('main'));
      const builds = await tree.getChildren(branches.find((b) => label(b) === 'main'));
      assert.ok(builds.length >= 10);
      assert.ok(builds.every((b) => /^build /.test(String(b.getTreeItem().contextValue))));
    } finally {
      tree.dispose();
    }
  });

  it('Start Build (with arguments) → the scheduler follows it with one queue request per tick until it ends', async () => {
    const profile = (await ext.builds.profiles()).value.find((p) => p.name === 'Acme Android');
    assert.ok(profile);
    const branch = (await ext.builds.branches(profile.id)).value.find((b) => b.name === 'develop');
    assert.ok(branch);
    const ended = new Promise<FinishedBuild[]>((resolve) => {
      const d = ext.builds.onDidFinishBuilds((f) => {
        d.dispose();
        resolve(f);
      });
    });
    const started = await vscode.commands.executeCommand<{ queueItemId: string }>('appcircle.startBuild', {
      profileId: profile.id,
      branchId: branch.id,
    });
    assert.ok(started?.queueItemId);
    const ticksBefore = ext.builds.scheduler.ticks;
    const finished = await Promise.race([
      ended,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no finish event in 60 s')), 60_000)),
    ]);
    assert.equal(finished[0]?.queueItemId, started.queueItemId);
    assert.equal(finished[0]?.status, 0);
    assert.ok(ext.builds.scheduler.ticks > ticksBefore, 'the scheduler polled');
    await waitFor(() => ext.builds.scheduler.current !== 'scheduled', 'polling to stop when nothing is active');
  });
});
