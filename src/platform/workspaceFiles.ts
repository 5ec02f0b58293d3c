/**
 * The workspace's files for PathMapper (core): a relative path checked in each workspace folder, and files found
 * by name (one bounded findFiles per distinct name, or one per batch of up to 50 names; build output, dependencies
 * and VCS folders left out).
 */
import * as vscode from 'vscode';
import type { WorkspaceFiles } from '../core/logs/pathMapper';

const EXCLUDE = '**/{node_modules,.git,build,Pods,DerivedData,.gradle}/**';

/** Names per findFiles call in findByNames (security review N4). */
export const NAMES_PER_SEARCH = 50;
/** Results per name a search may return (as findByName's limit). */
const RESULTS_PER_NAME = 50;
const MAX_NAME_LENGTH = 255;

/** A file name as a glob that matches at least that name: every glob metacharacter becomes `?` (results are filtered). */
function nameGlob(name: string): string {
  return name.replace(/[*?{}[\],\\!]/g, '?');
}

/** A workspace that can also look up many file names in one search. */
export interface BatchWorkspaceFiles extends WorkspaceFiles {
  /** The workspace files named like each of `names` (at most NAMES_PER_SEARCH of them), by name; one search. */
  findByNames(names: readonly string[]): Promise<Map<string, string[]>>;
}

export class VsCodeWorkspaceFiles implements BatchWorkspaceFiles {
  constructor(private readonly folders: () => readonly vscode.WorkspaceFolder[] = () => vscode.workspace.workspaceFolders ?? []) {}

  async exists(relative: string): Promise<string | undefined> {
    const rel = relative.replace(/\\/g, '/').replace(/^\/+/, '');
    if (!rel || rel.split('/').includes('..')) {
      return undefined;
    }
    for (const f of this.folders()) {
      const uri = vscode.Uri.joinPath(f.uri, rel);
      try {
        const stat = await vscode.workspace.fs.stat(uri);
        if (stat.type & vscode.FileType.File) {
          return uri.toString();
        }
      } catch {
        // not in this folder
      }
    }
    return undefined;
  }

  async findByName(fileName: string): Promise<string[]> {
    if (!this.folders().length || /[*?{}[\]]/.test(fileName)) {
      return [];
    }
    const found = await vscode.workspace.findFiles(`**/${fileName}`, EXCLUDE, 50);
    return found.map((u) => u.toString());
  }

  async findByNames(names: readonly string[]): Promise<Map<string, string[]>> {
    const wanted = [...new Set(names)].filter((n) => n && n.length <= MAX_NAME_LENGTH && !n.includes('/')).slice(0, NAMES_PER_SEARCH);
    const out = new Map<string, string[]>(wanted.map((n) => [n, []]));
    if (!this.folders().length || !wanted.length) {
      return out;
    }
    const globs = [...new Set(wanted.map(nameGlob))];
    const pattern = globs.length === 1 ? `**/${globs[0]}` : `**/{${globs.join(',')}}`;
    const found = await vscode.workspace.findFiles(pattern, EXCLUDE, RESULTS_PER_NAME * wanted.length);
    for (const u of found) {
      const list = out.get(u.path.slice(u.path.lastIndexOf('/') + 1));
      if (list && list.length < RESULTS_PER_NAME) {
        list.push(u.toString());
      }
    }
    return out;
  }
}
