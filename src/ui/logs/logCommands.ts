/** Show Build Problems: a failed build's compiler errors and warnings in the Problems panel (from its log). */
import * as vscode from 'vscode';
import type { BuildDiagnostics } from './buildDiagnostics';
import { LOG_LANGUAGE } from '../../constants';

export class LogCommands {
  constructor(
    private readonly diagnostics: BuildDiagnostics,
    /** The log document's URI of a build node or a finished build (BuildCommands.logUriFor). */
    private readonly logUriFor: (node: unknown) => vscode.Uri | undefined,
  ) {}

  /**
   * From a log's CodeLens (its URI), a build, or a failure notification: opens the log beside (without taking
   * the focus), publishes its problems and shows the Problems panel.
   */
  async showProblems(arg?: unknown): Promise<number> {
    const uri = arg instanceof vscode.Uri ? arg : arg === undefined ? vscode.window.activeTextEditor?.document.uri : this.logUriFor(arg);
    if (!uri) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Open the log of a failed Appcircle build first (Show Build Log on a build), then run Show Build Problems.'),
      );
      return 0;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== LOG_LANGUAGE) {
      await vscode.languages.setTextDocumentLanguage(doc, LOG_LANGUAGE);
    }
    // the Problems panel links to the log; it stays open so the diagnostics stay (closing it clears them)
    if (!vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === uri.toString())) {
      await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true });
    }
    const count = await this.diagnostics.show(doc);
    if (count === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('This build log has no compiler errors or warnings with a file and line.'));
      return 0;
    }
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    return count;
  }
}
