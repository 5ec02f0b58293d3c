/**
 * Activation builds only the session and the status bar; the rest (src/features.ts) is built on first use. The
 * states a user reaches after a restart: the view closed, a view opened, a command run, a log editor restored, a
 * signed-in window in a git repository; and features.js gone (an update under the window), which asks for a reload.
 */
import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import { GitHeadWatcher } from '../../../src/platform/git/headWatcher';
import { CommandIds, ViewIds } from '../../../src/constants';
import { BuildService } from '../../../src/core/builds/buildService';
import type { AppcircleNode } from '../../../src/ui/tree/nodes';
import type * as vscode from 'vscode';
import { EventEmitter, Uri, fake, fake10, fakeEvents10, fakeGitRepository, window } from '../fakes/vscodeFake';
import { FakeTextDocument } from '../fakes/vscodeFake';
import type { BootOptions, UiHarness } from './harness';
import { bootExtension, nodeLabel, waitUntil } from './harness';

describe('ui: what activation builds, and what is built on first use', function () {
  this.timeout(20_000);
  let h: UiHarness;
  /** A window restarted on the session `h` signed in to (the sandbox and the secret storage are the same). */
  let again: UiHarness | undefined;

  beforeEach(async () => {
    fake.reset();
    fake10.reset();
    h = await bootExtension({ keepFake: true });
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    h.ext.dispose();
    // what the first window registered (the fake keeps registrations)
    fake10.reset();
    fake.messages = [];
    fake.statusBarItems = [];
  });
  afterEach(async () => {
    await again?.dispose();
    again = undefined;
    await h.dispose();
  });

  const restart = async (opts: Pick<BootOptions, 'loadFeatures'> = {}) => {
    again = await bootExtension({ secrets: h.secrets.sibling(), keepFake: true, sb: h.sb, ...opts });
    await waitUntil(() => again?.statusBar().text === '$(organization) Acme Mobile', 5000, 'the organization');
    return again;
  };

  it('a restart with the views closed: the organization shows, nothing else is built, no request', async () => {
    const before = h.sb.requests.length;
    const w = await restart();
    assert.equal(w.ext.featuresLoaded, false);
    assert.equal(h.sb.requests.length, before);
    assert.equal(fake10.providers.length, 0, 'no log language features yet');
  });

  it('opening Build Profiles builds the rest and shows the profiles', async () => {
    const w = await restart();
    const view = fake.treeViews.get('appcircle.builds');
    assert.ok(view, [...fake.treeViews.keys()].join(', '));
    const tree = view.provider as vscode.TreeDataProvider<AppcircleNode>;
    const changed: unknown[] = [];
    tree.onDidChangeTreeData?.((e) => changed.push(e));
    const profiles = ((await tree.getChildren()) ?? []).map(nodeLabel);
    assert.ok(profiles.includes('Acme iOS'), profiles.join(', '));
    assert.equal(w.ext.featuresLoaded, true);
    // the real tree's change events reach VS Code through the one registered at activation
    await w.run('appcircle.refresh');
    await waitUntil(() => changed.length > 0, 5000, 'a tree change event');
  });

  it('every command registered at activation has its implementation in the features part', async () => {
    const w = await restart();
    assert.deepEqual([...w.ext.features.commandIds].sort(), Object.values(CommandIds).sort());
  });

  it('a command run from the palette builds the rest and runs', async () => {
    const w = await restart();
    fake.pickAnswers.push(() => undefined);
    await w.run('appcircle.selectOrganization');
    assert.equal(w.ext.featuresLoaded, true);
    assert.ok(fake.pickRequests.length > 0, `the organization picker opened: ${JSON.stringify(fake.messages)}`);
  });

  it('a log editor restored with the window gets its outline, folding and lenses', async () => {
    const doc = new FakeTextDocument(Uri.parse('appcircle-log:/restored.log'), '@@[section:start] Build\nline\n');
    fake.documents.set(doc.uri.toString(), doc);
    const w = await restart();
    await waitUntil(() => w.ext.featuresLoaded, 5000, 'the features part');
    assert.deepEqual(fake10.providers.map((p) => p.kind).sort(), ['codeLens', 'folding', 'symbols']);
  });

  it('a log opened later gets them too', async () => {
    const w = await restart();
    assert.equal(w.ext.featuresLoaded, false);
    fakeEvents10.openTextDocument.fire(new FakeTextDocument(Uri.file('/tmp/appcircle-log-1/build.log'), 'x\n'));
    await waitUntil(() => w.ext.featuresLoaded, 5000, 'the features part');
    assert.equal(fake10.providers.length, 3);
  });

  it('a signed-in window in a git repository: HEAD reported → the commit is looked up, once', async () => {
    const changed = new EventEmitter<void>();
    fakeGitRepository({
      HEAD: { name: 'main', commit: 'abc1234def5678901234567890abcdef12345678', upstream: { remote: 'origin', name: 'main' }, ahead: 0 },
      remotes: [{ name: 'origin', fetchUrl: 'git@github.com:appcircle/appcircle-vscode.git' }],
      onDidChange: changed.event,
    });
    const before = h.sb.requests.length;
    const w = await restart();
    const item = () => fake.statusBarItems.find((x) => x.id === 'appcircle.commitBuild');
    await waitUntil(() => item()?.visible === true, 10_000, 'the commit item');
    assert.equal(w.ext.featuresLoaded, true);
    assert.ok(w.ext.commitStatus.gitHead?.commit?.startsWith('abc1234'));
    const lookups = h.sb.requests.slice(before).filter((r) => r.path.startsWith('/build/v2/profiles'));
    assert.ok(lookups.length >= 1 && lookups.length <= 4, JSON.stringify(lookups.map((r) => r.path)));
  });

  it('features.js gone after an update (MODULE_NOT_FOUND): a command asks for a reload instead of failing', async () => {
    const missing = (): never => {
      throw Object.assign(new Error("Cannot find module './features'"), { code: 'MODULE_NOT_FOUND' });
    };
    const w = await restart({ loadFeatures: missing });
    fake.messageAnswers.push('Reload Window');
    assert.equal(await w.run('appcircle.refresh'), undefined);
    await waitUntil(() => fake.executed.some((c) => c.id === 'workbench.action.reloadWindow'), 5000, 'the window reloaded');
    const prompt = {
      severity: 'error',
      message: 'Appcircle was updated while this window was open. Reload the window to use it.',
      actions: ['Reload Window'],
    };
    assert.deepEqual(fake.messages, [prompt]);
    assert.equal(w.ext.featuresLoaded, false);
    // what loads it on its own (a log editor opened) does not ask again; a command does
    fakeEvents10.openTextDocument.fire(new FakeTextDocument(Uri.file('/tmp/appcircle-log-1/build.log'), 'x\n'));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(fake.messages.length, 1);
    await w.run('appcircle.showLog');
    await waitUntil(() => fake.messages.length === 2, 5000, 'the prompt again');
  });

  it('git keeps its last HEAD, and the push it is reporting, for a listener that starts then (the features part)', async () => {
    const changed = new EventEmitter<void>();
    const state = {
      HEAD: { name: 'main', commit: 'abc1234def5678901234567890abcdef12345678', upstream: { remote: 'origin', name: 'main' }, ahead: 1 },
      remotes: [{ name: 'origin', fetchUrl: 'git@github.com:appcircle/appcircle-vscode.git' }],
      onDidChange: changed.event,
    };
    fakeGitRepository(state);
    const git = new GitHeadWatcher(0);
    try {
      await git.start();
      assert.equal(git.head?.ahead, 1);
      const seen: (number | undefined)[] = [];
      git.onDidPush(() => seen.push(git.pushing?.ahead));
      state.HEAD = { ...state.HEAD, ahead: 0 };
      changed.fire();
      await waitUntil(() => seen.length === 1, 5000, 'the push');
      assert.deepEqual(seen, [0]);
      assert.equal(git.pushing, undefined, 'only while it is reported');
      assert.equal(git.head?.ahead, 0);
    } finally {
      git.dispose();
    }
  });

  it('the window in the background (unfocused, both views hidden): polling is told when the part loads, then on each change', async () => {
    const w = await restart();
    const views = [ViewIds.builds, ViewIds.activeBuilds].map((id) => fake.treeViews.get(id));
    const told = sinon.spy(BuildService.prototype, 'setBackground');
    window.state.focused = false;
    try {
      views.forEach((v) => v && (v.visible = false));
      void w.ext.builds;
      assert.deepEqual(told.args, [[true]]);
      const shown = views[1];
      assert.ok(shown);
      shown.visible = true;
      (shown as unknown as { vis: EventEmitter<{ visible: boolean }> }).vis.fire({ visible: true });
      assert.deepEqual(told.args, [[true], [false]]);
    } finally {
      told.restore();
      window.state.focused = true;
    }
  });
});
