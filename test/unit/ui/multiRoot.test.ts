import * as assert from 'node:assert/strict';
import type { GitHead } from '../../../src/core/commit/commitStatus';
import { GitHeadWatcher } from '../../../src/platform/git/headWatcher';
import { BuildStatus } from '../../../src/core/builds/buildModels';
import { commitItemView } from '../../../src/ui/commit/commitStatusBar';
import { CommitCommands } from '../../../src/ui/commit/commitCommands';
import type { CommitStatusService } from '../../../src/core/commit/commitStatus';
import type { SessionService } from '../../../src/core/session/sessionService';
import { HASH40, HASH64 } from '../../faults/gitCells';
import { EventEmitter, FakeTextDocument, FakeTextEditor, Uri, fake, fake10, fakeEvents10, window, workspace } from '../fakes/vscodeFake';
import { waitUntil } from './harness';

interface FakeRepo {
  rootUri: Uri;
  state: {
    HEAD: { name?: string; commit?: string };
    remotes: { name: string; fetchUrl?: string; pushUrl?: string }[];
    onDidChange: EventEmitter<void>['event'];
  };
  changed: EventEmitter<void>;
}

function fakeRepo(root: string, remote: string, head: FakeRepo['state']['HEAD']): FakeRepo {
  const changed = new EventEmitter<void>();
  return {
    rootUri: Uri.file(root),
    state: { HEAD: head, remotes: [{ name: 'origin', fetchUrl: remote }], onDidChange: changed.event },
    changed,
  };
}

/** The git extension's API over some repositories: getRepository(uri) is the repository whose root holds the uri. */
function gitApi(repos: FakeRepo[]) {
  const none = () => ({ dispose: () => undefined });
  const inside = (uri: Uri, r: FakeRepo) => uri.path === r.rootUri.path || uri.path.startsWith(`${r.rootUri.path}/`);
  return {
    getAPI: () => ({
      repositories: repos,
      onDidOpenRepository: none,
      onDidCloseRepository: none,
      // the innermost repository, as VS Code's git extension answers for nested ones
      getRepository: (uri: Uri) =>
        [...repos].sort((a, b) => b.rootUri.path.length - a.rootUri.path.length).find((r) => inside(uri, r)) ?? null,
    }),
  };
}

describe('git as users have it: two repositories, worktrees, SHA-256 (the git extension fake)', () => {
  const folders = workspace.workspaceFolders;
  let w: GitHeadWatcher | undefined;
  let heads: (GitHead | undefined)[];
  const app = () => fakeRepo('/ws/app', 'git@github.com:acme/app.git', { name: 'main', commit: HASH40 });
  const lib = () => fakeRepo('/ws/lib', 'https://dev.azure.com/acme/proj/_git/lib', { name: 'develop', commit: HASH64 });
  const open = (file: string) => {
    const editor = new FakeTextEditor(new FakeTextDocument(Uri.file(file), ''));
    window.activeTextEditor = editor;
    fakeEvents10.activeEditorChange.fire(editor);
  };
  const start = async (repos: FakeRepo[]) => {
    fake10.gitExports = gitApi(repos);
    w = new GitHeadWatcher(1);
    heads = [];
    w.onDidChangeHead((h) => heads.push(h));
    await w.start();
  };

  beforeEach(() => {
    fake.reset();
    workspace.workspaceFolders = [
      { uri: Uri.file('/ws/app'), name: 'app', index: 0 },
      { uri: Uri.file('/ws/lib'), name: 'lib', index: 1 },
    ];
  });
  afterEach(() => {
    w?.dispose();
    w = undefined;
    workspace.workspaceFolders = folders;
    fake.reset();
  });

  it('multi-root: HEAD follows the active editor’s repository, else the first; its HEAD changes are reported', async () => {
    const [a, b] = [app(), lib()];
    await start([a, b]);
    assert.equal(heads.at(-1)?.root, a.rootUri.toString(), 'no editor: the first folder’s repository');
    open('/ws/lib/src/lib.ts');
    await waitUntil(() => heads.at(-1)?.root === b.rootUri.toString(), 3000, 'the editor’s repository');
    assert.deepEqual([heads.at(-1)?.branch, heads.at(-1)?.commit], ['develop', HASH64], 'a SHA-256 id as git reports it');
    assert.deepEqual(heads.at(-1)?.remotes, ['https://dev.azure.com/acme/proj/_git/lib']);
    b.state.HEAD = { name: 'feature/x', commit: HASH40 };
    b.changed.fire();
    await waitUntil(() => heads.at(-1)?.branch === 'feature/x', 3000, 'a checkout in the editor’s repository');
    open('/ws/app/src/app.ts');
    await waitUntil(() => heads.at(-1)?.root === a.rootUri.toString(), 3000, 'back to the first repository');
    assert.equal(heads.at(-1)?.branch, 'main');
  });

  it('a repository nested in a folder is told apart by the editor’s file, not its folder', async () => {
    const [a, nested] = [app(), fakeRepo('/ws/app/vendor/sdk', 'git@gitlab.com:acme/mobile/sdk.git', { commit: HASH40 })];
    await start([a, nested]);
    open('/ws/app/vendor/sdk/index.ts');
    await waitUntil(() => heads.at(-1)?.root === nested.rootUri.toString(), 3000, 'the nested repository');
    assert.equal(heads.at(-1)?.branch, undefined, 'a detached HEAD');
  });

  it('remotes come from the git extension (every repository open, fetch and push urls), not .git/config', async () => {
    const [a, b] = [app(), lib()];
    a.state.remotes.push({ name: 'fork', fetchUrl: 'git@github.com:ann/app.git', pushUrl: 'git@github.com:ann/app-push.git' });
    await start([a, b]);
    assert.deepEqual((await w!.remotes()).sort(), [
      'git@github.com:acme/app.git',
      'git@github.com:ann/app-push.git',
      'git@github.com:ann/app.git',
      'https://dev.azure.com/acme/proj/_git/lib',
    ]);
  });

  it('a detached HEAD’s item says the branch its build was found on', () => {
    const detached: GitHead = { root: 'file:///ws/app', remotes: [], commit: HASH40 };
    const profile = { id: 'p', name: 'App', platform: 'ios' as const, pinned: false, matchesWorkspace: true };
    const branch = { id: 'b', name: 'release/1.2', profileId: 'p' };
    const build = {
      id: 'x',
      profileId: 'p',
      branchId: 'b',
      commitId: 'c',
      commitHash: HASH40,
      status: BuildStatus.Success,
      hasWarning: false,
    };
    const found = commitItemView({ kind: 'build', head: detached, profile, branch, build }, Date.now());
    assert.match(found.text, /detached HEAD, on release\/1\.2 · /);
    assert.match(found.tooltip, /Branch: detached HEAD, on release\/1\.2\n/);
    const notFound = commitItemView({ kind: 'notBuilt', head: detached, profile, following: false }, Date.now());
    assert.match(notFound.text, /detached HEAD · /);
    assert.match(notFound.tooltip, /No Appcircle build of this commit on the profile’s recent branches\./);
  });

  it('Build This Commit on a detached HEAD whose commit no branch has: says so, names no empty branch, starts nothing', async () => {
    fake.messages = [];
    const profile = { id: 'p', name: 'App', platform: 'ios' as const, pinned: false, matchesWorkspace: true };
    const status = { buildTarget: () => Promise.resolve({ kind: 'noBranch' as const, profile, branchName: undefined }) };
    let started = 0;
    const commands = new CommitCommands(status as unknown as CommitStatusService, { isSignedIn: true } as SessionService, () => {
      started++;
      return Promise.resolve(undefined);
    });
    assert.equal(await commands.buildThisCommit(), undefined);
    assert.equal(started, 0);
    assert.deepEqual(
      fake.messages.map((m) => m.message),
      ['HEAD is detached, and no branch of App in Appcircle has this commit among its recent builds. Check out a branch to build it.'],
    );
  });
});
