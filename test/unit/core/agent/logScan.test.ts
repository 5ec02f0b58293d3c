import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { ANDROID_SOURCE_FILES, seededLogLines, stepsFor } from '../../../../sandbox/buildLogs';
import type { LogRead, LogSource } from '../../../../src/api/buildsApi';
import { ApiError } from '../../../../src/api/http/errors';
import {
  DEFAULT_CONTEXT_LINES,
  DEFAULT_EXCERPT_MAX_BYTES,
  DEFAULT_TAIL_LINES,
  cutToBytes,
  excerptLine,
} from '../../../../src/core/agent/logExcerpt';
import { DEFAULT_SCAN_MAX_BYTES, scanLog } from '../../../../src/core/agent/logScan';
import type { LogScanOptions } from '../../../../src/core/agent/logScan';
import { UserCancelledError } from '../../../../src/core/errors';
import { MAX_LINE } from '../../../../src/core/logs/logLines';
import { parseLog } from '../../../../src/core/logs/logParser';

const SOURCE: LogSource = { commitId: 'c1', buildId: 'b1' };
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** A read answering with `chunks` as one stream; `reads` records the offsets asked for. */
function readOf(chunks: (Buffer | string)[] | Readable): {
  read: (s: LogSource, from: number) => Promise<LogRead>;
  stream: Readable;
  reads: number[];
} {
  const stream = chunks instanceof Readable ? chunks : Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
  const reads: number[] = [];
  return {
    stream,
    reads,
    read: (_s, from) => {
      reads.push(from);
      return Promise.resolve({ kind: 'bytes', start: 0, stream });
    },
  };
}

function scanText(text: string, options: LogScanOptions = {}, chunkBytes = 4096) {
  const buf = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < buf.length; at += chunkBytes) {
    chunks.push(buf.subarray(at, at + chunkBytes));
  }
  return scanLog(readOf(chunks).read, SOURCE, options);
}

/** The sandbox's failed Android build log (Kotlin error in MainActivity.kt line 27), with `bodyLines` more build output. */
function androidLog(extra = 0): string[] {
  const lines = seededLogLines(
    { os: 2, buildId: 'abcdef0123', steps: stepsFor(2) },
    ['Appcircle build x'],
    { status: 1, hasWarning: false },
    '2025-08-20T10:00:00Z',
  );
  const at = lines.findIndex((l) => l.includes('@@[command] ./gradlew'));
  const filler = Array.from({ length: extra }, (_, i) => `[10:05:00] > Task :app:module${i} UP-TO-DATE`);
  return [...lines.slice(0, at), ...filler, ...lines.slice(at)];
}

const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x)) as unknown;

describe('core/agent/logScan: a build log read once, as a stream, bounded', () => {
  it('firstError: the summary of the whole log, and the Kotlin error with 20 lines before and after it', async () => {
    const lines = androidLog(40);
    const text = lines.join('\n');
    const r = await scanText(text, { excerpt: { kind: 'firstError' }, buildFailed: true }, 1000);
    assert.deepEqual(plain(r.summary), plain(parseLog(text, { buildFailed: true })));
    assert.equal(r.complete, true);
    assert.equal(r.bytesRead, bytes(text));
    const at = r.summary.firstErrorLine!;
    assert.match(lines[at] ?? '', new RegExp(`${ANDROID_SOURCE_FILES[0]}:27:5 Unresolved reference: foo`));
    const e = r.excerpt!;
    assert.equal(e.mode, 'firstError');
    assert.equal(e.found, true);
    const after = Math.min(DEFAULT_CONTEXT_LINES, lines.length - at - 1);
    assert.deepEqual([e.fromLine, e.toLine], [at + 1 - DEFAULT_CONTEXT_LINES, at + 1 + after]);
    assert.equal(e.text, lines.slice(at - DEFAULT_CONTEXT_LINES, at + after + 1).join('\n'));
    assert.deepEqual([e.cutBefore, e.cutAfter, e.truncatedBytes], [0, 0, false]);
  });

  it('firstError with few lines around it, and near the log start', async () => {
    const lines = androidLog(0);
    const text = lines.join('\n');
    const r = await scanText(text, { excerpt: { kind: 'firstError', before: 2, after: 1 } });
    const at = r.summary.firstErrorLine!;
    assert.equal(r.excerpt?.text, lines.slice(at - 2, at + 2).join('\n'));
    const top = await scanText(['@@[error] first', 'two', 'three'].join('\n'), { excerpt: { kind: 'firstError' } });
    assert.equal(top.summary.firstErrorLine, 0);
    assert.deepEqual([top.excerpt?.fromLine, top.excerpt?.toLine, top.excerpt?.cutBefore, top.excerpt?.cutAfter], [1, 3, 0, 0]);
  });

  it('firstError in a log without an error: the tail, found false', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i}`);
    const r = await scanText(lines.join('\n'), { excerpt: { kind: 'firstError' } });
    assert.equal(r.summary.firstErrorLine, undefined);
    assert.deepEqual([r.excerpt?.mode, r.excerpt?.found], ['tail', false]);
    assert.equal(r.excerpt?.text, lines.slice(-DEFAULT_TAIL_LINES).join('\n'));
    assert.deepEqual([r.excerpt?.fromLine, r.excerpt?.toLine], [101, 300]);
  });

  it('step: by name (any case) or 0-based index, markers included; an unknown one is not found', async () => {
    const lines = androidLog(10);
    const text = lines.join('\n');
    const begin = lines.findIndex((l) => l.includes('Step started: Android Build'));
    const end = lines.findIndex((l) => l.includes('Step completed: Android Build'));
    for (const step of ['android build', ' ANDROID BUILD ', 2]) {
      const e = (await scanText(text, { excerpt: { kind: 'step', step } }, 777)).excerpt!;
      assert.deepEqual([e.mode, e.found, e.fromLine, e.toLine, e.cutBefore], ['step', true, begin + 1, end + 1, 0], String(step));
      assert.equal(e.text, lines.slice(begin, end + 1).join('\n'));
    }
    for (const step of ['Deploy', 7, -1, '2']) {
      const e = (await scanText(text, { excerpt: { kind: 'step', step } })).excerpt!;
      assert.deepEqual([e.found, e.text, e.fromLine, e.toLine], [false, '', 0, 0], String(step));
    }
  });

  it('step: one that a next begin marker ends, and the last one left open', async () => {
    const lines = ['@@[section:begin] Step started: A', 'a1', '@@[section:begin] Step started: B', 'b1', 'b2'];
    const a = (await scanText(lines.join('\n'), { excerpt: { kind: 'step', step: 'a' }, buildFailed: true })).excerpt!;
    assert.equal(a.text, 'a1'.replace(/^/, `${lines[0]}\n`));
    const b = (await scanText(lines.join('\n'), { excerpt: { kind: 'step', step: 1 } })).excerpt!;
    assert.deepEqual([b.text, b.fromLine, b.toLine], [lines.slice(2).join('\n'), 3, 5]);
  });

  it('tail: the last lines (200 by default), cleaned: ANSI gone, control characters spaces', async () => {
    const lines = Array.from({ length: 250 }, (_, i) => `\u001b[31mline\u001b[0m ${i}\u0007`);
    const r = await scanText(lines.join('\r\n'), { excerpt: { kind: 'tail' } });
    assert.equal(
      r.excerpt?.text,
      lines
        .slice(-200)
        .map((_, i) => `line ${i + 50} `)
        .join('\n'),
    );
    const five = await scanText(`${lines.join('\n')}\n`, { excerpt: { kind: 'tail', lines: 5 } });
    assert.deepEqual([five.excerpt?.fromLine, five.excerpt?.toLine, five.excerpt?.found], [246, 250, true]);
    const blank = await scanText('\n'.repeat(100), { excerpt: { kind: 'tail', lines: 3 } });
    assert.deepEqual([blank.excerpt?.text, blank.excerpt?.fromLine, blank.summary.lines, blank.notReady], ['\n\n', 98, 100, undefined]);
  });

  it('the 16 KiB cap: a very long step shows its last part, whole lines, and counts the rest', async () => {
    const body = Array.from({ length: 20_000 }, (_, i) => `[10:00:00] compiling ünït ${i} of 20000 😀`);
    const lines = ['@@[section:begin] Step started: Build', ...body, 'e: /a/B.kt: (3, 1): broken', '@@[section:end] Step failed: Build'];
    const e = (await scanText(lines.join('\n'), { excerpt: { kind: 'step', step: 'Build' } })).excerpt!;
    assert.ok(bytes(e.text) <= DEFAULT_EXCERPT_MAX_BYTES, `${bytes(e.text)}`);
    assert.ok(bytes(e.text) > DEFAULT_EXCERPT_MAX_BYTES - 100);
    const shown = e.text.split('\n');
    assert.deepEqual(shown, lines.slice(lines.length - shown.length));
    assert.deepEqual(
      [e.toLine, e.fromLine, e.cutBefore, e.truncatedBytes],
      [lines.length, lines.length - shown.length + 1, lines.length - shown.length, true],
    );
    // around an error, lines are dropped on both sides, nearest kept
    const err = (await scanText(lines.join('\n'), { excerpt: { kind: 'firstError', before: 1000, after: 1000 }, excerptMaxBytes: 500 }))
      .excerpt!;
    assert.ok(bytes(err.text) <= 500);
    assert.ok(err.text.split('\n').includes('e: /a/B.kt: (3, 1): broken'));
    assert.deepEqual([err.cutAfter, err.cutBefore + err.text.split('\n').length - 2], [0, 1000]);
  });

  it('one line over the cap is cut between code points, never inside a surrogate pair', async () => {
    const line = '😀'.repeat(100);
    for (const cap of [0, 1, 3, 4, 5, 42]) {
      const e = (await scanText(line, { excerpt: { kind: 'tail' }, excerptMaxBytes: cap })).excerpt!;
      assert.equal(e.text, '😀'.repeat(Math.floor(cap / 4)));
      assert.equal(e.truncatedBytes, true);
    }
    assert.equal(cutToBytes('aé😀b', 6), 'aé');
    assert.equal(excerptLine(`x${'a'.repeat(MAX_LINE - 2)}😀`), `x${'a'.repeat(MAX_LINE - 2)}`);
    assert.equal(excerptLine('a\u202eb\u0000c\td'), 'ab c\td');
  });

  it('chunk borders inside a multi-byte character and inside \\r\\n: the same scan at every cut', async () => {
    const text = [
      '@@[section:begin] Step started: Ünïcode 😀',
      'é: ü',
      'e: /a/Ä.kt: (2, 3): 💥 bröken',
      '@@[section:end] Step completed: Ünïcode 😀',
      'done',
    ].join('\r\n');
    const buf = Buffer.from(text);
    const whole = await scanText(text, { excerpt: { kind: 'firstError', before: 1, after: 1 } }, buf.length);
    assert.equal(whole.summary.errorCount, 1);
    assert.equal(whole.excerpt?.text, 'é: ü\ne: /a/Ä.kt: (2, 3): 💥 bröken\n@@[section:end] Step completed: Ünïcode 😀');
    for (let cut = 1; cut < buf.length; cut++) {
      const { read } = readOf([buf.subarray(0, cut), buf.subarray(cut, cut + 3), buf.subarray(cut + 3)]);
      const r = await scanLog(read, SOURCE, { excerpt: { kind: 'firstError', before: 1, after: 1 } });
      assert.deepEqual(plain(r), plain(whole), `cut at ${cut}`);
    }
  });

  it('a line of many megabytes is cut as cleanLine cuts it, never held whole', async () => {
    const chunk = Buffer.from('x'.repeat(64 * 1024));
    const stream = Readable.from(
      (function* () {
        yield Buffer.from('e: /a/B.kt: (1, 1): long ');
        for (let i = 0; i < 128; i++) {
          yield chunk; // 8 MiB on one line
        }
        yield Buffer.from('\nnext');
      })(),
    );
    const r = await scanLog(readOf(stream).read, SOURCE, { excerpt: { kind: 'firstError' } });
    assert.deepEqual([r.summary.lines, r.summary.errorCount, r.complete], [2, 1, true]);
    assert.equal(r.excerpt?.text.split('\n')[0]?.length, MAX_LINE);
    assert.equal(r.bytesRead, 8 * 1024 * 1024 + 30);
  });

  it('long lines of multi-byte characters parse as in the whole text, whatever the chunk size', async () => {
    const long = (head: string, unit: string) => `${head}${unit.repeat(9000)}`;
    const text = [
      long('e: /a/B.kt: (1, 1): ', 'é😀x'),
      long('@@[section:begin] Step started: ', '😀'),
      long('', 'ü'),
      `${long('/x/Login.swift:12:3: error: ', 'a')}\r`,
      'tail',
    ].join('\r\n');
    const whole = parseLog(text);
    for (const size of [1, 7, 1000, 65536]) {
      const r = await scanText(text, { excerpt: { kind: 'tail' } }, size);
      assert.deepEqual(plain(r.summary), plain(whole), `chunks of ${size}`);
      assert.ok(bytes(r.excerpt?.text ?? '') <= DEFAULT_EXCERPT_MAX_BYTES);
    }
  });

  it('one huge chunk does not hold the event loop: it runs while the chunk is split', async () => {
    const big = Buffer.from('[10:00:00] gradle: compiling module 1 of 2\n'.repeat(400_000)); // ~17 MB, one chunk
    let turns = 0;
    let on = true;
    const tick = () => {
      turns++;
      if (on) {
        setImmediate(tick);
      }
    };
    setImmediate(tick);
    const r = await scanLog(readOf([big]).read, SOURCE);
    on = false;
    assert.equal(r.summary.lines, 400_000);
    assert.ok(turns > 1, `${turns}`);
  });

  it('stops at maxBytes: not complete, the stream destroyed; exactly maxBytes is complete', async () => {
    const text = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n');
    const r1 = readOf([text.slice(0, 3000), text.slice(3000)]);
    const cut = await scanLog(r1.read, SOURCE, { maxBytes: 1000, excerpt: { kind: 'tail', lines: 2 } });
    assert.deepEqual([cut.complete, cut.bytesRead, r1.stream.destroyed], [false, 1000, true]);
    assert.deepEqual(plain(cut.summary), plain(parseLog(text.slice(0, 1000))));
    assert.equal(cut.excerpt?.text, text.slice(0, 1000).split('\n').slice(-2).join('\n'));
    const r2 = readOf([text]);
    const exact = await scanLog(r2.read, SOURCE, { maxBytes: bytes(text) });
    assert.deepEqual([exact.complete, exact.bytesRead, r2.stream.destroyed, r2.reads], [true, bytes(text), true, [0]]);
    assert.equal(DEFAULT_SCAN_MAX_BYTES, 64 * 1024 * 1024);
  });

  it('no log yet, nothing at all, and the "No Logs Available" body', async () => {
    const notReady = await scanLog(() => Promise.resolve({ kind: 'notReady' }), SOURCE, { excerpt: { kind: 'tail' } });
    assert.deepEqual([notReady.notReady, notReady.summary.lines, notReady.excerpt, notReady.bytesRead], [true, 0, undefined, 0]);
    const nothing = await scanLog(() => Promise.resolve({ kind: 'nothingNew' }), SOURCE, { excerpt: { kind: 'tail' } });
    assert.deepEqual([nothing.notReady, nothing.summary.lines, nothing.excerpt?.found, nothing.complete], [undefined, 0, false, true]);
    const body = await scanText('No Logs Available\n', { excerpt: { kind: 'firstError' } });
    assert.deepEqual([body.notReady, body.summary.lines], [true, 0]);
    for (const empty of ['', ' \r\n ']) {
      assert.equal((await scanText(empty)).notReady, true, JSON.stringify(empty));
    }
  });

  it('abort: before the read, during a stream that stalls, and an API error passed through', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(scanText('a', { signal: ac.signal }), UserCancelledError);
    const stall = new Readable({ read() {} });
    stall.push(Buffer.from('first line\n'));
    const ac2 = new AbortController();
    const p = scanLog(readOf(stall).read, SOURCE, { signal: ac2.signal });
    setTimeout(() => ac2.abort(), 20);
    await assert.rejects(p, UserCancelledError);
    assert.equal(stall.destroyed, true);
    const failing = () => Promise.reject(new ApiError({ kind: 'network', method: 'GET', path: 'logs' }));
    await assert.rejects(scanLog(failing, SOURCE), (e: unknown) => e instanceof ApiError);
    const ac3 = new AbortController();
    const cancelledRead = () => {
      ac3.abort();
      return Promise.reject(new ApiError({ kind: 'canceled', method: 'GET', path: 'logs' }));
    };
    await assert.rejects(scanLog(cancelledRead, SOURCE, { signal: ac3.signal }), UserCancelledError);
  });

  it('a stream that breaks: its error, and the stream destroyed', async () => {
    const broken = new Readable({ read() {} });
    broken.push(Buffer.from('one\n'));
    setTimeout(() => broken.destroy(new Error('cut')), 5);
    await assert.rejects(scanLog(readOf(broken).read, SOURCE), /cut/);
    assert.equal(broken.destroyed, true);
  });
});
