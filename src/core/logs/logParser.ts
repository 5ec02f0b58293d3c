/**
 * Structure of an Appcircle build log (docs/appcircle-api.md §10): steps between `@@[section:begin] Step started: X`
 * and `@@[section:end] Step completed: X`, `@@[error]` / `@@[command]` lines, and the compiler messages of the
 * tools Appcircle runs (Xcode / clang / swiftc, Gradle / Kotlin, javac) with their file, line and column.
 *
 * The parser is incremental and line-based: lines are fed in order, each once, so a log that grows (a followed
 * build) is parsed only past what was already seen, and a 50 MB log can be parsed in slices between which the
 * caller yields (parseIncrementally). `rollbackTo(line)` forgets what a line and the ones after it produced (a
 * last line that was still being written when it was read). No vscode, no I/O.
 */
import * as l10n from '@vscode/l10n';

export type StepResult = 'running' | 'succeeded' | 'failed' | 'unfinished';

export interface LogStep {
  /** 0-based position in the log: names repeat (two "Xcodebuild" steps), the index does not. */
  index: number;
  name: string;
  /** The phase before "Step started" (`@@[section:begin] <Phase> Step started: <Name>`), when present. */
  phase?: string;
  /** 0-based log line of the begin marker. */
  startLine: number;
  /** 0-based log line of the end marker; undefined while the step runs (or when the log ended inside it). */
  endLine?: number;
  result: StepResult;
  /** Seconds between the begin and end markers' timestamps, when both carry one. */
  durationSec?: number;
  errorCount: number;
  warningCount: number;
}

export type ProblemSeverity = 'error' | 'warning';

export interface LogProblem {
  severity: ProblemSeverity;
  message: string;
  /** The path as the build machine printed it (absolute, `file://` removed), when the line names a file. */
  file?: string;
  /** 1-based, as compilers print them. */
  line?: number;
  column?: number;
  /** 0-based log line the message is on. */
  logLine: number;
  /** Index of the step the line belongs to. */
  stepIndex?: number;
  /** Which format matched: 'clang' (Xcode, clang, swiftc, javac, generic file:line:col), 'kotlin', 'marker' (`@@[error]`), 'plain'. */
  source: 'clang' | 'kotlin' | 'marker' | 'plain';
}

/*
 * A log line is written by whoever controls the build (a script, a dependency's install hook, a test's output), so
 * every pattern here is linear on it: `cleanLine` first drops ANSI escape sequences, turns stray line breaks into
 * spaces and cuts the line to MAX_LINE characters; each pattern below is anchored at the start of the line (or
 * starts with a literal) and no two of its quantifiers can take the same characters, so a failed match is given
 * up after one pass instead of retrying every split of a long run of spaces, dots, colons or digits.
 */

/** The characters of a line the patterns see: a step name, a path and a compiler message fit well within it. */
export const MAX_LINE = 4096;
/** Raw characters looked at before escape sequences are dropped (a coloured line is a few times its text). */
const MAX_RAW = 4 * MAX_LINE;
/** CSI (SGR colours, cursor moves: `ESC [ params intermediates final`) and OSC (`ESC ] … BEL` or `ESC ] … ESC \`). */
// eslint-disable-next-line no-control-regex -- ESC and BEL are what this pattern is about
const ANSI = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\))/g;
/** Line breaks inside a line (a lone CR of a progress bar, U+2028/U+2029): `.` would stop at them. */
const LINE_BREAK = /[\r\n\u2028\u2029]/;
const LINE_BREAKS = /[\r\n\u2028\u2029]/g;

/** `[12:00:01] `, `12:00:01 `, `2025-08-20T10:15:00.123Z `, `2025-08-20 10:15:00 ` at the start of a line. */
const TIMESTAMP = /^\s*\[?(?:(\d{4}-\d{2}-\d{2})[T ])?(\d{2}):(\d{2}):(\d{2})(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\]?\s?/;
const SECTION_MARK = '@@[section:';
/** `Step <verb>` right where the text after a section marker starts (sticky: tried at one position). */
const STEP_AT = /Step\s+(started|completed|failed|finished|ended)/iy;
/** ` Step <verb>` after a phase (`@@[section:begin] Build Phase Step started: X`). */
const STEP_AFTER_PHASE = /\sStep\s+(started|completed|failed|finished|ended)/gi;
const MARKER_ERROR = /@@\[error\]\s?(.*)$/i;
/** Xcode, clang, swiftc, javac and any `file:line[:col]: error|warning: msg` (a leading `❌ ` or `⚠️ ` of xcpretty too). */
const CLANG =
  /^(?:[^\w/.~\\]{1,3}\s*)?((?:[A-Za-z]:)?[^\s:][^:]*?\.[A-Za-z0-9+]+):(\d+)(?::(\d+))?:\s*(fatal error|error|warning)\s*:\s*(\S.*)?$/;
/** xcpretty and xcbeautify drop clang's `error:` / `warning:`: `❌  /a/B.swift:1:2: msg`, `⚠️  …`, `[x] …`, `[!] …`. */
const XCPRETTY = /^(❌|⚠️?|\[x\]|\[!\])\s*((?:[A-Za-z]:)?[^\s:][^:]*?\.[A-Za-z0-9+]+):(\d+)(?::(\d+))?:\s*(\S.*)?$/;
/** Kotlin 1.x / 2.x: `e: file:///a/B.kt:27:5 msg`, `w: /a/B.kt: (27, 5): msg`. */
const KOTLIN_NEW = /^([ew]):\s+(?:file:\/\/)?(\/[^:]+|[A-Za-z]:[^:]+?):(\d+):(\d+)\s+(\S.*)?$/;
const KOTLIN_OLD = /^([ew]):\s+(?:file:\/\/)?(\/[^:]+|[A-Za-z]:[^:]+?):\s*\((\d+),\s*(\d+)\):\s*(\S.*)?$/;
const PLAIN_ERROR = /^(?:error|fatal error|FAILURE):\s*(\S.*)?$/;

/**
 * The line as the patterns see it: ANSI escape sequences removed (coloured clang, Kotlin and xcpretty output), line
 * breaks inside it turned into spaces, at most MAX_LINE characters. Linear in the line's length.
 */
export function cleanLine(raw: string): string {
  let s = raw.length > MAX_RAW ? raw.slice(0, MAX_RAW) : raw;
  if (s.includes('\x1b')) {
    s = s.replace(ANSI, '');
  }
  if (s.length > MAX_LINE) {
    s = s.slice(0, MAX_LINE);
  }
  return LINE_BREAK.test(s) ? s.replace(LINE_BREAKS, ' ') : s;
}

interface SectionLine {
  begin: boolean;
  name: string;
  phase?: string;
  verb: string;
}

/** Whitespace from lastIndex on (sticky: one pass over the run, no search). */
const SPACES = /\s*/y;

/**
 * `@@[section:begin|end] [<Phase>] Step <verb>[:] <Name>` (marker and verb in any case), on a cleaned line. The
 * marker is found with indexOf, the verb with two patterns that cannot overlap; one pass over the line.
 */
function parseSection(s: string): SectionLine | undefined {
  let searched = false;
  for (let i = s.indexOf(SECTION_MARK); i >= 0; i = s.indexOf(SECTION_MARK, i + 1)) {
    const kind = s.slice(i + SECTION_MARK.length, i + SECTION_MARK.length + 6).toLowerCase();
    const begin = kind.startsWith('begin]');
    if (!begin && !kind.startsWith('end]')) {
      continue;
    }
    SPACES.lastIndex = i + SECTION_MARK.length + (begin ? 6 : 4);
    SPACES.exec(s);
    const p = SPACES.lastIndex;
    STEP_AT.lastIndex = p;
    let m = STEP_AT.exec(s);
    let phase: string | undefined;
    if (!m && !searched) {
      // a phase before the verb; a later marker can only add a verb right after itself (every other one is seen here)
      searched = true;
      STEP_AFTER_PHASE.lastIndex = p;
      m = STEP_AFTER_PHASE.exec(s);
      phase = m ? s.slice(p, m.index).trim() || undefined : undefined;
    }
    if (m) {
      let rest = s.slice(m.index + m[0].length).trimStart();
      if (rest.startsWith(':')) {
        rest = rest.slice(1);
      }
      return { begin, name: rest.trim(), phase, verb: (m[1] ?? '').toLowerCase() };
    }
  }
  return undefined;
}

/** Timestamp at the start of a line, as seconds of the day (with a date when printed), for step durations. */
export function lineTimestamp(line: string): number | undefined {
  const m = TIMESTAMP.exec(line);
  if (!m) {
    return undefined;
  }
  const secs = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return m[1] ? Date.parse(`${m[1]}T00:00:00Z`) / 1000 + secs : secs;
}

/** The line without its leading timestamp. */
export function stripTimestamp(line: string): string {
  const m = TIMESTAMP.exec(line);
  return m ? line.slice(m[0].length) : line;
}

/** Parses one line for a compiler message or an `@@[error]` marker; undefined for anything else. */
export function parseProblemLine(raw: string, logLine: number): LogProblem | undefined {
  return problemOf(cleanLine(raw), logLine);
}

/** parseProblemLine on a line cleanLine has cleaned. */
function problemOf(line: string, logLine: number): LogProblem | undefined {
  // cheap checks first: most lines of a 50 MB log are neither
  const hasMarker = line.includes('@@[');
  if (
    !hasMarker &&
    !line.includes('error') &&
    !line.includes('warning') &&
    !line.includes('e: ') &&
    !line.includes('w: ') &&
    !line.includes('FAILURE') &&
    !line.includes('❌') &&
    !line.includes('⚠') &&
    !line.includes('[x]') &&
    !line.includes('[!]')
  ) {
    return undefined;
  }
  const text = stripTimestamp(line).trimEnd();
  if (hasMarker) {
    const me = MARKER_ERROR.exec(text);
    return me ? { severity: 'error', message: (me[1] ?? '').trim() || l10n.t('error'), logLine, source: 'marker' } : undefined;
  }
  const t = text.trimStart();
  let m = KOTLIN_NEW.exec(t) ?? KOTLIN_OLD.exec(t);
  if (m) {
    return {
      severity: m[1] === 'e' ? 'error' : 'warning',
      file: decodeFileUrl(m[2] ?? ''),
      line: Number(m[3]),
      column: Number(m[4]),
      message: (m[5] ?? '').trim(),
      logLine,
      source: 'kotlin',
    };
  }
  m = CLANG.exec(t);
  if (m) {
    return {
      severity: m[4] === 'warning' ? 'warning' : 'error',
      file: decodeFileUrl(m[1] ?? ''),
      line: Number(m[2]),
      column: m[3] ? Number(m[3]) : undefined,
      message: (m[5] ?? '').trim(),
      logLine,
      source: 'clang',
    };
  }
  m = XCPRETTY.exec(t);
  if (m) {
    return {
      severity: m[1] === '❌' || m[1] === '[x]' ? 'error' : 'warning',
      file: decodeFileUrl(m[2] ?? ''),
      line: Number(m[3]),
      column: m[4] ? Number(m[4]) : undefined,
      message: (m[5] ?? '').trim(),
      logLine,
      source: 'clang',
    };
  }
  m = PLAIN_ERROR.exec(t);
  if (m) {
    return { severity: 'error', message: (m[1] ?? '').trim() || t, logLine, source: 'plain' };
  }
  return undefined;
}

function decodeFileUrl(p: string): string {
  const path = p.replace(/^file:\/\//, '');
  try {
    return path.includes('%') ? decodeURIComponent(path) : path;
  } catch {
    return path;
  }
}

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
