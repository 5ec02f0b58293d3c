/**
 * Signing identities in the UI, on the vscode fake: the Signing Identities view (groups, rows, icons, colours and
 * words, hostile names made inert, signed out), the expiry notification (once a day across two extension
 * instances sharing one globalState, its action opens the view, again the next day) and the agent tool (its
 * answer, signed out, bounded).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CertificateDto, CsrDto, KeystoreDto, ProvisioningProfileDto, SigningApi } from '../../../src/api/signingApi';
import { ToolNames } from '../../../src/constants';
import { Emitter } from '../../../src/core/events';
import { nullLogger } from '../../../src/core/ports';
import type { SessionChangeEvent } from '../../../src/core/session/models';
import type { SessionService } from '../../../src/core/session/sessionService';
import { DAY_MS } from '../../../src/core/signing/expiry';
import { SigningService } from '../../../src/core/signing/signingService';
import { AgentTools } from '../../../src/ui/agent/agentTool';
import { MAX_IDENTITIES } from '../../../src/ui/agent/signingTool';
import type { ToolServices } from '../../../src/ui/agent/toolLookups';
import { answerText } from '../../../src/ui/agent/toolText';
import { CLAIM_SETTLE_MS, ExpiryNotifier, NOTICE_STATE_KEY, SESSION_CHECK_DELAY_MS } from '../../../src/ui/signing/expiryNotifier';
import type { SigningNode } from '../../../src/ui/signing/signingTree';
import { SigningGroupNode, SigningTreeProvider } from '../../../src/ui/signing/signingTree';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import { fakeTime } from '../fakes/clock';
import type { UiHarness } from './harness';
import { bootExtension } from './harness';
import type { FakeTime } from '../fakes/clock';
import { CancellationTokenSource, fake } from '../fakes/vscodeFake';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const HOSTILE = '[click](command:appcircle.logout) $(alert) **bold** <img src=x>';

interface Lists {
  certificates: CertificateDto[];
  csrs: CsrDto[];
  keystores: KeystoreDto[];
  profiles: ProvisioningProfileDto[];
}

function seed(): Lists {
  return {
    certificates: [
      { id: 'c1', name: 'Acme Distribution', storeType: 1, expireDate: iso(NOW - 3 * DAY_MS - 60_000) },
      { id: 'c2', name: HOSTILE, storeType: 0, expireDate: '2027-06-30T00:00:00Z' },
    ],
    csrs: [{ id: 'r1', name: 'Acme CSR' }],
    keystores: [{ id: 'k1', name: 'Acme Upload', fileName: 'upload.jks', expireDate: '2027-01-15T00:00:00Z' }],
    profiles: [{ id: 'p1', name: 'Acme AdHoc', appId: 'io.acme.app', storeType: 0, expireDate: iso(NOW + 10 * DAY_MS + 60_000) }],
  };
}

function fakeSession(signedIn = true) {
  const changes = new Emitter<SessionChangeEvent>();
  const s = {
    isSignedIn: signedIn,
    session: signedIn ? { organizationId: 'org1', organizationName: 'Acme' } : undefined,
    onDidChangeSession: changes.event,
    request: () => Promise.reject(new Error('not used')),
  };
  return { session: s as unknown as SessionService, changes, raw: s };
}

function service(t: FakeTime, lists: Lists = seed(), signedIn = true) {
  const api = {
    certificates: () => Promise.resolve(lists.certificates),
    csrs: () => Promise.resolve(lists.csrs),
    keystores: () => Promise.resolve(lists.keystores),
    provisioningProfiles: () => Promise.resolve(lists.profiles),
  } as unknown as SigningApi;
  const { session, changes, raw } = fakeSession(signedIn);
  const signing = new SigningService({
    session,
    clock: t.clock,
    logger: nullLogger,
    warningDays: () => 30,
    request: (fn) => fn(api),
  });
  return { signing, session, changes, raw };
}

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

function iconOf(item: vscode.TreeItem): { id: string; color?: string } {
  const i = item.iconPath as vscode.ThemeIcon & { color?: { id: string } };
  return { id: i.id, color: i.color?.id };
}

describe('ui: Signing Identities view', () => {
  let t: FakeTime;
  beforeEach(() => {
    fake.reset();
    t = fakeTime(NOW);
  });
  afterEach(() => t.timers.restore());

  it('groups iOS certificates (+ CSRs), provisioning profiles and keystores, with the expiry in words and icons', async () => {
    const { signing } = service(t);
    const empties: boolean[] = [];
    const tree = new SigningTreeProvider(signing, (e) => empties.push(e));
    const groups = (await tree.getChildren()) as SigningGroupNode[];
    assert.deepEqual(
      groups.map((g) => tree.getTreeItem(g).label),
      ['iOS certificates', 'Provisioning profiles', 'Android keystores'],
    );
    assert.deepEqual(empties, [false]);
    const ios = groups[0];
    assert.match(String(tree.getTreeItem(ios).description), /3 · 1 expired/);
    const rows = (await tree.getChildren(ios)).map((n) => tree.getTreeItem(n));
    // most urgent first: the expired certificate
    const expired = rows[0];
    assert.equal(expired.label, 'Acme Distribution');
    assert.equal(expired.description, 'expired 3 days ago');
    assert.deepEqual(iconOf(expired), { id: 'error', color: 'list.errorForeground' });
    assert.match(String(expired.accessibilityInformation?.label), /Acme Distribution, iOS certificate, expired, expired 3 days ago/);
    const valid = rows[1];
    assert.equal(valid.description, 'expires on 2027-06-30');
    assert.deepEqual(iconOf(valid), { id: 'shield', color: undefined });
    const csr = rows[2];
    assert.equal(csr.description, 'CSR · no expiry date');
    assert.match(String(csr.accessibilityInformation?.label), /expiry unknown/);

    const profile = tree.getTreeItem((await tree.getChildren(groups[1]))[0]);
    assert.equal(profile.description, 'io.acme.app · expires in 10 days');
    assert.deepEqual(iconOf(profile), { id: 'warning', color: 'list.warningForeground' });
    assert.match(String(profile.accessibilityInformation?.label), /expiring soon/);
    assert.match(
      (profile.tooltip as vscode.MarkdownString).value,
      /The provisioning profile "Acme AdHoc" \\\(io\\\.acme\\\.app\\\) expires in 10 days\\\.\n\nState: expiring soon/,
    );
    assert.match((profile.tooltip as vscode.MarkdownString).value, /Bundle id: io\\\.acme\\\.app/);

    const keystore = tree.getTreeItem((await tree.getChildren(groups[2]))[0]);
    assert.equal(keystore.description, 'expires on 2027-01-15');
    assert.deepEqual(iconOf(keystore), { id: 'key', color: undefined });
    tree.dispose();
    signing.dispose();
  });

  it('makes a hostile name inert in the label, the tooltip and the accessibility label', async () => {
    const { signing } = service(t);
    const tree = new SigningTreeProvider(signing);
    const ios = (await tree.getChildren())[0];
    const row = (await tree.getChildren(ios)).map((n) => tree.getTreeItem(n)).find((i) => labelOf(i).includes('click'));
    assert.ok(row);
    const label = labelOf(row);
    assert.ok(!label.includes('](command:'), label);
    assert.ok(!label.includes('$(alert)'), label);
    const tip = (row.tooltip as vscode.MarkdownString).value;
    assert.ok(!/\]\(command:/.test(tip), tip);
    assert.ok(!/(^|[^\\])<img/.test(tip), tip); // escaped: \<img
    assert.ok(!tip.includes('**bold**'), tip);
    assert.ok((row.tooltip as vscode.MarkdownString).isTrusted !== true);
    assert.ok(!String(row.accessibilityInformation?.label).includes('](command:'));
    signing.dispose();
  });

  it('shows nothing signed out, and says when the organization has none (the welcome content)', async () => {
    const out = service(t, seed(), false);
    assert.deepEqual(await new SigningTreeProvider(out.signing).getChildren(), []);
    const empty = service(t, { certificates: [], csrs: [], keystores: [], profiles: [] });
    const flags: boolean[] = [];
    assert.deepEqual(await new SigningTreeProvider(empty.signing, (e) => flags.push(e)).getChildren(), []);
    assert.deepEqual(flags, [true]);
  });

  it('a failed load is an error row with Retry; refresh redraws the view', async () => {
    const { raw } = fakeSession();
    const signing = new SigningService({
      session: raw as unknown as SessionService,
      clock: t.clock,
      logger: nullLogger,
      warningDays: () => 30,
      request: () => Promise.reject(new Error('offline')),
    });
    const tree = new SigningTreeProvider(signing);
    let redraws = 0;
    tree.onDidChangeTreeData(() => redraws++);
    const [row] = await tree.getChildren();
    assert.ok(row && !(row instanceof SigningGroupNode));
    assert.equal(tree.getTreeItem(row).contextValue, 'message retry');
    signing.refresh();
    assert.equal(redraws, 1);
  });
});

function memento(): vscode.Memento {
  const m = new Map<string, unknown>();
  return {
    get: <T>(k: string, d?: T) => (m.has(k) ? (m.get(k) as T) : d),
    update: (k: string, v: unknown) => {
      m.set(k, v);
      return Promise.resolve();
    },
    keys: () => [...m.keys()],
  };
}

describe('ui: the signing identity expiry notification', () => {
  let t: FakeTime;
  beforeEach(() => {
    fake.reset();
    t = fakeTime(NOW);
  });
  afterEach(() => t.timers.restore());

  /** Runs a check through the claim's wait. */
  async function checked(n: ExpiryNotifier): Promise<string> {
    const p = n.check();
    for (let i = 0; i < 5; i++) {
      await t.timers.tickAsync(CLAIM_SETTLE_MS);
    }
    return p;
  }

  it('once a day across two windows sharing globalState; the action opens the view; again the next day', async () => {
    const state = memento();
    const a = service(t);
    const b = service(t);
    const one = new ExpiryNotifier({ signing: a.signing, session: a.session, state, clock: t.clock, logger: nullLogger, instanceId: 'w1' });
    const two = new ExpiryNotifier({ signing: b.signing, session: b.session, state, clock: t.clock, logger: nullLogger, instanceId: 'w2' });
    fake.messageAnswers.push('Show Signing Identities');
    // both windows check at once: one notifies (the other lost the claim, or read it already made)
    const [r1, r2] = await Promise.all([one.check(), two.check(), t.timers.tickAsync(CLAIM_SETTLE_MS * 2)]);
    assert.equal([r1, r2].filter((r) => r === 'notified').length, 1, `${r1} ${r2}`);
    assert.ok(['otherWindow', 'alreadyToday'].includes(r1 === 'notified' ? r2 : r1));
    await t.timers.tickAsync(0);
    const warnings = fake.messages.filter((m) => m.severity === 'warning');
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]?.message ?? '',
      /The iOS certificate "Acme Distribution" expired 3 days ago\. One more signing identity has expired or expires within 30 days\./,
    );
    assert.deepEqual(warnings[0]?.actions, ['Show Signing Identities']);
    await new Promise((r) => setImmediate(r));
    assert.ok(fake.executed.some((c) => c.id === 'appcircle.signingIdentities.focus'));
    // not again the same day, in either window
    t.timers.tick(6 * 3600_000);
    assert.equal(await checked(one), 'alreadyToday');
    assert.equal(await checked(two), 'alreadyToday');
    assert.equal(fake.messages.filter((m) => m.severity === 'warning').length, 1);
    // the next day: again, once
    t.timers.setSystemTime(NOW + DAY_MS);
    assert.equal(await checked(two), 'notified');
    assert.equal(await checked(one), 'alreadyToday');
    assert.equal(fake.messages.filter((m) => m.severity === 'warning').length, 2);
    const stored = state.get<Record<string, { day: string; owner: string }>>(NOTICE_STATE_KEY);
    assert.deepEqual(stored?.org1, { day: '2026-12-08', owner: 'w2' });
    one.dispose();
    two.dispose();
  });

  it('a claim overwritten by another window during the wait: this window stays quiet', async () => {
    const state = memento();
    const a = service(t);
    const one = new ExpiryNotifier({ signing: a.signing, session: a.session, state, clock: t.clock, logger: nullLogger, instanceId: 'w1' });
    const p = one.check();
    await t.timers.tickAsync(10);
    assert.equal(state.get<Record<string, { owner: string }>>(NOTICE_STATE_KEY)?.org1?.owner, 'w1');
    await state.update(NOTICE_STATE_KEY, { org1: { day: '2026-12-07', owner: 'w2' } }); // the other window's later write
    await t.timers.tickAsync(CLAIM_SETTLE_MS);
    assert.equal(await p, 'otherWindow');
    assert.equal(fake.messages.length, 0);
    one.dispose();
  });

  it('names the bundle id, makes names inert, and stays quiet when nothing is due or signed out', async () => {
    const lists = seed();
    lists.certificates = [];
    lists.profiles[0] = { ...lists.profiles[0], id: 'p1', name: HOSTILE };
    const s = service(t, lists);
    const n = new ExpiryNotifier({ signing: s.signing, session: s.session, state: memento(), clock: t.clock, logger: nullLogger });
    assert.equal(await checked(n), 'notified');
    const msg = fake.messages.find((m) => m.severity === 'warning')?.message ?? '';
    assert.match(msg, /The provisioning profile ".*" \(io\.acme\.app\) expires in 10 days\./);
    assert.ok(!msg.includes('](command:'), msg);
    n.dispose();

    const calm = seed();
    calm.certificates = [];
    calm.profiles = [];
    const c = service(t, calm);
    const quiet = new ExpiryNotifier({ signing: c.signing, session: c.session, state: memento(), clock: t.clock, logger: nullLogger });
    assert.equal(await checked(quiet), 'nothingDue');
    quiet.dispose();
    const out = service(t, seed(), false);
    const signedOut = new ExpiryNotifier({
      signing: out.signing,
      session: out.session,
      state: memento(),
      clock: t.clock,
      logger: nullLogger,
    });
    assert.equal(await checked(signedOut), 'signedOut');
    assert.equal(t.timers.countTimers(), 0); // signed out: nothing armed
    signedOut.dispose();
  });

  it('the daily check re-reads the identities: a window open for days sees an expiry that appeared meanwhile', async () => {
    const lists = seed();
    const due = { certificates: lists.certificates, profiles: lists.profiles };
    lists.certificates = [];
    lists.profiles = [];
    const s = service(t, lists);
    const n = new ExpiryNotifier({ signing: s.signing, session: s.session, state: memento(), clock: t.clock, logger: nullLogger });
    await t.timers.tickAsync(30_000); // the startup check: nothing due
    assert.equal(fake.messages.length, 0);
    // the next day Appcircle has an expiring certificate (this window never reloaded the view)
    lists.certificates = due.certificates;
    lists.profiles = due.profiles;
    await t.timers.tickAsync(DAY_MS + CLAIM_SETTLE_MS);
    assert.equal(fake.messages.filter((m) => m.severity === 'warning').length, 1);
    n.dispose();
  });

  it('checks after a sign-in and then daily, never during startup', async () => {
    const s = service(t);
    const n = new ExpiryNotifier({ signing: s.signing, session: s.session, state: memento(), clock: t.clock, logger: nullLogger });
    // signed in when loaded: the first check only after the startup delay
    await t.timers.tickAsync(1000);
    assert.equal(fake.messages.length, 0);
    await t.timers.tickAsync(30_000);
    assert.equal(fake.messages.filter((m) => m.severity === 'warning').length, 1);
    // the next check is a day later (a new day: notified again)
    await t.timers.tickAsync(DAY_MS + CLAIM_SETTLE_MS);
    assert.equal(fake.messages.filter((m) => m.severity === 'warning').length, 2);
    // sign-out stops the timer
    s.raw.isSignedIn = false;
    s.changes.fire({ reason: 'signOut', session: undefined });
    assert.equal(t.timers.countTimers(), 0);
    // signed in again (the next day): a check soon after, then the daily one
    t.timers.setSystemTime(NOW + 3 * DAY_MS);
    s.raw.isSignedIn = true;
    s.changes.fire({ reason: 'signIn', session: s.raw.session as SessionChangeEvent['session'] });
    await t.timers.tickAsync(SESSION_CHECK_DELAY_MS + CLAIM_SETTLE_MS + 10);
    assert.equal(fake.messages.filter((m) => m.severity === 'warning').length, 3);
    assert.equal(t.timers.countTimers(), 1);
    n.dispose();
    assert.equal(t.timers.countTimers(), 0);
  });
});

describe('ui: the signing identities tool', () => {
  let t: FakeTime;
  beforeEach(() => {
    fake.reset();
    t = fakeTime(NOW);
  });
  afterEach(() => t.timers.restore());

  function tools(lists: Lists, signedIn = true): AgentTools {
    const s = service(t, lists, signedIn);
    return new AgentTools({ session: s.session, signing: s.signing } as unknown as ToolServices, nullLogger);
  }

  const token = () => new CancellationTokenSource().token;

  it('answers kind, name, bundle id, expiry date, state and days left, most urgent first', async () => {
    const text = answerText(await tools(seed()).invoke(ToolNames.signingIdentities, {}, token()));
    assert.match(text, /has 5 signing identities: 1 expired, 1 expire within 30 days/);
    const body = JSON.parse(text.slice(text.indexOf('\n{') + 1)) as { identities: Record<string, unknown>[] };
    assert.deepEqual(body.identities[0], {
      kind: 'certificate',
      id: 'c1',
      name: 'Acme Distribution',
      expiryDate: '2026-12-04',
      state: 'expired',
      daysLeft: -3,
      store: 'appStore',
    });
    assert.deepEqual(body.identities[1], {
      kind: 'provisioningProfile',
      id: 'p1',
      name: 'Acme AdHoc',
      bundleId: 'io.acme.app',
      expiryDate: '2026-12-17',
      state: 'expiring',
      daysLeft: 10,
      store: 'appcircle',
    });
    assert.ok(!text.includes('](command:'));
  });

  it('signed out: says to sign in', async () => {
    const text = answerText(await tools(seed(), false).invoke(ToolNames.signingIdentities, {}, token()));
    assert.match(text, /not signed in/);
  });

  it('is bounded: at most MAX_IDENTITIES, with how many were left out', async () => {
    const lists = seed();
    lists.keystores = Array.from({ length: 80 }, (_, i) => ({ id: `k${i}`, name: `Keystore ${i}`, expireDate: iso(NOW + i * DAY_MS) }));
    const all = answerText(await tools(lists).invoke(ToolNames.signingIdentities, {}, token()));
    const body = JSON.parse(all.slice(all.indexOf('\n{') + 1)) as { identities: unknown[]; omitted: number };
    assert.equal(body.identities.length, MAX_IDENTITIES);
    assert.equal(body.omitted, 84 - MAX_IDENTITIES);
    const few = answerText(await tools(lists).invoke(ToolNames.signingIdentities, { limit: 3 }, token()));
    assert.equal((JSON.parse(few.slice(few.indexOf('\n{') + 1)) as { identities: unknown[] }).identities.length, 3);
  });
});

describe('ui: signing identities on the sandbox (the whole extension)', () => {
  let h: UiHarness;
  beforeEach(async () => {
    h = await bootExtension();
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
  });
  afterEach(() => h.dispose());

  it('the view lists the seeded identities by group, with expiry words; the tool answers the same; a set expiry shows', async () => {
    const view = fake.treeViews.get('appcircle.signingIdentities');
    assert.ok(view, 'the view is created at activation');
    const provider = view.provider as vscode.TreeDataProvider<SigningNode>;
    const groups = (await provider.getChildren()) ?? [];
    assert.equal(groups.length, 3);
    const labels = async (g: SigningNode) =>
      ((await provider.getChildren(g)) ?? []).map((n) => {
        const i = provider.getTreeItem(n) as vscode.TreeItem;
        return `${labelOf(i)} | ${String(i.description)}`;
      });
    const ios = await labels(groups[0]);
    assert.equal(ios[0], 'Acme Distribution 2025 | expired 5 days ago');
    assert.ok(ios.includes('Acme Development | expires in 6 days') || ios.includes('Acme Development | expires in 7 days'), ios.join('\n'));
    assert.ok(
      ios.some((l) => l.startsWith('Acme CSR 2026 | CSR')),
      ios.join('\n'),
    );
    const profiles = await labels(groups[1]);
    assert.match(profiles[0] ?? '', /^Acme AdHoc Old \| io\.acme\.app · expired 2 days ago$/);
    const keystores = await labels(groups[2]);
    assert.match(keystores[0] ?? '', /^acme-legacy \| expired 20 days ago$/);

    const lm = (vscode as unknown as { lm: { invokeTool(n: string, o: object): Promise<vscode.LanguageModelToolResult> } }).lm;
    const text = answerText(await lm.invokeTool(ToolNames.signingIdentities, { input: {}, toolInvocationToken: undefined }));
    assert.match(text, /signing identities: 3 expired/);

    // the sandbox's control: the App Store profile expires tomorrow; a refresh shows it
    h.sb.setSigningExpiry('provisioning-profiles', 'Acme App Store', { inDays: 1.5 });
    await h.run('appcircle.refreshSigningIdentities');
    const after = await labels(((await provider.getChildren()) ?? [])[1]);
    assert.ok(after.includes('Acme App Store | io.acme.app · expires in 1 day'), after.join('\n'));
  });
});
