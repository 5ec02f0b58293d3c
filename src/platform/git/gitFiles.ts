/**
 * Git remotes and the current branch of the open workspace folders, read from `.git/config` and `.git/HEAD`
 * (no git process, nothing executed: safe in restricted mode). Used to mark the matching build profile and to
 * preselect the branch in Start Build, and by `headWatcher.ts` when the vscode.git API is not there.
 *
 * `.git` is hostile input (a folder you only browse, an unpacked tar): every read here is bounded. Only regular
 * files are read (no FIFO, no device, no symlink whose real path leaves the git dir), each with a size cap
 * (`HEAD`, `commondir`, `.git` files and loose refs 4 KB; `config` and `packed-refs` 1 MB) read into a buffer of
 * that size, and a timeout. A branch name must follow git's ref rules before it becomes a path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export interface GitInfo {
  remotes: string[];
  branches: string[];
}

/** Size caps and the time budget of one read (exported for the tests and the fault matrix). */
export const GIT_READ_LIMITS = { smallFile: 4 * 1024, largeFile: 1024 * 1024, timeoutMs: 2_000 };

export async function readGitInfo(folders: readonly vscode.WorkspaceFolder[] = vscode.workspace.workspaceFolders ?? []): Promise<GitInfo> {
  const remotes = new Set<string>();
  const branches = new Set<string>();
  for (const f of folders) {
    const git = await openGitDir(f.uri);
    if (!git) {
      continue;
    }
    for (const url of parseRemoteUrls((await git.readCommon('config', GIT_READ_LIMITS.largeFile)) ?? '')) {
      remotes.add(url);
    }
    const branch = parseHeadBranch((await git.read('HEAD', GIT_READ_LIMITS.smallFile)) ?? '');
    if (branch) {
      branches.add(branch);
    }
  }
  return { remotes: [...remotes], branches: [...branches] };
}

/** A repository's git dir, and its common dir (a linked worktree's refs and config live there). */
export interface GitDir {
  /** A file of the git dir (`HEAD`), bounded; undefined when missing, refused or too large. */
  read(rel: string, cap: number): Promise<string | undefined>;
  /** A file of the common dir (`config`, `packed-refs`, `refs/heads/<x>`), bounded. */
  readCommon(rel: string, cap: number): Promise<string | undefined>;
}

/**
 * The git dir of a folder: `<folder>/.git` when it is a directory, else the `gitdir:` of a `.git` file (a worktree
 * or a submodule; it may point anywhere, and is read with the same bounds), with its `commondir` if it has one.
 */
export async function openGitDir(folder: vscode.Uri): Promise<GitDir | undefined> {
  return bounded(() => (folder.scheme === 'file' ? resolveOnDisk(folder.fsPath) : resolveVirtual(folder)));
}

function gitDirOf<R>(dir: R, common: R, readIn: (root: R, rel: string, cap: number) => Promise<string | undefined>): GitDir {
  return {
    read: (rel, cap) => bounded(() => readIn(dir, rel, cap)),
    readCommon: (rel, cap) => bounded(() => readIn(common, rel, cap)),
  };
}

/** Reads given up on (past their timeout) and still running: a hung file system holds a thread for each. */
let stuck = 0;
const MAX_STUCK = 2;

/**
 * `work()`, or undefined after the timeout (or when it fails). A read past its timeout cannot be cancelled; while
 * two are still running, no new one starts, so a hung file system never takes more than two threads.
 */
async function bounded<T>(work: () => Promise<T | undefined>): Promise<T | undefined> {
  if (stuck >= MAX_STUCK) {
    return undefined;
  }
  const p = work();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      stuck++;
      resolve(undefined);
    }, GIT_READ_LIMITS.timeoutMs);
  });
  void p
    .catch(() => undefined)
    .finally(() => {
      if (timedOut) {
        stuck--;
      }
    });
  try {
    return await Promise.race([p, timeout]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

// ---- on disk (the file scheme): node fs, realpath checks, reads into a fixed buffer -----------------------

const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOFOLLOW ?? 0);

function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** Only these names, or `refs/heads/<a valid branch>`, are ever joined to a git dir. */
function isSafeRel(rel: string): boolean {
  return (
    ['HEAD', 'config', 'packed-refs', 'commondir'].includes(rel) || (rel.startsWith('refs/heads/') && isValidBranchName(rel.slice(11)))
  );
}

async function resolveOnDisk(folderPath: string): Promise<GitDir | undefined> {
  const folder = await fs.promises.realpath(folderPath);
  const dotGit = path.join(folder, '.git');
  const st = await fs.promises.stat(dotGit);
  let dir: string;
  if (st.isDirectory()) {
    dir = await fs.promises.realpath(dotGit);
  } else {
    // a worktree or submodule: ".git" is a (regular, small) file with "gitdir: <path>"
    const text = await readInsideOnDisk(folder, '.git', GIT_READ_LIMITS.smallFile);
    const target = parseGitdirLine(text ?? '');
    if (!target) {
      return undefined;
    }
    dir = await realDirectory(path.resolve(folder, target));
  }
  // a linked worktree: refs, packed-refs and config are in the common dir
  const commondir = (await readInsideOnDisk(dir, 'commondir', GIT_READ_LIMITS.smallFile))?.trim();
  const common = commondir && !hasControlChars(commondir) ? await realDirectory(path.resolve(dir, commondir)).catch(() => dir) : dir;
  return gitDirOf(dir, common, readInsideOnDisk);
}

async function realDirectory(p: string): Promise<string> {
  const real = await fs.promises.realpath(p);
  if (!(await fs.promises.stat(real)).isDirectory()) {
    throw new Error('not a directory');
  }
  return real;
}

/** `root` is a real path. At most `cap` bytes of a regular file whose real path is inside `root`. */
async function readInsideOnDisk(root: string, rel: string, cap: number): Promise<string | undefined> {
  if (rel !== '.git' && !isSafeRel(rel)) {
    return undefined;
  }
  const joined = path.resolve(root, ...rel.split('/'));
  if (!isInside(root, joined)) {
    return undefined;
  }
  let real: string;
  try {
    real = await fs.promises.realpath(joined);
  } catch {
    return undefined;
  }
  if (!isInside(root, real)) {
    return undefined;
  }
  const st = await fs.promises.stat(real);
  if (!st.isFile() || st.size > cap) {
    return undefined;
  }
  // O_NONBLOCK: a FIFO swapped in since the stat does not park the thread; O_NOFOLLOW: nor does a new symlink
  const fh = await fs.promises.open(real, OPEN_FLAGS);
  try {
    const fst = await fh.stat();
    if (!fst.isFile() || fst.dev !== st.dev || fst.ino !== st.ino) {
      return undefined;
    }
    // one byte more than the cap: a file that grew since the stat is refused, and never read further
    const buf = Buffer.alloc(cap + 1);
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) {
        break;
      }
      n += bytesRead;
    }
    return n > cap ? undefined : new TextDecoder().decode(buf.subarray(0, n));
  } finally {
    await fh.close();
  }
}

// ---- a virtual workspace (another scheme): the file system provider, stat first ---------------------------

async function resolveVirtual(folder: vscode.Uri): Promise<GitDir | undefined> {
  const dotGit = vscode.Uri.joinPath(folder, '.git');
  const st = await vscode.workspace.fs.stat(dotGit);
  let dir: vscode.Uri;
  if (st.type === vscode.FileType.Directory) {
    dir = dotGit;
  } else {
    const target = parseGitdirLine((await readInsideVirtual(folder, '.git', GIT_READ_LIMITS.smallFile)) ?? '');
    if (!target) {
      return undefined;
    }
    dir = target.startsWith('/') ? folder.with({ path: target }) : vscode.Uri.joinPath(folder, target);
    if ((await vscode.workspace.fs.stat(dir)).type !== vscode.FileType.Directory) {
      return undefined;
    }
  }
  return gitDirOf(dir, await virtualCommonDir(dir), readInsideVirtual);
}

/** A linked worktree's common dir (`commondir`, relative to the git dir or absolute), else the git dir itself. */
async function virtualCommonDir(dir: vscode.Uri): Promise<vscode.Uri> {
  const commondir = (await readInsideVirtual(dir, 'commondir', GIT_READ_LIMITS.smallFile).catch(() => undefined))?.trim();
  if (!commondir || hasControlChars(commondir)) {
    return dir;
  }
  const common = commondir.startsWith('/') ? dir.with({ path: commondir }) : vscode.Uri.joinPath(dir, commondir);
  const st = await Promise.resolve(vscode.workspace.fs.stat(common)).catch(() => undefined);
  return st?.type === vscode.FileType.Directory ? common : dir;
}

async function readInsideVirtual(root: vscode.Uri, rel: string, cap: number): Promise<string | undefined> {
  if (rel !== '.git' && !isSafeRel(rel)) {
    return undefined;
  }
  const uri = vscode.Uri.joinPath(root, ...rel.split('/'));
  const st = await vscode.workspace.fs.stat(uri);
  // exactly a file: no symbolic link, no device or pipe (Unknown)
  if (st.type !== vscode.FileType.File || st.size > cap) {
    return undefined;
  }
  const bytes = await vscode.workspace.fs.readFile(uri);
  return bytes.byteLength > cap ? undefined : new TextDecoder().decode(bytes);
}

// ---- parsing (linear: no pattern here can backtrack) ------------------------------------------------------

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      return true;
    }
  }
  return false;
}

/** The path of a `.git` file's `gitdir: <path>` line. */
export function parseGitdirLine(text: string): string | undefined {
  const line = text.split('\n', 1)[0]?.trim() ?? '';
  if (!line.startsWith('gitdir:')) {
    return undefined;
  }
  const p = line.slice('gitdir:'.length).trim();
  return p && !hasControlChars(p) ? p : undefined;
}

/** A 40-hex (SHA-1) or 64-hex (SHA-256) object id. */
export function isCommitId(s: string): boolean {
  return (s.length === 40 || s.length === 64) && /^[0-9a-f]+$/i.test(s);
}

const REF_FORBIDDEN = new Set([' ', '~', '^', ':', '?', '*', '[', '\\']);

/** A branch name (what follows `refs/heads/`) by git's ref rules (`git check-ref-format`). */
export function isValidBranchName(name: string): boolean {
  if (!name || name.length > 1024 || name === '@' || name.endsWith('.') || name.includes('..') || name.includes('@{')) {
    return false;
  }
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || REF_FORBIDDEN.has(name[i] ?? '')) {
      return false;
    }
  }
  // no leading or trailing '/', no '//', no component starting with '.' or ending with '.lock'
  return name.split('/').every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'));
}

export function parseRemoteUrls(config: string): string[] {
  const urls: string[] = [];
  let inRemote = false;
  for (const raw of config.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inRemote = line.endsWith('"]') && /^\[remote\s+"[^"]+"\]$/.test(line);
      continue;
    }
    if (!inRemote || !line.startsWith('url')) {
      continue;
    }
    const rest = line.slice(3).trimStart();
    if (rest.startsWith('=')) {
      const url = rest.slice(1).trim();
      if (url) {
        urls.push(url);
      }
    }
  }
  return urls;
}

/** The branch of a `ref: refs/heads/<branch>` HEAD, only when the name is a valid ref name. */
export function parseHeadBranch(head: string): string | undefined {
  const line = head.trimStart().split('\n', 1)[0]?.trim() ?? '';
  if (!line.startsWith('ref:')) {
    return undefined;
  }
  const ref = line.slice(4).trim();
  if (!ref.startsWith('refs/heads/')) {
    return undefined;
  }
  const branch = ref.slice('refs/heads/'.length);
  return isValidBranchName(branch) ? branch : undefined;
}
