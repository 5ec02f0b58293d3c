import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GitHead } from '../../../src/core/commit/commitStatus';
import { GitHeadWatcher, packedRef, readHeadFromFiles } from '../../../src/platform/git/headWatcher';
import { GIT_READ_LIMITS, isCommitId, isValidBranchName, parseHeadBranch, parseRemoteUrls } from '../../../src/platform/git/gitFiles';
import { HASH40, HASH64, folderOf, hostileGitCases, runHostileGitCase, watcherWaitsForGit } from '../../faults/gitCells';
import { EventEmitter, Uri, fake, fake10, workspace } from '../fakes/vscodeFake';
import { waitUntil } from './harness';

describe('git fallback reader (hostile .git, N1/N16)', () => {
  describe('each hostile folder: nothing read outside, no unbounded or blocking read, exact outcome', () => {
    for (const c of hostileGitCases) {
      it(c.label, () => runHostileGitCase(c));
    }
  });

  describe('the same folders in a virtual workspace (workspace.fs, stat first)', () => {
    for (const c of hostileGitCases.filter((x) => !x.diskOnly)) {
      it(c.label, () => runHostileGitCase(c, 'vfs-test'));
    }
  });

  it('a read that hangs ends at its timeout, and at most two hung reads are left running', async () => {
    const saved = { fs: { ...workspace.fs }, timeout: GIT_READ_LIMITS.timeoutMs };
    const hung: (() => void)[] = [];
    let stats = 0;
    Object.assign(workspace.fs, {
      stat: () => {
        stats++;
        return new Promise((_, reject) => hung.push(() => reject(new Error('ENOENT'))));
      },
    });
    GIT_READ_LIMITS.timeoutMs = 50;
    try {
      const folder = folderOf('/nowhere', 'vfs-test');
      for (let i = 0; i < 4; i++) {
        assert.equal(await readHeadFromFiles(folder), undefined);
      }
      assert.equal(stats, 2, 'no new read while two hung ones still run');
      hung.forEach((release) => release());
      // the rejections settle in microtasks, all run before the next macrotask
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(await readHeadFromFiles(folder), undefined);
      assert.equal(stats, 3, 'reads start again once the hung ones ended');
    } finally {
      hung.forEach((release) => release());
      Object.assign(workspace.fs, saved.fs);
      GIT_READ_LIMITS.timeoutMs = saved.timeout;
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

    it('waits for an uninitialised git API (no repository yet) instead of reading .git', () => watcherWaitsForGit());

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

    it('moves from .git to the API when git.enabled turns on', async () => {
      const enablement = new EventEmitter<boolean>();
      const repo = {
        rootUri: Uri.file(tmp),
        state: { HEAD: { name: 'main', commit: HASH64 }, remotes: [], onDidChange: new EventEmitter<void>().event },
      };
      const none = () => ({ dispose: () => undefined });
      const exports = {
        enabled: false,
        onDidChangeEnablement: enablement.event,
        getAPI: () => ({ repositories: [repo], onDidOpenRepository: none, onDidCloseRepository: none, getRepository: () => repo }),
      };
      fake10.gitExports = exports;
      const w = new GitHeadWatcher(1);
      const commits: (string | undefined)[] = [];
      w.onDidChangeHead((h) => commits.push(h?.commit));
      try {
        await w.start();
        assert.deepEqual([...commits], [HASH40], 'the files while git is disabled');
        exports.enabled = true;
        enablement.fire(true);
        await waitUntil(() => commits.at(-1) === HASH64, 5_000, 'the HEAD git reports');
      } finally {
        w.dispose();
      }
    });
  });
});
