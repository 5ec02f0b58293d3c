import * as vscode from 'vscode';
import { NO_FOLDER_WORKSPACE_ID } from '../constants';

/** The id that names this workspace's secret: workspace file, else first folder, else the no-folder key. */
export function currentWorkspaceId(): { id: string; name: string } {
  const file = vscode.workspace.workspaceFile;
  if (file && file.scheme !== 'untitled') {
    return { id: file.toString(), name: vscode.workspace.name ?? file.path };
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder) {
    return { id: folder.uri.toString(), name: folder.name };
  }
  return { id: NO_FOLDER_WORKSPACE_ID, name: vscode.l10n.t('window without a folder') };
}
