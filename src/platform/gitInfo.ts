/**
 * Git remotes and the current branch of the open workspace folders, read from `.git/config` and `.git/HEAD`
 * (no git process, nothing executed: safe in restricted mode). Used to mark the matching build profile and to
 * preselect the branch in Start Build.
 */
import * as vscode from 'vscode';

export interface GitInfo {
  remotes: string[];
  branches: string[];
}

export async function readGitInfo(folders: readonly vscode.WorkspaceFolder[] = vscode.workspace.workspaceFolders ?? []): Promise<GitInfo> {
  const remotes = new Set<string>();
  const branches = new Set<string>();
  for (const f of folders) {
    const gitDir = await resolveGitDir(f.uri);
    if (!gitDir) {
      continue;
    }
    const config = await readText(vscode.Uri.joinPath(gitDir, 'config'));
    for (const url of parseRemoteUrls(config ?? '')) {
      remotes.add(url);
    }
    const head = await readText(vscode.Uri.joinPath(gitDir, 'HEAD'));
    const branch = parseHeadBranch(head ?? '');
    if (branch) {
      branches.add(branch);
    }
  }
  return { remotes: [...remotes], branches: [...branches] };
}

async function resolveGitDir(folder: vscode.Uri): Promise<vscode.Uri | undefined> {
  const dotGit = vscode.Uri.joinPath(folder, '.git');
  try {
    const stat = await vscode.workspace.fs.stat(dotGit);
    if (stat.type & vscode.FileType.Directory) {
      return dotGit;
    }
    // a worktree or submodule: ".git" is a file with "gitdir: <path>"
    const text = await readText(dotGit);
    const m = /^gitdir:\s*(.+)$/m.exec(text ?? '');
    if (m?.[1]) {
      const p = m[1].trim();
      return p.startsWith('/') ? folder.with({ path: p }) : vscode.Uri.joinPath(folder, p);
    }
  } catch {
    // no repository here
  }
  return undefined;
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

export function parseRemoteUrls(config: string): string[] {
  const urls: string[] = [];
  let inRemote = false;
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inRemote = /^\[remote\s+"[^"]+"\]$/.test(line);
      continue;
    }
    const m = /^url\s*=\s*(.+)$/.exec(line);
    if (inRemote && m?.[1]) {
      urls.push(m[1].trim());
    }
  }
  return urls;
}

export function parseHeadBranch(head: string): string | undefined {
  const m = /^ref:\s*refs\/heads\/(.+)$/m.exec(head.trim());
  return m?.[1]?.trim();
}
