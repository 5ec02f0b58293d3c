/** A build log over the threshold opens from disk, and the appcircle-log: document says where. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import { LogDocumentProvider, logUri } from '../../../src/ui/logDocument';
import { fake } from '../fakes/vscodeFake';
import type { UiHarness } from './harness';
import { bootExtension, waitUntil } from './harness';

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

  it('a finished build: the file holds the whole log, the editor opens it, stopping the extension deletes it', async () => {
    const profiles = (await h.ext.builds.profiles()).value;
    const p = profiles.find((x) => x.name === 'Acme Android')!;
    const b = (await h.ext.builds.branches(p.id)).value[0];
    const [wf] = await h.ext.builds.workflows(p.id);
    const [cfg] = await h.ext.builds.configurations(p.id);
    const [c] = await h.ext.builds.commits(b.id);
    h.sb.world.logLinesOverride = 400;
    const s = await h.ext.builds.startBuild({
      profileId: p.id,
      branchId: b.id,
      commitId: c.id,
      workflowId: wf.id,
      configurationId: cfg.id,
    });
    h.sb.world.advance(600_000);
    const q = await h.ext.builds.queueItem(s.queueItemId);
    const whole = (await h.ext.builds.logText(q.commitId!, q.buildId!)) ?? '';
    assert.ok(whole.length > 4096, `${whole.length} chars: over the threshold`);
    const uri = logUri({ profileName: p.name, branchName: b.name, commitId: q.commitId, buildId: q.buildId, label: 'Build big' });
    const shownBefore = fake.shownDocuments.length;
    const note = await logs.provideTextDocumentContent(uri, new vscode.CancellationTokenSource().token);
    const file = logs.fileOf(uri);
    assert.ok(file, 'written to a file');
    assert.ok(note.includes(file), note);
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
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(!fs.existsSync(file), 'deleted when the extension stops');
  });
});

describe('ui: a running build whose log passes the threshold', () => {
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

  it('keeps growing in its file through the end of the build, and the file is what VS Code shows', async () => {
    const p = (await h.ext.builds.profiles()).value.find((x) => x.name === 'Acme Android')!;
    const b = (await h.ext.builds.branches(p.id)).value[0];
    const [wf] = await h.ext.builds.workflows(p.id);
    const [cfg] = await h.ext.builds.configurations(p.id);
    const [c] = await h.ext.builds.commits(b.id);
    h.sb.setBuildTimings({ waitMs: 0, runMs: 10_000, completeMs: 500, logLines: 400 });
    const s = await h.ext.builds.startBuild({
      profileId: p.id,
      branchId: b.id,
      commitId: c.id,
      workflowId: wf.id,
      configurationId: cfg.id,
    });
    h.sb.world.advance(1000);
    const uri = logUri({ profileName: p.name, branchName: b.name, queueItemId: s.queueItemId, label: 'Build running' });
    const first = await logs.provideTextDocumentContent(uri, new vscode.CancellationTokenSource().token);
    assert.match(first, /compiling module/, `below the threshold: the text itself, not ${first.slice(0, 300)}`);
    assert.equal(logs.fileOf(uri), undefined);
    const tick = async () => {
      const polled = new Promise<void>((resolve) => {
        const d = h.ext.builds.onDidPoll(() => {
          d.dispose();
          resolve();
        });
      });
      h.ext.builds.scheduler.pokeNow();
      await polled;
      await logs.settled();
    };
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
    const whole = (await h.ext.builds.logText(q.commitId!, q.buildId!)) ?? '';
    assert.match(whole, /Build succeeded\./);
    assert.equal(logs.followedCount, 0, 'no longer followed once the build ended');
    assert.equal(fs.readFileSync(file, 'utf8'), whole, 'the file is the whole log, its last lines included');
  });
});
