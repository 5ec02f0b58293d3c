import * as assert from 'node:assert/strict';
import { DEMO_PAT, REPO_NAME } from '../../../sandbox/fixtures';
import type { Build, BuildProfile, Branch } from '../../../src/core/builds/buildModels';
import type { CommitBuildState, GitHead } from '../../../src/core/commit/commitStatus';
import { isPush } from '../../../src/platform/git/headWatcher';
import { toBuildRef } from '../../../src/ui/builds/buildRef';
import { commitItemView } from '../../../src/ui/commit/commitStatusBar';
import { BuildNode } from '../../../src/ui/tree/nodes';
import { EventEmitter, fake, fakeGitRepository } from '../fakes/vscodeFake';
import type { FakeStatusBarItem } from '../fakes/vscodeFake';
import type { UiHarness } from './harness';
import { bootExtension, waitUntil } from './harness';

const HASH = 'abc1234def5678abc1234def5678abc1234def56';
const head: GitHead = {
  root: 'file:///ws',
  remotes: ['git@github.com:appcircle/appcircle-vscode.git'],
  branch: 'main',
  commit: HASH,
  ahead: 0,
};
const profile: BuildProfile = {
  id: 'p1',
  name: 'Appcircle VS Code Demo',
  platform: 'android',
  repositoryName: REPO_NAME,
  pinned: false,
  matchesWorkspace: true,
};
const branch: Branch = { id: 'b1', name: 'main', profileId: 'p1' };
const build = (over: Partial<Build>): Build => ({
  id: 'x',
  profileId: 'p1',
  branchId: 'b1',
  commitId: 'c1',
  commitHash: HASH,
  status: 0,
  hasWarning: false,
  author: 'Dev User',
  durationSec: 312,
  ...over,
});

describe('ui: the status-bar item of the build of the commit you are on', () => {
  it('shows each state: succeeded, running with elapsed time, failed, not built, waiting after a push, nothing', () => {
    const now = Date.parse('2026-01-01T10:01:05Z');
    const view = (s: CommitBuildState) => commitItemView(s, now);
    assert.equal(view({ kind: 'none' }).visible, false);
    const ok = view({ kind: 'build', head, profile, branch, build: build({}) });
    assert.equal(ok.text, '$(pass-filled) main · abc1234');
    assert.match(
      ok.tooltip,
      /Profile: Appcircle VS Code Demo\nBranch: main\nCommit: abc1234\nBuild: Succeeded\nDuration: 5m 12s\nAuthor: Dev User/,
    );
    assert.equal(ok.command?.command, 'appcircle.showBuildLog');
    // the click opens that build's log: its ref, as the tree's row of that build resolves
    const ref = ok.command?.arguments?.[0];
    assert.equal(toBuildRef(ref), ref);
    assert.deepEqual(ref, toBuildRef(new BuildNode(build({}), profile, branch, now)));
    const running = view({
      kind: 'build',
      head,
      profile,
      branch,
      build: build({ status: 91, startDate: '2026-01-01T10:00:00Z', durationSec: undefined }),
    });
    assert.equal(running.text, '$(sync~spin) main · abc1234 · 1:05');
    assert.match(running.tooltip, /Running for 1:05/);
    assert.equal(view({ kind: 'build', head, profile, branch, build: build({ status: 1 }) }).text, '$(error) main · abc1234');
    assert.equal(
      view({ kind: 'build', head, profile, branch, build: build({ status: 0, hasWarning: true }) }).text,
      '$(warning) main · abc1234',
    );
    const notBuilt = view({ kind: 'notBuilt', head, profile, branch, following: false });
    assert.equal(notBuilt.text, '$(circle-outline) main · abc1234 not built');
    assert.equal(notBuilt.command?.command, 'appcircle.buildThisCommit');
    assert.equal(
      view({ kind: 'notBuilt', head, profile, branch, following: true }).text,
      '$(loading~spin) main · abc1234 waiting for Appcircle',
    );
    assert.match(
      view({ kind: 'notBuilt', head, profile, following: false }).tooltip,
      /Appcircle has no branch main in this profile yet\. Push the branch first\./,
    );
    assert.equal(view({ kind: 'loading', head, profile }).text, '$(loading~spin) main · abc1234');
    assert.match(view({ kind: 'error', head, profile, error: new Error('boom') }).tooltip, /could not be looked up/);
  });

  it('a push: the same commit no longer ahead of its upstream, or the upstream moved to HEAD', () => {
    assert.ok(isPush({ ...head, ahead: 2 }, { ...head, ahead: 0 }));
    assert.ok(isPush({ ...head, upstreamCommit: 'old' }, { ...head, upstreamCommit: HASH }));
    assert.ok(!isPush({ ...head, ahead: 0 }, { ...head, ahead: 0 }), 'nothing moved');
    assert.ok(!isPush({ ...head, ahead: 2 }, { ...head, commit: 'other', ahead: 0 }), 'a checkout, not a push');
    assert.ok(!isPush(undefined, head));
    // a repository's first reports, before git has read the upstream, are not a push
    assert.ok(!isPush({ ...head, ahead: undefined, upstreamCommit: undefined }, { ...head, ahead: 0, upstreamCommit: HASH }));
  });

  describe('with the git extension and the sandbox', () => {
    let h: UiHarness;
    let state: {
      HEAD: { name?: string; commit?: string; upstream?: { remote: string; name: string }; ahead?: number };
      remotes: { name: string; fetchUrl: string }[];
      onDidChange: EventEmitter<void>['event'];
    };
    let changed: EventEmitter<void>;
    const item = (): FakeStatusBarItem => {
      const i = fake.statusBarItems.find((x) => x.id === 'appcircle.commitBuild');
      assert.ok(i, 'the commit item exists');
      return i;
    };

    beforeEach(async () => {
      fake.reset();
      changed = new EventEmitter<void>();
      state = {
        HEAD: { name: 'main', commit: HASH, upstream: { remote: 'origin', name: 'main' }, ahead: 1 },
        remotes: [{ name: 'origin', fetchUrl: 'git@github.com:appcircle/appcircle-vscode.git' }],
        onDidChange: changed.event,
      };
      fakeGitRepository(state);
      h = await bootExtension({ keepFake: true });
      await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    });
    afterEach(async () => {
      await h.dispose();
    });

    it('not built → Build This Commit says push first → pushed: followed until the build runs → its end', async () => {
      await waitUntil(() => item().text === '$(circle-outline) main · abc1234 not built', 5000, 'not built');
      assert.equal(item().visible, true);
      // HEAD is ahead of its upstream: Build This Commit builds nothing and says to push first
      await h.run('appcircle.buildThisCommit');
      assert.match(fake.messages.at(-1)?.message ?? '', /^Push first: commit abc1234 is not on the remote yet/);
      // the push: Appcircle receives the commit (its webhook) and starts a build; git says the branch is no longer ahead
      state.HEAD = { ...state.HEAD, ahead: 0 };
      changed.fire();
      await waitUntil(() => item().text.includes('waiting for Appcircle'), 5000, 'following');
      h.sb.world.receivePush({ repositoryName: REPO_NAME, branch: 'main', hash: HASH, build: true });
      h.sb.clock.advance(1500);
      await waitUntil(() => item().text.startsWith('$(sync~spin) main · abc1234'), 15_000, 'running');
      h.sb.clock.advance(15_000);
      await waitUntil(() => item().text === '$(pass-filled) main · abc1234', 15_000, 'succeeded');
      await waitUntil(
        () => fake.messages.some((m) => m.message === 'Appcircle build succeeded: Appcircle VS Code Demo / main.'),
        5000,
        'notified (watched)',
      );
    });

    it('Build This Commit: "not received yet" when Appcircle lacks the commit; then builds that very commit', async () => {
      state.HEAD = { ...state.HEAD, ahead: 0 };
      changed.fire();
      await waitUntil(
        () => h.ext.commitStatus.gitHead?.ahead === 0 && item().text.endsWith('waiting for Appcircle'),
        5000,
        'pushed, waiting for Appcircle',
      );
      await h.run('appcircle.buildThisCommit');
      assert.match(fake.messages.at(-1)?.message ?? '', /^Appcircle has not received commit abc1234 on main yet/);
      const { commitIds } = h.sb.world.receivePush({ repositoryName: REPO_NAME, branch: 'main', hash: HASH });
      await h.run('appcircle.buildThisCommit');
      const started = h.sb.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/build/v2/commits/'));
      assert.equal(started.length, 1);
      assert.equal(started[0]?.path, `/build/v2/commits/${commitIds[0]}`);
      await waitUntil(() => item().text.startsWith('$(sync~spin)'), 5000, 'running');
    });
  });
});
