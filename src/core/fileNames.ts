/** File names made from server text (profile, branch and commit names, build ids): never a path, never a control character. */

/** Read at most this much of the text: the result is short anyway, and no pattern sees a long input. */
const MAX_INPUT = 1024;

/**
 * A file-name part from server text: letters, digits, '.', '_', '-' only, no leading dots, at most `max`
 * characters. Everything else (separators, spaces, tabs, ESC sequences, control and bidi characters such as
 * U+202E, any non-ASCII letter) becomes '-'; an empty result is 'x'.
 */
export function safePart(s: string, max = 60): string {
  const out = s
    .slice(0, MAX_INPUT)
    .replace(/[^\w.-]+/g, '-')
    .replace(/^[-.]+/, '')
    .slice(0, max);
  return trimEnd(out) || 'x';
}

/** `name` made safe with `safePart`, keeping a short extension such as `.log` (its own part, never dropped by the cut). */
export function safeFileName(name: string, max = 80): string {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 8 ? safePart(name.slice(dot + 1), 7) : '';
  const base = safePart(ext ? name.slice(0, dot) : name, max);
  return ext ? `${base}.${ext}` : base;
}

/** Drops trailing '-' and '.' (a loop, not a `[-.]+$` pattern, which retries at every position of a long run). */
function trimEnd(s: string): string {
  let end = s.length;
  while (end > 0 && (s[end - 1] === '-' || s[end - 1] === '.')) {
    end--;
  }
  return s.slice(0, end);
}
