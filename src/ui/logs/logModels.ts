/**
 * The parsed structure of each open Appcircle log document (steps, errors, warnings), kept up to date as a
 * followed log grows: every document has one incremental LogParser that reads only the lines past what it has
 * seen, in slices that yield to the event loop (a 50 MB log never blocks the extension host for long). Folding,
 * Outline, CodeLens, Go to First Error and the Problems panel all read from here.
 */
import * as vscode from 'vscode';
import { isFailure } from '../../core/builds/buildModels';
import { DisposableBase } from '../../core/events';
import { LogParser, parseIncrementally } from '../../core/logs/logParser';
import type { LineSource, LogSummary } from '../../core/logs/logParser';
import { LOG_LANGUAGE, LOG_SCHEME } from '../../constants';
import type { LogBuildInfo } from './logUri';

/** A failed (or timed-out) build's log: its status says so, or, without a status (a followed log), it has errors. */
export function isFailedLog(info: LogBuildInfo, summary: LogSummary): boolean {
  if (info.status !== undefined) {
    return isFailure(info.status);
  }
  return summary.errorCount > 0;
}

export function isLogDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === LOG_SCHEME || doc.languageId === LOG_LANGUAGE;
}

interface Entry {
  parser: LogParser;
  version: number;
  /** The text of the line before the last one parsed: if it changed, the log was replaced, not appended to. */
  anchor?: { line: number; text: string };
  running?: Promise<LogSummary>;
  generation: number;
}

export interface ParseStats {
  /** Longest time spent parsing without yielding, over all parses (ms). */
  longestSliceMs: number;
  parses: number;
}

export class LogModels extends DisposableBase {
  private readonly entries = new Map<string, Entry>();
  private readonly _onDidUpdate = this._register(new vscode.EventEmitter<{ document: vscode.TextDocument; summary: LogSummary }>());
  /** A log's structure was (re)computed after it changed. */
  readonly onDidUpdate = this._onDidUpdate.event;
  readonly stats: ParseStats = { longestSliceMs: 0, parses: 0 };

  constructor(private readonly sliceMs = 8) {
    super();
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.entries.delete(d.uri.toString())));
    // a log opened or grown is parsed at once (its Problems do not wait for the Outline to be asked)
    const parse = (d: vscode.TextDocument) => {
      if (d.languageId === LOG_LANGUAGE) {
        void this.summary(d);
      }
    };
    this._register(vscode.workspace.onDidOpenTextDocument(parse));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => parse(e.document)));
  }

  /** The document's structure, parsed up to its current version (only what is new since the last call). */
  summary(doc: vscode.TextDocument): Promise<LogSummary> {
    const key = doc.uri.toString();
    let e = this.entries.get(key);
    if (!e) {
      e = { parser: new LogParser(), version: -1, generation: 0 };
      this.entries.set(key, e);
    }
    const entry = e;
    if (entry.version === doc.version && !entry.running) {
      return Promise.resolve(entry.parser.summary());
    }
    if (entry.running && entry.version === doc.version) {
      return entry.running;
    }
    const previous = entry.running ?? Promise.resolve(entry.parser.summary());
    const run = previous
      .catch(() => undefined)
      .then(() => this.update(doc, entry))
      .finally(() => {
        if (entry.running === run) {
          entry.running = undefined;
        }
      });
    entry.version = doc.version;
    entry.running = run;
    return run;
  }

  private async update(doc: vscode.TextDocument, e: Entry): Promise<LogSummary> {
    const generation = ++e.generation;
    if (e.anchor && (e.anchor.line >= doc.lineCount || doc.lineAt(e.anchor.line).text !== e.anchor.text)) {
      e.parser = new LogParser(); // replaced (or shorter): read it again
    }
    // the last line may have been cut when it was read (the log grows in chunks): read it again
    e.parser.rollbackTo(Math.max(0, e.parser.lineCount - 1));
    const source: LineSource = {
      lineCount: doc.lineCount,
      lines: (from, to) => {
        const out: string[] = [];
        for (let i = from; i < to; i++) {
          out.push(doc.lineAt(i).text);
        }
        return out;
      },
    };
    await parseIncrementally(e.parser, source, {
      sliceMs: this.sliceMs,
      yieldNow: () => new Promise((r) => setImmediate(r)),
      cancelled: () => generation !== e.generation || doc.isClosed,
      onSlice: (ms) => {
        this.stats.longestSliceMs = Math.max(this.stats.longestSliceMs, ms);
      },
    });
    this.stats.parses++;
    const n = e.parser.lineCount;
    e.anchor = n >= 2 ? { line: n - 2, text: doc.lineAt(n - 2).text } : undefined;
    const summary = e.parser.summary();
    if (generation === e.generation && !doc.isClosed) {
      this._onDidUpdate.fire({ document: doc, summary });
    }
    return summary;
  }
}
