import * as assert from 'node:assert/strict';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import { fake } from '../fakes/vscodeFake';
import type { UiHarness } from './harness';
import { bootExtension, waitUntil } from './harness';

describe('ui: Accounts menu provider, status bar spinner, small build actions', () => {
  let h: UiHarness;
  beforeEach(async () => {
    h = await bootExtension();
  });
  afterEach(async () => {
    await h.dispose();
  });

  it('the provider lists the session and its Sign Out (removeSession) signs out', async () => {
    const changes: { added: number; removed: number }[] = [];
    h.ext.authProvider.onDidChangeSessions((e) => changes.push({ added: e.added?.length ?? 0, removed: e.removed?.length ?? 0 }));
    assert.deepEqual(await h.ext.authProvider.getSessions(), []);
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    const sessions = await h.ext.authProvider.getSessions();
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]?.account.label, 'dev@acme.test');
    await h.ext.authProvider.removeSession();
    assert.equal(h.ext.session.isSignedIn, false);
    assert.deepEqual(await h.ext.authProvider.getSessions(), []);
    assert.deepEqual(changes, [
      { added: 1, removed: 0 },
      { added: 0, removed: 1 },
    ]);
  });

  it('the status bar spins while a token is minted', async () => {
    h.sb.faults.set({ latencyMs: 300, pathIncludes: '/auth/', times: 1 });
    const p = h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    await waitUntil(() => h.statusBar().text.startsWith('$(loading~spin)'), 2000, 'spinner');
    await p;
    assert.equal(h.statusBar().text, '$(organization) Acme Mobile');
  });

  it('Copy Build Id and Open in Appcircle act on a build node', async () => {
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    const { BuildsTreeProvider } = await import('../../../src/ui/tree/buildsTree');
    const tree = new BuildsTreeProvider(h.ext.builds, h.ext.session);
    try {
      const [profile] = await tree.getChildren();
      const [branch] = await tree.getChildren(profile);
      const [build] = await tree.getChildren(branch);
      assert.ok(build && build.type === 'build');
      await h.run('appcircle.copyBuildId', build);
      const { env } = await import('../fakes/vscodeFake');
      assert.equal(env.clipboard.text, build.build.id);
      const opened: string[] = [];
      const target = env as { openExternal: (u: unknown) => Promise<boolean> };
      const orig = target.openExternal;
      target.openExternal = (u: unknown) => {
        opened.push(String(u));
        return Promise.resolve(true);
      };
      try {
        fake.configuration.set('appcircle.dashboardUrl', 'https://my.example.test');
        await h.run('appcircle.openInAppcircle', build);
        assert.equal(opened.length, 1);
        assert.match(opened[0] ?? '', new RegExp(`my\\.example\\.test/build/detail/${build.profile.id}$`));
      } finally {
        target.openExternal = orig;
      }
    } finally {
      tree.dispose();
    }
  });
});
