import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import * as fc from 'fast-check';
import type { LogRead } from '../../../../src/api/buildsApi';
import { cutToBytes, excerptLine } from '../../../../src/core/agent/logExcerpt';
import { scanLog } from '../../../../src/core/agent/logScan';
import { parseLog } from '../../../../src/core/logs/logParser';
import { NUM_RUNS, tokenText } from '../../properties';

/** Lines of a build log (markers, errors, compiler messages) and what breaks a naive reader (multi-byte, CR). */
const LINE_TOKENS = [
  '@@[section:begin] Step started: Build',
  '@@[section:end] Step completed: Build',
  '@@[section:end] Step failed: Gradle',
  '@@[error] ',
  '[10:00:01] ',
  'e: file:///a/B.kt:27:5 ',
  '/a/B.kt: (27, 5): ',
  '/x/Login.swift:12:3: error: ',
  'warning: ',
  'é',
  '😀',
  '\u202e',
  '\r',
  '\r\n',
  '\n',
];

const lineList = fc.array(tokenText(LINE_TOKENS, 6, 16), { maxLength: 30 });

/** The whole text as the scan must see it: UTF-8 round trip (a lone surrogate becomes U+FFFD). */
function decoded(lines: string[], endsWithBreak: boolean): Buffer {
  return Buffer.from(lines.join('\n') + (endsWithBreak ? '\n' : ''));
}

function chunked(buf: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const end of [...at, buf.length]) {
    out.push(buf.subarray(from, end));
    from = end;
  }
  return out;
}

function linesOf(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') {
    lines.pop();
  }
  return lines;
}

/** The tail the scan must give: the last `n` lines, cleaned, whole lines dropped from the front to fit `cap`. */
function expectedTail(text: string, n: number, cap: number): string {
  const all = linesOf(text);
  const lines = (n === 0 ? [] : all.slice(Math.max(0, all.length - n))).map(excerptLine);
  while (lines.length > 1 && Buffer.byteLength(lines.join('\n')) > cap) {
    lines.shift();
  }
  return cutToBytes(lines.join('\n'), cap);
}

const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x)) as unknown;

describe('core/agent/logScan properties (fast-check)', () => {
  it('any lines in any chunks: the summary of the whole text, and its tail cut to the byte cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        lineList,
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 200 }),
        fc.boolean(),
        async (lines, endsWithBreak, cuts, n, cap, failed) => {
          const buf = decoded(lines, endsWithBreak);
          const text = buf.toString('utf8');
          const stream = Readable.from(chunked(buf, cuts));
          const read = (): Promise<LogRead> => Promise.resolve({ kind: 'bytes', start: 0, stream });
          const r = await scanLog(
            read,
            { queueItemId: 'q' },
            { excerpt: { kind: 'tail', lines: n }, excerptMaxBytes: cap, buildFailed: failed },
          );
          assert.equal(stream.destroyed, true);
          if (r.notReady) {
            assert.ok(buf.length < 64 && text.trim() === '');
            return;
          }
          assert.deepEqual(plain(r.summary), plain(parseLog(text, { buildFailed: failed })));
          assert.deepEqual([r.bytesRead, r.complete], [buf.length, true]);
          const e = r.excerpt!;
          assert.equal(e.text, expectedTail(text, n, cap));
          assert.ok(Buffer.byteLength(e.text) <= cap);
          const shown = e.fromLine === 0 ? 0 : e.toLine - e.fromLine + 1;
          assert.equal(shown + e.cutBefore, Math.min(n, r.summary.lines));
          assert.equal(e.toLine, shown ? r.summary.lines : 0);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
