/** Following builds on the vscode fake: a followed log grows by appends, Cancel says what happened, one build one id. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ROOT_ORG_ID } from '../../../sandbox/fixtures';
import { ActiveBuildsTreeProvider } from '../../../src/ui/tree/activeBuildsTree';
import type { BuildsTreeProvider } from '../../../src/ui/tree/buildsTree';
import { BuildNode } from '../../../src/ui/tree/nodes';
import type { FakeTextDocument } from '../fakes/vscodeFake';
import { FakeTextEditor, Range, fake } from '../fakes/vscodeFake';
import type { UiHarness } from './harness';
import type { FollowWorld } from './followHelpers';
import { bootFollowing, isLogRead, openLog, plainLogOf, startOnDevelop as startIn, tick as tickIn } from './followHelpers';

describe('ui: a followed log grows; Cancel says what happened; one build, one id', () => {
  let w: FollowWorld;
  let h: UiHarness;
  let tree: BuildsTreeProvider;

  beforeEach(async () => {
    w = await bootFollowing({ hookUrl: null });
    ({ h, tree } = w);
    fake.configuration.set('appcircle.dashboardUrl', 'https://my.example.test');
  });
  afterEach(async () => {
    await w.dispose();
  });

  const startOnDevelop = () => startIn(w);
  const tick = () => tickIn(h);

  /** The sandbox's own view of a started build's status. */
  function sandboxStatus(id: string): number {
    const ref = h.sb.world.findLive(id, ROOT_ORG_ID);
    assert.ok(ref);
    h.sb.world.refresh(ref.build);
    return ref.build.status;
  }

  for (const logRange of ['honoured', 'ignored'] as const) {
    it(`a running build's log grows at every poll tick, by appends only; an editor at the end follows it, a scrolled one stays (Range ${logRange})`, async () => {
      h.sb.setBuildBehaviour({ logRange });
      h.sb.setBuildTimings({ waitMs: 1000, runMs: 8000, completeMs: 500, logLines: 80 });
      const { queueItemId } = await startOnDevelop();
      const { uri, doc } = await openLog(queueItemId, 'Build x');
      assert.match(doc.getText(), /^No logs yet/);
      const atEnd = (await vscode.window.showTextDocument(doc as unknown as vscode.TextDocument)) as unknown as FakeTextEditor;
      atEnd.visibleRanges = [new Range(0, 0, doc.lineCount - 1, 0)];
      let scrolled: FakeTextEditor | undefined;
      const growthWhileRunning: number[] = [];
      for (let i = 0; i < 12 && sandboxStatus(queueItemId) !== 0; i++) {
        h.sb.clock.advance(1000);
        const before = doc.getText().length;
        const running = sandboxStatus(queueItemId) === 91;
        await tick();
        if (running && doc.getText().length > before && !/^No logs yet/.test(doc.getText())) {
          growthWhileRunning.push(doc.getText().length - before);
        }
        if (!scrolled && doc.lineCount > 8) {
          // a second editor on the same log, scrolled to the top
          scrolled = new FakeTextEditor(doc);
          scrolled.visibleRanges = [new Range(0, 0, 3, 0)];
          (vscode.window.visibleTextEditors as unknown as FakeTextEditor[]).push(scrolled);
        }
      }
      await tick();
      await tick();
      const updates = fake.documentUpdates.filter((u) => u.uri === uri.toString());
      const withContent = updates.slice(1); // the first one replaces "No logs yet"
      // a server that ignores Range is read whole every 30 s only (N8): within these few seconds, once or twice
      const ignored = logRange === 'ignored';
      assert.ok(growthWhileRunning.length >= (ignored ? 1 : 2), `grew while running: ${growthWhileRunning.join(', ')} chars`);
      assert.ok(
        withContent.length >= (ignored ? 1 : 3) && withContent.every((u) => u.appended),
        `only appends: ${updates.map((u) => `${u.oldLength}→${u.newLength}${u.appended ? '' : ' (replaced)'}`).join(', ')}`,
      );
      console.log(
        `      grew ${growthWhileRunning.length}× while running (+${growthWhileRunning.join(', +')} chars); ${withContent.length} appends in all; ${atEnd.revealed.length} reveals`,
      );
      const q = await h.ext.builds.queueItem(queueItemId);
      assert.equal(q.status, 0);
      assert.equal(doc.getText(), await plainLogOf(h, queueItemId), 'the document is the whole log at the end');
      assert.match(doc.getText(), /Build succeeded\.\n.*Completing workflow\n.*Completing workflow, Ver: 1\.0\n$/);
      // follow the end: the editor at the end was revealed at each update and shows the last line; the other never moved
      assert.ok(atEnd.revealed.length >= withContent.length, `${atEnd.revealed.length} reveals`);
      assert.equal(atEnd.visibleRanges[0]?.end.line, doc.lineCount - 1);
      assert.ok(scrolled);
      assert.deepEqual(scrolled.revealed, []);
      const logReads = h.sb.requests.filter(isLogRead);
      if (logRange === 'honoured') {
        const ranged = logReads.filter((r) => r.range);
        assert.ok(
          ranged.length >= 3 && ranged.every((r) => r.status === 206 || r.status === 416),
          ranged.map((r) => `${r.range} ${r.status}`).join(', '),
        );
      }
      // following ends with the build: no more log reads, and polling stops
      const reads = logReads.length;
      await tick();
      await tick();
      assert.equal(h.sb.requests.filter(isLogRead).length, reads);
      assert.equal(h.ext.builds.scheduler.current, 'idle');
    });
  }

  it('Cancel on a server that honours it: "canceled"', async () => {
    const { queueItemId } = await startOnDevelop();
    await tick();
    const active = new ActiveBuildsTreeProvider(h.ext.builds, h.ext.session);
    try {
      const [row] = active.getChildren();
      fake.messageAnswers.push('Cancel Build');
      await h.run('appcircle.cancelBuild', row);
      assert.equal(fake.messages.at(-1)?.message, 'The build of Appcircle VS Code Demo / develop was canceled.');
      assert.equal(sandboxStatus(queueItemId), 2);
    } finally {
      active.dispose();
    }
  });

  it('Cancel on a server that ignores action=cancel: "did not confirm", and Open in Appcircle opens the build’s log page (§9, fakeID while running)', async () => {
    h.sb.setBuildBehaviour({ cancel: 'ignored' });
    const { queueItemId } = await startOnDevelop();
    h.sb.clock.advance(2500);
    await tick();
    const active = new ActiveBuildsTreeProvider(h.ext.builds, h.ext.session);
    try {
      const [row] = active.getChildren();
      fake.messageAnswers.push('Cancel Build', 'Open in Appcircle');
      await h.run('appcircle.cancelBuild', row);
      const m = fake.messages.at(-1);
      assert.equal(m?.severity, 'warning');
      assert.equal(
        m?.message,
        'Appcircle did not confirm the cancel of the build of Appcircle VS Code Demo / develop: it still shows the build as running. Cancel it in the Appcircle dashboard.',
      );
      assert.deepEqual(m?.actions, ['Open in Appcircle']);
      assert.ok(!fake.messages.some((x) => /Cancel requested|was canceled/.test(x.message)));
      const ref = h.sb.world.findLive(queueItemId, ROOT_ORG_ID)!;
      assert.deepEqual(fake.openedExternal, [
        `https://my.example.test/build/detail/${ref.p.id}?modal=/build/modal/Logs&profileId=${ref.p.id}&commitId=${ref.build.commitId}&buildId=fakeID${queueItemId}&scope=build&method=get`,
      ]);
      assert.equal(sandboxStatus(queueItemId), 91, 'still running');
    } finally {
      active.dispose();
    }
  });

  it('a rebuild: two active builds of one commit in the tree; Cancel and Show Log of each go to that build', async () => {
    const first = await startOnDevelop();
    const [newest] = (await tree.getChildren(first.develop)).filter((n): n is BuildNode => n instanceof BuildNode);
    assert.equal(newest.build.id, first.queueItemId);
    const second = await h.run<{ queueItemId: string }>('appcircle.rebuild', newest);
    assert.ok(second?.queueItemId);
    await tick();
    const active = (await tree.getChildren(first.develop)).filter((n): n is BuildNode => n instanceof BuildNode && n.build.status === 90);
    assert.equal(active.length, 2);
    assert.equal(active[0].build.commitId, active[1].build.commitId, 'one commit');
    for (const node of active) {
      await h.run('appcircle.showBuildLog', node);
      const shown = fake.shownDocuments.at(-1) as FakeTextDocument;
      assert.equal(new URLSearchParams(shown.uri.query).get('queue'), node.build.id, 'the log of this build');
    }
    const older = active.find((n) => n.build.id === first.queueItemId)!;
    fake.messageAnswers.push('Cancel Build');
    await h.run('appcircle.cancelBuild', older);
    assert.equal(
      h.sb.requests
        .filter((r) => r.query.action === 'cancel')
        .map((r) => r.path)
        .join(),
      `/build/v1/queue/${first.queueItemId}`,
    );
    assert.equal(sandboxStatus(first.queueItemId), 2);
    assert.equal(sandboxStatus(second.queueItemId), 90, 'the rebuild was not touched');
  });
});
