/** A log past the threshold goes to a temporary file, whole and in order, and is never held whole. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { LogRead } from '../../../src/api/buildsApi';
import { LogFollower } from '../../../src/core/logs/logFollower';

/** A server log that honours Range, served in small chunks. */
function server(log: () => Buffer, chunk = 100, ignoreRange = () => false): (s: unknown, from: number) => Promise<LogRead> {
  return (_s, asked) => {
    const all = log();
    const from = ignoreRange() ? 0 : asked;
    if (all.length === 0) {
      return Promise.resolve({ kind: 'notReady' });
    }
    if (from >= all.length) {
      return Promise.resolve({ kind: 'nothingNew' });
    }
    const rest = all.subarray(from);
    const parts: Buffer[] = [];
    for (let i = 0; i < rest.length; i += chunk) {
      parts.push(rest.subarray(i, i + chunk));
    }
    return Promise.resolve({ kind: 'bytes', start: from, stream: Readable.from(parts) });
  };
}

describe('core/LogFollower: logs over the threshold go to a temporary file', () => {
  const line = (i: number) => `[12:00:${String(i % 60).padStart(2, '0')}] step ${i}: ünïcödé ✓ ${'x'.repeat(i % 17)}\n`;
  const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => line(from + i)).join('');

  it('stays in memory up to the threshold', async () => {
    const text = lines(10);
    const f = new LogFollower(
      server(() => Buffer.from(text)),
      { queueItemId: 'q' },
      { spillAboveBytes: 10_000 },
    );
    assert.equal(await f.update(), 'appended');
    assert.equal(f.text, text);
    assert.equal(f.spilledTo, undefined);
  });

  it('past it, the file holds the whole log (multi-byte characters split across chunks intact) and the text is dropped', async () => {
    let log = Buffer.from(lines(20));
    let ignoreRange = false;
    const f = new LogFollower(
      server(
        () => log,
        7,
        () => ignoreRange,
      ),
      { commitId: 'c', buildId: 'b' },
      { spillAboveBytes: 2_000, fileName: 'Build 1a2b: fix/login.log', rangeIgnoredIntervalMs: 0 },
    );
    try {
      await f.update();
      assert.equal(f.spilledTo, undefined, `${log.length} bytes: still in memory`);
      log = Buffer.concat([log, Buffer.from(lines(40, 20))]);
      assert.equal(await f.update(), 'appended');
      const file = f.spilledTo;
      assert.ok(file, 'went to a file');
      assert.equal(path.basename(file), 'Build 1a2b fix-login.log');
      assert.equal(f.text, '', 'nothing kept in memory');
      log = Buffer.concat([log, Buffer.from(lines(30, 60))]);
      assert.equal(await f.update(), 'appended');
      assert.equal(await f.update(), 'unchanged');
      assert.equal(fs.readFileSync(file, 'utf8'), lines(90), 'the file is the whole log, in order');
      assert.equal(f.byteLength, log.length);
      assert.equal((fs.statSync(file).mode & 0o777).toString(8), '600', 'only the user reads it');
      // the server ignores Range and its log differs from what was received: the same file is rewritten from its start
      ignoreRange = true;
      log = Buffer.from(lines(5, 500) + lines(60, 600));
      assert.equal(await f.update(), 'replaced');
      assert.equal(f.spilledTo, file);
      assert.equal(fs.readFileSync(file, 'utf8'), log.toString('utf8'));
      await f.closeFile();
      assert.ok(fs.existsSync(file), 'closing keeps the file (an editor shows it)');
    } finally {
      const file = f.spilledTo;
      await f.dispose();
      assert.ok(file && !fs.existsSync(path.dirname(file)), 'dispose deletes the file and its folder');
    }
  });

  it('the file name from a commit subject with a tab, an ESC sequence and U+202E is plain ASCII, its .log kept (N7)', async () => {
    const f = new LogFollower(
      server(() => Buffer.from(lines(40))),
      { queueItemId: 'q' },
      { spillAboveBytes: 500, fileName: 'Build 7: fix\tlogin \u001b[31mred\u001b[0m \u202Egol.exe \u0007../..\\x.log' },
    );
    try {
      await f.update();
      const name = path.basename(f.spilledTo ?? '');
      assert.equal(name, 'Build 7 fix-login 31mred-0m gol.exe x.log');
      assert.match(name, /^[\w.-]+( [\w.-]+)*\.log$/, 'ASCII words and single plain spaces');
      assert.equal(path.dirname(path.dirname(f.spilledTo ?? '')), os.tmpdir(), 'in its own folder of the temp folder, not a path');
    } finally {
      await f.dispose();
    }
  });

  it('a plain label keeps its spaces: the editor tab reads as the log document does ("Build 45b1b35.log")', async () => {
    const f = new LogFollower(
      server(() => Buffer.from(lines(40))),
      { queueItemId: 'q' },
      { spillAboveBytes: 500, fileName: 'Build 45b1b35.log' },
    );
    try {
      await f.update();
      assert.equal(path.basename(f.spilledTo ?? ''), 'Build 45b1b35.log');
    } finally {
      await f.dispose();
    }
  });

  it('past the ceiling the file stops, ends with a note saying so and how to get the rest, and nothing more is read (N7)', async () => {
    let log = Buffer.from(lines(100));
    let reads = 0;
    const read = server(() => log, 64);
    const f = new LogFollower(
      (s, from) => {
        reads++;
        return read(s, from);
      },
      { queueItemId: 'q' },
      { spillAboveBytes: 1_000, maxFileBytes: 3_000 },
    );
    try {
      assert.equal(await f.update(), 'appended');
      assert.ok(f.capped);
      const file = f.spilledTo ?? '';
      const text = fs.readFileSync(file, 'utf8');
      const note =
        '\n\nThe log is longer than 3000 bytes, so the rest was left out of this file. To read all of it, open the build in Appcircle and download its log there.\n';
      assert.ok(text.endsWith(note), text.slice(-300));
      const kept = text.slice(0, -note.length);
      assert.ok(log.toString('utf8').startsWith(kept.replace(/\uFFFD$/, '')), 'the first part of the log, in order');
      assert.ok(Buffer.byteLength(kept) <= 3_000 + 3, `${Buffer.byteLength(kept)} bytes of the log`);
      assert.equal(f.byteLength, 3_000);
      log = Buffer.concat([log, Buffer.from(lines(50, 100))]);
      assert.equal(await f.update(), 'unchanged');
      assert.equal(reads, 1, 'no read past the ceiling');
      assert.equal(fs.readFileSync(file, 'utf8'), text);
    } finally {
      await f.dispose();
    }
  });
});
