/**
 * A failed build's compiler errors and warnings in the Problems panel, on the workspace's own files: the build
 * machine's path is mapped (PathMapper: up to `Repository/`, else the longest existing suffix); a message whose
 * file is not in the workspace stays on its line of the log. One build at a time: publishing another build's
 * problems replaces them (two builds never mix); they are cleared when that log's last tab closes, when a newer build
 * of the same branch succeeds, and on sign-out or an organization switch.
 */
import * as vscode from 'vscode';
import { BuildStatus } from '../../core/builds/buildModels';
import type { BuildService, FinishedBuild } from '../../core/builds/buildService';
import { DisposableBase } from '../../core/events';
import type { LogSummary } from '../../core/logs/logParser';
import { bestSuffixMatch, repositoryRelative } from '../../core/logs/pathMapper';
import { NAMES_PER_SEARCH } from '../../platform/workspaceFiles';
import type { BatchWorkspaceFiles } from '../../platform/workspaceFiles';
import type { SessionService } from '../../core/session/sessionService';
import { isFailedLog } from './logModels';
import type { LogModels } from './logModels';
import { logBuildInfo } from './logUri';
import type { LogBuildInfo } from './logUri';

/** Diagnostics one build log publishes at most; one more entry says how many were left out (N4). */
export const MAX_DIAGNOSTICS = 500;
/** File lookups (a stat or a search) in flight at once. */
export const MAX_IN_FLIGHT = 8;
/** Paths whose workspace file is remembered, at most. */
const MAX_REMEMBERED = 5000;
/** Build output and dependencies: never in the repository, never looked up. */
const SKIPPED_FOLDERS = new Set(['Pods', 'DerivedData', 'build', 'node_modules', '.gradle', '.git']);

function isUnderSkippedFolder(buildPath: string): boolean {
  const parts = buildPath.replace(/\\/g, '/').split('/');
  // the last part is the file itself
  return parts.slice(0, -1).some((s) => SKIPPED_FOLDERS.has(s));
}

/** Runs `fn` on every item, at most `limit` at once. */
async function runPooled<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

interface Published {
  logKey: string;
  info: LogBuildInfo;
  /** Log version the diagnostics were made from. */
  version: number;
}

export class BuildDiagnostics extends DisposableBase {
  readonly collection: vscode.DiagnosticCollection;
  private published: Published | undefined;
  /** Build-machine path → workspace file (or none), until the workspace's files change. */
  private resolved = new Map<string, string | undefined>();
  /** Bumped on every publish or clear: a slower, older publish never overwrites a newer one. */
  private generation = 0;

  constructor(
    private readonly models: LogModels,
    builds: BuildService,
    session: SessionService,
    private readonly files: BatchWorkspaceFiles,
  ) {
    super();
    this.collection = this._register(vscode.languages.createDiagnosticCollection('appcircle'));
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
    this._register(vscode.workspace.onDidCreateFiles(() => (this.resolved = new Map())));
    this._register(vscode.workspace.onDidRenameFiles(() => (this.resolved = new Map())));
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
    // at most MAX_DIAGNOSTICS, errors first (a log of 20 000 warnings must not flood the Problems panel, N4)
    const all = summary.problems.filter((p) => p.file);
    const withFile = [...all.filter((p) => p.severity === 'error'), ...all.filter((p) => p.severity !== 'error')].slice(0, MAX_DIAGNOSTICS);
    const targets = await this.resolvePaths([...new Set(withFile.map((p) => p.file ?? ''))]);
    if (generation !== this.generation) {
      return this.count(); // a newer publish or a clear came first
    }
    const logRange = (line: number) => {
      const l = Math.max(0, Math.min(line, doc.lineCount - 1));
      return new vscode.Range(l, 0, l, doc.lineAt(l).text.length);
    };
    for (const p of withFile) {
      const severity = p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
      const logLocation = new vscode.Location(doc.uri, logRange(p.logLine));
      const target = targets.get(p.file ?? '');
      let d: vscode.Diagnostic;
      if (target) {
        const line = Math.max(0, (p.line ?? 1) - 1);
        const col = Math.max(0, (p.column ?? 1) - 1);
        d = new vscode.Diagnostic(new vscode.Range(line, col, line, col + 1), p.message, severity);
        d.relatedInformation = [
          new vscode.DiagnosticRelatedInformation(
            logLocation,
            vscode.l10n.t('Appcircle build log, line {0}', logLocation.range.start.line + 1),
          ),
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
    }
    if (all.length > withFile.length) {
      // said where the list is: one more entry, on the log's first line
      const more = new vscode.Diagnostic(
        logRange(0),
        vscode.l10n.t(
          '{0} more problems of this build are not listed here (the Problems panel shows the first {1}). The build log has them all.',
          all.length - withFile.length,
          MAX_DIAGNOSTICS,
        ),
        vscode.DiagnosticSeverity.Information,
      );
      more.source = vscode.l10n.t('Appcircle build');
      add(key, more);
    }
    this.collection.clear();
    for (const [uri, list] of byFile) {
      this.collection.set(uri === key ? doc.uri : vscode.Uri.parse(uri), list);
    }
    this.published = { logKey: key, info, version: doc.version };
    return withFile.length;
  }

  /**
   * The workspace file of each build-machine path, or nothing. Bounded (N4): at most MAX_IN_FLIGHT stats or searches
   * at once, file names searched NAMES_PER_SEARCH per findFiles call, and no lookup at all for a path under build
   * output or dependencies (Pods/, DerivedData/, build/, node_modules/): those stay on their line of the log.
   * Answers are remembered until the workspace's files change. The agent's build errors tool maps paths with it too.
   */
  async resolvePaths(paths: readonly string[]): Promise<Map<string, string | undefined>> {
    const cache = this.resolved;
    const out = new Map<string, string | undefined>();
    const todo = paths.filter((p) => {
      if (cache.has(p)) {
        out.set(p, cache.get(p));
        return false;
      }
      if (isUnderSkippedFolder(p)) {
        out.set(p, undefined);
        return false;
      }
      return true;
    });
    // 1. the path below the build machine's repository (or a relative path as it is), checked in place
    const missed: string[] = [];
    await runPooled(todo, MAX_IN_FLIGHT, async (p) => {
      const rel = repositoryRelative(p) ?? (!p.startsWith('/') && !/^[A-Za-z]:/.test(p) ? p : undefined);
      const hit = rel ? await this.files.exists(rel).catch(() => undefined) : undefined;
      if (hit) {
        out.set(p, hit);
      } else {
        missed.push(p);
      }
    });
    // 2. the others by file name, many names per search; the longest shared path suffix wins (a tie maps to nothing)
    const nameOf = (p: string) => p.replace(/\\/g, '/').split('/').filter(Boolean).pop() ?? '';
    const names = [...new Set(missed.map(nameOf).filter(Boolean))];
    const batches: string[][] = [];
    for (let i = 0; i < names.length; i += NAMES_PER_SEARCH) {
      batches.push(names.slice(i, i + NAMES_PER_SEARCH));
    }
    const candidates = new Map<string, string[]>();
    await runPooled(batches, MAX_IN_FLIGHT, async (batch) => {
      const found = await this.files.findByNames(batch).catch(() => new Map<string, string[]>());
      for (const [name, list] of found) {
        candidates.set(name, list);
      }
    });
    for (const p of missed) {
      out.set(p, bestSuffixMatch(p, candidates.get(nameOf(p)) ?? []));
    }
    if (cache.size + out.size > MAX_REMEMBERED) {
      cache.clear();
    }
    for (const [p, t] of out) {
      cache.set(p, t);
    }
    return out;
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
