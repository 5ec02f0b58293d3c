import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { LogParser, parseIncrementally, parseLog } from '../../../../src/core/logs/logParser';
import { parseProblemLine } from '../../../../src/core/logs/logProblems';
import type { LogSummary } from '../../../../src/core/logs/logParser';
import { NUM_RUNS, tokenText } from '../../properties';

/** What a build log is made of (docs/appcircle-api.md §10), and what a hostile one adds. */
const LOG_TOKENS = [
  '@@[section:begin] ',
  '@@[section:end] ',
  '@@[section:begin] Step started: Xcodebuild',
  '@@[section:end] Step completed: Xcodebuild',
  '@@[section:end] Step failed: Gradle',
  '@@[SECTION:BEGIN]',
  '@@[section:',
  'Step started: ',
  'Step completed: ',
  'Step finished',
  'Setup ',
  '@@[error] ',
  '@@[command] ',
  '@@[',
  '[10:00:01] ',
  '23:59:59 ',
  '2025-08-20T10:15:00.123Z ',
  '2025-08-20 10:15:00 ',
  'error: ',
  'warning: ',
  'fatal error: ',
  'FAILURE: ',
  'e: ',
  'w: ',
  'file:///a/B.kt:27:5 ',
  '/a/B.kt: (27, 5): ',
  '/Users/agent/app/_appcircle_temp/Repository/App/Login.swift:12:3: error: ',
  'C:\\src\\Main.java:3: warning: ',
  '%2e%2e/x.kt:1:1: error: y',
  '❌ ',
  '⚠️ ',
  '.swift',
  ':12',
  ':3:',
  '\n',
  '\r\n',
];

const logText = tokenText(LOG_TOKENS, 16);

/** The text fed as a growing document is (src/ui/logs/logModels.ts): after each chunk, the cut last line is read again. */
function feedInChunks(text: string, cuts: number[], buildFailed: boolean): LogSummary {
  const p = new LogParser();
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  for (const end of [...at, text.length]) {
    const lines = text.slice(0, end).split(/\r?\n/);
    if (lines[lines.length - 1] === '') {
      lines.pop(); // nothing after the last line break yet
    }
    p.rollbackTo(Math.max(0, p.lineCount - 1));
    p.feedLines(lines.slice(p.lineCount));
  }
  p.finish(buildFailed);
  return p.summary();
}

/** The summary as data: a field set to undefined and a field left out are the same to every reader. */
function plain(s: LogSummary): unknown {
  return JSON.parse(JSON.stringify(s)) as unknown;
}

function linesOf(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') {
    lines.pop();
  }
  return lines;
}

describe('core/logParser properties (fast-check)', () => {
  it('never throws on any text, and its counts agree with its problems', () => {
    fc.assert(
      fc.property(logText, fc.boolean(), (text, failed) => {
        const s = parseLog(text, { buildFailed: failed });
        assert.equal(s.errorCount + s.warningCount, s.problems.length);
        assert.equal(s.lines, linesOf(text).length);
        for (const p of s.problems) {
          assert.ok(p.logLine >= 0 && p.logLine < s.lines);
          assert.ok(p.line === undefined || Number.isFinite(p.line));
        }
        for (const st of s.steps) {
          assert.ok(st.durationSec === undefined || (Number.isFinite(st.durationSec) && st.durationSec >= 0), `duration ${st.durationSec}`);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('parseProblemLine never throws on one line of anything', () => {
    fc.assert(
      fc.property(logText, fc.nat(), (line, n) => {
        const p = parseProblemLine(line, n);
        assert.ok(p === undefined || p.logLine === n);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a text fed in chunks cut anywhere (mid-line, mid-CRLF) parses as the whole text does', () => {
    fc.assert(
      fc.property(logText, fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), (text, cuts, failed) => {
        assert.deepEqual(plain(feedInChunks(text, cuts, failed)), plain(parseLog(text, { buildFailed: failed })));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('rollbackTo any line, then feeding the rest again, gives the same parse', () => {
    fc.assert(
      fc.property(logText, fc.nat(), fc.boolean(), (text, k, failed) => {
        const lines = linesOf(text);
        const from = k % (lines.length + 1);
        const p = new LogParser();
        p.feedLines(lines);
        p.rollbackTo(from);
        assert.equal(p.lineCount, Math.min(from, lines.length));
        p.feedLines(lines.slice(p.lineCount));
        p.finish(failed);
        assert.deepEqual(plain(p.summary()), plain(parseLog(text, { buildFailed: failed })));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('parseIncrementally, in batches of any size, parses as the whole text does', async () => {
    await fc.assert(
      fc.asyncProperty(logText, fc.integer({ min: 1, max: 5 }), async (text, batchLines) => {
        const lines = linesOf(text);
        const p = new LogParser();
        let t = 0;
        const done = await parseIncrementally(
          p,
          { lineCount: lines.length, lines: (a, b) => lines.slice(a, b) },
          { batchLines, sliceMs: 1, now: () => (t += 1), yieldNow: () => Promise.resolve() },
        );
        assert.equal(done, true);
        assert.deepEqual(plain(p.summary()), plain(parseLog(text)));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
