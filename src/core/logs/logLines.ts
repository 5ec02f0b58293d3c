/**
 * A build log line as the parser's patterns see it (cleanLine), and the timestamp at its start (step durations).
 *
 * A log line is written by whoever controls the build (a script, a dependency's install hook, a test's output), so
 * every pattern of the parser is linear on it: `cleanLine` first drops ANSI escape sequences, turns stray line
 * breaks into spaces and cuts the line to MAX_LINE characters; each pattern (here, in logSections.ts and in
 * logProblems.ts) is anchored at the start of the line (or starts with a literal) and no two of its quantifiers
 * can take the same characters, so a failed match is given up after one pass instead of retrying every split of a
 * long run of spaces, dots, colons or digits.
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
