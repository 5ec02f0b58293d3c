/**
 * Words for every icon: what a screen reader says for the commit's build item, the organization item
 * and each tree row (their `accessibilityInformation`), and tooltips whose times are those of the hover, not of
 * the moment the item was built.
 */
import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import type { Branch, Build, BuildProfile, QueueEntry } from '../../../src/core/builds/buildModels';
import { BuildStatus, QueueItemStatus } from '../../../src/core/builds/buildModels';
import type { BuildService } from '../../../src/core/builds/buildService';
import type { CommitBuildState, GitHead } from '../../../src/core/commit/commitStatus';
import { Emitter } from '../../../src/core/events';
import type { SessionInfo } from '../../../src/core/session/models';
import type { SessionService } from '../../../src/core/session/sessionService';
import { commitItemView } from '../../../src/ui/commit/commitStatusBar';
import { OrganizationStatusBar, TOOLTIP_TICK_MS } from '../../../src/ui/session/statusBar';
import { ActiveBuildsTreeProvider } from '../../../src/ui/tree/activeBuildsTree';
import { BuildsTreeProvider } from '../../../src/ui/tree/buildsTree';
import { BranchNode, BuildNode, ProfileNode, QueueNode } from '../../../src/ui/tree/nodes';
import { fake } from '../fakes/vscodeFake';

const NOW = Date.parse('2026-01-01T10:00:00Z');
const ago = (min: number) => new Date(NOW - min * 60_000).toISOString();
const label = (item: { accessibilityInformation?: unknown }) => (item.accessibilityInformation as { label?: string } | undefined)?.label;
const tipText = (tip: unknown) => (typeof tip === 'string' ? tip : ((tip as { value?: string } | undefined)?.value ?? ''));

const head: GitHead = { root: 'file:///ws', remotes: [], branch: 'main', commit: 'abc1234def5678abc1234def5678abc1234def56', ahead: 0 };
const profile: BuildProfile = {
  id: 'p1',
  name: 'Acme iOS',
  platform: 'ios',
  repositoryName: 'acme/ios-app',
  pinned: false,
  matchesWorkspace: false,
};
const branch: Branch = { id: 'b1', name: 'main', profileId: 'p1', lastStatus: BuildStatus.Success, lastBuildDate: ago(56) };
const build = (over: Partial<Build>): Build => ({
  id: 'x',
  profileId: 'p1',
  branchId: 'b1',
  commitId: 'c1',
  commitHash: head.commit,
  commitMessage: 'Fix the login crash',
  status: BuildStatus.Success,
  hasWarning: false,
  durationSec: 312,
  ...over,
});
const queued: QueueEntry = {
  id: 'q1',
  profileName: 'Acme iOS',
  branchName: 'main',
  queueItemStatus: QueueItemStatus.Running,
  startQueueDateTime: ago(3),
};

describe('ui: words for every icon (accessibilityInformation) and tooltips current when shown', () => {
  it('the commit item says the outcome in words: built, running for how long, not built, waiting after a push', () => {
    const says = (s: CommitBuildState) => commitItemView(s, NOW).label;
    const of = (b: Partial<Build>) => says({ kind: 'build', head, profile, branch, build: build(b) });
    assert.equal(of({}), 'main, abc1234: build succeeded');
    assert.equal(of({ hasWarning: true }), 'main, abc1234: build succeeded with warnings');
    assert.equal(of({ status: BuildStatus.Failed }), 'main, abc1234: build failed');
    assert.equal(of({ status: BuildStatus.Canceled }), 'main, abc1234: build canceled');
    assert.equal(of({ status: BuildStatus.Running, startDate: ago(3) }), 'main, abc1234: build running for 3 minutes');
    assert.equal(of({ status: BuildStatus.Waiting, startDate: ago(1) }), 'main, abc1234: build waiting for 1 minute');
    assert.equal(says({ kind: 'notBuilt', head, profile, branch, following: false }), 'main, abc1234: not built yet. Build this commit.');
    assert.equal(
      says({ kind: 'notBuilt', head, profile, branch, following: true }),
      'main, abc1234: pushed, waiting for Appcircle to start a build',
    );
    assert.equal(says({ kind: 'loading', head, profile }), 'main, abc1234: looking for the Appcircle build of this commit');
    assert.equal(
      says({ kind: 'error', head, profile, error: new Error('x') }),
      'main, abc1234: the Appcircle build of this commit could not be looked up',
    );
  });

  it('the organization item voices its busy state: signing in, renewing the token; its expiry is rebuilt while shown', () => {
    const busyChanged = new Emitter<boolean>();
    const never = new Emitter<void>();
    const info: SessionInfo = {
      account: 'dev@acme.test',
      accountId: 'a',
      kind: 'pat',
      organizationId: 'o',
      organizationName: 'Acme Mobile',
      isRootOrganization: true,
      tokenExpiresAt: NOW + 60 * 60_000,
    };
    const state = { session: undefined as SessionInfo | undefined, busy: true };
    const session = {
      get session() {
        return state.session;
      },
      get busy() {
        return state.busy;
      },
      onDidChangeSession: never.event,
      onDidChangeBusy: busyChanged.event,
      onDidChangeToken: never.event,
    } as unknown as SessionService;
    const timers = sinon.useFakeTimers({ now: NOW, toFake: ['setInterval', 'clearInterval'] });
    let now = NOW;
    const bar = new OrganizationStatusBar(session, () => now);
    try {
      const item = fake.statusBarItems[fake.statusBarItems.length - 1];
      assert.equal(label(item), 'Appcircle: signing in…');
      state.session = info;
      busyChanged.fire(true);
      assert.equal(label(item), 'Appcircle organization Acme Mobile: renewing the access token…');
      state.busy = false;
      busyChanged.fire(false);
      assert.equal(label(item), 'Appcircle organization Acme Mobile. Switch organization.');
      assert.match(tipText(item.tooltip), /\(in 60 min\)/);
      // no event: the tooltip's "in N min" follows the clock
      now += 25 * 60_000;
      timers.tick(TOOLTIP_TICK_MS);
      assert.match(tipText(item.tooltip), /\(in 35 min\)/);
    } finally {
      bar.dispose();
      timers.restore();
    }
  });

  it('tree rows say in words what their icons show: platform, last status and when, build and queue status', () => {
    assert.equal(label(new ProfileNode(profile).getTreeItem()), 'Acme iOS, iOS, acme/ios-app');
    assert.equal(
      label(new ProfileNode({ ...profile, platform: 'android', matchesWorkspace: true, pinned: true }).getTreeItem()),
      'Acme iOS, Android, acme/ios-app, this workspace, pinned',
    );
    assert.equal(label(new BranchNode(branch, profile, NOW).getTreeItem()), 'main, last build succeeded, 56 minutes ago');
    assert.equal(
      label(new BranchNode({ ...branch, lastStatus: undefined, lastBuildDate: undefined }, profile, NOW).getTreeItem()),
      'main, no builds yet',
    );
    assert.equal(
      label(new BuildNode(build({ status: BuildStatus.Failed }), profile, branch, NOW).getTreeItem()),
      'Fix the login crash, build failed, abc1234',
    );
    assert.equal(
      label(new BuildNode(build({ status: BuildStatus.Running, startDate: ago(3) }), profile, branch, NOW).getTreeItem()),
      'Fix the login crash, build running for 3 minutes, abc1234',
    );
    // a commit message with a bidi override and a control character: neither reaches the screen reader
    const hostile = label(
      new BuildNode(
        build({ status: BuildStatus.Failed, commitMessage: 'Fix \u202Enigol\u0007 crash' }),
        profile,
        branch,
        NOW,
      ).getTreeItem(),
    );
    assert.ok(!(hostile ?? '').includes('\u202E') && !(hostile ?? '').includes('\u0007'), hostile);
    assert.match(hostile ?? '', /, build failed, abc1234$/);
    assert.equal(label(new QueueNode(queued, NOW).getTreeItem()), 'Acme iOS, main, build running for 3 minutes');
    assert.equal(
      label(new QueueNode({ ...queued, queueItemStatus: QueueItemStatus.Waiting }, NOW).getTreeItem()),
      'Acme iOS, main, build waiting for 3 minutes',
    );
  });

  it('tree tooltips are built on hover (resolveTreeItem), with the times of the hover', () => {
    let now = NOW;
    const noChange = { onDidChangeData: () => ({ dispose: () => undefined }) } as unknown as BuildService;
    const session = { isSignedIn: true } as unknown as SessionService;
    const tree = new BuildsTreeProvider(noChange, session, () => now);
    const active = new ActiveBuildsTreeProvider(noChange, session, undefined, () => now);
    try {
      const branchNode = new BranchNode(branch, profile, NOW);
      const buildNode = new BuildNode(build({ status: BuildStatus.Running, startDate: ago(3) }), profile, branch, NOW);
      const queueNode = new QueueNode(queued, NOW);
      // nothing set when the row is built: VS Code asks resolveTreeItem on hover only for an item without one
      for (const n of [branchNode, queueNode]) {
        assert.equal(n.getTreeItem().tooltip, undefined);
      }
      now = NOW + 60 * 60_000;
      assert.match(tipText(tree.resolveTreeItem(branchNode.getTreeItem(), branchNode).tooltip), /2 h ago\)$/);
      assert.match(tipText(tree.resolveTreeItem(buildNode.getTreeItem(), buildNode).tooltip), /Running for: 1h 3m/);
      assert.match(tipText(active.resolveTreeItem(queueNode.getTreeItem(), queueNode).tooltip), /In the queue for 1h 3m$/);
    } finally {
      tree.dispose();
      active.dispose();
    }
  });
});
