/**
 * Fault-matrix cells for hostile build logs (review N2, N10): a cell per kind of 100 KB line written to make the
 * parser's patterns backtrack, parsed under a budget with an exact result; coloured clang, swiftc, Kotlin and
 * xcpretty lines giving the exact problem; and a log fed whole and fed in random chunk splits (as a followed log
 * arrives) giving the same parse. Group "hostile logs", column LOGP.
 */
import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { adversarialLines } from '../../bench/adversarialLog';
import { repositoryDir, seededLogLines, stepsFor } from '../../sandbox/buildLogs';
import { LogParser, parseLog } from '../../src/core/logs/logParser';
import { parseProblemLine } from '../../src/core/logs/logProblems';
import type { LogSummary } from '../../src/core/logs/logParser';
import type { LocalCell } from './localCells';

const GROUP = 'hostile logs';
const OP = 'LOGP';
/** Generous: the fault matrix runs on a loaded machine; a backtracking pattern takes seconds to hours here. */
const BUDGET_MS = 100;
const E = '\x1b';
const REPO = '/Users/appcircle/app/workflow_data/3f9a/_appcircle_temp/Repository';

/** A summary as one string per step and problem, for exact comparisons that print well. */
function shape(s: LogSummary): string[] {
  return [
    ...s.steps.map((x) => `step ${x.name}|${x.phase ?? ''}|${x.result}`),
    ...s.problems.map((p) => `${p.severity} ${p.source} ${p.file ?? ''}:${p.line ?? ''}:${p.column ?? ''} ${p.message.slice(0, 40)}`),
  ];
}

/** What each adversarial kind that finds something must find (every other kind finds nothing). */
const FOUND: Record<string, string[]> = {
  'spaces, then a verb': ['step X||running'],
  'error markers repeated, then a line break': ['error marker :: @@[error]@@[error]@@[error]@@[error]@@[e'],
  'spaces after error:, then a CR': ['error clang a.m:1:2 X'],
  'a long path-like message': ['error clang /a/b.swift:1:2 src/x.y/src/x.y/src/x.y/src/x.y/src/x.y/'],
  'spaces then error:': ['error plain :: error:'],
  'ANSI colour codes flood': ['error plain :: boom xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
};

function hostileLineCells(): LocalCell[] {
  return adversarialLines(100 * 1024).map((a) => ({
    group: GROUP,
    label: `100 KB: ${a.kind}`,
    op: OP,
    run: () => {
      const p = new LogParser();
      const t0 = performance.now();
      p.feedLine(a.line);
      const ms = performance.now() - t0;
      if (ms > BUDGET_MS) {
        throw new Error(`parse took ${ms.toFixed(0)} ms (budget ${BUDGET_MS} ms)`);
      }
      assert.deepEqual(shape(p.summary()), FOUND[a.kind] ?? []);
      return Promise.resolve();
    },
  }));
}

function colouredCells(): LocalCell[] {
  const cases: Array<[string, string, string]> = [
    [
      'coloured clang error',
      `${E}[1m${REPO}/App/A.m:12:5: ${E}[0m${E}[0;1;31merror: ${E}[0m${E}[1muse of undeclared identifier 'foo'${E}[0m`,
      `error clang ${REPO}/App/A.m:12:5 use of undeclared identifier 'foo'`,
    ],
    [
      'coloured swiftc warning',
      `${E}[1m${REPO}/App/B.swift:42:17: ${E}[0m${E}[0;1;35mwarning: ${E}[0m${E}[1mvariable 'x' was never used${E}[0m`,
      `warning clang ${REPO}/App/B.swift:42:17 variable 'x' was never used`,
    ],
    [
      'coloured Kotlin error',
      `${E}[31me: ${E}[0m${E}[1mfile://${REPO}/app/src/main/java/A.kt:10:5 ${E}[0mUnresolved reference: foo`,
      `error kotlin ${REPO}/app/src/main/java/A.kt:10:5 Unresolved reference: foo`,
    ],
    [
      'coloured Kotlin 1 warning',
      `${E}[33mw: ${E}[39m${REPO}/app/Ui.kt: (14, 9): ${E}[1mVariable 'unused' is never used${E}[22m`,
      `warning kotlin ${REPO}/app/Ui.kt:14:9 Variable 'unused' is never used`,
    ],
    [
      'coloured xcpretty error',
      `${E}[31m❌  ${E}[0m${REPO}/App/Login/LoginView.swift:42:17: ${E}[31mcannot find 'foo' in scope${E}[0m`,
      `error clang ${REPO}/App/Login/LoginView.swift:42:17 cannot find 'foo' in scope`,
    ],
    [
      'coloured xcpretty fatal error',
      `${E}[31m❌ ${E}[0m${REPO}/App/B.h:1:10: ${E}[31mfatal error: 'Foo.h' file not found${E}[0m`,
      `error clang ${REPO}/App/B.h:1:10 'Foo.h' file not found`,
    ],
    [
      'Kotlin in an OSC 8 link',
      `${E}]8;;file:///a/B.kt${E}\\e: file:///a/B.kt:1:2 Type mismatch${E}]8;;${E}\\`,
      'error kotlin /a/B.kt:1:2 Type mismatch',
    ],
  ];
  return cases.map(([label, line, want]) => ({
    group: GROUP,
    label,
    op: OP,
    run: () => {
      const p = parseProblemLine(line, 0);
      const got = p ? `${p.severity} ${p.source} ${p.file ?? ''}:${p.line ?? ''}:${p.column ?? ''} ${p.message}` : 'nothing';
      assert.equal(got, want);
      return Promise.resolve();
    },
  }));
}

/** A failed Android log with hostile and coloured lines among its own, as text. */
function mixedLog(): string {
  const lines = seededLogLines(
    { os: 2, buildId: 'abcdef0123', steps: stepsFor(2) },
    ['Appcircle build x'],
    { status: 1, hasWarning: true },
    '2025-08-20T10:00:00Z',
    600,
  );
  const repo = repositoryDir(2, 'abcdef0123');
  const hostile = adversarialLines(8 * 1024).map((a) => a.line);
  const coloured = [`${E}[31me: ${E}[0mfile://${repo}/app/src/A.kt:3:4 ${E}[1mboom${E}[0m`, `progress 10%\r progress 90%\r${E}[2K done`];
  const out: string[] = [];
  lines.forEach((l, i) => {
    out.push(l);
    if (i % 4 === 1) {
      out.push(hostile[i % hostile.length] ?? '', coloured[i % coloured.length] ?? '');
    }
  });
  return `${out.join('\r\n')}\n`;
}

/** Feeds `text` as a follower receives it, in chunks cut at the given offsets: each run parses every line it has, the
 * last (maybe cut) one included, and the next run first rolls that last line back. */
function feedInChunks(text: string, cuts: number[]): LogSummary {
  const p = new LogParser();
  let have = '';
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    have += text.slice(from, cut);
    from = cut;
    const lines = have.split(/\r?\n/);
    if (lines[lines.length - 1] === '') {
      lines.pop();
    }
    p.rollbackTo(Math.max(0, p.lineCount - 1));
    p.feedLines(lines.slice(p.lineCount));
  }
  p.finish(true);
  return p.summary();
}

function chunkCells(): LocalCell[] {
  return [1, 2, 3].map((seed) => ({
    group: GROUP,
    label: `fed whole = fed in random chunks (seed ${seed})`,
    op: OP,
    run: () => {
      const text = mixedLog();
      const whole = parseLog(text, { buildFailed: true });
      let s = seed;
      const rand = (n: number) => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) % n;
      const cuts: number[] = [];
      for (let at = rand(5000); at < text.length; at += 1 + rand(20_000)) {
        cuts.push(at);
      }
      const split = feedInChunks(text, cuts);
      assert.ok(whole.steps.length === 4 && whole.problems.length > 4, `the log has steps and problems: ${shape(whole).join('; ')}`);
      assert.deepEqual(shape(split), shape(whole));
      assert.deepEqual(split, whole);
      return Promise.resolve();
    },
  }));
}

export function logCells(): LocalCell[] {
  return [...hostileLineCells(), ...colouredCells(), ...chunkCells()];
}
