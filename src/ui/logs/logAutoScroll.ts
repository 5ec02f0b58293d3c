/**
 * Editors of a growing log that showed its last line keep showing it: before an update the visible editors at the
 * end of the log are remembered, and once VS Code has applied the update (the document changed) each of them still
 * visible is scrolled to the new last line. Editors scrolled elsewhere keep their position.
 */
import * as vscode from 'vscode';
import { DisposableBase } from '../../core/events';

export class LogAutoScroll extends DisposableBase {
  /** Editors that showed the last line before an update: they follow the end once VS Code applied it. */
  private readonly revealAfterUpdate = new Map<string, vscode.TextEditor[]>();

  constructor() {
    super();
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.followTheEnd(e.document)));
  }

  /** Visible editors of this log whose last line is on screen before the update. */
  rememberEditorsAtEnd(key: string): void {
    const atEnd = vscode.window.visibleTextEditors.filter(
      (e) => e.document.uri.toString() === key && e.visibleRanges.some((r) => r.end.line >= e.document.lineCount - 2),
    );
    if (atEnd.length) {
      this.revealAfterUpdate.set(key, atEnd);
    } else {
      this.revealAfterUpdate.delete(key);
    }
  }

  /** The log is no longer followed: no editor waits for its next update. */
  forget(key: string): void {
    this.revealAfterUpdate.delete(key);
  }

  private followTheEnd(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const editors = this.revealAfterUpdate.get(key);
    if (!editors) {
      return;
    }
    this.revealAfterUpdate.delete(key);
    const last = Math.max(0, doc.lineCount - 1);
    for (const e of editors) {
      if (vscode.window.visibleTextEditors.includes(e)) {
        e.revealRange(new vscode.Range(last, 0, last, 0), vscode.TextEditorRevealType.Default);
      }
    }
  }
}
