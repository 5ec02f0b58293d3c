/** Masks secrets in anything that may be logged (DESIGN.md §6). */
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer)\s+[^\s"',;]+/gi;
const SECRET_KEYS = ['pat', 'secret', 'personalAccessKey', 'access_token', 'accessToken', 'authorization', 'token', 'password'];
const KV = new RegExp(`(["']?)\\b(${SECRET_KEYS.join('|')})\\1(\\s*[:=]\\s*)("[^"]*"|'[^']*'|[^&\\s,;}]+)`, 'gi');

export function redact(text: string): string {
  return text
    .replace(JWT, '<redacted:jwt>')
    .replace(BEARER, '$1 <redacted>')
    .replace(KV, (_m, q: string, key: string, sep: string, value: string) => {
      const quoted = value.startsWith('"') ? '"<redacted>"' : value.startsWith("'") ? "'<redacted>'" : '<redacted>';
      return `${q}${key}${q}${sep}${quoted}`;
    });
}

/** A URL without credentials and with secret-looking query values masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    for (const k of [...u.searchParams.keys()]) {
      if (SECRET_KEYS.some((s) => s.toLowerCase() === k.toLowerCase())) {
        u.searchParams.set(k, 'redacted');
      }
    }
    return redact(u.toString());
  } catch {
    return redact(url);
  }
}
