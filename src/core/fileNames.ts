/** File names made from server text (profile, branch and commit names, build ids): never a path, never a control character. */

/** Read at most this much of the text: the result is short anyway, and no pattern sees a long input. */
const MAX_INPUT = 1024;

/**
 * A file-name part from server text: letters, digits, '.', '_', '-' only, no leading dots, at most `max`
 * characters. Everything else (separators, spaces, tabs, ESC sequences, control and bidi characters such as
 * U+202E, any non-ASCII letter) becomes '-'; an empty result is 'x'.
 */
export function safePart(s: string, max = 60): string {
  return cleanPart(s, max) || 'x';
}

/** `safePart` without the 'x' for an empty result. */
function cleanPart(s: string, max: number): string {
  const out = s
    .slice(0, MAX_INPUT)
    .replace(/[^\w.-]+/g, '-')
    .replace(/^[-.]+/, '')
    .slice(0, max);
  return trimEnd(out);
}

/**
 * `name` made safe as `safePart` does, but keeping single plain spaces between words (a tab reads "Build 45b1b35.log",
 * as the log document's does) and a short extension such as `.log` (its own part, never dropped by the cut).
 */
export function safeFileName(name: string, max = 80): string {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 8 ? safePart(name.slice(dot + 1), 7) : '';
  const words = (ext ? name.slice(0, dot) : name).slice(0, MAX_INPUT).split(' ');
  const base = trimEnd(
    words
      .map((w) => cleanPart(w, max))
      .filter((w) => w !== '')
      .join(' ')
      .slice(0, max),
  );
  return ext ? `${base || 'x'}.${ext}` : base || 'x';
}

/** Drops trailing '-', '.' and ' ' (a loop, not a `[-. ]+$` pattern, which retries at every position of a long run). */
function trimEnd(s: string): string {
  let end = s.length;
  while (end > 0 && (s[end - 1] === '-' || s[end - 1] === '.' || s[end - 1] === ' ')) {
    end--;
  }
  return s.slice(0, end);
}
