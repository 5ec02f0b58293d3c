import * as assert from 'node:assert/strict';
import { fake } from '../fakes/vscodeFake';
import type { UiHarness } from './harness';
import { bootExtension, waitUntil } from './harness';

const PAT = 'acpat_demo_7Hq2xV9mK4pL8sT3';
const KEY = { name: 'ci-bot', secret: 'acsk_demo_R5nW2yB8cD6fJ1qZ' };
const ROOT_ORG = '3f5d9a12-7c41-4e8b-9b0d-2a6e4c1f8b73';
const QA_ORG = '6fbd094c-18cb-4bcd-bc6f-cf2aee752982';

const lastMessage = () => fake.messages[fake.messages.length - 1];
const pickLabel = (text: string) => (items: { label: string }[]) => items.find((i) => i.label.includes(text));

describe('ui: sign-in, status bar, switch, sign-out (extension on the vscode fake + sandbox)', () => {
  let h: UiHarness;

  beforeEach(async () => {
    h = await bootExtension();
  });
  afterEach(async () => {
    await h.dispose();
  });

  it('signed out: status bar offers sign-in, context keys are off', () => {
    assert.equal(h.statusBar().text, '$(sign-in) Appcircle');
    assert.equal(h.statusBar().command, 'appcircle.login');
    assert.equal(h.statusBar().visible, true);
    assert.equal(fake.contextKeys.get('appcircle.signedIn'), false);
  });

  it('Sign In with Personal Access Key (Personal API Token): password box, status bar shows the organization, tooltip has identity and expiry', async () => {
    fake.inputAnswers.push(PAT);
    await h.run('appcircle.loginWithPat');
    assert.equal(fake.inputRequests[0]?.password, true);
    assert.equal(h.statusBar().text, '$(organization) Acme Mobile');
    assert.equal(h.statusBar().command, 'appcircle.selectOrganization');
    const tooltip = (h.statusBar().tooltip as { value: string }).value;
    assert.match(tooltip, /dev@acme\\?\.test/);
    assert.match(tooltip, new RegExp(ROOT_ORG.replace(/-/g, '\\-')));
    assert.match(tooltip, /root organization/);
    assert.match(tooltip, /expires at/);
    assert.equal(fake.contextKeys.get('appcircle.signedIn'), true);
    assert.equal(lastMessage()?.message, 'Signed in to Appcircle as dev@acme.test (Acme Mobile).');
  });

  it('the chooser offers PAT and API key; Escape is silent', async () => {
    fake.pickAnswers.push(() => undefined);
    await h.run('appcircle.login');
    const labels = fake.pickRequests[0]?.items.map((i) => i.label) ?? [];
    assert.ok(labels.some((l) => l.includes('Personal API Token')));
    assert.ok(labels.some((l) => l.includes('API Key')));
    assert.equal(fake.messages.length, 0, 'cancelling says nothing');
  });

  it('the chooser runs the API key flow: name, secret (password), optional organization id', async () => {
    fake.pickAnswers.push(pickLabel('API Key'));
    fake.inputAnswers.push(KEY.name, KEY.secret, '');
    await h.run('appcircle.login');
    assert.deepEqual(
      fake.inputRequests.map((r) => r.password ?? false),
      [false, true, false],
    );
    assert.equal(h.statusBar().text, '$(organization) Acme Mobile');
    assert.equal(lastMessage()?.message, 'Signed in to Appcircle as ci-bot (Acme Mobile).');
  });

  it('input validation says what to fix before any request', () => {
    const before = h.sb.requests.length;
    return (async () => {
      fake.inputAnswers.push('   ');
      await h.run('appcircle.loginWithPat');
      assert.match(fake.messages[0]?.message ?? '', /only spaces/);
      fake.inputAnswers.push(KEY.name, KEY.secret, 'acme-qa');
      await h.run('appcircle.loginWithApiKey');
      assert.match(fake.messages[1]?.message ?? '', /must be a GUID/);
      assert.equal(h.sb.requests.length, before);
      assert.equal(h.statusBar().text, '$(sign-in) Appcircle');
    })();
  });

  it('signing in again says "already signed in" with Sign Out / Switch Organization, and changes nothing', async () => {
    await h.run('appcircle.loginWithPat', { pat: PAT });
    const n = h.sb.requests.length;
    fake.messageAnswers.push(undefined);
    await h.run('appcircle.login');
    const m = lastMessage();
    assert.equal(m?.severity, 'warning');
    assert.equal(
      m?.message,
      'You are already signed in to Appcircle as dev@acme.test (organization Acme Mobile). Sign out first to use another account.',
    );
    assert.deepEqual(m?.actions, ['Sign Out', 'Switch Organization']);
    assert.equal(h.sb.requests.length, n);
    assert.equal(fake.pickRequests.length, 0, 'no chooser shown');
  });

  it('"Sign Out" on the already-signed-in message signs out', async () => {
    await h.run('appcircle.loginWithPat', { pat: PAT });
    fake.messageAnswers.push('Sign Out');
    await h.run('appcircle.loginWithApiKey', KEY);
    await waitUntil(() => h.statusBar().text === '$(sign-in) Appcircle');
  });

  it('a wrong PAT shows a clear error with Show Log and stays signed out', async () => {
    fake.inputAnswers.push('acpat_wrong_123');
    await h.run('appcircle.loginWithPat');
    await waitUntil(() => fake.messages.length > 0);
    const m = lastMessage();
    assert.equal(m?.severity, 'error');
    assert.match(m?.message ?? '', /^Appcircle rejected the Personal Access Key \(Personal API Token\)\./);
    assert.deepEqual(m?.actions, ['Show Log']);
    assert.equal(h.statusBar().text, '$(sign-in) Appcircle');
  });

  it('Switch Organization: quick pick of root and sub-organizations, current marked; status bar follows', async () => {
    await h.run('appcircle.loginWithPat', { pat: PAT });
    fake.pickAnswers.push(pickLabel('Acme QA'));
    await h.run('appcircle.selectOrganization');
    const items = fake.pickRequests[0]?.items ?? [];
    assert.deepEqual(
      items.map((i) => i.label.replace(/^\$\([a-z-]+\) /, '')),
      ['Acme Mobile', 'Acme Europe', 'Acme QA'],
    );
    assert.match(items[0]?.description ?? '', /current/);
    assert.equal(h.statusBar().text, '$(organization) Acme QA');
    assert.match((h.statusBar().tooltip as { value: string }).value, /sub-organization/);
    assert.equal(lastMessage()?.message, 'Switched to Acme QA.');
  });

  it('a failed switch keeps the organization and says why', async () => {
    await h.run('appcircle.loginWithPat', { pat: PAT });
    h.sb.faults.set({ status: 503, pathIncludes: '/auth/v2/', times: 1 });
    await h.run('appcircle.selectOrganization', { organizationId: QA_ORG });
    await waitUntil(() => fake.messages.some((m) => m.severity === 'error'));
    assert.match(fake.messages.find((m) => m.severity === 'error')?.message ?? '', /server error \(503\)/);
    assert.equal(h.statusBar().text, '$(organization) Acme Mobile');
  });

  it('Sign Out clears the status bar, context keys and the secret, offline too', async () => {
    await h.run('appcircle.loginWithPat', { pat: PAT });
    await h.sb.stop();
    await h.run('appcircle.logout');
    assert.equal(h.statusBar().text, '$(sign-in) Appcircle');
    assert.equal(fake.contextKeys.get('appcircle.signedIn'), false);
    assert.equal([...h.secrets.backing.data.keys()].filter((k) => k.startsWith('appcircle.session:')).length, 0);
    assert.equal(lastMessage()?.message, 'Signed out of Appcircle.');
    h.sb = await (await import('../../../sandbox/server')).startSandbox({ quiet: true });
  });

  it('a session survives a restart (new extension instance on the same secret storage)', async () => {
    await h.run('appcircle.loginWithPat', { pat: PAT });
    await h.run('appcircle.selectOrganization', { organizationId: QA_ORG });
    h.ext.dispose(); // the first window is gone
    fake.statusBarItems = []; // and so is its status bar item: the one read below is the second window's
    const before = h.sb.requests.length;
    const again = await bootExtension({ secrets: h.secrets.sibling(), keepFake: true, sb: h.sb });
    try {
      await waitUntil(() => again.statusBar().text === '$(organization) Acme QA');
      // startup restores from the secret alone: no token or identity request, and nothing but the session and the
      // status bar is built (so no build request either: the first window's last poll may still land after it went)
      assert.deepEqual(
        h.sb.requests.slice(before).filter((r) => !r.path.startsWith('/build/')),
        [],
      );
      assert.equal(again.ext.featuresLoaded, false);
      assert.equal(again.ext.builds.scheduler.current, 'idle');
    } finally {
      await again.dispose();
    }
  });

  it('an expired session ends with one message and a Sign In action', async () => {
    await h.run('appcircle.loginWithPat', { pat: PAT });
    h.sb.revokeCredential(PAT);
    h.sb.faults.set({ unauthorizedAfter: 0, pathIncludes: 'identity/' });
    // the picker would list what sign-in read: make it ask the server
    h.ext.organizations.invalidate();
    fake.pickAnswers.push(() => undefined);
    await h.run('appcircle.selectOrganization');
    await waitUntil(() => h.statusBar().text === '$(sign-in) Appcircle');
    await waitUntil(() => fake.messages.some((m) => m.actions.includes('Sign In')));
    const ended = fake.messages.filter((m) => /session has ended/.test(m.message));
    assert.equal(ended.length, 1);
  });
});
