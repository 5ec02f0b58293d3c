import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { Branch, Build, BuildProfile, QueueEntry } from '../../../src/core/builds/buildModels';
import type { BuildService, FinishedBuild } from '../../../src/core/builds/buildService';
import { BuildCommands } from '../../../src/ui/builds/buildCommands';
import type { BuildRef } from '../../../src/ui/builds/buildRef';
import { buildRefOf, namesBuild, toBuildRef } from '../../../src/ui/builds/buildRef';
import { commitItemView } from '../../../src/ui/commit/commitStatusBar';
import { BranchNode, BuildNode, LoadMoreNode, MessageNode, ProfileNode, QueueNode } from '../../../src/ui/tree/nodes';

const GUID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const profile: BuildProfile = {
  id: GUID(1),
  name: 'Acme iOS',
  platform: 'ios',
  repositoryName: 'acme/ios',
  pinned: false,
  matchesWorkspace: true,
};
const branch: Branch = { id: GUID(2), name: 'main', profileId: GUID(1) };
const build = (over: Partial<Build> = {}): Build => ({
  id: GUID(4),
  profileId: GUID(1),
  branchId: GUID(2),
  commitId: GUID(3),
  commitHash: 'abc1234def5678abc1234def5678abc1234def56',
  commitMessage: 'Fix the thing\n\nmore',
  status: 0,
  hasWarning: false,
  ...over,
});
const finished: FinishedBuild = {
  queueItemId: GUID(5),
  buildId: GUID(4),
  commitId: GUID(3),
  profileId: GUID(1),
  branchId: GUID(2),
  profileName: 'Acme iOS',
  branchName: 'main',
  status: 1,
  hasWarning: false,
  watched: true,
};
const entry: QueueEntry = {
  id: GUID(5),
  commitId: GUID(3),
  commitHash: 'abc1234def5678abc1234def5678abc1234def56',
  profileId: GUID(1),
  profileName: 'Acme iOS',
  branchName: 'main',
  queueItemStatus: 1,
};

/** BuildCommands on a service that knows one active queue row: enough for its URIs and dashboard links. */
function commands(queued: Record<string, string> = {}): BuildCommands {
  const builds = { queueItemFor: (b: { id: string; queueItemId?: string }) => b.queueItemId ?? queued[b.id] } as unknown as BuildService;
  return new BuildCommands(builds, {} as vscode.Memento, () => 'https://my.appcircle.io');
}

describe('ui: BuildRef, the one argument of the build commands (every way a command is invoked)', () => {
  it('a tree build, the commit item and buildRefOf resolve to the same ref', () => {
    const now = Date.now();
    const fromNode = toBuildRef(new BuildNode(build(), profile, branch, now));
    const state = {
      kind: 'build' as const,
      head: { root: '/r', remotes: [], branch: 'main', commit: build().commitHash! },
      profile,
      branch,
      build: build(),
    };
    const fromItem = toBuildRef(commitItemView(state, now).command?.arguments?.[0]);
    assert.ok(fromNode && fromItem);
    assert.deepEqual(fromItem, fromNode);
    assert.deepEqual(fromNode, buildRefOf(build(), profile, branch));
    assert.equal(fromNode.source, 'build');
    assert.equal(fromNode.buildId, GUID(4));
    assert.equal(fromNode.profileName, 'Acme iOS');
    assert.equal(fromNode.branchName, 'main');
    // the same log document and the same dashboard page, whichever of them invoked the command
    const c = commands();
    assert.equal(c.logUriFor(fromItem)?.toString(), c.logUriFor(fromNode)?.toString());
    assert.equal(c.dashboardUrlFor(fromItem), c.dashboardUrlFor(fromNode));
  });

  it('a notification’s finished build and the same ids from another extension (JSON) resolve to the same ref', () => {
    const fromNotification = toBuildRef(finished);
    const fromCaller = toBuildRef(JSON.parse(JSON.stringify(finished)));
    assert.ok(fromNotification && namesBuild(fromNotification));
    assert.deepEqual(fromCaller, fromNotification);
    assert.deepEqual(fromNotification, {
      source: 'ids',
      queueItemId: GUID(5),
      buildId: GUID(4),
      commitId: GUID(3),
      profileId: GUID(1),
      branchId: GUID(2),
      status: 1,
      profileName: 'Acme iOS',
      branchName: 'main',
    });
    const c = commands();
    assert.equal(c.logUriFor(fromCaller)?.toString(), c.logUriFor(fromNotification)?.toString());
    // a finished build and the tree's row of it open the same dashboard page
    assert.equal(
      c.dashboardUrlFor(fromNotification),
      c.dashboardUrlFor(toBuildRef(new BuildNode(build({ status: 1 }), profile, branch, 0))),
    );
  });

  it('an Active Builds row, a profile row and a branch row', () => {
    const q = toBuildRef(new QueueNode(entry, 0));
    assert.ok(q && namesBuild(q));
    assert.equal(q.source, 'queue');
    assert.equal(q.queueItemId, GUID(5));
    assert.equal(q.buildId, undefined, 'a queue row is no build yet: nothing to download');
    assert.equal(q.status, 91);
    // a running tree build whose queue row is polled is that row
    const c = commands({ [GUID(5)]: GUID(5) });
    const running = toBuildRef(new BuildNode(build({ id: GUID(5), status: 91 }), profile, branch, 0));
    assert.match(c.dashboardUrlFor(running), /buildId=fakeID00000000-0000-4000-8000-000000000005/);
    assert.equal(c.dashboardUrlFor(running), c.dashboardUrlFor(q));

    const p = toBuildRef(new ProfileNode(profile));
    assert.deepEqual([p?.source, p?.profileId, p?.profile, p?.branch], ['profile', GUID(1), profile, undefined]);
    const b = toBuildRef(new BranchNode(branch, profile, 0));
    assert.deepEqual([b?.source, b?.profileId, b?.branchId, b?.profile, b?.branch], ['branch', GUID(1), GUID(2), profile, branch]);
    assert.ok(p && b && !namesBuild(p) && !namesBuild(b));
    assert.equal(c.dashboardUrlFor(b), `https://my.appcircle.io/build/detail/${GUID(1)}`);
    assert.equal(c.logUriFor(b), undefined);
  });

  it('Start Build arguments from a caller: ids only, GUIDs only', () => {
    const args = toBuildRef({ profileId: GUID(1), branchId: GUID(2), workflowId: GUID(6), configurationId: GUID(7), commitId: GUID(3) });
    assert.deepEqual(args, {
      source: 'ids',
      profileId: GUID(1),
      branchId: GUID(2),
      workflowId: GUID(6),
      configurationId: GUID(7),
      commitId: GUID(3),
      status: undefined,
      profileName: undefined,
      branchName: undefined,
    });
    assert.ok(args && !namesBuild(args), 'no queue item: no build to show or download');
    // the tree's Load more… row carries a profile and a branch id, as it did as a start argument
    assert.equal(toBuildRef(new LoadMoreNode(GUID(1), GUID(2)))?.branchId, GUID(2));
  });

  it('hostile arguments resolve to nothing, and fields it does not know are never read', () => {
    for (const bad of [undefined, null, 0, 42, '', GUID(1), true, [], [GUID(1)], () => GUID(1), Symbol('x')]) {
      assert.equal(toBuildRef(bad), undefined, String(bad));
    }
    assert.equal(toBuildRef(new MessageNode('k', 'm', 'error')), undefined, 'a message row names nothing');
    assert.equal(toBuildRef({}), undefined);
    assert.equal(toBuildRef({ folder: '/tmp', path: '../../x' }), undefined, 'no id, no ref');
    // one id that is not a GUID, or not a string, and the whole argument is ignored (S17)
    for (const key of ['profileId', 'branchId', 'commitId', 'buildId', 'queueItemId', 'workflowId', 'configurationId']) {
      for (const v of ['../../identity/v1/x', 'x', `${GUID(9)}/..`, ` ${GUID(9)}`, 5, {}, [GUID(9)], null]) {
        assert.equal(toBuildRef({ ...finished, [key]: v }), undefined, `${key}: ${JSON.stringify(v)}`);
      }
    }
    // a forged ref is read as a caller's ids: its source, tree objects, hash and message are not taken
    const forged = toBuildRef({
      source: 'build',
      queueItemId: GUID(5),
      buildId: GUID(4),
      profile,
      branch,
      commitHash: 'deadbeef',
      commitMessage: '$(x) [a](command:y)',
      status: '91',
      profileName: 7,
      branchName: { toString: () => 'x' },
      folder: '/etc',
    }) as BuildRef;
    assert.deepEqual(forged, {
      source: 'ids',
      queueItemId: GUID(5),
      buildId: GUID(4),
      status: undefined,
      profileName: undefined,
      branchName: undefined,
    });
    // an unknown status code reads as Unknown (neither active nor ended)
    assert.equal(toBuildRef({ queueItemId: GUID(5), status: 1234 })?.status, 99);
    // a forged ref with the wrong kind of build names nothing to cancel or copy
    const c = commands();
    assert.equal(c.logUriFor(toBuildRef({ buildId: GUID(4), commitId: GUID(3) })), undefined, 'no queue item: not a finished build');
    assert.equal(c.dashboardUrlFor(toBuildRef({ profileId: '../x', queueItemId: GUID(5) })), 'https://my.appcircle.io/build');
  });

  it('the refs it makes are frozen and taken back as they are', () => {
    const r = buildRefOf(build(), profile, branch);
    assert.ok(Object.isFrozen(r));
    assert.equal(toBuildRef(r), r);
    // a copy is not the extension's own: it is read as a caller's ids
    assert.equal(toBuildRef({ ...r })?.source, 'ids');
  });
});
