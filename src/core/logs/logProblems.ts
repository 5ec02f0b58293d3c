/**
 * The errors and warnings of a build log line: the compiler messages of the tools Appcircle runs (Xcode / clang /
 * swiftc, Gradle / Kotlin, javac, xcpretty and xcbeautify) with their file, line and column, `@@[error]` markers
 * and plain `error:` lines. Each pattern is anchored at the start of the line (or starts with a literal) and no two
 * of its quantifiers can take the same characters, so a failed match is given up after one pass (logLines.ts).
 */
import * as l10n from '@vscode/l10n';
import { cleanLine, stripTimestamp } from './logLines';

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

/** Parses one line for a compiler message or an `@@[error]` marker; undefined for anything else. */
export function parseProblemLine(raw: string, logLine: number): LogProblem | undefined {
  return problemOf(cleanLine(raw), logLine);
}

/** parseProblemLine on a line cleanLine has cleaned. */
export function problemOf(line: string, logLine: number): LogProblem | undefined {
  const hasMarker = line.includes('@@[');
  if (!hasMarker && !mayBeProblem(line)) {
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

/** Cheap checks first: most lines of a 50 MB log are neither a compiler message nor a marker. */
function mayBeProblem(line: string): boolean {
  return (
    line.includes('error') ||
    line.includes('warning') ||
    line.includes('e: ') ||
    line.includes('w: ') ||
    line.includes('FAILURE') ||
    line.includes('❌') ||
    line.includes('⚠') ||
    line.includes('[x]') ||
    line.includes('[!]')
  );
}

function decodeFileUrl(p: string): string {
  const path = p.replace(/^file:\/\//, '');
  try {
    return path.includes('%') ? decodeURIComponent(path) : path;
  } catch {
    return path;
  }
}
