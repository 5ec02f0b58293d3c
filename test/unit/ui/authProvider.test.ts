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

  /** createSession's rejection, as the workbench sees it: the RPC keeps name and message, which isCancellationError tests. */
  async function createSessionError(): Promise<{ name: string; message: string } | undefined> {
    return h.ext.authProvider.createSession().then(
      () => undefined,
      (e: unknown) => (e instanceof Error ? { name: e.name, message: e.message } : { name: typeof e, message: String(e) }),
    );
  }

  it('cancelling the sign-in started from the Accounts menu is silent (a CancellationError, no message)', async () => {
    fake.pickAnswers.push(() => undefined); // Escape on the Sign In chooser
    assert.deepEqual(await createSessionError(), { name: 'Canceled', message: 'Canceled' });
    assert.deepEqual(fake.messages, []);
    assert.equal(h.ext.session.isSignedIn, false);
  });

  it('a failed sign-in from the Accounts menu is reported once, by Sign In, and VS Code gets a cancellation', async () => {
    fake.pickAnswers.push((items) => items.find((i) => i.label.includes('Personal API Token')));
    fake.inputAnswers.push('acpat_wrong_123');
    assert.deepEqual(await createSessionError(), { name: 'Canceled', message: 'Canceled' });
    await waitUntil(() => fake.messages.length > 0);
    assert.deepEqual(
      fake.messages.map((m) => m.severity),
      ['error'],
    );
    assert.match(fake.messages[0]?.message ?? '', /^Appcircle rejected the Personal Access Key \(Personal API Token\)\./);
  });

  it('the sign-in from the Accounts menu returns the new session', async () => {
    fake.pickAnswers.push((items) => items.find((i) => i.label.includes('Personal API Token')));
    fake.inputAnswers.push(DEMO_PAT);
    const s = await h.ext.authProvider.createSession();
    assert.equal(s.account.label, 'dev@acme.test');
    assert.ok(s.accessToken.length > 0);
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
      fake.openedExternal = [];
      fake.configuration.set('appcircle.dashboardUrl', 'https://my.example.test');
      await h.run('appcircle.openInAppcircle', build);
      assert.equal(fake.openedExternal.length, 1);
      // the build's own log page (docs/appcircle-api.md §9), not only its profile's
      assert.equal(
        fake.openedExternal[0],
        `https://my.example.test/build/detail/${build.profile.id}?modal=/build/modal/Logs&profileId=${build.profile.id}&commitId=${build.build.commitId}&buildId=${build.build.id}&scope=build&method=get`,
      );
    } finally {
      tree.dispose();
    }
  });
});

describe('ui: Sign In chooser offers AC_ACCESS_TOKEN and other workspaces', () => {
  it('a token from the environment signs in, bound to its organization (no switching)', async () => {
    const h1 = await bootExtension();
    let token = '';
    try {
      await h1.run('appcircle.loginWithPat', { pat: DEMO_PAT });
      token = await h1.ext.session.getAccessToken();
      await h1.run('appcircle.logout');
    } finally {
      await h1.dispose();
    }
    process.env.AC_ACCESS_TOKEN = token;
    const h = await bootExtension();
    try {
      fake.pickAnswers.push((items) => items.find((i) => i.label.includes('AC_ACCESS_TOKEN')));
      await h.run('appcircle.login');
      await waitUntil(() => h.statusBar().text === '$(organization) Acme Mobile', 5000, 'signed in from the environment');
      assert.equal(fake.contextKeys.get('appcircle.canSwitchOrganization'), false);
    } finally {
      delete process.env.AC_ACCESS_TOKEN;
      await h.dispose();
    }
  });

  it('a session of another workspace is offered and copied', async () => {
    const h1 = await bootExtension();
    await h1.run('appcircle.loginWithApiKey', { name: 'ci-bot', secret: 'acsk_demo_R5nW2yB8cD6fJ1qZ' });
    const { workspace } = await import('../fakes/vscodeFake');
    const folders = workspace.workspaceFolders;
    const { Uri } = await import('../fakes/vscodeFake');
    workspace.workspaceFolders = [{ uri: Uri.file('/work/other-ws'), name: 'other-ws', index: 0 }];
    const h2 = await bootExtension({ secrets: h1.secrets.sibling(), keepFake: true, sb: h1.sb });
    try {
      fake.pickAnswers.push((items) => items.find((i) => i.label.includes('Use ci-bot, Acme Mobile')));
      await h2.run('appcircle.login');
      await waitUntil(() => h2.ext.session.session?.account === 'ci-bot', 5000, 'copied session');
    } finally {
      workspace.workspaceFolders = folders;
      await h2.dispose();
      await h1.dispose();
    }
  });
});
