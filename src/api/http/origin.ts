/** The origin a stored credential is bound to (S16), computed without loading the HTTP layer. */

/** Scheme, host and port of a URL; the text itself when it is not one (the URL policy refuses it later). */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
