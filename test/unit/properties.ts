/**
 * Shared pieces of the property-based suite (fast-check): the run count every property uses, and text generators
 * built from the tokens hostile input is made of. fast-check prints the seed and the shrunk path of a failure;
 * re-run one with `fc.assert(prop, { numRuns: NUM_RUNS, seed, path })`.
 */
import * as fc from 'fast-check';

/** At least 10,000 generated inputs per subject and run. */
export const NUM_RUNS = 10_000;

/** Any text: full unicode code points (lone surrogates included), control characters. */
export const anyText = (maxLength = 40): fc.Arbitrary<string> => fc.string({ unit: 'binary', maxLength });

/** A string with lone surrogate halves among other characters (what a JS string may hold, and UTF-8 cannot). */
export const loneSurrogates = (maxLength = 20): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    ),
    minLength: 1,
    maxLength,
  });

/** A run of one character (spaces, backslashes, dots) of modest length: long enough to matter, cheap to parse. */
export const run = (chars: string[], maxLength = 64): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...chars), fc.integer({ min: 1, max: maxLength })).map(([c, n]) => c.repeat(n));

/** ANSI escapes as coloured compiler output prints them, and broken ones. */
export const ansi: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\u001b[0m',
    '\u001b[1m',
    '\u001b[31m',
    '\u001b[1;31m',
    '\u001b[38;5;196m',
    '\u001b[K',
    '\u001b[',
    '\u001b]0;t\u0007',
    '\u001b',
  ),
  fc.integer({ min: 0, max: 255 }).map((n) => `\u001b[${n}m`),
);

/** Text made of the tokens a hostile or odd input is built from, mixed with arbitrary characters. */
export function tokenText(tokens: readonly string[], maxTokens = 12, runLength = 64): fc.Arbitrary<string> {
  return fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...tokens) },
        { weight: 2, arbitrary: anyText(12) },
        { weight: 1, arbitrary: ansi },
        { weight: 1, arbitrary: run([' ', '\t', '\\', '.', ':', '/', '"', '%'], runLength) },
        { weight: 1, arbitrary: fc.constantFrom('\n', '\r\n', '\r', ' ', '\u00a0', '\u2028', '\u202e', '\u0000', '\ud800', '\udc00') },
      ),
      { maxLength: maxTokens },
    )
    .map((parts) => parts.join(''));
}
