/**
 * Log lines written to make a regex backtrack: long runs of spaces, tabs, backslashes, dots, colons, slashes and
 * digits placed where the log parser's patterns look (after a section marker, in a path, before `error`), and ANSI
 * floods. Shared by the bench figure "adversarial log lines: worst parse of a 100 KB line", the unit tests and the
 * fault matrix's "hostile logs" cells. Each kind says what the parser must find in it.
 */
import { performance } from 'node:perf_hooks';
import { redact } from '../src/api/http/redact';
import { LogParser } from '../src/core/logs/logParser';
import type { Add } from './extensionFigures';

export interface AdversarialLine {
  kind: string;
  line: string;
  /** What a parse of the line alone yields: a step, a problem, or nothing. */
  expect: 'none' | 'step' | 'problem';
}

/** Where a line's `tail` goes: inside the first 4 KB, the part of a line the parser's patterns see. */
const TAIL_AT = 3000;

/** `head`, `unit` repeated, `tail` at about TAIL_AT, then `unit` repeated again up to `size` characters. */
function fill(head: string, unit: string, size: number, tail = ''): string {
  const a = Math.max(0, Math.floor((Math.min(size, TAIL_AT) - head.length) / unit.length));
  const b = Math.max(0, Math.floor((size - head.length - a * unit.length - tail.length) / unit.length));
  return head + unit.repeat(a) + tail + unit.repeat(b);
}

/** Every kind at about `size` characters (100 KB for the bench figure). */
export function adversarialLines(size = 100 * 1024): AdversarialLine[] {
  const esc = '\x1b';
  return [
    { kind: 'spaces after the section marker', line: fill('@@[section:begin]', ' ', size), expect: 'none' },
    { kind: 'tabs after the section marker', line: fill('@@[section:begin]', '\t', size), expect: 'none' },
    { kind: 'spaces, then a verb', line: fill('@@[section:begin]', ' ', size, 'Step started: X'), expect: 'step' },
    { kind: 'words and spaces after the marker', line: fill('@@[section:begin] ', 'x ', size), expect: 'none' },
    { kind: 'Step and spaces after the marker', line: fill('@@[section:begin] Step', ' ', size, 'x'), expect: 'none' },
    { kind: '"Step " repeated after the marker', line: fill('@@[section:begin] ', 'Step ', size), expect: 'none' },
    { kind: 'section markers repeated', line: fill('', '@@[section:begin]', size), expect: 'none' },
    { kind: 'error markers repeated, then a line break', line: fill('', '@@[error]', size, '\u2028x'), expect: 'problem' },
    { kind: 'a.a.a… then error', line: fill('', 'a.', size, ' error'), expect: 'none' },
    { kind: 'backslashes then error', line: fill('', '\\', size, ' error'), expect: 'none' },
    { kind: 'slashes then error', line: fill('', '/', size, ': error'), expect: 'none' },
    { kind: 'colons then error', line: fill('', ':', size, ' error'), expect: 'none' },
    { kind: 'digits in the line number', line: fill('a.b:', '1', size, ' error'), expect: 'none' },
    { kind: 'file:line repeated then error', line: fill('[10:00:00] ', 'x.m:1:', size, ' error'), expect: 'none' },
    { kind: 'spaces before and after error', line: fill('a.m:1:2:', ' ', size, 'error x'), expect: 'none' },
    { kind: 'spaces after error:, then a CR', line: fill('a.m:1:2: error:', ' ', size, '\rX'), expect: 'problem' },
    { kind: 'a long path-like message', line: fill('/a/b.swift:1:2: error: ', 'src/x.y/', size), expect: 'problem' },
    { kind: 'Kotlin: colons after e: /', line: fill('e: /', ':', size), expect: 'none' },
    { kind: 'Kotlin: spaces in the path', line: fill('e: /a', ' ', size, 'b.kt:1:2'), expect: 'none' },
    { kind: 'Kotlin 1: digits in (line, col)', line: fill('w: /a.kt: (', '1', size), expect: 'none' },
    { kind: 'Kotlin: a drive letter, then colons', line: fill('e: C:', 'a:', size), expect: 'none' },
    { kind: 'xcpretty: a.a.a… after ❌', line: fill('❌ ', 'a.', size), expect: 'none' },
    { kind: 'spaces then error:', line: fill('', ' ', size, 'error:'), expect: 'problem' },
    {
      kind: 'ANSI colour codes flood',
      line: fill('', `${esc}[0;1;31m`, 2 * 1024, 'error: boom ') + 'x'.repeat(size - 2 * 1024),
      expect: 'problem',
    },
    { kind: 'ANSI colour codes only', line: fill('', `${esc}[38;5;196m`, size), expect: 'none' },
    { kind: 'ANSI: unterminated CSI parameters', line: fill(`${esc}[`, '1;', size, ' error'), expect: 'none' },
    { kind: 'ANSI: unterminated OSC', line: fill(`${esc}]`, 'a', size, ' error'), expect: 'none' },
    { kind: 'ANSI: OSC openers repeated', line: fill('', `${esc}]0;`, size, ' error'), expect: 'none' },
    { kind: 'JSON-escaped quotes and backslashes', line: fill('\\"token\\":\\"', '\\', size, ' error'), expect: 'none' },
    { kind: 'JWT-like segments', line: fill('', 'eyJ-', size, ' error'), expect: 'none' },
  ];
}

/**
 * The figure "adversarial log lines: worst parse of a 100 KB line": each kind fed alone to a fresh LogParser (the
 * line feed LogModels runs), the median of 7 runs per kind, the worst kind reported. Redaction is not run on log
 * lines; its worst on the same lines is in the note.
 */
export function adversarialFigure(add: Add, runs = 7): void {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  let worst = { kind: '', ms: -1 };
  let worstRedact = { kind: '', ms: -1 };
  const lines = adversarialLines(100 * 1024);
  for (const a of lines) {
    const parse: number[] = [];
    const red: number[] = [];
    for (let i = 0; i < runs; i++) {
      const p = new LogParser();
      const t0 = performance.now();
      p.feedLine(a.line);
      const t1 = performance.now();
      redact(a.line);
      red.push(performance.now() - t1);
      parse.push(t1 - t0);
      const got = p.steps.length ? 'step' : p.problems.length ? 'problem' : 'none';
      if (got !== a.expect) {
        throw new Error(`bench: ${a.kind} gave ${got}, expected ${a.expect}`);
      }
    }
    const ms = median(parse);
    if (ms > worst.ms) {
      worst = { kind: a.kind, ms };
    }
    const rms = median(red);
    if (rms > worstRedact.ms) {
      worstRedact = { kind: a.kind, ms: rms };
    }
  }
  const r2 = (n: number) => Math.round(n * 100) / 100;
  add({
    name: 'adversarial log lines: worst parse of a 100 KB line',
    value: r2(worst.ms),
    unit: 'ms',
    budget: 5,
    note: `${lines.length} kinds, median of ${runs}; worst: ${worst.kind}; redaction worst ${r2(worstRedact.ms)} ms (${worstRedact.kind})`,
  });
}
