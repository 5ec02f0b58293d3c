/** One build's streamed messages at their byte position (src/core/logs/streamAligner.ts). */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import type { BuildLogMessage } from '../../../src/api/hookApi';
import { HOLE_WAIT_MS, REORDER_WINDOW, StreamAligner, bytesOf } from '../../../src/core/logs/streamAligner';

const msg = (messageIndex: number, message: string, extra: Partial<BuildLogMessage> = {}): BuildLogMessage => ({
  taskId: 't1',
  messageIndex,
  message,
  stepName: 'Build',
  uiOnly: false,
  workflowStatus: 10,
  ...extra,
});

/** Feeds messages to an aligner over a log that starts with `shown`; returns the log text and whether it broke. */
function feed(ms: BuildLogMessage[], shown = '', now = () => 0): { text: string; broken?: string; ended: boolean } {
  const a = new StreamAligner(now);
  let text = shown;
  for (const m of ms) {
    const r = a.offer(m, Buffer.byteLength(text));
    if (r.kind === 'broken') {
      return { text, broken: r.why, ended: false };
    }
    text += r.text;
  }
  return { text, ended: a.ended };
}

const plain = (ms: BuildLogMessage[]) => ms.map(bytesOf).join('');

describe('core: streamed messages at their byte position', () => {
  const lines = [
    msg(1, '@@[section:begin] Build Phase Step started: Build'),
    msg(2, 'Build', { uiOnly: true }),
    msg(3, 'one\r\ntwo\rthree'),
    msg(4, 'ğüş 🚀'),
    msg(5, '@@[section:end] Build Phase Step completed: Completing workflow, Ver: 1.0', { workflowStatus: 9 }),
  ];

  it('in order: the plain log (line ends normalised, step-title echoes add nothing); the end is seen', () => {
    const r = feed(lines);
    assert.equal(
      r.text,
      '@@[section:begin] Build Phase Step started: Build\none\ntwo\nthree\nğüş 🚀\n@@[section:end] Build Phase Step completed: Completing workflow, Ver: 1.0\n',
    );
    assert.equal(r.text, plain(lines));
    assert.ok(r.ended);
  });

  it('duplicated and swapped messages give the same text', () => {
    const [a, b, c, d, e] = lines as [BuildLogMessage, BuildLogMessage, BuildLogMessage, BuildLogMessage, BuildLogMessage];
    assert.equal(feed([a, a, c, b, b, d, c, e, d]).text, plain(lines));
  });

  it('what is shown already is skipped (a replay after polling), also in the middle of the messages', () => {
    for (let k = 0; k <= lines.length; k++) {
      const shown = plain(lines.slice(0, k));
      assert.equal(feed(lines, shown).text, plain(lines), `shown up to message ${k}`);
    }
  });

  it('a message that straddles the bytes shown breaks the build off the stream', () => {
    const r = feed(lines, plain(lines.slice(0, 3)).slice(0, -2));
    assert.match(r.broken ?? '', /does not start where/);
  });

  it('a hole larger than the reorder window breaks; one that stays open is overdue after the wait', () => {
    const later = Array.from({ length: REORDER_WINDOW + 1 }, (_, i) => msg(i + 2, `line ${i + 2}`));
    assert.match(feed(later).broken ?? '', /did not come within/);
    let t = 0;
    const a = new StreamAligner(() => t);
    a.offer(msg(2, 'two'), 0);
    assert.equal(a.overdue(), false);
    t = HOLE_WAIT_MS + 1;
    assert.equal(a.overdue(), true);
    assert.deepEqual(a.offer(msg(1, 'one'), 0), { kind: 'append', text: 'one\ntwo\n', ended: false });
    assert.equal(a.overdue(), false);
  });

  it('two different messages with one index break', () => {
    assert.match(feed([msg(2, 'a'), msg(2, 'b')]).broken ?? '', /two different messages/);
  });
  it('messages offered together (offerAll) give the same text as one at a time, for any batching, order and replay', () => {
    const all = lines.slice(0, 4);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: all.length - 1 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: all.length }),
        (order, sizes, shownUpTo) => {
          // every message at least once, in a generated order with repeats; then the end
          const stream = [...order.map((i) => all[i]), ...all, lines[4]];
          const shown = plain(lines.slice(0, shownUpTo));
          const one = feed(stream, shown);
          const a = new StreamAligner(() => 0);
          let text = shown;
          for (let at = 0, k = 0; at < stream.length; k++) {
            const n = sizes[k % sizes.length] ?? 1;
            const r = a.offerAll(stream.slice(at, at + n), Buffer.byteLength(text));
            assert.equal(r.kind, one.broken === undefined ? 'append' : r.kind);
            if (r.kind === 'broken') {
              return;
            }
            text += r.text;
            at += n;
          }
          assert.equal(text, one.text);
          assert.equal(text, plain(lines));
          assert.ok(a.ended);
        },
      ),
      { numRuns: 300 },
    );
  });
});
