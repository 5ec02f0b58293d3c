/**
 * A failed build's compiler errors and warnings in the Problems panel, on the workspace's own files: the build
 * machine's path is mapped (PathMapper: up to `Repository/`, else the longest existing suffix); a message whose
 * file is not in the workspace stays on its line of the log. One build at a time: publishing another build's
 * problems replaces them (two builds never mix); they are cleared when that log's last tab closes, when a newer build
 * of the same branch succeeds, and on sign-out or an organization switch.
 */
import * as vscode from 'vscode';
import { BuildStatus } from '../core/buildModels';
import type { BuildService, FinishedBuild } from '../core/buildService';
import { DisposableBase } from '../core/events';
import type { LogSummary } from '../core/logParser';
import { PathMapper } from '../core/pathMapper';
import type { WorkspaceFiles } from '../core/pathMapper';
import type { SessionService } from '../core/sessionService';
import { isFailedLog, logBuildInfo } from './logModels';
import type { LogBuildInfo, LogModels } from './logModels';

interface Published {
  logKey: string;
  info: LogBuildInfo;
  /** Log version the diagnostics were made from. */
  version: number;
}

export class BuildDiagnostics extends DisposableBase {
  readonly collection: vscode.DiagnosticCollection;
  private published: Published | undefined;
  private mapper: PathMapper;
  /** Bumped on every publish or clear: a slower, older publish never overwrites a newer one. */
  private generation = 0;

  constructor(
    private readonly models: LogModels,
    builds: BuildService,
    session: SessionService,
    private readonly files: WorkspaceFiles,
  ) {
    super();
    this.collection = this._register(vscode.languages.createDiagnosticCollection('appcircle'));
    this.mapper = new PathMapper(files);
    this._register(models.onDidUpdate(({ document, summary }) => void this.consider(document, summary)));
    this._register(
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (this.published?.logKey === d.uri.toString()) {
          this.clear();
        }
      }),
    );
    // an editor closing does not close its document (VS Code keeps it a while): the log's last tab closing does
    this._register(
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        const key = this.published?.logKey;
        if (
          key &&
          e.closed.some((t) => tabUri(t) === key) &&
          !vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => tabUri(t) === key))
        ) {
          this.clear();
        }
      }),
    );
    this._register(builds.onDidFinishBuilds((list) => this.onFinished(list)));
    this._register(session.onDidChangeSession(() => this.clear()));
    // files created or renamed since: map again next time
    this._register(vscode.workspace.onDidCreateFiles(() => (this.mapper = new PathMapper(this.files))));
    this._register(vscode.workspace.onDidRenameFiles(() => (this.mapper = new PathMapper(this.files))));
  }

  /** The build whose problems are shown, if any. */
  get current(): LogBuildInfo | undefined {
    return this.published?.info;
  }

  clear(): void {
    this.generation++;
    this.published = undefined;
    this.collection.clear();
  }

  /** A log was parsed: a failed build's log publishes its problems (replacing another build's). */
  private async consider(doc: vscode.TextDocument, summary: LogSummary): Promise<void> {
    const info = logBuildInfo(doc.uri);
    if (!isFailedLog(info, summary) || !summary.problems.some((p) => p.file)) {
      return;
    }
    await this.publish(doc, summary, info);
  }

  /** Parses the log if needed and publishes its problems; resolves with the number of diagnostics. */
  async show(doc: vscode.TextDocument): Promise<number> {
    const summary = await this.models.summary(doc);
    return this.publish(doc, summary, logBuildInfo(doc.uri));
  }

  private async publish(doc: vscode.TextDocument, summary: LogSummary, info: LogBuildInfo): Promise<number> {
    const key = doc.uri.toString();
    if (this.published?.logKey === key && this.published.version === doc.version) {
      return this.count();
    }
    const generation = ++this.generation;
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const add = (uri: string, d: vscode.Diagnostic) => {
      const list = byFile.get(uri) ?? [];
      list.push(d);
      byFile.set(uri, list);
    };
    const mapper = this.mapper;
    const withFile = summary.problems.filter((p) => p.file);
    const targets = await Promise.all(withFile.map((p) => mapper.map(p.file ?? '')));
    if (generation !== this.generation) {
      return this.count(); // a newer publish or a clear came first
    }
    withFile.forEach((p, i) => {
      const severity = p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
      const logLine = Math.min(p.logLine, doc.lineCount - 1);
      const logLocation = new vscode.Location(doc.uri, new vscode.Range(logLine, 0, logLine, doc.lineAt(logLine).text.length));
      const target = targets[i];
      let d: vscode.Diagnostic;
      if (target) {
        const line = Math.max(0, (p.line ?? 1) - 1);
        const col = Math.max(0, (p.column ?? 1) - 1);
        d = new vscode.Diagnostic(new vscode.Range(line, col, line, col + 1), p.message, severity);
        d.relatedInformation = [
          new vscode.DiagnosticRelatedInformation(logLocation, vscode.l10n.t('Appcircle build log, line {0}', logLine + 1)),
        ];
        add(target, d);
      } else {
        d = new vscode.Diagnostic(
          logLocation.range,
          vscode.l10n.t('{0} ({1}:{2}, not in this workspace)', p.message, p.file ?? '', p.line ?? ''),
          severity,
        );
        add(key, d);
      }
      d.source = vscode.l10n.t('Appcircle build');
    });
    this.collection.clear();
    for (const [uri, list] of byFile) {
      this.collection.set(uri === key ? doc.uri : vscode.Uri.parse(uri), list);
    }
    this.published = { logKey: key, info, version: doc.version };
    return withFile.length;
  }

  private count(): number {
    let n = 0;
    this.collection.forEach((_u, list) => (n += list.length));
    return n;
  }

  /** A newer build of the same branch succeeded: the shown errors are fixed. */
  private onFinished(list: FinishedBuild[]): void {
    const cur = this.published?.info;
    if (!cur) {
      return;
    }
    const sameBranch = (b: FinishedBuild) =>
      b.status === BuildStatus.Success &&
      b.buildId !== cur.buildId &&
      ((cur.branchId !== undefined && b.branchId === cur.branchId) ||
        (cur.profileId !== undefined && b.profileId === cur.profileId && b.branchName !== undefined && b.branchName === cur.branchName));
    if (list.some(sameBranch)) {
      this.clear();
    }
  }
}

function tabUri(t: vscode.Tab): string | undefined {
  return t.input instanceof vscode.TabInputText ? t.input.uri.toString() : undefined;
}
