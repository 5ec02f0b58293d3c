/**
 * Masks secrets in anything that may be logged or shown (ARCHITECTURE.md §8): JWTs, `Bearer` and `Basic` credentials,
 * secret-named fields in any of the shapes they travel in (form or query `k=v`, JSON `"k":"v"`, JSON escaped inside
 * a JSON string `\"k\":\"v\"`, URL-encoded `k%3Dv` / `%22k%22%3A%22v%22`), and the credential values this window
 * submitted, wherever a server echoes them (raw, JSON-escaped or URL-encoded).
 */
/*
 * Every pattern here runs on text a server or a log line controls, so none may backtrack super-linearly: each
 * starts with a literal or a boundary that a long run of the same character cannot offer at every position.
 */
/**
 * A JWT (`eyJ…` header, payload, signature), or else the rest of the segment after `eyJ`, kept as it is: a failed
 * header fails for every later `eyJ` in the same segment too, so it is consumed once, not searched from each.
 */
const JWT = /\beyJ(?:([A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*)|[A-Za-z0-9_-]*)/g;
// a scheme and its value on one line: `\s` would let "Basic" at a line's end swallow the next line's key as its value
const BEARER = /\b(Bearer)[ \t]+[^\s"',;]+/gi;
const BASIC = /\b(Basic)[ \t]+[A-Za-z0-9+/._~-]{6,}={0,2}/gi;
const SECRET_KEYS = [
  'client_secret',
  'clientSecret',
  'refresh_token',
  'refreshToken',
  'id_token',
  'access_token',
  'accessToken',
  'api_key',
  'apiKey',
  'personal-access-key',
  'personalAccessKey',
  'authorization',
  'password',
  'secret',
  'token',
  'pat',
];
const KEYS = SECRET_KEYS.join('|');
/** k=v, k: v, "k":"v" (a double-quoted value may hold escaped quotes), 'k':'v'. */
const KV = new RegExp(`(["']?)\\b(${KEYS})\\1([ \\t]*[:=][ \\t]*)("(?:[^"\\\\\\r\\n]|\\\\.)*"|'[^'\\r\\n]*'|[^&\\s,;}]+)`, 'gi');
/**
 * JSON inside a JSON string: \"k\":\"v\" (any number of backslashes). A run of backslashes is matched from its start
 * only (`(?<!\\)`), and the value ends at the first run followed by a quote, so each run is read once.
 */
const KV_ESCAPED = new RegExp(`(?<!\\\\)(\\\\+")(${KEYS})(\\\\+")(\\s*:\\s*)(\\\\+")(.*?)(?=(?<!\\\\)\\\\+"|$)`, 'gi');
/** URL-encoded: k%3Dv, %22k%22%3A%22v (the value ends at an encoded quote, & or comma). */
const KV_ENCODED = new RegExp(
  `((?:%22)?)(?<=^|[^A-Za-z0-9_]|%[0-9A-Fa-f]{2})(${KEYS})\\1((?:%3A|%3D)(?:%22)?)((?:(?!%22|%26|%2C)[^&\\s,;"'])+)`,
  'gi',
);

/** Credential values submitted from this window (bounded), masked wherever they show up. */
const known: string[] = [];
const MAX_KNOWN = 32;

/**
 * Registers a credential value (PAT, API-key secret, ready-made token) so a server that echoes it back in an
 * error message is redacted too. Values shorter than 6 characters are ignored (they would mask ordinary words).
 */
export function rememberSecret(value: string | undefined): void {
  if (!value || value.length < 6 || known.includes(value)) {
    return;
  }
  known.push(value);
  if (known.length > MAX_KNOWN) {
    known.shift();
  }
}

/** encodeURIComponent, or '' for a value it cannot encode (a lone surrogate throws URIError). */
function encodedOrEmpty(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return '';
  }
}

function variants(v: string): string[] {
  const json = JSON.stringify(v).slice(1, -1);
  const out = new Set([
    v,
    json,
    encodedOrEmpty(v),
    new URLSearchParams({ v }).toString().slice(2),
    Buffer.from(v, 'utf8').toString('base64'),
  ]);
  return [...out].filter((x) => x.length >= 6).sort((a, b) => b.length - a.length);
}

function maskKnown(text: string): string {
  let out = text;
  for (const v of known) {
    for (const x of variants(v)) {
      if (out.includes(x)) {
        out = out.split(x).join('<redacted>');
      }
    }
  }
  return out;
}

export function redact(text: string): string {
  return maskKnown(text)
    .replace(JWT, (m: string, jwt: string | undefined) => (jwt ? '<redacted:jwt>' : m))
    .replace(BEARER, '$1 <redacted>')
    .replace(BASIC, '$1 <redacted>')
    .replace(KV_ESCAPED, (_m, q1: string, key: string, q2: string, sep: string, q3: string) => `${q1}${key}${q2}${sep}${q3}<redacted>`)
    .replace(KV_ENCODED, (_m, q: string, key: string, sep: string) => `${q}${key}${q}${sep}<redacted>`)
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
