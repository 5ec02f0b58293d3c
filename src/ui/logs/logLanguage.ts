/**
 * The `appcircle-log` language's features over LogModels: folding per step, the Outline (and breadcrumbs) of
 * steps with their result and duration, a CodeLens at the top of a failed build's log, and Go to First Error.
 * The grammar (syntaxes/appcircle-log.tmLanguage.json) colours timestamps, step markers, errors and warnings.
 */
import * as vscode from 'vscode';
import { CommandIds, LOG_LANGUAGE } from '../../constants';
import { BuildStatus, isFailure } from '../../core/builds/buildModels';
import { DisposableBase } from '../../core/events';
import type { LogSummary } from '../../core/logs/logParser';
import type { LogStep } from '../../core/logs/logSections';
import { isFailedLog, isLogDocument } from './logModels';
import type { LogModels } from './logModels';
import { logBuildInfo } from './logUri';
import { formatDuration } from '../presentation';

const SELECTOR: vscode.DocumentSelector = [{ language: LOG_LANGUAGE }];

/** The result shown for a step: an open step of a build that ended failed is where it failed. */
export function stepResultLabel(step: LogStep, buildEnded: 'failed' | 'other' | 'unknown'): string {
  const result = step.result === 'running' && buildEnded !== 'unknown' ? (buildEnded === 'failed' ? 'failed' : 'unfinished') : step.result;
  switch (result) {
    case 'succeeded':
      return step.warningCount ? vscode.l10n.t('succeeded with {0} warnings', step.warningCount) : vscode.l10n.t('succeeded');
    case 'failed':
      return step.errorCount ? vscode.l10n.t('failed with {0} errors', step.errorCount) : vscode.l10n.t('failed');
    case 'unfinished':
      return vscode.l10n.t('did not finish');
    default:
      return vscode.l10n.t('running');
  }
}

function buildEnded(doc: vscode.TextDocument, summary: LogSummary): 'failed' | 'other' | 'unknown' {
  const info = logBuildInfo(doc.uri);
  if (isFailure(info.status)) {
    return 'failed';
  }
  if (info.status === BuildStatus.Success || info.status === BuildStatus.Canceled) {
    return 'other';
  }
  return summary.errorCount > 0 ? 'failed' : 'unknown';
}

export function stepRangeEnd(step: LogStep, next: LogStep | undefined, lastLine: number): number {
  return step.endLine ?? (next ? next.startLine - 1 : lastLine);
}

export class LogLanguageFeatures
  extends DisposableBase
  implements vscode.FoldingRangeProvider, vscode.DocumentSymbolProvider, vscode.CodeLensProvider
{
  private readonly _onDidChangeCodeLenses = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this._onDidChangeCodeLenses.event;

  constructor(private readonly models: LogModels) {
    super();
    this._register(vscode.languages.registerFoldingRangeProvider(SELECTOR, this));
    this._register(vscode.languages.registerDocumentSymbolProvider(SELECTOR, this, { label: vscode.l10n.t('Appcircle build steps') }));
    this._register(vscode.languages.registerCodeLensProvider(SELECTOR, this));
    // only when what a lens says changes: a refresh re-issues the lenses' commands, and a click on one being
    // replaced is lost ("command not found")
    const shown = new Map<string, string>();
    this._register(
      models.onDidUpdate(({ document, summary }) => {
        const key = document.uri.toString();
        const look = `${summary.firstErrorLine}|${summary.errorCount}|${summary.warningCount}|${summary.problems.filter((p) => p.file).length}`;
        if (shown.get(key) !== look) {
          shown.set(key, look);
          this._onDidChangeCodeLenses.fire();
        }
      }),
    );
    this._register(vscode.workspace.onDidCloseTextDocument((d) => shown.delete(d.uri.toString())));
  }

  async provideFoldingRanges(doc: vscode.TextDocument): Promise<vscode.FoldingRange[]> {
    const s = await this.models.summary(doc);
    const last = doc.lineCount - 1;
    return s.steps
      .map((st, i) => new vscode.FoldingRange(st.startLine, stepRangeEnd(st, s.steps[i + 1], last), vscode.FoldingRangeKind.Region))
      .filter((r) => r.end > r.start);
  }

  async provideDocumentSymbols(doc: vscode.TextDocument): Promise<vscode.DocumentSymbol[]> {
    const s = await this.models.summary(doc);
    const last = doc.lineCount - 1;
    const ended = buildEnded(doc, s);
    return s.steps.map((st, i) => {
      const end = Math.max(st.startLine, stepRangeEnd(st, s.steps[i + 1], last));
      const range = new vscode.Range(st.startLine, 0, end, doc.lineAt(end).text.length);
      const detail = [stepResultLabel(st, i === s.steps.length - 1 ? ended : 'unknown'), formatDuration(st.durationSec)]
        .filter(Boolean)
        .join(' · ');
      // keyed by index: step names repeat (two Xcodebuild steps), so the index is part of the name
      const failed = st.result === 'failed' || (st.result === 'running' && i === s.steps.length - 1 && ended === 'failed');
      const sym = new vscode.DocumentSymbol(
        `${st.index + 1}. ${st.name}`,
        detail,
        failed ? vscode.SymbolKind.Event : vscode.SymbolKind.Function,
        range,
        new vscode.Range(st.startLine, 0, st.startLine, 0),
      );
      return sym;
    });
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const s = await this.models.summary(doc);
    const info = logBuildInfo(doc.uri);
    if (!isFailedLog(info, s) || s.firstErrorLine === undefined) {
      return [];
    }
    const top = new vscode.Range(0, 0, 0, 0);
    // no arguments: both commands act on the active editor (the lens's own), and a lens command with arguments is
    // cached by VS Code per lens list, so a click on a lens re-rendered meanwhile finds no command
    const lenses = [
      new vscode.CodeLens(top, {
        title: vscode.l10n.t('$(error) Go to First Error'),
        command: CommandIds.goToFirstError,
        tooltip: vscode.l10n.t('Line {0}', s.firstErrorLine + 1),
      }),
    ];
    const withFile = s.problems.filter((p) => p.file);
    if (withFile.length) {
      const errors = withFile.filter((p) => p.severity === 'error').length;
      lenses.push(
        new vscode.CodeLens(top, {
          title: vscode.l10n.t('$(warning) {0} compiler errors, {1} warnings: Show Problems', errors, withFile.length - errors),
          command: CommandIds.showBuildProblems,
        }),
      );
    }
    return lenses;
  }

  /** Go to First Error: the active log (or the given one), its first error line selected and revealed. */
  async goToFirstError(arg?: unknown): Promise<void> {
    const uri = arg instanceof vscode.Uri ? arg : undefined;
    let editor = vscode.window.activeTextEditor;
    if (uri && editor?.document.uri.toString() !== uri.toString()) {
      const doc = await vscode.workspace.openTextDocument(uri);
      editor = await vscode.window.showTextDocument(doc, { preview: false });
    }
    if (!editor || !isLogDocument(editor.document)) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Open an Appcircle build log first (Show Build Log on a build), then run Go to First Error.'),
      );
      return;
    }
    const s = await this.models.summary(editor.document);
    if (s.firstErrorLine === undefined) {
      void vscode.window.showInformationMessage(vscode.l10n.t('This build log has no errors.'));
      return;
    }
    const line = editor.document.lineAt(s.firstErrorLine);
    editor.selection = new vscode.Selection(line.range.start, line.range.end);
    editor.revealRange(line.range, vscode.TextEditorRevealType.InCenter);
  }
}
