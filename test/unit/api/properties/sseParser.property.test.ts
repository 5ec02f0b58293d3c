/**
 * Properties of the SSE parser (src/api/sseParser.ts): any chunking of a byte stream gives the same frames as the
 * whole stream at once, and hostile input never throws and never makes it hold more than its limits.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { SseParser } from '../../../../src/api/sseParser';
import type { SseFrame } from '../../../../src/api/sseParser';
import { NUM_RUNS } from '../../properties';

/** Lines an SSE stream is made of, well-formed or not. */
const line = fc.oneof(
  fc.constantFrom('', ':', ': keep-alive', 'event: build-log', 'event:build-log', 'event: other', 'id: 3', 'retry: 10', 'data', 'data:'),
  fc.string({ maxLength: 30 }).map((s) => `data: ${s}`),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }).map((s) => `data:${s}`),
);
const ending = fc.constantFrom('\n', '\r\n', '\r', '\n\n');
const streamText = fc.array(fc.tuple(line, ending), { maxLength: 30 }).map((ls) => ls.map(([l, e]) => l + e).join(''));

/** Cut points of a buffer of `n` bytes. */
function chunksOf(buf: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of at) {
    out.push(buf.subarray(from, c));
    from = c;
  }
  out.push(buf.subarray(from));
  return out;
}

function parseAll(chunks: Buffer[], limit?: number): { frames: SseFrame[]; broken: boolean } {
  const p = new SseParser(limit);
  const frames: SseFrame[] = [];
  for (const c of chunks) {
    frames.push(...p.push(c));
  }
  return { frames, broken: p.broken !== undefined };
}

describe('api (properties): SSE frames', () => {
  it('any chunking of a stream gives the same frames as the whole stream', () => {
    fc.assert(
      fc.property(streamText, fc.array(fc.nat(), { maxLength: 12 }), fc.constantFrom(undefined, 16, 64), (text, cuts, limit) => {
        const buf = Buffer.from(text, 'utf8');
        assert.deepEqual(parseAll(chunksOf(buf, cuts), limit), parseAll([buf], limit));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('hostile bytes never throw, and what is held stays within twice the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }), fc.integer({ min: 8, max: 256 }), (chunks, limit) => {
        const p = new SseParser(limit);
        for (const c of chunks) {
          for (const f of p.push(Buffer.from(c))) {
            assert.ok(f.data.length <= limit);
          }
          assert.ok(p.heldChars <= 2 * limit + 2, `${p.heldChars} held`);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a stream without a newline is refused once it passes the limit (memory stays bounded)', () => {
    const p = new SseParser(1024);
    for (let i = 0; i < 100; i++) {
      p.push(Buffer.alloc(100, 0x61));
    }
    assert.ok(p.broken);
    assert.equal(p.heldChars, 0);
  });
});
