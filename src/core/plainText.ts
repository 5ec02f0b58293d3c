/**
 * Server and repository strings made inert before they reach a notification, the status bar or a tooltip
 * (security review N5, N13). VS Code turns `[label](command:…)` in a notification into a clickable command link, and
 * `$(icon)` in status-bar text, quick-pick labels and theme-icon tooltips into an icon. `plain()` keeps the text
 * readable and breaks both: a zero-width space goes between `]` and `(`, between `$` and `(`, and after the colon of
 * anything that looks like a URI scheme (`command:`, `file:`, `vscode:`) but `http://` and `https://`, which stay
 * whole to be read and copied (they open a browser, never a command). Control characters (C0, DEL, C1) become a
 * space, bidi controls are dropped, and the result is at most `max` characters.
 * Every pattern here is a single character class or a one-character lookaround: linear on any input.
 */

/** U+200B ZERO WIDTH SPACE: invisible, and it breaks the syntax it sits in. */
export const ZWSP = '\u200b';

/** The default cap for a name (profile, workflow, organization, branch). */
export const MAX_NAME_LENGTH = 120;
/** The cap for a longer text (a server's error message, a commit message line). */
export const MAX_MESSAGE_LENGTH = 300;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LINK_BREAK = /\](?=\()/g;
const ICON_BREAK = /\$(?=\()/g;
/** A colon right after a letter and right before a non-space: `command:x`, `https://`, `file:/`. Not `12:30`, not `Note: x`. */
const SCHEME_COLON = /(?<=[A-Za-z]):(?=[^\s\u200b])/g;
/** The 6 characters before a colon end in a whole `http` or `https`. */
const WEB_SCHEME = /(?:^|[^A-Za-z0-9+.-])https?$/i;

/**
 * `s` with link, icon and scheme syntax broken, control and bidi characters removed, and at most `max` characters
 * shown (the zero-width spaces it inserts are not counted: they show nothing).
 */
export function plain(s: string | undefined, max = MAX_NAME_LENGTH): string {
  if (!s) {
    return '';
  }
  // a bounded amount of work for any input: the cut comes first, the neutralising after it (nothing cuts it apart)
  let t = (s.length > max * 2 ? s.slice(0, max * 2) : s).replace(BIDI, '').replace(CONTROL, ' ').trim();
  if (t.length > max) {
    // no lone high surrogate before the ellipsis
    t = `${t.slice(0, max - 1).replace(/[\ud800-\udbff]$/, '')}…`;
  }
  t = t.replace(LINK_BREAK, `]${ZWSP}`).replace(ICON_BREAK, `$${ZWSP}`);
  // an http(s) address stays whole (it is shown to be copied, such as a redirect target); any other scheme is broken
  return t.replace(SCHEME_COLON, (colon: string, at: number, all: string) =>
    WEB_SCHEME.test(all.slice(Math.max(0, at - 6), at)) && all.startsWith('//', at + 1) ? colon : `:${ZWSP}`,
  );
}

/** `plain()` and then Markdown-escaped, `$` and backticks included, for a MarkdownString tooltip. */
export function plainMarkdown(s: string | undefined, max = MAX_NAME_LENGTH): string {
  return plain(s, max).replace(/[\\`*_{}[\]()#+\-.!|<>$~&]/g, (c) => `\\${c}`);
}

/** An id for a Markdown code span: neutralised, and without backticks (a backslash does not escape inside a code span). */
export function plainCode(s: string | undefined, max = MAX_NAME_LENGTH): string {
  return plain(s, max).replace(/`/g, "'");
}
