/**
 * The structure of an Appcircle build log (docs/appcircle-api.md §10): its steps (logSections.ts), `@@[error]` /
 * `@@[command]` lines and compiler messages (logProblems.ts), counted per step.
 *
 * The parser is incremental and line-based: lines are fed in order, each once, so a log that grows (a followed
 * build) is parsed only past what was already seen, and a 50 MB log can be parsed in slices between which the
 * caller yields (parseIncrementally). `rollbackTo(line)` forgets what a line and the ones after it produced (a
 * last line that was still being written when it was read). No vscode, no I/O.
 */
import { cleanLine, lineTimestamp } from './logLines';
import { problemOf } from './logProblems';
import type { LogProblem } from './logProblems';
import { SECTION_MARK, parseSection } from './logSections';
import type { LogStep } from './logSections';

export interface LogSummary {
  steps: readonly LogStep[];
  problems: readonly LogProblem[];
  errorCount: number;
  warningCount: number;
  /** 0-based log line of the first error (compiler error or `@@[error]`), if any. */
  firstErrorLine?: number;
  /** Lines parsed so far. */
  lines: number;
}

export class LogParser {
  private readonly _steps: LogStep[] = [];
  private readonly _problems: LogProblem[] = [];
  private readonly seen = new Set<string>();
  /** Timestamps of the open steps' begin lines, by step index. */
  private readonly startedAt = new Map<number, number>();
  private open: LogStep | undefined;
  private next = 0;

  /** The next line number expected by feedLine (lines parsed so far). */
  get lineCount(): number {
    return this.next;
  }

  get steps(): readonly LogStep[] {
    return this._steps;
  }

  get problems(): readonly LogProblem[] {
    return this._problems;
  }

  /** Feeds the next line (without its line break). */
  feedLine(raw: string): void {
    const n = this.next++;
    const line = cleanLine(raw);
    if (line.includes(SECTION_MARK)) {
      const m = parseSection(line);
      if (m) {
        this.section(m.begin, m.name, m.phase, m.verb, n, lineTimestamp(line));
        return;
      }
    }
    const p = problemOf(line, n);
    if (!p) {
      return;
    }
    // xcodebuild prints many messages twice (once per compile, once in the summary): keep the first
    const key = p.file ? `${p.severity}|${p.file}|${p.line}|${p.column}|${p.message}` : '';
    if (key && this.seen.has(key)) {
      return;
    }
    if (key) {
      this.seen.add(key);
    }
    if (this.open) {
      p.stepIndex = this.open.index;
      if (p.severity === 'error') {
        this.open.errorCount++;
      } else {
        this.open.warningCount++;
      }
    }
    this._problems.push(p);
  }

  /** Feeds several lines (a chunk split on line breaks). */
  feedLines(lines: readonly string[]): void {
    for (const l of lines) {
      this.feedLine(l);
    }
  }

  private section(begin: boolean, name: string, phase: string | undefined, verb: string, line: number, ts: number | undefined): void {
    if (begin) {
      if (this.open) {
        // a step that began without the previous one ending: the previous one ends here, unfinished
        this.open.result = 'unfinished';
        this.open.endLine = line - 1;
      }
      const step: LogStep = {
        index: this._steps.length,
        name: name || `Step ${this._steps.length + 1}`,
        phase,
        startLine: line,
        result: 'running',
        errorCount: 0,
        warningCount: 0,
      };
      this._steps.push(step);
      if (ts !== undefined) {
        this.startedAt.set(step.index, ts);
      }
      this.open = step;
      return;
    }
    // an end marker closes the open step (names are not compared: they may be printed differently)
    const step = this.open ?? [...this._steps].reverse().find((s) => s.endLine === undefined && (!name || s.name === name));
    if (!step) {
      return;
    }
    step.endLine = line;
    step.result = verb === 'failed' || step.errorCount > 0 ? 'failed' : 'succeeded';
    const t0 = this.startedAt.get(step.index);
    if (t0 !== undefined && ts !== undefined) {
      step.durationSec = ts >= t0 ? ts - t0 : ts + 86_400 - t0; // past midnight without a date
    }
    this.open = undefined;
  }

  /**
   * The log has ended (its build finished): a step still open did not finish; with `failed`, the step the build
   * failed in is marked failed.
   */
  finish(buildFailed: boolean): void {
    const open = this.open;
    if (open) {
      open.result = buildFailed ? 'failed' : 'unfinished';
    }
  }

  /** Forgets what line `line` and the ones after it produced, so they can be fed again (a partial last line). */
  rollbackTo(line: number): void {
    if (line >= this.next) {
      return;
    }
    this.next = line;
    while (this._problems.length && (this._problems[this._problems.length - 1]?.logLine ?? -1) >= line) {
      const p = this._problems.pop();
      if (p?.file) {
        this.seen.delete(`${p.severity}|${p.file}|${p.line}|${p.column}|${p.message}`);
      }
    }
    while (this._steps.length && (this._steps[this._steps.length - 1]?.startLine ?? -1) >= line) {
      const s = this._steps.pop();
      if (s) {
        this.startedAt.delete(s.index);
      }
    }
    const last = this._steps[this._steps.length - 1];
    this.open = undefined;
    if (last && (last.endLine === undefined || last.endLine >= line || last.result === 'unfinished')) {
      last.endLine = undefined;
      last.durationSec = undefined;
      last.result = 'running';
      last.errorCount = this._problems.filter((p) => p.stepIndex === last.index && p.severity === 'error').length;
      last.warningCount = this._problems.filter((p) => p.stepIndex === last.index && p.severity === 'warning').length;
      this.open = last;
    }
  }

  summary(): LogSummary {
    let errors = 0;
    let firstError: number | undefined;
    for (const p of this._problems) {
      if (p.severity === 'error') {
        errors++;
        firstError ??= p.logLine;
      }
    }
    return {
      steps: this._steps,
      problems: this._problems,
      errorCount: errors,
      warningCount: this._problems.length - errors,
      firstErrorLine: firstError,
      lines: this.next,
    };
  }
}

/** Parses a whole text at once (tests, small logs). */
export function parseLog(text: string, opts: { buildFailed?: boolean } = {}): LogSummary {
  const p = new LogParser();
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') {
    lines.pop();
  }
  p.feedLines(lines);
  if (opts.buildFailed !== undefined) {
    p.finish(opts.buildFailed);
  }
  return p.summary();
}

/** A source of log lines read in ranges (a VS Code document, a string in a benchmark). */
export interface LineSource {
  readonly lineCount: number;
  /** Lines [from, to) without line breaks. */
  lines(from: number, to: number): string[];
}

export interface IncrementalOptions {
  /** Lines read and parsed per batch before the clock is checked (default 500). */
  batchLines?: number;
  /** A slice ends after this many ms; then `yieldNow` runs before the next one (default 8). */
  sliceMs?: number;
  /** Lets the event loop run (setImmediate) between slices. */
  yieldNow: () => Promise<void>;
  now?: () => number;
  /** Stop early (a newer parse started, the document closed). */
  cancelled?: () => boolean;
  /** Longest slice seen, for the benchmark. */
  onSlice?: (ms: number) => void;
}

/**
 * Feeds the lines the parser has not seen yet, in slices of at most about `sliceMs`, yielding between slices so
 * the extension host never blocks long on a large log. The source's last line is parsed too; when the log is
 * still growing, call `rollbackTo(lastLine)` before the next run so a line that was cut is read again whole.
 */
export async function parseIncrementally(parser: LogParser, source: LineSource, o: IncrementalOptions): Promise<boolean> {
  const now = o.now ?? (() => performance.now());
  const batch = o.batchLines ?? 500;
  const sliceMs = o.sliceMs ?? 8;
  let sliceStart = now();
  while (parser.lineCount < source.lineCount) {
    if (o.cancelled?.()) {
      return false;
    }
    const from = parser.lineCount;
    parser.feedLines(source.lines(from, Math.min(source.lineCount, from + batch)));
    const t = now();
    if (t - sliceStart >= sliceMs && parser.lineCount < source.lineCount) {
      o.onSlice?.(t - sliceStart);
      await o.yieldNow();
      sliceStart = now();
    }
  }
  o.onSlice?.(now() - sliceStart);
  return true;
}
