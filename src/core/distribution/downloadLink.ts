/**
 * The check of an Enterprise App Store download link (E7's answer) before Copy Download Link puts it on the
 * clipboard: the link is the server's, and a tester may open it anywhere, so it must be https (or http to this
 * machine, as the sandbox's), carry no user name or password, stay a sensible length, and hold no control or
 * direction-changing characters (which `new URL` would silently drop, or which would make the link read as another).
 */
import { isLoopbackHost } from '../../api/http/url';

export const MAX_DOWNLOAD_LINK_LENGTH = 2048;

export type DownloadLinkProblem = 'empty' | 'tooLong' | 'controlCharacters' | 'invalid' | 'credentials' | 'insecure';

export type DownloadLinkCheck = { ok: true; url: string } | { ok: false; problem: DownloadLinkProblem };

// C0 and C1 controls, DEL, line and paragraph separators, and the bidirectional marks, embeddings and isolates
// eslint-disable-next-line no-control-regex -- these are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** The link as it may be copied (parsed and written back by `URL`), or why not. */
export function checkDownloadLink(raw: string | undefined): DownloadLinkCheck {
  const link = trimSpaces(raw ?? '');
  if (link === '') {
    return { ok: false, problem: 'empty' };
  }
  if (link.length > MAX_DOWNLOAD_LINK_LENGTH) {
    return { ok: false, problem: 'tooLong' };
  }
  if (CONTROL.test(link)) {
    return { ok: false, problem: 'controlCharacters' };
  }
  let u: URL;
  try {
    u = new URL(link);
  } catch {
    return { ok: false, problem: 'invalid' };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    return { ok: false, problem: 'invalid' };
  }
  if (u.username !== '' || u.password !== '') {
    return { ok: false, problem: 'credentials' };
  }
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    return { ok: false, problem: 'insecure' };
  }
  // written back, the link may grow (a space becomes %20): the limit holds for what is copied
  return u.href.length > MAX_DOWNLOAD_LINK_LENGTH ? { ok: false, problem: 'tooLong' } : { ok: true, url: u.href };
}

/** Spaces off both ends, in one pass (` +$` backtracks on a long run of spaces inside the text). */
function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) === 32) {
    start++;
  }
  while (end > start && text.charCodeAt(end - 1) === 32) {
    end--;
  }
  return text.slice(start, end);
}
