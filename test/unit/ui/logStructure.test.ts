import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ANDROID_SOURCE_FILES } from '../../../sandbox/buildLogs';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import type { FinishedBuild } from '../../../src/core/builds/buildService';
import type { Build } from '../../../src/core/builds/buildModels';
import type { LogLanguageFeatures } from '../../../src/ui/logs/logLanguage';
import { logUri } from '../../../src/ui/logs/logUri';
import type { CodeLens, DocumentSymbol, FakeTextDocument, FoldingRange } from '../fakes/vscodeFake';
import { FakeTextEditor, TabInputText, fake, fake10, fakeEvents10, fakeTabs, window as fakeWindow } from '../fakes/vscodeFake';
import type { UiHarness } from './harness';
import { bootExtension, waitUntil } from './harness';

type Provider = LogLanguageFeatures;

describe('ui: a build log with structure (steps, Go to First Error) and its errors in the Problems panel', () => {
  let h: UiHarness;

  beforeEach(async () => {
    h = await bootExtension();
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
  });
  afterEach(async () => {
    await h.dispose();
  });

  const provider = (kind: 'folding' | 'symbols' | 'codeLens') => fake10.providers.find((p) => p.kind === kind)?.provider as Provider;

  /** A seeded build of the demo profile (Android) with the given status, and its log URI as Show Build Log makes it. */
  async function seeded(status: number): Promise<{ build: Build; uri: vscode.Uri; profileId: string; branchId: string }> {
    const profile = (await h.ext.builds.profiles()).value.find((p) => p.name === 'Appcircle VS Code Demo');
    assert.ok(profile);
    const branch = (await h.ext.builds.branches(profile.id)).value.find((b) => b.name === 'main');
    assert.ok(branch);
    const build = (await h.ext.builds.builds(profile.id, branch.id)).items.find((b) => b.status === status);
    assert.ok(build, `a seeded build with status ${status}`);
    const uri = logUri({
      profileName: profile.name,
      branchName: branch.name,
      commitId: build.commitId,
      buildId: build.id,
      status,
      profileId: profile.id,
      branchId: branch.id,
      label: 'Build x',
    });
    return { build, uri, profileId: profile.id, branchId: branch.id };
  }

  async function open(uri: vscode.Uri): Promise<FakeTextDocument> {
    const doc = (await vscode.workspace.openTextDocument(uri)) as unknown as FakeTextDocument;
    fakeEvents10.openTextDocument.fire(doc);
    return doc;
  }

  it('folding per step, the Outline of steps (index, result, duration), a CodeLens and Go to First Error on a failed log', async () => {
    const { uri } = await seeded(1);
    const doc = await open(uri);
    const tdoc = doc as unknown as vscode.TextDocument;
    const folds = (await provider('folding').provideFoldingRanges(tdoc)) as unknown as FoldingRange[];
    assert.equal(folds.length, 4);
    const symbols = (await provider('symbols').provideDocumentSymbols(tdoc)) as unknown as DocumentSymbol[];
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['1. Activate SSH Private Key', '2. Git Clone', '3. Android Build', '4. Completing workflow'],
    );
    assert.match(symbols[0]?.detail ?? '', /^succeeded · \d+m \d+s$/);
    assert.match(symbols[2]?.detail ?? '', /^failed with 5 errors/, 'Kotlin, javac ×2, FAILURE and @@[error]');
    const lenses = (await provider('codeLens').provideCodeLenses(tdoc)) as unknown as CodeLens[];
    assert.deepEqual(
      lenses.map((l) => l.command?.command),
      ['appcircle.goToFirstError', 'appcircle.showBuildProblems'],
    );
    assert.match(lenses[1]?.command?.title ?? '', /3 compiler errors, 1 warnings: Show Problems/);
    const editor = new FakeTextEditor(doc);
    Object.assign(fakeWindow, { activeTextEditor: editor });
    await h.run('appcircle.goToFirstError');
    const line = doc.text.split('\n').findIndex((l) => l.startsWith('e: file://'));
    assert.equal(editor.revealed[0]?.start.line, line);
  });

  it('no CodeLens on a succeeded build’s log; Go to First Error says there is none', async () => {
    const { uri } = await seeded(0);
    const doc = await open(uri);
    const lenses = await provider('codeLens').provideCodeLenses(doc as unknown as vscode.TextDocument);
    assert.deepEqual(lenses, []);
    Object.assign(fakeWindow, { activeTextEditor: new FakeTextEditor(doc) });
    await h.run('appcircle.goToFirstError');
    assert.ok(fake.messages.some((m) => m.message === 'This build log has no errors.'));
  });

  it('Problems: errors on workspace files (Repository/ stripped), the rest on its log line; cleared when the log closes', async () => {
    fake10.files = [ANDROID_SOURCE_FILES[0], ANDROID_SOURCE_FILES[1], `android/${ANDROID_SOURCE_FILES[2]}`];
    const { uri } = await seeded(1);
    const doc = await open(uri);
    const diags = fake10.diagnostics.find((c) => c.name === 'appcircle');
    assert.ok(diags);
    await waitUntil(() => diags.entries.size > 0, 5000, 'diagnostics published');
    const byPath = new Map([...diags.entries.values()].map((e) => [e.uri.path, e.list]));
    const kt = byPath.get(`/work/fake-ws/${ANDROID_SOURCE_FILES[0]}`);
    assert.deepEqual(
      kt?.map((d) => [d.range.start.line, d.range.start.character, d.message, d.severity]),
      [[26, 4, 'Unresolved reference: foo', 0]],
    );
    assert.equal(kt?.[0]?.relatedInformation?.[0]?.location.uri.toString(), uri.toString());
    assert.equal(byPath.get(`/work/fake-ws/${ANDROID_SOURCE_FILES[1]}`)?.[0]?.severity, 1, 'the warning');
    assert.equal(byPath.get(`/work/fake-ws/android/${ANDROID_SOURCE_FILES[2]}`)?.[0]?.range.start.line, 11, 'javac, by the longest suffix');
    const onLog = byPath.get(uri.path);
    assert.equal(onLog?.length, 1, 'the generated file is not in the workspace: on its log line');
    assert.match(onLog?.[0]?.message ?? '', /DaggerAppComponent\.java:31, not in this workspace/);
    assert.equal(doc.text.split('\n')[onLog?.[0]?.range.start.line ?? -1]?.includes('DaggerAppComponent.java:31: error'), true);
    fakeEvents10.closeTextDocument.fire(doc);
    assert.equal(diags.entries.size, 0);
    // …and when the log's last tab closes (VS Code keeps a closed editor's document open a while)
    await h.run('appcircle.showBuildProblems', uri);
    assert.ok(diags.entries.size > 0);
    fakeTabs.changed.fire({ opened: [], closed: [{ input: new TabInputText(uri) }], changed: [] });
    assert.equal(diags.entries.size, 0);
  });

  it('never two builds at once; a newer successful build of the branch clears them; Show Problems from a notification', async () => {
    fake10.files = [...ANDROID_SOURCE_FILES];
    const diags = fake10.diagnostics.find((c) => c.name === 'appcircle');
    assert.ok(diags);
    // a build started here fails; its notification offers Show Problems
    const a = await seeded(1);
    h.sb.setBuildOutcome({ status: 1 });
    const commitId = (await h.ext.builds.commits(a.branchId))[0]?.id ?? '';
    const [wf] = await h.ext.builds.workflows(a.profileId);
    const [cfg] = await h.ext.builds.configurations(a.profileId);
    const started = await h.ext.builds.startBuild({
      profileId: a.profileId,
      branchId: a.branchId,
      commitId,
      workflowId: wf?.id ?? '',
      configurationId: cfg?.id ?? '',
    });
    h.sb.clock.advance(60_000);
    const finished: FinishedBuild = {
      queueItemId: started.queueItemId,
      buildId: started.queueItemId,
      commitId,
      status: 1,
      profileId: a.profileId,
      branchId: a.branchId,
      profileName: 'Appcircle VS Code Demo',
      branchName: 'main',
      hasWarning: false,
      watched: true,
    };
    fake.messageAnswers.push('Show Problems');
    await h.ext.notifier.notify([finished]);
    assert.deepEqual(fake.messages.at(-1)?.actions, ['Show Log', 'Show Problems', 'Open in Appcircle', 'Notification Settings']);
    await waitUntil(() => diags.entries.size > 0, 5000, 'Show Problems published them');
    const n = await h.run<number>('appcircle.showBuildProblems', finished);
    assert.equal(n, 4);
    assert.ok(fake.executed.some((e) => e.id === 'workbench.actions.view.problems'));
    assert.equal(h.ext.diagnostics.current?.buildId, started.queueItemId);
    // another failed build's log replaces them
    const profile = (await h.ext.builds.profiles()).value.find((p) => p.name === 'Acme Android');
    assert.ok(profile);
    const branch = (await h.ext.builds.branches(profile.id)).value[0];
    assert.ok(branch);
    const other = (await h.ext.builds.builds(profile.id, branch.id)).items.find((b) => b.status === 1);
    assert.ok(other);
    const otherUri = logUri({
      profileName: profile.name,
      branchName: branch.name,
      commitId: other.commitId,
      buildId: other.id,
      status: 1,
      profileId: profile.id,
      branchId: branch.id,
      label: 'y',
    });
    await h.run('appcircle.showBuildProblems', otherUri);
    assert.equal(h.ext.diagnostics.current?.buildId, other.id);
    const related = [...diags.entries.values()]
      .flatMap((e) => e.list)
      .map((d) => d.relatedInformation?.[0]?.location.uri.toString() ?? otherUri.toString());
    assert.ok(
      related.every((u) => u === otherUri.toString()),
      'only the second build',
    );
    // a newer build of that branch succeeds
    (h.ext.builds as unknown as { _onDidFinishBuilds: { fire(l: FinishedBuild[]): void } })._onDidFinishBuilds.fire([
      { queueItemId: 'new', buildId: 'new', status: 0, hasWarning: false, watched: false, profileId: profile.id, branchId: branch.id },
    ]);
    assert.equal(diags.entries.size, 0);
    assert.equal(h.ext.diagnostics.current, undefined);
  });
});
