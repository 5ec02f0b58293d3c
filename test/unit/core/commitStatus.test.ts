import * as assert from 'node:assert/strict';
import { DEMO_PAT, REPO_NAME } from '../../../sandbox/fixtures';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import { BuildService } from '../../../src/core/builds/buildService';
import type { Build, BuildProfile } from '../../../src/core/builds/buildModels';
import {
  CommitStatusService,
  DETACHED_BRANCH_LOOKUPS,
  FOLLOW_REFRESH_TICKS,
  PUSH_FOLLOW_MS,
  buildOfCommit,
  matchingProfiles,
  sameCommit,
  sameHead,
} from '../../../src/core/commit/commitStatus';
import type { CommitBuildState, GitHead } from '../../../src/core/commit/commitStatus';
import type { FakeTime } from '../fakes/clock';
import { fakeTime, runNextDue } from '../fakes/clock';
import type { Harness } from './helpers';
import { makeHarness, waitFor } from './helpers';

const TIMINGS = { waitMs: 1000, runMs: 4000, completeMs: 500 };
const REMOTE = 'git@github.com:appcircle/appcircle-vscode.git';

describe('core/CommitStatusService: the build of the commit you are on', () => {
  let sb: Sandbox;
  let h: Harness;
  let builds: BuildService;
  let status: CommitStatusService;
  let timers: FakeTime['timers'];

  beforeEach(async () => {
    sb = await startSandbox({ quiet: true, builds: { speed: 0, timings: TIMINGS } });
    h = makeHarness(sb);
    const { clock, timers: t } = fakeTime(Date.now());
    timers = t;
    builds = new BuildService({
      session: h.session,
      clock,
      logger: h.logger,
      pollIntervalMs: () => 5000,
      gitRemotes: () => Promise.resolve([REMOTE]),
    });
    status = new CommitStatusService({ builds, session: h.session, clock, logger: h.logger });
    await h.session.signIn({ kind: 'pat', pat: DEMO_PAT });
  });
  afterEach(async () => {
    status.dispose();
    builds.dispose();
    h.dispose();
    await sb.stop();
  });

  const demo = () => sb.world.profiles.find((p) => p.repositoryName === REPO_NAME && p.orgId === sb.world.profiles[0]?.orgId);
  const head = (commit: string, over: Partial<GitHead> = {}): GitHead => ({
    root: 'file:///ws',
    remotes: [REMOTE],
    branch: 'main',
    commit,
    ahead: 0,
    ...over,
  });
  const settle = async (pred: (s: CommitBuildState) => boolean, what: string) => waitFor(() => pred(status.state), 3000, what);
  const apiPaths = (from: number) => sb.requests.slice(from).map((r) => r.path);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Runs the scheduler's next due tick and lets its round trip (and what it invalidated) finish. */
  async function tickOnce(): Promise<void> {
    const before = builds.scheduler.ticks;
    runNextDue(timers, timers.now + 60_000);
    for (let i = 0; i < 200 && (builds.scheduler.ticks === before || builds.scheduler.current === 'polling'); i++) {
      await sleep(5);
    }
    await sleep(30);
  }

  it('matchers: profile by remote, commit by hash or abbreviation, heads compared without ahead/upstream', () => {
    const p = (name: string, repositoryName?: string): BuildProfile => ({
      id: name,
      name,
      platform: 'android',
      repositoryName,
      pinned: false,
      matchesWorkspace: false,
    });
    assert.deepEqual(
      matchingProfiles(
        [p('a', 'acme/app'), p('b', 'other/app'), p('c'), p('d', 'https://github.com/ACME/app.git')],
        ['git@github.com:acme/app.git'],
      ).map((x) => x.id),
      ['a', 'd'],
    );
    assert.ok(sameCommit('9f1c2e7d4b3a8c6e5f0a1b2c3d4e5f6a7b8c9d0e', '9f1c2e7'));
    assert.ok(!sameCommit('9f1c2e7d4b3a8c6e5f0a1b2c3d4e5f6a7b8c9d0e', '9f1c2'));
    assert.ok(!sameCommit(undefined, '9f1c2e7'));
    const b = (id: string, commitHash: string) => ({ id, commitHash }) as Build;
    assert.equal(buildOfCommit([b('new', 'aaaaaaa1'), b('old', 'aaaaaaa1')], 'aaaaaaa1')?.id, 'new', 'newest first');
    assert.ok(sameHead(head('x', { ahead: 2 }), head('x', { ahead: 0, upstreamCommit: 'y' })));
    assert.ok(!sameHead(head('x'), head('x', { branch: 'develop' })));
  });

  it('states: the build of HEAD (succeeded / failed), not built, unknown branch, no matching profile', async () => {
    const p = demo();
    assert.ok(p);
    const main = p.branches.find((x) => x.name === 'main');
    assert.ok(main);
    const ok = main.builds.find((x) => x.status === 0 && !x.hasWarning);
    const failed = main.builds.find((x) => x.status === 1 && !main.builds.some((y) => y.hash === x.hash && y.startDate > x.startDate));
    assert.ok(ok && failed);
    status.setHead(head(ok.hash));
    await settle((s) => s.kind === 'build', 'succeeded');
    let s = status.state;
    assert.ok(s.kind === 'build' && s.profile.name === 'Appcircle VS Code Demo' && s.branch.name === 'main');
    assert.equal(s.build.commitHash, ok.hash);

    status.setHead(head(failed.hash));
    await settle((x) => x.kind === 'build' && x.build.status === 1, 'failed');

    status.setHead(head('0123456789abcdef0123456789abcdef01234567'));
    await settle((x) => x.kind === 'notBuilt', 'not built');
    s = status.state;
    assert.ok(s.kind === 'notBuilt' && s.branch?.name === 'main' && !s.following);

    status.setHead(head('0123456789abcdef0123456789abcdef01234567', { branch: 'feature/not-in-appcircle' }));
    await settle((x) => x.kind === 'notBuilt' && x.branch === undefined, 'unknown branch');

    status.setHead(head('0123456789abcdef0123456789abcdef01234567', { remotes: ['git@github.com:someone/else.git'] }));
    await settle((x) => x.kind === 'none', 'no profile');
    status.setHead(undefined);
    await settle((x) => x.kind === 'none', 'no git');
  });

  it('no request when nothing changes: the same HEAD again (editor switch) makes no lookup; a branch switch at most one', async () => {
    const main = demo()?.branches.find((x) => x.name === 'main');
    assert.ok(main?.builds[0]);
    status.setHead(head(main.builds[0].hash));
    await settle((s) => s.kind === 'build', 'first lookup');
    const lookups = status.lookups;
    const before = sb.requests.length;
    for (let i = 0; i < 5; i++) {
      status.setHead(head(main.builds[0].hash, { ahead: i % 2 }));
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(status.lookups, lookups);
    assert.deepEqual(apiPaths(before), []);
    // switching to develop: one lookup (its branch builds: B10 + B5), nothing else
    const develop = demo()?.branches.find((x) => x.name === 'develop');
    assert.ok(develop?.builds[0]);
    status.setHead(head(develop.builds[0].hash, { branch: 'develop' }));
    await settle((s) => s.kind === 'build' && s.branch.name === 'develop', 'develop');
    assert.equal(status.lookups, lookups + 1);
    assert.deepEqual(apiPaths(before).sort(), ['/build/v1/builds', '/build/v2/commits'].sort());
  });

  it('Build This Commit: not pushed, unknown branch, not received yet, then the commit’s own id', async () => {
    const hash = 'abcdefabcdefabcdefabcdefabcdefabcdefabcd';
    status.setHead(head(hash, { ahead: 1 }));
    await settle((s) => s.kind === 'notBuilt', 'not built');
    assert.deepEqual(await status.buildTarget(), { kind: 'notPushed', commit: hash, ahead: 1 });
    status.setHead(head(hash, { ahead: 0, branch: 'nowhere' }));
    await settle((s) => s.kind === 'notBuilt' && !s.branch, 'no branch');
    assert.equal((await status.buildTarget()).kind, 'noBranch');
    status.setHead(head(hash));
    await settle((s) => s.kind === 'notBuilt' && !!s.branch, 'main');
    const t1 = await status.buildTarget();
    assert.equal(t1.kind, 'notReceived', 'Appcircle does not know the commit: nothing else is built');
    const { commitIds } = sb.world.receivePush({ repositoryName: REPO_NAME, branch: 'main', hash });
    const t2 = await status.buildTarget();
    assert.ok(t2.kind === 'ok' && commitIds.includes(t2.commitId));
  });

  it('a push is followed on the poll ticks until Appcircle shows the build, which is then watched to its end', async () => {
    const hash = '1111111111222222222233333333334444444444';
    status.setHead(head(hash));
    await settle((s) => s.kind === 'notBuilt', 'not built');
    status.pushed(head(hash));
    await settle((s) => s.kind === 'notBuilt' && s.following, 'following');
    assert.ok(builds.scheduler.current !== 'idle' && builds.scheduler.current !== 'stopped', 'the shared poller runs');
    // a tick with nothing new: one queue request, the state stays
    let before = sb.requests.length;
    await tickOnce();
    assert.deepEqual(apiPaths(before), ['/build/v1/queue/my-dashboard']);
    // Appcircle receives the push and starts a build: the next tick shows it
    sb.world.receivePush({ repositoryName: REPO_NAME, branch: 'main', hash, build: true });
    await tickOnce();
    await settle((s) => s.kind === 'build' && s.build.status >= 90, 'running build shown');
    assert.equal(status.isFollowing, false);
    const s = status.state;
    assert.ok(s.kind === 'build');
    assert.ok(builds.isWatched(s.build.id), 'watched: notified when it ends');
    const ended = new Promise<number>((r) => builds.onDidFinishBuilds((l) => r(l[0]?.status ?? -1)));
    sb.clock.advance(10_000);
    before = sb.requests.length;
    await tickOnce();
    await tickOnce();
    assert.equal(await ended, 0);
    await settle((x) => x.kind === 'build' && x.build.status === 0, 'the item follows it to its end');
    assert.ok(apiPaths(before).includes('/build/v1/queue/my-dashboard'));
  });

  it('a follow is bounded: without a build it stops after PUSH_FOLLOW_MS; the branch is re-read every few ticks', async () => {
    const hash = '9999999999888888888877777777776666666666';
    status.setHead(head(hash));
    await settle((s) => s.kind === 'notBuilt', 'not built');
    status.pushed(head(hash));
    const before = sb.requests.length;
    for (let i = 0; i < FOLLOW_REFRESH_TICKS; i++) {
      await tickOnce();
    }
    assert.equal(apiPaths(before).filter((x) => x === '/build/v1/builds').length, 1, 'one re-read in five ticks');
    timers.setSystemTime(timers.now + PUSH_FOLLOW_MS + 1);
    await tickOnce();
    assert.equal(status.isFollowing, false);
    assert.ok(status.state.kind === 'notBuilt' && !status.state.following);
  });
  it('a detached HEAD (a tag, a bisect): its build is found on a branch of the profile, with bounded requests', async () => {
    const p = demo();
    const develop = p?.branches.find((x) => x.name === 'develop');
    const built = develop?.builds.find((x) => !p?.branches.some((b) => b.name !== 'develop' && b.builds.some((y) => y.hash === x.hash)));
    assert.ok(built, 'a build only on develop');
    const before = sb.requests.length;
    status.setHead(head(built.hash, { branch: undefined }));
    await settle((s) => s.kind === 'build', 'found on develop');
    const s = status.state;
    assert.ok(s.kind === 'build' && s.branch.name === 'develop' && s.build.commitHash === built.hash);
    const builds = apiPaths(before).filter((x) => x === '/build/v1/builds').length;
    assert.ok(builds >= 1 && builds <= DETACHED_BRANCH_LOOKUPS, `at most ${DETACHED_BRANCH_LOOKUPS} branches read (${builds})`);
    assert.equal((await status.buildTarget()).kind, 'ok', 'Build This Commit works on the branch found');

    status.setHead(head('0123456789abcdef0123456789abcdef01234567', { branch: undefined }));
    await settle((x) => x.kind === 'notBuilt' && x.branch === undefined, 'a commit on no branch: not built, no branch');
  });
});
