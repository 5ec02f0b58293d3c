/** A build log over the threshold opens from disk, and the appcircle-log: document says where. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import { LOG_SCHEME } from '../../../src/constants';
import { activate, deactivate, scheduleSpillSweep } from '../../../src/extension';
import { LogDocumentProvider } from '../../../src/ui/logs/logDocument';
import { logUri } from '../../../src/ui/logs/logUri';
import { InMemorySecretStore } from '../fakes/inMemorySecretStore';
import { fake, fakeEvents10 } from '../fakes/vscodeFake';
import type { FakeTextDocument } from '../fakes/vscodeFake';
import { wholeLog } from '../core/helpers';
import type { UiHarness } from './harness';
import { bootExtension, fakeContext, pollOnce, waitUntil } from './harness';

describe('ui: a log over the threshold opens from a temporary file', () => {
  let h: UiHarness;
  let logs: LogDocumentProvider;

  beforeEach(async () => {
    h = await bootExtension();
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    logs = new LogDocumentProvider(h.ext.builds, undefined, 4096);
  });
  afterEach(async () => {
    logs.dispose();
    await h.dispose();
  });

  /** Starts a build of Acme Android's first branch. */
  async function startBuild() {
    const p = (await h.ext.builds.profiles()).value.find((x) => x.name === 'Acme Android')!;
    const b = (await h.ext.builds.branches(p.id)).value[0];
    const [wf] = await h.ext.builds.workflows(p.id);
    const [cfg] = await h.ext.builds.configurations(p.id);
    const [c] = await h.ext.builds.commits(b.id);
    const s = await h.ext.builds.startBuild({
      profileId: p.id,
      branchId: b.id,
      commitId: c.id,
      workflowId: wf.id,
      configurationId: cfg.id,
    });
    return { p, b, s };
  }

  /** A finished build whose log is over the threshold: its log document's URI and its whole text. */
  async function finishedBigBuild(label: string): Promise<{ uri: vscode.Uri; whole: string }> {
    h.sb.world.logLinesOverride = 400;
    const { p, b, s } = await startBuild();
    h.sb.world.advance(600_000);
    const q = await h.ext.builds.queueItem(s.queueItemId);
    const whole = (await wholeLog(h.ext.builds, { commitId: q.commitId!, buildId: q.buildId! })) ?? '';
    assert.ok(whole.length > 3 * 4096, `${whole.length} chars: well over the threshold`);
    return { uri: logUri({ profileName: p.name, branchName: b.name, commitId: q.commitId, buildId: q.buildId, label }), whole };
  }

  it('a finished build: the file holds the whole log, the editor opens it, stopping the extension deletes it', async () => {
    const { uri, whole } = await finishedBigBuild('Build big');
    const shownBefore = fake.shownDocuments.length;
    const note = await logs.provideTextDocumentContent(uri, new vscode.CancellationTokenSource().token);
    const file = logs.fileOf(uri);
    assert.ok(file, 'written to a file');
    assert.ok(note.includes(file), note);
    await logs.downloaded(uri);
    assert.equal(fs.readFileSync(file, 'utf8'), whole, 'the file is the whole log');
    // the file opens after the note's editor is active, or a second later when none becomes active (as here)
    await waitUntil(() => fake.shownDocuments.length > shownBefore);
    const shown = fake.shownDocuments.slice(shownBefore) as vscode.Uri[];
    assert.ok(
      shown.some((d) => d.scheme === 'file' && d.fsPath === file),
      'the file opened in an editor',
    );
    // asked again (VS Code re-reads the document): the same note, no second download
    const requests = h.sb.requests.length;
    assert.equal(await logs.provideTextDocumentContent(uri, new vscode.CancellationTokenSource().token), note);
    assert.equal(h.sb.requests.length, requests);
    logs.dispose();
    await waitUntil(() => !fs.existsSync(file), 10_000, 'deleted when the extension stops');
  });
  it('a finished build: its file opens once the log passes the threshold, not after the whole log; closing it stops the rest', async () => {
    const { uri, whole } = await finishedBigBuild('Build stalled');
    // the answer stops after 8 KB and never ends: waiting for the whole log would wait forever
    h.sb.faults.set({ pathIncludes: '/logs', stallAfterBytes: 8192, times: 1 });
    const messagesBefore = fake.messages.length;
    const shownBefore = fake.shownDocuments.length;
    const note = await logs.provideTextDocumentContent(uri, new vscode.CancellationTokenSource().token);
    const file = logs.fileOf(uri);
    assert.ok(file && note.includes(file), note);
    await waitUntil(() => (fake.shownDocuments.slice(shownBefore) as vscode.Uri[]).some((d) => d.fsPath === file));
    const size = fs.statSync(file).size;
    assert.ok(size > 4096 && size < whole.length, `${size} bytes in the file so far`);
    assert.ok(whole.startsWith(fs.readFileSync(file, 'utf8')));
    // closing the file's editor stops the read and deletes the file, quietly
    fakeEvents10.closeTextDocument.fire({ uri: vscode.Uri.file(file) } as unknown as FakeTextDocument);
    await logs.downloaded(uri);
    await waitUntil(() => !fs.existsSync(file), 5000, 'the file deleted');
    assert.deepEqual(
      fake.messages.slice(messagesBefore).filter((m) => m.severity !== 'info'),
      [],
      'no warning',
    );
  });

  it('a finished build whose log breaks off after its file opened: a warning, and asked again it is read anew', async () => {
    const { uri, whole } = await finishedBigBuild('Build cut');
    h.sb.faults.set({ pathIncludes: '/logs', cutAfterBytes: 8192, times: 1 });
    const messagesBefore = fake.messages.length;
    const warning = () => fake.messages.slice(messagesBefore).find((m) => m.severity === 'warning');
    const note = await logs.provideTextDocumentContent(uri, new vscode.CancellationTokenSource().token);
    await logs.downloaded(uri);
    await waitUntil(() => warning() !== undefined, 5000, 'the warning');
    assert.match(
      warning()?.message ?? '',
      /^The build log Acme Android \/ .+ \/ Build cut\.log could not be read to its end, so its file stops early: .+ Open the log again to read it anew\.$/,
    );
    const again = await logs.provideTextDocumentContent(uri, new vscode.CancellationTokenSource().token);
    assert.notEqual(again, note, 'a new file');
    await logs.downloaded(uri);
    const file = logs.fileOf(uri);
    assert.ok(file);
    assert.equal(fs.readFileSync(file, 'utf8'), whole);
  });

  it('the broken-off warning names the log with its link and control syntax made inert', async () => {
    const { uri } = await finishedBigBuild('Build [see why](command:workbench.action.terminal.sendSequence) \u202E');
    h.sb.faults.set({ pathIncludes: '/logs', cutAfterBytes: 8192, times: 1 });
    const messagesBefore = fake.messages.length;
    const warning = () => fake.messages.slice(messagesBefore).find((m) => m.severity === 'warning');
    await logs.provideTextDocumentContent(uri, new vscode.CancellationTokenSource().token);
    await logs.downloaded(uri);
    await waitUntil(() => warning() !== undefined, 5000, 'the warning');
    const text = warning()?.message ?? '';
    assert.match(text, /see why/);
    assert.doesNotMatch(text, /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/i, 'no working link');
    assert.doesNotMatch(text, /[\u202A-\u202E\u2066-\u2069]/, 'no bidi control');
  });

  it('a running build: keeps growing in its file through the end of the build, and the file is what VS Code shows', async () => {
    h.sb.setBuildTimings({ waitMs: 0, runMs: 10_000, completeMs: 500, logLines: 400 });
    const { p, b, s } = await startBuild();
    h.sb.world.advance(1000);
    const uri = logUri({ profileName: p.name, branchName: b.name, queueItemId: s.queueItemId, label: 'Build running' });
    const first = await logs.provideTextDocumentContent(uri, new vscode.CancellationTokenSource().token);
    assert.match(first, /compiling module/, `below the threshold: the text itself, not ${first.slice(0, 300)}`);
    assert.equal(logs.fileOf(uri), undefined);
    const tick = () => pollOnce(h, () => logs.settled());
    const shownBefore = fake.shownDocuments.length;
    for (let i = 0; i < 12 && logs.followedCount > 0; i++) {
      h.sb.world.advance(1000);
      await tick();
    }
    const file = logs.fileOf(uri);
    assert.ok(file, 'written to a file once past the threshold');
    assert.equal(
      (fake.shownDocuments.slice(shownBefore) as vscode.Uri[]).filter((d) => d.scheme === 'file').length,
      1,
      'the file opened once',
    );
    const q = await h.ext.builds.queueItem(s.queueItemId);
    const whole = (await wholeLog(h.ext.builds, { commitId: q.commitId!, buildId: q.buildId! })) ?? '';
    assert.match(whole, /Build succeeded\./);
    assert.equal(logs.followedCount, 0, 'no longer followed once the build ended');
    assert.equal(fs.readFileSync(file, 'utf8'), whole, 'the file is the whole log, its last lines included');
  });

  it('deactivate() resolves only once the log files are deleted, and stops the extension it activated (N7)', async () => {
    const { uri } = await finishedBigBuild('Build deactivate');
    await logs.provideTextDocumentContent(uri, new vscode.CancellationTokenSource().token);
    await logs.downloaded(uri);
    const file = logs.fileOf(uri);
    assert.ok(file && fs.existsSync(file));
    // VS Code calls deactivate() and disposes context.subscriptions (the log documents with them) at once
    const activated = activate(fakeContext(new InMemorySecretStore()));
    assert.equal(activated.version, 1);
    assert.ok(fake.contentProviders.has(LOG_SCHEME));
    logs.dispose();
    await deactivate();
    assert.ok(!fs.existsSync(path.dirname(file)), 'the folder is gone when deactivate() resolves');
    assert.ok(!fake.contentProviders.has(LOG_SCHEME), 'the activated extension is disposed');
  });

  it('a captive portal’s 200 page is not the log: the document says a web page came instead (S11c)', async () => {
    h.sb.setBuildTimings({ waitMs: 0, runMs: 10_000, completeMs: 500, logLines: 400 });
    const { p, b, s } = await startBuild();
    h.sb.world.advance(1000);
    h.sb.faults.set({ pathIncludes: '/logs', htmlPage: true });
    const uri = logUri({ profileName: p.name, branchName: b.name, queueItemId: s.queueItemId, label: 'Build portal' });
    const text = await logs.provideTextDocumentContent(uri, new vscode.CancellationTokenSource().token);
    assert.match(text, /^Could not load the log: Received a web page instead of an Appcircle response; a proxy or captive portal/);
    assert.ok(!text.includes('<html'), text);
    assert.equal(logs.followedCount, 0);
  });

  it('a log followed into its file, then answered by a portal page on a Range read: the file keeps the log, no page in it (S11c)', async () => {
    h.sb.setBuildTimings({ waitMs: 0, runMs: 10_000, completeMs: 500, logLines: 400 });
    const { p, b, s } = await startBuild();
    h.sb.world.advance(1000);
    const uri = logUri({ profileName: p.name, branchName: b.name, queueItemId: s.queueItemId, label: 'Build portal later' });
    await logs.provideTextDocumentContent(uri, new vscode.CancellationTokenSource().token);
    const tick = () => pollOnce(h, () => logs.settled());
    for (let i = 0; i < 8 && !logs.fileOf(uri); i++) {
      h.sb.world.advance(1000);
      await tick();
    }
    const file = logs.fileOf(uri);
    assert.ok(file, 'followed into its file');
    const before = fs.readFileSync(file, 'utf8');
    h.sb.world.advance(1000);
    h.sb.faults.set({ pathIncludes: '/logs', htmlPage: true, times: 1 });
    await tick();
    assert.ok(h.sb.requests.some((r) => r.path.includes('/logs') && r.range && r.status === 200));
    assert.equal(fs.readFileSync(file, 'utf8'), before, 'nothing of the page appended');
    h.sb.world.advance(1000);
    await tick();
    const after = fs.readFileSync(file, 'utf8');
    assert.ok(after.length > before.length && after.startsWith(before) && !after.includes('<html'));
  });

  it('a server that ignores Range: the output log says so once, and the log is read every 30 s, not at every tick (N8)', async () => {
    const lines: string[] = [];
    const logger = {
      trace: () => undefined,
      debug: () => undefined,
      info: (m: string) => lines.push(m),
      warn: () => undefined,
      error: () => undefined,
    };
    logs.dispose();
    logs = new LogDocumentProvider(h.ext.builds, logger, 1 << 20, { now: () => h.sb.clock.now() });
    h.sb.setBuildBehaviour({ logRange: 'ignored' });
    h.sb.setBuildTimings({ waitMs: 0, runMs: 600_000, completeMs: 500, logLines: 400 });
    const { p, b, s } = await startBuild();
    h.sb.world.advance(1000);
    const uri = logUri({ profileName: p.name, branchName: b.name, queueItemId: s.queueItemId, label: 'Build no range' });
    await logs.provideTextDocumentContent(uri, new vscode.CancellationTokenSource().token);
    const logReads = () => h.sb.requests.filter((r) => r.path.endsWith('/logs') || r.path.includes('/logs/')).length;
    const before = logReads();
    // 24 ticks 5 s apart: 2 minutes of a running build
    for (let i = 0; i < 24; i++) {
      h.sb.world.advance(5000);
      await pollOnce(h, () => logs.settled());
    }
    const reads = logReads() - before;
    assert.ok(reads >= 4 && reads <= 5, `${reads} whole-log reads in 2 minutes`);
    assert.equal(lines.filter((l) => l.includes('ignores Range')).length, 1, lines.join('\n'));
    assert.equal(logs.followedCount, 1, 'still followed');
  });

  it('activation’s sweep of the temp folder runs once its timer fires and says what it deleted (N7)', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-test-'));
    try {
      const stale = path.join(tmp, 'appcircle-log-gggggg');
      fs.mkdirSync(stale, { mode: 0o700 });
      const old = (Date.now() - 25 * 60 * 60_000) / 1000;
      fs.utimesSync(stale, old, old);
      const lines: string[] = [];
      const logger = {
        trace: () => undefined,
        debug: () => undefined,
        info: (m: string) => lines.push(m),
        warn: () => undefined,
        error: () => undefined,
      };
      scheduleSpillSweep(logger, 0, { dir: tmp });
      await waitUntil(() => lines.length > 0, 5000, 'the sweep’s log line');
      assert.deepEqual(lines, ['Deleted 1 log folders left in the temp folder for over a day']);
      assert.ok(!fs.existsSync(stale));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
