import * as assert from 'node:assert/strict';
import { fake } from '../fakes/vscodeFake';
import type { UiHarness } from './harness';
import { bootExtension, waitUntil } from './harness';

const PAT = 'acpat_demo_7Hq2xV9mK4pL8sT3';
const KEY = { name: 'ci-bot', secret: 'acsk_demo_R5nW2yB8cD6fJ1qZ' };
const QA_ORG = '6fbd094c-18cb-4bcd-bc6f-cf2aee752982';

describe('ui: no secret is written anywhere but the session secret', () => {
  let h: UiHarness;
  beforeEach(async () => {
    h = await bootExtension();
  });
  afterEach(async () => {
    await h.dispose();
  });

  it('a full sign-in / switch / sign-out run (PAT, then API key, then a failing sign-in) leaks nothing', async () => {
    const tokens: string[] = [];
    const grab = async () => tokens.push(await h.ext.session.getAccessToken());

    fake.inputAnswers.push(PAT);
    await h.run('appcircle.loginWithPat');
    await grab();
    fake.pickAnswers.push((items) => items.find((i) => i.label.includes('Acme QA')));
    await h.run('appcircle.selectOrganization');
    await grab();
    await h.ext.session.getAccessToken({ forceRefresh: true }).then((t) => tokens.push(t));
    await h.run('appcircle.logout');

    fake.inputAnswers.push(KEY.name, KEY.secret, QA_ORG);
    await h.run('appcircle.loginWithApiKey');
    await grab();
    await h.run('appcircle.logout');

    fake.inputAnswers.push(`${PAT}x`);
    await h.run('appcircle.loginWithPat');
    fake.inputAnswers.push(KEY.name, `${KEY.secret}x`, '');
    await h.run('appcircle.loginWithApiKey');
    await waitUntil(() => fake.messages.filter((m) => m.severity === 'error').length >= 2);

    assert.ok(tokens.length >= 4 && tokens.every((t) => t.split('.').length === 3), 'collected the minted tokens');
    const needles = [PAT, KEY.secret, ...tokens, ...tokens.map((t) => t.split('.')[2] ?? '')].filter((n) => n.length > 8);

    const written: { where: string; text: string }[] = [
      ...h.logLines().map((text) => ({ where: 'log', text })),
      ...fake.messages.map((m) => ({ where: 'message', text: `${m.message} ${m.actions.join(' ')}` })),
      ...[...fake.configuration.entries()].map(([k, v]) => ({ where: 'settings', text: `${k}=${String(v)}` })),
      ...[...fake.contextKeys.entries()].map(([k, v]) => ({ where: 'context', text: `${k}=${String(v)}` })),
      ...fake.statusBarItems.map((s) => ({ where: 'statusBar', text: `${s.text} ${JSON.stringify(s.tooltip)}` })),
      ...h.secrets.backing.writes
        .filter((w) => !w.key.startsWith('appcircle.session:'))
        .map((w) => ({ where: `secret ${w.key}`, text: w.value ?? '' })),
      ...h.secrets.backing.writes.map((w) => ({ where: 'secret key name', text: w.key })),
      ...h.sb.requests.map((r) => ({ where: 'request url', text: `${r.path}?${JSON.stringify(r.query ?? {})}` })),
    ];
    assert.ok(written.filter((w) => w.where === 'log').length > 10, 'the log was written');
    for (const w of written) {
      for (const n of needles) {
        assert.ok(!w.text.includes(n), `a secret appeared in ${w.where}: ${w.text.slice(0, 120)}`);
      }
    }
    // settings are never written by the extension
    assert.deepEqual([...fake.configuration.keys()].sort(), ['appcircle.apiUrl', 'appcircle.authUrl']);
  });
});
