/**
 * The workspace's files for PathMapper (core): a relative path checked in each workspace folder, and files found
 * by name (one bounded findFiles per distinct name; build output, dependencies and VCS folders left out).
 */
import * as vscode from 'vscode';
import type { WorkspaceFiles } from '../core/pathMapper';

const EXCLUDE = '**/{node_modules,.git,build,Pods,DerivedData,.gradle}/**';

export class VsCodeWorkspaceFiles implements WorkspaceFiles {
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
}
