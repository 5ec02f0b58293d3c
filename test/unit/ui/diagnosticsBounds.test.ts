import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import type * as vscode from 'vscode';
import type { BuildService } from '../../../src/core/builds/buildService';
import { Emitter } from '../../../src/core/events';
import type { LogSummary } from '../../../src/core/logs/logParser';
import type { LogProblem } from '../../../src/core/logs/logProblems';
import type { SessionService } from '../../../src/core/session/sessionService';
import { VsCodeWorkspaceFiles } from '../../../src/platform/workspaceFiles';
import { BuildDiagnostics, MAX_DIAGNOSTICS } from '../../../src/ui/logs/buildDiagnostics';
import { logUri } from '../../../src/ui/logs/logUri';
import type { LogModels } from '../../../src/ui/logs/logModels';
import { FakeTextDocument, fake, fake10, workspace } from '../fakes/vscodeFake';
import type { Uri } from '../fakes/vscodeFake';

const REPO = '/Users/agent/app/workflow_data/x1/_appcircle_temp/Repository';

/** A failed build's log of `problems`, published through a BuildDiagnostics on the workspace fake, with its lookups counted. */
async function publish(problems: LogProblem[]): Promise<{
  count: number;
  diagnostics: { uri: string; message: string; severity: number }[];
  stats: string[];
  searches: string[];
  maxInFlight: number;
}> {
  const uri = logUri({
    profileName: 'Acme iOS',
    branchName: 'main',
    commitId: '00000000-0000-4000-8000-000000000003',
    buildId: '00000000-0000-4000-8000-000000000002',
    status: 1,
    label: 'Build x',
  });
  const doc = new FakeTextDocument(uri, Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n'));
  const summary: LogSummary = { steps: [], problems, errorCount: problems.length, warningCount: 0, lines: 100 };
  const updates = new Emitter<{ document: vscode.TextDocument; summary: LogSummary }>();
  const models = { onDidUpdate: updates.event, summary: () => Promise.resolve(summary) } as unknown as LogModels;
  const never = new Emitter<never>();
  const builds = { onDidFinishBuilds: never.event } as unknown as BuildService;
  const session = { onDidChangeSession: never.event } as unknown as SessionService;
  let inFlight = 0;
  let maxInFlight = 0;
  /** Counts a lookup while it is in flight; it answers on a later turn, so concurrent ones overlap. */
  const counted = async <T>(answer: () => T): Promise<T> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setImmediate(r));
    inFlight--;
    return answer();
  };
  const realStat = workspace.fs.stat;
  const realFind = workspace.findFiles;
  const stat = sinon.stub(workspace.fs, 'stat').callsFake((u: Uri) => counted(() => realStat(u)).then((p) => p));
  const find = sinon.stub(workspace, 'findFiles').callsFake((glob: string) => counted(() => realFind(glob)).then((p) => p));
  const d = new BuildDiagnostics(models, builds, session, new VsCodeWorkspaceFiles());
  try {
    const count = await d.show(doc as unknown as vscode.TextDocument);
    const diagnostics: { uri: string; message: string; severity: number }[] = [];
    d.collection.forEach((u, list) => {
      for (const x of list) {
        diagnostics.push({ uri: u.toString(), message: x.message, severity: x.severity });
      }
    });
    const stats = stat.args.map(([u]) => u.path);
    const searches = find.args.map(([glob]) => glob);
    return { count, diagnostics, stats, searches, maxInFlight };
  } finally {
    d.dispose();
    updates.dispose();
    never.dispose();
    stat.restore();
    find.restore();
  }
}

const problem = (file: string, i: number, severity: 'error' | 'warning' = 'error'): LogProblem => ({
  severity,
  message: `problem ${i}`,
  file,
  line: 3,
  column: 1,
  logLine: i % 100,
  source: 'clang',
});

describe('ui: a build log with 20 000 problems stays bounded in the Problems panel (N4)', () => {
  beforeEach(() => fake.reset());

  it('20 000 distinct files: ≤ 8 lookups at once, ≤ 400 searches of ≤ 50 names, 500 diagnostics and one that says how many were left out', async () => {
    fake10.files = ['App/Sources/File7.swift', 'App/Other/Found{1}.swift'];
    const problems = Array.from({ length: 20_000 }, (_, i) => problem(`${REPO}/App/Sources/File${i}.swift`, i));
    // the hits must be among the 500 shown: errors first, so these two are errors among warnings
    problems.forEach((p, i) => i > 10 && (problems[i] = { ...p, severity: 'warning' }));
    problems[3] = problem('/somewhere/else/App/Other/Found{1}.swift', 3);
    const r = await publish(problems);
    console.log(
      `      ${r.stats.length} stats, ${r.searches.length} searches, ${r.maxInFlight} at most in flight, ${r.diagnostics.length} diagnostics`,
    );
    assert.ok(r.maxInFlight <= 8, `${r.maxInFlight} lookups in flight at once`);
    assert.ok(r.maxInFlight > 1, 'lookups do run side by side');
    assert.ok(r.searches.length <= 20_000 / 50, `${r.searches.length} findFiles calls`);
    for (const g of r.searches) {
      assert.ok(g.split(',').length <= 50, g.slice(0, 80));
      assert.ok(!/[{}]/.test(g.replace(/^\*\*\/\{/, '').replace(/\}$/, '')), `names glob-escaped: ${g.slice(0, 80)}`);
    }
    assert.ok(r.stats.length <= MAX_DIAGNOSTICS, `${r.stats.length} stats: only the shown problems are looked up`);
    assert.equal(r.diagnostics.length, MAX_DIAGNOSTICS + 1);
    const more = r.diagnostics.filter((x) => x.severity === 2);
    assert.equal(more.length, 1, 'one Information entry');
    assert.match(
      more[0]?.message ?? '',
      /19500 more problems of this build are not listed here \(the Problems panel shows the first 500\)/,
    );
    assert.ok(
      r.diagnostics.some((x) => x.uri.endsWith('/work/fake-ws/App/Sources/File7.swift')),
      'a file found by its path',
    );
    assert.ok(
      r.diagnostics.some((x) => x.uri.includes('/work/fake-ws/App/Other/Found')),
      'a file found by its name, the glob metacharacters in it escaped',
    );
  });

  it('paths under Pods/, DerivedData/, build/ and node_modules/ are never looked up: they stay on the log line', async () => {
    fake10.files = ['Pods/Alamofire/Source/Session.swift'];
    const r = await publish([
      problem(`${REPO}/Pods/Alamofire/Source/Session.swift`, 1, 'warning'),
      problem('/Users/agent/Library/Developer/Xcode/DerivedData/App-abc/Build/Intermediates/x.swift', 2),
      problem(`${REPO}/app/build/generated/Dagger.java`, 3),
      problem(`${REPO}/node_modules/react-native/React/Base/RCTBridge.m`, 4),
    ]);
    assert.deepEqual(r.stats, []);
    assert.deepEqual(r.searches, []);
    assert.equal(r.count, 4);
    assert.ok(
      r.diagnostics.every((x) => x.uri.startsWith('appcircle-log:') || !x.uri.startsWith('file:')),
      JSON.stringify(r.diagnostics),
    );
    assert.equal(r.diagnostics.filter((x) => /not in this workspace/.test(x.message)).length, 4);
  });
});
