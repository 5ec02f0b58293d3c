import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GitHead } from '../../../src/core/commitStatus';
import { GitHeadWatcher, packedRef } from '../../../src/platform/git';
import { isCommitId, isValidBranchName, parseHeadBranch, parseRemoteUrls } from '../../../src/platform/gitInfo';
import { HASH40, HASH64, hostileGitCases, runHostileGitCase, withDiskFs } from '../../faults/gitCells';
import { EventEmitter, Uri, fake, fake10, workspace } from '../fakes/vscodeFake';
import { waitUntil } from './harness';

describe('git fallback reader (hostile .git, N1/N16)', () => {
  describe('each hostile folder: nothing read outside, no unbounded or blocking read, exact outcome', () => {
    for (const c of hostileGitCases) {
      it(c.label, () => runHostileGitCase(c));
    }
  });

  it("branch names follow git's ref rules", () => {
    for (const ok of ['main', 'feature/x', 'release-1.2', 'a.b', 'ü/ñ', 'fix_#12', '@x', 'x@y']) {
      assert.equal(isValidBranchName(ok), true, ok);
    }
    const bad = ['', '@', '..', 'a/../b', '../x', 'a..b', '/a', 'a/', 'a//b', '.a', 'a/.b', 'a.lock', 'a/b.lock/c', 'a.', 'a@{1}'];
    bad.push('a b', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[b', 'a\\b', 'a\tb', 'a\u0000b', 'a\u007fb', 'x'.repeat(2000));
    for (const no of bad) {
      assert.equal(isValidBranchName(no), false, JSON.stringify(no));
    }
    assert.equal(parseHeadBranch('ref: refs/heads/feature/x\n'), 'feature/x');
    assert.equal(parseHeadBranch('ref: refs/heads/../../etc/passwd'), undefined);
    assert.equal(parseHeadBranch('ref: refs/remotes/origin/main'), undefined);
    assert.equal(parseHeadBranch(`${HASH40}\n`), undefined);
  });

  it('only 40- or 64-hex ids count', () => {
    assert.equal(isCommitId(HASH40), true);
    assert.equal(isCommitId(HASH64), true);
    for (const no of [HASH40.slice(1), `${HASH40}0`, HASH64.slice(1), 'g'.repeat(40), `${HASH40.slice(2)} x`, '']) {
      assert.equal(isCommitId(no), false, no);
    }
    assert.equal(packedRef(`# header\n${HASH40} refs/heads/mainx\n${HASH64} refs/heads/main\n^${HASH40}\n`, 'main'), HASH64);
    assert.equal(packedRef(`${'z'.repeat(40)} refs/heads/main\n`, 'main'), undefined);
  });

  it('remote urls are read in linear time (100 000 spaces before a line separator)', () => {
    assert.deepEqual(parseRemoteUrls('[remote "origin"]\n\turl = a\n[branch "x"]\n\turl = b\n[remote "up"]\n url=c \n'), ['a', 'c']);
    const started = Date.now();
    // the old /^url\s*=\s*(.+)$/ took about 11 s on this line (quadratic)
    parseRemoteUrls(`[remote "o"]\nurl =${' '.repeat(100_000)}a\u2028b\n`);
    assert.ok(Date.now() - started < 2_000, 'a hostile config line is not quadratic');
  });

  describe('the watcher', () => {
    let tmp: string;
    const folders = workspace.workspaceFolders;
    beforeEach(() => {
      fake.reset();
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'appcircle-git-'));
      // a readable repository on disk: a reader that went around the API would report FILE_HASH
      const git = path.join(tmp, '.git');
      fs.mkdirSync(path.join(git, 'refs', 'heads'), { recursive: true });
      fs.writeFileSync(path.join(git, 'HEAD'), 'ref: refs/heads/main\n');
      fs.writeFileSync(path.join(git, 'refs', 'heads', 'main'), `${HASH40}\n`);
      workspace.workspaceFolders = [{ uri: Uri.file(tmp), name: 'ws', index: 0 }];
    });
    afterEach(() => {
      workspace.workspaceFolders = folders;
      fake.reset();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('waits for an uninitialised git API (no repository yet) instead of reading .git', async () => {
      const none = () => ({ dispose: () => undefined });
      const stateChanged = new EventEmitter<'uninitialized' | 'initialized'>();
      const opened = new EventEmitter<unknown>();
      const repo = {
        rootUri: Uri.file(tmp),
        state: { HEAD: { name: 'main', commit: HASH64 }, remotes: [], onDidChange: new EventEmitter<void>().event },
      };
      const api = {
        state: 'uninitialized' as 'uninitialized' | 'initialized',
        onDidChangeState: stateChanged.event,
        repositories: [] as (typeof repo)[],
        onDidOpenRepository: opened.event,
        onDidCloseRepository: none,
        getRepository: () => api.repositories[0] ?? null,
      };
      fake10.gitExports = { enabled: true, getAPI: () => api };
      const w = new GitHeadWatcher(1);
      const heads: (GitHead | undefined)[] = [];
      w.onDidChangeHead((h) => heads.push(h));
      try {
        await withDiskFs(() => w.start());
        assert.deepEqual([...heads], [undefined], 'no HEAD from .git while git is starting');
        api.state = 'initialized';
        stateChanged.fire('initialized');
        api.repositories.push(repo);
        opened.fire(repo);
        const commits = (): (string | undefined)[] => heads.map((h) => h?.commit);
        await waitUntil(() => commits().at(-1) === HASH64, 5_000, 'the HEAD git reports');
        assert.ok(!commits().includes(HASH40), 'never the files');
      } finally {
        w.dispose();
      }
    });

    it('reads .git (bounded) when the git extension is disabled or absent', async () => {
      for (const exports of [{ enabled: false, getAPI: () => assert.fail('not asked when disabled') }, undefined]) {
        fake10.gitExports = exports;
        const w = new GitHeadWatcher(1);
        const heads: (GitHead | undefined)[] = [];
        w.onDidChangeHead((h) => heads.push(h));
        try {
          await w.start();
          assert.equal(heads.at(-1)?.commit, HASH40);
          assert.equal(heads.at(-1)?.branch, 'main');
        } finally {
          w.dispose();
        }
      }
    });
  });
});
