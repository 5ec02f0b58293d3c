/**
 * The URL policy of the HTTP layer (ARCHITECTURE.md §3): which URLs a request may go to (https, or http to this
 * machine unless appcircle.allowInsecureHttp; never with a user name or password), which redirect targets may be
 * followed (N11: a remote server cannot point the extension at this machine), and how a base URL with an optional
 * path prefix is joined to a request path. A refusal is an ApiError whose `reason` says why; no request is sent.
 */
import { ApiError } from './errors';
import { redact, redactUrl } from './redact';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/**
 * This machine, however spelled after URL parsing (which turns `127.1` and `2130706433` into `127.0.0.1`):
 * `localhost` and `*.localhost`, 127/8, `0.0.0.0`, `::1`, `::`, and IPv4-mapped loopback (`::ffff:7f00:1`).
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '0.0.0.0' || h === '::1' || h === '::') {
    return true;
  }
  if (/^127(?:\.\d{1,3}){3}$/.test(h)) {
    return true;
  }
  // the URL parser writes IPv6 in its shortest form: an IPv4-mapped 127.x.y.z is `::ffff:7fxx:yyzz`
  return h.startsWith('::ffff:') && (/^7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(h.slice(7)) || /^127(?:\.\d{1,3}){3}$/.test(h.slice(7)));
}

/**
 * The URL policy of a redirect (N11): the target must pass checkUrlAllowed, and it may point at this machine only
 * when the configured base (the first request's URL) is this machine too, so a remote server cannot make the
 * extension send requests to local services. Throws ApiError('redirected') for a loopback target of a remote base.
 */
export function checkRedirectAllowed(target: string, firstUrl: string, allowInsecureHttp: boolean): void {
  checkUrlAllowed(target, allowInsecureHttp);
  let t: URL;
  let first: URL;
  try {
    t = new URL(target);
    first = new URL(firstUrl);
  } catch {
    throw new ApiError({ kind: 'insecureUrl', reason: 'invalid URL' });
  }
  if (isLoopbackHost(t.hostname) && !isLoopbackHost(first.hostname)) {
    throw new ApiError({ kind: 'redirected', reason: 'redirect to this machine' });
  }
}

/** Throws ApiError('insecureUrl') for anything but https, or http to loopback (unless allowed). */
export function checkUrlAllowed(url: string, allowInsecureHttp: boolean): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ApiError({ kind: 'insecureUrl', reason: 'invalid URL' });
  }
  if (u.username || u.password) {
    throw new ApiError({ kind: 'insecureUrl', reason: 'URL with credentials' });
  }
  if (u.protocol === 'https:') {
    return;
  }
  if (u.protocol === 'http:' && (allowInsecureHttp || LOOPBACK.test(u.hostname))) {
    return;
  }
  throw new ApiError({ kind: 'insecureUrl', reason: `${u.protocol}//${u.hostname}` });
}

export function normalizeBase(base: string): string {
  return base.trim().replace(/\/+$/, '');
}

/** Host (+ prefix) joined to a relative or absolute path with exactly one '/'. */
export function joinUrl(base: string, path: string): string {
  return `${normalizeBase(base)}/${path.replace(/^\/+/, '')}`;
}

/** The 3xx target, resolved against the request URL; shown without query (it may carry anything). */
export function redirectTargetOf(location: string, base: string): { url: URL | undefined; shown: string } {
  try {
    const u = new URL(location, base);
    return { url: u, shown: redactUrl(`${u.protocol}//${u.host}${u.pathname}`) };
  } catch {
    return { url: undefined, shown: redact(location.split('?')[0] ?? '').slice(0, 200) };
  }
}
