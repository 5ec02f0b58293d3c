/**
 * A tool's answer for any server text (names, messages, log lines): never over 16 KB, its data still JSON a model can
 * parse back to the same (inert) strings, no bidi or control character outside that JSON's escapes, no fence a log
 * line could close, and no token left in it.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { MAX_RESULT_BYTES, answer, answerText, data } from '../../../../src/ui/agent/toolText';
import { NUM_RUNS } from '../../properties';

const hostile = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.constantFrom(
    '```',
    '[x](command:workbench.action.reloadWindow)',
    '$(pass-filled)',
    '\u202eevil',
    '\u0000\u001b[31m',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghij',
  ),
);

describe('property: a Language Model tool answer', () => {
  it('stays bounded, parses back, and carries no control, bidi, fence or token whatever the server sent', () => {
    fc.assert(
      fc.property(fc.array(hostile, { maxLength: 60 }), fc.array(hostile, { maxLength: 200 }), (names, lines) => {
        const text = answerText(answer('A sentence.', { items: names.map((n) => ({ name: data(n) })) }, lines.join('\n')));
        assert.ok(Buffer.byteLength(text, 'utf8') <= MAX_RESULT_BYTES, `${Buffer.byteLength(text, 'utf8')} bytes`);
        const fence = text.indexOf('\n```log\n');
        const json = text.slice(text.indexOf('\n') + 1, fence > 0 ? fence : undefined);
        if (!/cut at 16 KB/.test(text)) {
          const back = JSON.parse(json) as { items: { name?: string }[] };
          assert.equal(back.items.length, names.length);
          // no ``` fence inside the log block but the one that closes it
          const block = text.slice(fence + '\n```log\n'.length, -'\n```'.length);
          assert.ok(!block.includes('```'), 'a log line closed the fence');
        }
        for (const n of names) {
          const d = data(n) ?? '';
          // eslint-disable-next-line no-control-regex
          assert.doesNotMatch(d, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        }
        assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
