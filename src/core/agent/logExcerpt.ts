/**
 * The excerpt of a log scan (logScan.ts): the lines it keeps while the log streams past, in windows of at most
 * the byte cap, and the text made of them at the end. One collector per mode: the tail, one step's lines (the
 * last part when the step is longer: its errors are at its end), the lines around the first error (nearest first,
 * before and after in turn). A line is shown cleaned (excerptLine); no text is ever over the cap, and a cut never
 * falls inside a code point.
 */
import { cleanLine } from '../logs/logLines';
import type { LogParser } from '../logs/logParser';
import type { LogStep } from '../logs/logSections';

/** What part of the log the excerpt is. */
export type ExcerptMode =
  /** `before` / `after` lines around the first error (default 20 each); with no error, the tail (`found: false`). */
  | { kind: 'firstError'; before?: number; after?: number }
  /** One step's lines, begin and end markers included: by 0-based index, or by name (case-insensitive, first match). */
  | { kind: 'step'; step: string | number }
  /** The last `lines` lines (default 200). */
  | { kind: 'tail'; lines?: number };

export interface LogExcerpt {
  /** What the text is: 'tail' also when 'firstError' was asked and the log has no error. */
  mode: ExcerptMode['kind'];
  /** 1-based first and last line of the text (0 and 0 for no lines). */
  fromLine: number;
  toLine: number;
  /** The lines joined by `\n`, each cleaned: ANSI sequences gone, control characters spaces, bidi controls dropped. */
  text: string;
  /** Lines of the wanted range left out before / after the text to keep it within the byte cap. */
  cutBefore: number;
  cutAfter: number;
  /** The byte cap left something out (whole lines, or the end of the one line shown). */
  truncatedBytes: boolean;
  /** The step asked for, or an error, was in the log (for 'tail': the log has lines). */
  found: boolean;
}

export const DEFAULT_EXCERPT_MAX_BYTES = 16 * 1024;
export const MAX_EXCERPT_BYTES = 1024 * 1024;
export const DEFAULT_TAIL_LINES = 200;
export const DEFAULT_CONTEXT_LINES = 20;

// eslint-disable-next-line no-control-regex -- control characters are what this class is about (tab kept)
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A log line as an excerpt shows it: cleanLine, control characters spaces, no bidi controls, no lone high surrogate at its end. */
export function excerptLine(raw: string): string {
  const s = cleanLine(raw).replace(BIDI, '').replace(CONTROL, ' ');
  const last = s.charCodeAt(s.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? s.slice(0, -1) : s;
}

const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The longest start of `s` of at most `max` UTF-8 bytes, cut between code points. */
export function cutToBytes(s: string, max: number): string {
  let used = 0;
  let end = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (used + n > max) {
      break;
    }
    used += n;
    end += ch.length;
  }
  return s.slice(0, end);
}

/** The last lines pushed: at most `maxLines`, joined by `\n` at most `cap` bytes (the last line is always kept). */
class LineWindow {
  private lines: string[] = [];
  private costs: number[] = [];
  private head = 0;
  /** UTF-8 bytes of the kept lines plus one separator each. */
  private bytes = 0;

  constructor(
    private readonly maxLines: number,
    private readonly cap: number,
  ) {}

  get count(): number {
    return this.lines.length - this.head;
  }

  push(line: string): void {
    if (this.maxLines <= 0) {
      return;
    }
    const cost = utf8Bytes(line) + 1;
    this.lines.push(line);
    this.costs.push(cost);
    this.bytes += cost;
    while (this.count > 1 && (this.count > this.maxLines || this.bytes - 1 > this.cap)) {
      this.bytes -= this.costs[this.head] ?? 0;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.costs = this.costs.slice(this.head);
      this.head = 0;
    }
  }

  toArray(): string[] {
    return this.lines.slice(this.head);
  }
}

function excerpt(mode: LogExcerpt['mode'], firstLine: number, lines: string[], cap: number, wanted: number, found: boolean): LogExcerpt {
  let text = lines.join('\n');
  let cut = false;
  if (utf8Bytes(text) > cap) {
    // only one line is left and it alone is over the cap (the window keeps its last line)
    text = cutToBytes(text, cap);
    cut = true;
  }
  const cutBefore = Math.max(0, wanted - lines.length);
  const n = lines.length;
  return {
    mode,
    fromLine: n ? firstLine + 1 : 0,
    toLine: n ? firstLine + n : 0,
    text,
    cutBefore,
    cutAfter: 0,
    truncatedBytes: cut || cutBefore > 0,
    found,
  };
}

/** Takes each line as it is parsed, and makes the excerpt at the end. */
export interface Collector {
  line(raw: string, n: number, parser: LogParser): void;
  result(lineCount: number): LogExcerpt;
}

class TailCollector implements Collector {
  private readonly window: LineWindow;

  constructor(
    private readonly lines: number,
    private readonly cap: number,
  ) {
    this.window = new LineWindow(lines, cap);
  }

  line(raw: string): void {
    this.push(excerptLine(raw));
  }

  /** A line already made an excerpt line. */
  push(line: string): void {
    this.window.push(line);
  }

  result(lineCount: number, found = lineCount > 0): LogExcerpt {
    const kept = this.window.toArray();
    return excerpt('tail', lineCount - kept.length, kept, this.cap, Math.min(this.lines, lineCount), found);
  }
}

class StepCollector implements Collector {
  private readonly window: LineWindow;
  private step: LogStep | undefined;
  private stepsSeen = 0;
  private taken = 0;
  private done = false;
  private readonly name: string | undefined;

  constructor(
    private readonly want: string | number,
    private readonly cap: number,
  ) {
    this.window = new LineWindow(Number.POSITIVE_INFINITY, cap);
    this.name = typeof want === 'string' ? want.trim().toLowerCase() : undefined;
  }

  line(raw: string, n: number, parser: LogParser): void {
    if (this.done) {
      return;
    }
    const steps = parser.steps;
    for (; !this.step && this.stepsSeen < steps.length; this.stepsSeen++) {
      const s = steps[this.stepsSeen];
      if (s && (this.name === undefined ? s.index === this.want : s.name.trim().toLowerCase() === this.name)) {
        this.step = s;
      }
    }
    if (!this.step) {
      return;
    }
    if (this.step.endLine !== undefined && this.step.endLine < n) {
      this.done = true;
      return;
    }
    this.window.push(excerptLine(raw));
    this.taken++;
  }

  result(): LogExcerpt {
    if (!this.step) {
      return excerpt('step', 0, [], this.cap, 0, false);
    }
    const kept = this.window.toArray();
    return excerpt('step', this.step.startLine + this.taken - kept.length, kept, this.cap, this.taken, true);
  }
}

class FirstErrorCollector implements Collector {
  private tail: TailCollector | undefined;
  private readonly beforeLines: LineWindow;
  private readonly afterLines: string[] = [];
  private afterBytes = 0;
  private afterSeen = 0;
  private error: { line: number; text: string } | undefined;
  private problemsSeen = 0;

  constructor(
    private readonly before: number,
    private readonly after: number,
    private readonly cap: number,
  ) {
    this.tail = new TailCollector(DEFAULT_TAIL_LINES, cap);
    this.beforeLines = new LineWindow(before, cap);
  }

  line(raw: string, n: number, parser: LogParser): void {
    if (this.error) {
      if (this.afterSeen < this.after) {
        this.afterSeen++;
        // a line past the cap is never shown (lines are taken nearest first), nor are the ones after it
        if (this.afterBytes <= this.cap) {
          const t = excerptLine(raw);
          this.afterLines.push(t);
          this.afterBytes += utf8Bytes(t) + 1;
        }
      }
      return;
    }
    const problems = parser.problems;
    for (; this.problemsSeen < problems.length; this.problemsSeen++) {
      if (problems[this.problemsSeen]?.severity === 'error') {
        this.error = { line: n, text: excerptLine(raw) };
        this.tail = undefined;
        return;
      }
    }
    const t = excerptLine(raw);
    this.beforeLines.push(t);
    this.tail?.push(t);
  }

  result(lineCount: number): LogExcerpt {
    if (!this.error) {
      return (this.tail ?? new TailCollector(0, this.cap)).result(lineCount, false);
    }
    const before = this.beforeLines.toArray();
    const fit = around(this.error.text, before, this.afterLines, this.cap);
    const cutBefore = Math.min(this.before, this.error.line) - fit.before;
    const cutAfter = this.afterSeen - fit.after;
    return {
      mode: 'firstError',
      fromLine: this.error.line - fit.before + 1,
      toLine: this.error.line + fit.after + 1,
      text: [...before.slice(before.length - fit.before), fit.center, ...this.afterLines.slice(0, fit.after)].join('\n'),
      cutBefore,
      cutAfter,
      truncatedBytes: fit.cut || cutBefore > 0 || cutAfter > 0,
      found: true,
    };
  }
}

/** The error line and as many lines around it as fit in `cap` bytes, nearest first, one before and one after in turn. */
function around(
  center: string,
  before: string[],
  after: string[],
  cap: number,
): { center: string; before: number; after: number; cut: boolean } {
  let used = utf8Bytes(center);
  if (used > cap) {
    return { center: cutToBytes(center, cap), before: 0, after: 0, cut: true };
  }
  let nb = 0;
  let na = 0;
  let moreBefore = before.length > 0;
  let moreAfter = after.length > 0;
  while (moreBefore || moreAfter) {
    if (moreBefore) {
      const cost = utf8Bytes(before[before.length - 1 - nb] ?? '') + 1;
      moreBefore = used + cost <= cap;
      if (moreBefore) {
        used += cost;
        nb++;
        moreBefore = nb < before.length;
      }
    }
    if (moreAfter) {
      const cost = utf8Bytes(after[na] ?? '') + 1;
      moreAfter = used + cost <= cap;
      if (moreAfter) {
        used += cost;
        na++;
        moreAfter = na < after.length;
      }
    }
  }
  return { center, before: nb, after: na, cut: false };
}

/** A line count or byte count asked for: a whole number ≥ 0 (Infinity allowed), `fallback` when not given. */
export const count = (v: number | undefined, fallback: number): number =>
  v === undefined || Number.isNaN(v) ? fallback : Math.max(0, Math.floor(v));

/** The collector of an excerpt mode (none when no excerpt is asked for). */
export function collectorFor(mode: ExcerptMode | undefined, cap: number): Collector | undefined {
  switch (mode?.kind) {
    case 'tail':
      return new TailCollector(count(mode.lines, DEFAULT_TAIL_LINES), cap);
    case 'step':
      return new StepCollector(mode.step, cap);
    case 'firstError':
      return new FirstErrorCollector(count(mode.before, DEFAULT_CONTEXT_LINES), count(mode.after, DEFAULT_CONTEXT_LINES), cap);
    default:
      return undefined;
  }
}
