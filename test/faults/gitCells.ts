/**
 * Fault-matrix cells for hostile `.git` contents (review N1, N16): each builds a hostile folder in a fresh temp
 * dir, runs the real fallback readers (`readHeadFromFiles`, `readGitInfo`) within a time budget, asserts the exact
 * outcome, and removes the dir. The unit suite (`test/unit/ui/gitReader.test.ts`) runs the same cases.
 *
 * While a case runs, the fake `vscode.workspace.fs` reads the real disk as VS Code's disk provider does (stat
 * follows symlinks, `readFile` reads the whole file), so a reader that went back to it would be caught: a read of
 * more than 8 MB through it is recorded as unbounded, and a FIFO opened through it blocks past the budget.
 */
import '../unit/fakes/installVscodeFake';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { GitHead } from '../../src/core/commit/commitStatus';
import { GitHeadWatcher, readHeadFromFiles } from '../../src/platform/git/headWatcher';
import type { GitInfo } from '../../src/platform/git/gitFiles';
import { readGitInfo } from '../../src/platform/git/gitFiles';
import { EventEmitter, FileType, Uri, fake10, workspace } from '../unit/fakes/vscodeFake';
import type { LocalCell } from './localCells';

export const HASH40 = 'abc1234def5678abc1234def5678abc1234def56';
export const HASH64 = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const REMOTE = 'git@github.com:appcircle/appcircle-vscode.git';
/** Each case ends within this, or fails (the readers' own budget is 2 s per read; refusals take milliseconds). */
export const CASE_BUDGET_MS = 5_000;

// ---- the fake workspace.fs over the real disk, while a case runs ----------------------------------------

const OVERREAD_BYTES = 8 * 1024 * 1024;
const SYMBOLIC_LINK = 64;

/** Paths read through `workspace.fs.readFile` past 8 MB during the current case. */
export const overread: string[] = [];

export async function withDiskFs<T>(fn: () => Promise<T>): Promise<T> {
  const saved = { ...workspace.fs };
  Object.assign(workspace.fs, {
    async stat(uri: Uri) {
      const l = await fs.promises.lstat(uri.fsPath);
      const st = l.isSymbolicLink() ? await fs.promises.stat(uri.fsPath) : l;
      const type = st.isFile() ? FileType.File : st.isDirectory() ? FileType.Directory : FileType.Unknown;
      return { type: type | (l.isSymbolicLink() ? SYMBOLIC_LINK : 0), size: st.size, ctime: 0, mtime: 0 };
    },
    async readFile(uri: Uri) {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const c of fs.createReadStream(uri.fsPath, { highWaterMark: 64 * 1024 })) {
        const chunk = c as Buffer;
        total += chunk.length;
        if (total > OVERREAD_BYTES) {
          overread.push(uri.fsPath);
          throw new Error('unbounded read');
        }
        chunks.push(chunk);
      }
      return new Uint8Array(Buffer.concat(chunks));
    },
  });
  try {
    return await fn();
  } finally {
    Object.assign(workspace.fs, saved);
  }
}

// ---- the cases ------------------------------------------------------------------------------------------

/** What `readHeadFromFiles` must give (`undefined`: no HEAD at all), without `root`. */
type ExpectedHead = Omit<GitHead, 'root'> | undefined;

export interface HostileGitCase {
  label: string;
  /** Builds the folder under `tmp` (a fresh temp dir); returns the workspace folder's path. */
  build(tmp: string): string;
  head: ExpectedHead;
  info: GitInfo;
  /** Only through node fs (`file:`): a virtual workspace's reader refuses every symlink. */
  diskOnly?: true;
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** `<tmp>/ws` with a `.git` dir holding HEAD `ref: refs/heads/main` unless told otherwise. */
function repo(tmp: string, head = 'ref: refs/heads/main\n'): { ws: string; git: string } {
  const ws = path.join(tmp, 'ws');
  const git = path.join(ws, '.git');
  fs.mkdirSync(path.join(git, 'refs', 'heads'), { recursive: true });
  if (head) {
    write(path.join(git, 'HEAD'), head);
  }
  return { ws, git };
}

function mkfifo(p: string): void {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  execFileSync('mkfifo', [p]);
}

const none = { remotes: [], branches: [] };
const mainNoCommit = { remotes: [], branch: 'main', commit: undefined };

export const hostileGitCases: HostileGitCase[] = [
  {
    label: "HEAD ref with '..' to a file outside",
    build: (tmp) => {
      const { ws } = repo(tmp, 'ref: refs/heads/../../../secret\n');
      // what a traversal would read, shaped as a commit: /tmp/…/ws/.git/refs/heads/../../../secret = /tmp/…/ws/secret
      write(path.join(ws, 'secret'), `${HASH40}\n`);
      return ws;
    },
    head: { remotes: [], branch: undefined, commit: undefined },
    info: none,
  },
  {
    label: "HEAD ref with '..' to /etc/passwd",
    build: (tmp) => repo(tmp, `ref: refs/heads/${'../'.repeat(24)}etc/passwd\n`).ws,
    head: { remotes: [], branch: undefined, commit: undefined },
    info: none,
  },
  {
    label: 'HEAD → /dev/zero',
    build: (tmp) => {
      const { ws, git } = repo(tmp, '');
      fs.symlinkSync('/dev/zero', path.join(git, 'HEAD'));
      return ws;
    },
    head: undefined,
    info: none,
  },
  {
    label: 'refs/heads/main → /dev/zero',
    build: (tmp) => {
      const { ws, git } = repo(tmp);
      fs.symlinkSync('/dev/zero', path.join(git, 'refs', 'heads', 'main'));
      return ws;
    },
    head: mainNoCommit,
    info: { remotes: [], branches: ['main'] },
  },
  {
    label: 'config → /dev/zero',
    build: (tmp) => {
      const { ws, git } = repo(tmp);
      write(path.join(git, 'refs', 'heads', 'main'), `${HASH40}\n`);
      fs.symlinkSync('/dev/zero', path.join(git, 'config'));
      return ws;
    },
    head: { remotes: [], branch: 'main', commit: HASH40 },
    info: { remotes: [], branches: ['main'] },
  },
  {
    label: 'HEAD is a FIFO',
    build: (tmp) => {
      const { ws, git } = repo(tmp, '');
      mkfifo(path.join(git, 'HEAD'));
      return ws;
    },
    head: undefined,
    info: none,
  },
  {
    label: 'config and refs/heads/main are FIFOs',
    build: (tmp) => {
      const { ws, git } = repo(tmp);
      mkfifo(path.join(git, 'config'));
      mkfifo(path.join(git, 'refs', 'heads', 'main'));
      return ws;
    },
    head: mainNoCommit,
    info: { remotes: [], branches: ['main'] },
  },
  {
    label: 'refs/heads/main → symlink out of the git dir',
    build: (tmp) => {
      const { ws, git } = repo(tmp);
      write(path.join(tmp, 'outside'), `${HASH40}\n`);
      fs.symlinkSync(path.join(tmp, 'outside'), path.join(git, 'refs', 'heads', 'main'));
      return ws;
    },
    head: mainNoCommit,
    info: { remotes: [], branches: ['main'] },
  },
  {
    label: 'refs/heads/main → symlink inside the git dir (followed)',
    build: (tmp) => {
      const { ws, git } = repo(tmp);
      write(path.join(git, 'refs', 'heads', 'other'), `${HASH40}\n`);
      fs.symlinkSync('other', path.join(git, 'refs', 'heads', 'main'));
      return ws;
    },
    head: { remotes: [], branch: 'main', commit: HASH40 },
    info: { remotes: [], branches: ['main'] },
    diskOnly: true,
  },
  {
    label: 'HEAD of 5 KB',
    build: (tmp) => repo(tmp, `ref: refs/heads/main\n${' '.repeat(5 * 1024)}\n`).ws,
    head: undefined,
    info: none,
  },
  {
    label: 'packed-refs over 1 MB',
    build: (tmp) => {
      const { ws, git } = repo(tmp);
      const filler = `${HASH40} refs/tags/${'t'.repeat(60)}\n`.repeat(Math.ceil((1024 * 1024) / 100) + 1);
      write(path.join(git, 'packed-refs'), `# pack-refs with: peeled fully-peeled sorted\n${HASH40} refs/heads/main\n${filler}`);
      return ws;
    },
    head: mainNoCommit,
    info: { remotes: [], branches: ['main'] },
  },
  {
    label: 'refs/heads/main of 40 non-hex characters',
    build: (tmp) => {
      const { ws, git } = repo(tmp);
      write(path.join(git, 'refs', 'heads', 'main'), `${'g'.repeat(40)}\n`);
      return ws;
    },
    head: mainNoCommit,
    info: { remotes: [], branches: ['main'] },
  },
  {
    label: 'refs/heads/main of 39 hex',
    build: (tmp) => {
      const { ws, git } = repo(tmp);
      write(path.join(git, 'refs', 'heads', 'main'), `${HASH40.slice(1)}\n`);
      return ws;
    },
    head: mainNoCommit,
    info: { remotes: [], branches: ['main'] },
  },
  {
    label: 'detached HEAD of 64 hex (SHA-256 repository)',
    build: (tmp) => repo(tmp, `${HASH64}\n`).ws,
    head: { remotes: [], branch: undefined, commit: HASH64 },
    info: none,
  },
  {
    label: 'packed refs/heads/main of 64 hex, and a remote',
    build: (tmp) => {
      const { ws, git } = repo(tmp);
      write(path.join(git, 'packed-refs'), `# pack-refs with: peeled fully-peeled sorted\n${HASH64} refs/heads/main\n`);
      write(path.join(git, 'config'), `[core]\n\tbare = false\n[remote "origin"]\n\turl = ${REMOTE}\n`);
      return ws;
    },
    head: { remotes: [REMOTE], branch: 'main', commit: HASH64 },
    info: { remotes: [REMOTE], branches: ['main'] },
  },
  {
    label: '.git file: gitdir of a linked worktree (absolute, with commondir)',
    build: (tmp) => {
      const { git } = repo(tmp);
      write(path.join(git, 'refs', 'heads', 'feature'), `${HASH40}\n`);
      write(path.join(git, 'config'), `[remote "origin"]\n\turl = ${REMOTE}\n`);
      const wtGit = path.join(git, 'worktrees', 'wt');
      write(path.join(wtGit, 'HEAD'), 'ref: refs/heads/feature\n');
      write(path.join(wtGit, 'commondir'), '../..\n');
      const wt = path.join(tmp, 'wt');
      write(path.join(wt, '.git'), `gitdir: ${wtGit}\n`);
      return wt;
    },
    head: { remotes: [REMOTE], branch: 'feature', commit: HASH40 },
    info: { remotes: [REMOTE], branches: ['feature'] },
  },
  {
    label: '.git file: gitdir of a submodule (relative)',
    build: (tmp) => {
      const { ws, git } = repo(tmp);
      const mod = path.join(git, 'modules', 'sub');
      write(path.join(mod, 'HEAD'), `${HASH64}\n`);
      const sub = path.join(ws, 'sub');
      write(path.join(sub, '.git'), 'gitdir: ../.git/modules/sub\n');
      return sub;
    },
    head: { remotes: [], branch: undefined, commit: HASH64 },
    info: none,
  },
  {
    label: '.git file: gitdir whose HEAD → /dev/zero',
    build: (tmp) => {
      const elsewhere = path.join(tmp, 'elsewhere');
      fs.mkdirSync(elsewhere, { recursive: true });
      fs.symlinkSync('/dev/zero', path.join(elsewhere, 'HEAD'));
      fs.symlinkSync('/dev/zero', path.join(elsewhere, 'config'));
      const ws = path.join(tmp, 'ws');
      write(path.join(ws, '.git'), `gitdir: ${elsewhere}\n`);
      return ws;
    },
    head: undefined,
    info: none,
  },
  {
    label: '.git → /dev/zero',
    build: (tmp) => {
      const ws = path.join(tmp, 'ws');
      fs.mkdirSync(ws, { recursive: true });
      fs.symlinkSync('/dev/zero', path.join(ws, '.git'));
      return ws;
    },
    head: undefined,
    info: none,
  },
  {
    label: '.git is a FIFO',
    build: (tmp) => {
      const ws = path.join(tmp, 'ws');
      mkfifo(path.join(ws, '.git'));
      return ws;
    },
    head: undefined,
    info: none,
  },
];

// ---- running one case -----------------------------------------------------------------------------------

/** A workspace folder on disk (`file:`), or as a virtual workspace sees it (another scheme, the same files). */
export function folderOf(p: string, scheme = 'file'): vscode.WorkspaceFolder {
  const uri = scheme === 'file' ? Uri.file(p) : Uri.from({ scheme, path: p });
  return { uri, name: path.basename(p), index: 0 } as unknown as vscode.WorkspaceFolder;
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not end within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Every FIFO under `dir` opened for writing and closed: a reader parked on one (a regression) gets EOF. */
function releaseFifos(dir: string): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      releaseFifos(p);
    } else if (e.isFIFO()) {
      try {
        fs.closeSync(fs.openSync(p, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
      } catch {
        // ENXIO: nobody is reading it
      }
    }
  }
}

/**
 * Builds the case in a fresh temp dir, runs both readers within the budget, checks the outcome, cleans up.
 * `scheme` other than `file` runs the virtual-workspace reader (`workspace.fs`, stat first) on the same files.
 */
export async function runHostileGitCase(c: HostileGitCase, scheme = 'file'): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'appcircle-git-'));
  overread.length = 0;
  try {
    const folder = folderOf(c.build(tmp), scheme);
    const [head, info] = await withDiskFs(() =>
      within(Promise.all([readHeadFromFiles(folder), readGitInfo([folder])]), CASE_BUDGET_MS, `reading "${c.label}"`),
    );
    assert.deepEqual(overread, [], 'no unbounded read');
    assert.deepEqual(head, c.head && { root: folder.uri.toString(), ...c.head }, 'readHeadFromFiles');
    assert.deepEqual(info, c.info, 'readGitInfo');
  } finally {
    releaseFifos(tmp);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The watcher with vscode.git present but not initialised, no repository open, over a readable `.git` on disk:
 * it reports no HEAD (never the files' commit) until git initialises and opens the repository, then git's HEAD.
 */
export async function watcherWaitsForGit(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'appcircle-git-'));
  const saved = { folders: workspace.workspaceFolders, exports: fake10.gitExports };
  const w = new GitHeadWatcher(1);
  try {
    const git = repo(tmp).git;
    write(path.join(git, 'refs', 'heads', 'main'), `${HASH40}\n`);
    workspace.workspaceFolders = [{ uri: Uri.file(path.join(tmp, 'ws')), name: 'ws', index: 0 }];
    const none = () => ({ dispose: () => undefined });
    const stateChanged = new EventEmitter<'uninitialized' | 'initialized'>();
    const opened = new EventEmitter<unknown>();
    const gitRepo = {
      rootUri: Uri.file(path.join(tmp, 'ws')),
      state: { HEAD: { name: 'main', commit: HASH64 }, remotes: [], onDidChange: new EventEmitter<void>().event },
    };
    const api = {
      state: 'uninitialized' as 'uninitialized' | 'initialized',
      onDidChangeState: stateChanged.event,
      repositories: [] as (typeof gitRepo)[],
      onDidOpenRepository: opened.event,
      onDidCloseRepository: none,
      getRepository: () => api.repositories[0] ?? null,
    };
    fake10.gitExports = { enabled: true, getAPI: () => api };
    const commits: (string | undefined)[] = [];
    w.onDidChangeHead((h) => commits.push(h?.commit));
    await withDiskFs(() => within(w.start(), CASE_BUDGET_MS, 'the watcher start'));
    assert.deepEqual([...commits], [undefined], 'no HEAD from .git while git is starting');
    api.state = 'initialized';
    stateChanged.fire('initialized');
    api.repositories.push(gitRepo);
    opened.fire(gitRepo);
    await within(
      new Promise<void>((resolve) => {
        const d = w.onDidChangeHead((h) => h?.commit === HASH64 && (d.dispose(), resolve()));
      }),
      CASE_BUDGET_MS,
      'the HEAD git reports',
    );
    assert.ok(!commits.includes(HASH40), 'never the commit of the files');
  } finally {
    w.dispose();
    workspace.workspaceFolders = saved.folders;
    fake10.gitExports = saved.exports;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export function gitCells(): LocalCell[] {
  return [
    ...hostileGitCases.map((c) => ({ group: 'hostile .git', label: c.label, op: 'GIT', run: () => runHostileGitCase(c) })),
    ...hostileGitCases
      .filter((c) => !c.diskOnly)
      .map((c) => ({
        group: 'hostile .git',
        label: `${c.label} (virtual workspace)`,
        op: 'GIT',
        run: () => runHostileGitCase(c, 'vfs-test'),
      })),
    { group: 'hostile .git', label: 'git API not initialised: waits, reads no .git', op: 'GIT', run: watcherWaitsForGit },
  ];
}
