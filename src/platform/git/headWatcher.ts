/**
 * The workspace's git HEAD through the built-in `vscode.git` extension's API (no git process of ours): the
 * repository of the active editor's folder, else of the first workspace folder; its branch, commit, remotes,
 * and how far it is ahead of its upstream. Tells when HEAD changes and when a push moved the upstream to HEAD.
 * Without the git extension's API (Restricted Mode, `git.enabled: false`, git or the extension missing), `.git` is
 * read directly with bounded reads (`gitFiles.ts`), without change events; while the extension is there but has no
 * repository yet, it is waited for, never read around.
 */
import * as vscode from 'vscode';
import type { GitHead } from '../../core/commit/commitStatus';
import { DisposableBase, Emitter } from '../../core/events';
import type { Event } from '../../core/events';
import { GIT_READ_LIMITS, isCommitId, openGitDir, parseHeadBranch, parseRemoteUrls, readGitInfo } from './gitFiles';

// ---- the part of the vscode.git API used here (extensions/git/src/api/git.d.ts) -------------------------

interface GitUpstreamRef {
  remote: string;
  name: string;
  commit?: string;
}
interface GitBranch {
  name?: string;
  commit?: string;
  upstream?: GitUpstreamRef;
  ahead?: number;
  behind?: number;
}
interface GitRemote {
  name: string;
  fetchUrl?: string;
  pushUrl?: string;
}
interface GitRepositoryState {
  readonly HEAD: GitBranch | undefined;
  readonly remotes: GitRemote[];
  readonly onDidChange: vscode.Event<void>;
}
interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: GitRepositoryState;
}
interface GitApi {
  readonly state?: 'uninitialized' | 'initialized';
  readonly onDidChangeState?: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: GitRepository[];
  readonly onDidOpenRepository: vscode.Event<GitRepository>;
  readonly onDidCloseRepository: vscode.Event<GitRepository>;
  getRepository(uri: vscode.Uri): GitRepository | null;
}
interface GitExtension {
  readonly enabled?: boolean;
  readonly onDidChangeEnablement?: vscode.Event<boolean>;
  getAPI(version: 1): GitApi;
}

export function headOf(repo: GitRepository): GitHead {
  const h = repo.state.HEAD;
  const remotes = [...new Set(repo.state.remotes.flatMap((r) => [r.fetchUrl, r.pushUrl]).filter((u): u is string => !!u))];
  return {
    root: repo.rootUri.toString(),
    remotes,
    branch: h?.name,
    commit: h?.commit,
    ahead: h?.upstream ? h.ahead : undefined,
    upstreamCommit: h?.upstream?.commit,
  };
}

/**
 * A push, seen as a change of the same repository's HEAD: the commit stayed and what was ahead of the upstream is
 * not any more, or the upstream's commit moved to HEAD's.
 */
export function isPush(before: GitHead | undefined, after: GitHead): boolean {
  if (!before || before.root !== after.root || !after.commit || before.branch !== after.branch) {
    return false;
  }
  // only moves between values git reported: the first reports of a repository (upstream not read yet) are no push
  const aheadDropped = before.commit === after.commit && before.ahead !== undefined && before.ahead > 0 && after.ahead === 0;
  const upstreamMoved =
    before.upstreamCommit !== undefined &&
    after.upstreamCommit !== undefined &&
    after.upstreamCommit !== before.upstreamCommit &&
    after.upstreamCommit === after.commit;
  return aheadDropped || upstreamMoved;
}

export class GitHeadWatcher extends DisposableBase {
  private api: GitApi | undefined;
  private readonly repoSubs = new Map<string, vscode.Disposable>();
  private last: GitHead | undefined;
  private reportingPush: GitHead | undefined;
  private readonly _onDidChangeHead = this._register(new Emitter<GitHead | undefined>());
  /** HEAD of the chosen repository changed (or another repository was chosen), debounced. */
  readonly onDidChangeHead: Event<GitHead | undefined> = this._onDidChangeHead.event;
  private readonly _onDidPush = this._register(new Emitter<GitHead>());
  readonly onDidPush: Event<GitHead> = this._onDidPush.event;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reading: Promise<GitHead | undefined> | undefined;

  constructor(private readonly debounceMs = 300) {
    super();
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.schedule()));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule()));
    this._register({
      dispose: () => {
        if (this.timer) {
          clearTimeout(this.timer);
        }
        for (const d of this.repoSubs.values()) {
          d.dispose();
        }
        this.repoSubs.clear();
      },
    });
  }

  /**
   * Connects to the git extension (activating it) and reports the first HEAD. While the extension is there, only
   * its API is asked: not initialised yet, or no repository open yet, means no HEAD until it reports one
   * (`onDidChangeState`, `onDidOpenRepository`). `.git` is read only when the API is not there at all
   * (Restricted Mode, `git.enabled: false`, git missing, no extension).
   */
  async start(): Promise<void> {
    const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
    let exports: GitExtension | undefined;
    try {
      exports = ext ? (ext.isActive ? ext.exports : await ext.activate()) : undefined;
    } catch {
      exports = undefined;
    }
    const onEnablement = exports?.onDidChangeEnablement;
    if (exports && onEnablement) {
      const enabledExports = exports;
      // `git.enabled` turned on later: from then on the API, not the files
      this._register(
        onEnablement((enabled) => {
          if (enabled && !this.api) {
            this.connect(enabledExports);
            this.schedule();
          }
        }),
      );
    }
    this.connect(exports);
    await this.emit();
  }

  private connect(exports: GitExtension | undefined): void {
    try {
      this.api = exports && exports.enabled !== false ? exports.getAPI(1) : undefined;
    } catch {
      this.api = undefined;
    }
    const api = this.api;
    if (api) {
      this._register(api.onDidOpenRepository((r) => (this.subscribe(r), this.schedule())));
      this._register(api.onDidCloseRepository(() => this.schedule()));
      if (api.onDidChangeState) {
        this._register(api.onDidChangeState(() => this.schedule()));
      }
      api.repositories.forEach((r) => this.subscribe(r));
    }
  }

  private subscribe(repo: GitRepository): void {
    const key = repo.rootUri.toString();
    if (!this.repoSubs.has(key)) {
      this.repoSubs.set(
        key,
        repo.state.onDidChange(() => this.schedule()),
      );
    }
  }

  private schedule(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.emit();
    }, this.debounceMs);
  }

  /**
   * The repository of the active editor's document (two repositories in one folder, or in two roots, are told apart
   * by the file), else of its folder, else of the first workspace folder, else the first one open.
   */
  private chosen(): GitRepository | undefined {
    const api = this.api;
    if (!api) {
      return undefined;
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    const fromEditor =
      active && (api.getRepository(active) ?? api.getRepository(vscode.workspace.getWorkspaceFolder(active)?.uri ?? active));
    const first = vscode.workspace.workspaceFolders?.[0];
    return fromEditor ?? (first && api.getRepository(first.uri)) ?? api.repositories[0];
  }

  /**
   * The remotes of every repository open (the tree's "this workspace" marker): the git extension's, which knows a
   * linked worktree's and a SHA-256 repository's; `.git` read (bounded, common dir included) only without its API.
   */
  async remotes(): Promise<string[]> {
    const open = this.api?.repositories ?? [];
    // before the extension has opened a repository, the files say which (the marker is computed once per profile list)
    return open.length ? [...new Set(open.flatMap((r) => headOf(r).remotes))] : (await readGitInfo()).remotes;
  }

  /** What git last reported (kept: whoever starts listening later begins with it). */
  get head(): GitHead | undefined {
    return this.last;
  }

  /** The push being reported, while onDidPush fires (for a listener added by one of that event's listeners). */
  get pushing(): GitHead | undefined {
    return this.reportingPush;
  }

  async current(): Promise<GitHead | undefined> {
    if (this.api) {
      const repo = this.chosen();
      return repo ? headOf(repo) : undefined;
    }
    // no git API: read `.git`, one read at a time however often the editor changes
    this.reading ??= readHeadFromFiles().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async emit(): Promise<void> {
    const head = await this.current().catch(() => undefined);
    const before = this.last;
    this.last = head;
    if (head && isPush(before, head)) {
      this.reportingPush = head;
      this._onDidPush.fire(head);
      this.reportingPush = undefined;
    }
    this._onDidChangeHead.fire(head);
  }
}

/**
 * HEAD from `.git` files (no git extension): branch, commit (loose ref or packed-refs), remotes. Follows a `.git`
 * file's `gitdir:` (worktrees, submodules); every read is bounded (`gitFiles.ts`), and only 40- or 64-hex ids count.
 */
export async function readHeadFromFiles(
  folder: vscode.WorkspaceFolder | undefined = vscode.workspace.workspaceFolders?.[0],
): Promise<GitHead | undefined> {
  if (!folder) {
    return undefined;
  }
  const git = await openGitDir(folder.uri);
  const headText = (await git?.read('HEAD', GIT_READ_LIMITS.smallFile))?.trim();
  if (!git || !headText) {
    return undefined;
  }
  const branch = parseHeadBranch(headText);
  let commit = isCommitId(headText) ? headText.toLowerCase() : undefined;
  if (branch) {
    const loose = (await git.readCommon(`refs/heads/${branch}`, GIT_READ_LIMITS.smallFile))?.trim();
    commit =
      loose && isCommitId(loose)
        ? loose.toLowerCase()
        : packedRef((await git.readCommon('packed-refs', GIT_READ_LIMITS.largeFile)) ?? '', branch);
  }
  const remotes = parseRemoteUrls((await git.readCommon('config', GIT_READ_LIMITS.largeFile)) ?? '');
  return { root: folder.uri.toString(), remotes, branch, commit };
}

/** The id of `refs/heads/<branch>` in a packed-refs text (`<id> <ref>` lines; `#` headers, `^` peeled tags). */
export function packedRef(packed: string, branch: string): string | undefined {
  const ref = `refs/heads/${branch}`;
  for (const raw of packed.split('\n')) {
    const line = raw.trimEnd();
    const sp = line.indexOf(' ');
    if (sp > 0 && line.slice(sp + 1) === ref) {
      const id = line.slice(0, sp);
      return isCommitId(id) ? id.toLowerCase() : undefined;
    }
  }
  return undefined;
}
