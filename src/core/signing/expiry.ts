/**
 * When a signing identity expires, as a state (pure; the time comes from the caller's Clock): 'expired' at or after
 * its `expireDate`, 'expiring' within `warningDays` of it, 'ok' later, 'unknown' without a usable date (missing,
 * unparsable, or a placeholder year such as .NET's 0001-01-01). Days are whole days of 24 hours, rounded down: an
 * identity that expires in 36 hours has 1 day left; one that expired 36 hours ago expired 1 day ago.
 */

export type ExpiryState = 'expired' | 'expiring' | 'ok' | 'unknown';

export interface Expiry {
  readonly state: ExpiryState;
  /**
   * Whole days until expiry (≥ 0) or, negative, since it (≤ 0; 0 is "today"); undefined when unknown.
   * expired → ≤ 0; expiring → 0…warningDays; ok → ≥ warningDays.
   */
  readonly daysLeft?: number;
  /** The expiry instant in ms. */
  readonly expiresAt?: number;
  /** The expiry day, `YYYY-MM-DD` (UTC). */
  readonly date?: string;
}

export const DAY_MS = 86_400_000;
export const DEFAULT_WARNING_DAYS = 30;
export const MIN_WARNING_DAYS = 1;
export const MAX_WARNING_DAYS = 365;

/** A warning window in whole days, 1–365; anything that is not a finite number is the default 30. */
export function clampWarningDays(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? Math.min(MAX_WARNING_DAYS, Math.max(MIN_WARNING_DAYS, Math.trunc(n))) : DEFAULT_WARNING_DAYS;
}

/** A date and time without a zone is read as UTC (not the machine's zone): the same day everywhere. */
const NO_ZONE = /T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
/** Years before this are placeholders, not expiry dates. */
const FIRST_YEAR = 1971;

/** The instant of an `expireDate`, or undefined. */
export function parseExpireDate(s: unknown): number | undefined {
  if (typeof s !== 'string' || s.length > 40) {
    return undefined;
  }
  const t = Date.parse(NO_ZONE.test(s.trim()) ? `${s.trim()}Z` : s.trim());
  return Number.isFinite(t) && new Date(t).getUTCFullYear() >= FIRST_YEAR ? t : undefined;
}

/** The state of an identity whose `expireDate` is `expireDate`, as of `now`, with a window of `warningDays`. */
export function classifyExpiry(expireDate: unknown, now: number, warningDays: number): Expiry {
  const t = parseExpireDate(expireDate);
  if (t === undefined || !Number.isFinite(now)) {
    return { state: 'unknown' };
  }
  const window = clampWarningDays(warningDays) * DAY_MS;
  const date = new Date(t).toISOString().slice(0, 10);
  if (t <= now) {
    // -0 would print as "0" anyway, but equality tests are easier without it
    const ago = Math.floor((now - t) / DAY_MS);
    return { state: 'expired', daysLeft: ago === 0 ? 0 : -ago, expiresAt: t, date };
  }
  const daysLeft = Math.floor((t - now) / DAY_MS);
  return { state: t - now <= window ? 'expiring' : 'ok', daysLeft, expiresAt: t, date };
}

const RANK: Record<ExpiryState, number> = { expired: 0, expiring: 1, ok: 2, unknown: 3 };

/** Most urgent first: expired (longest ago first), expiring, ok (soonest first), unknown last. */
export function byUrgency(a: Expiry, b: Expiry): number {
  return RANK[a.state] - RANK[b.state] || (a.expiresAt ?? 0) - (b.expiresAt ?? 0);
}

/** Whether the state is one a user should act on. */
export function needsAttention(e: Expiry): boolean {
  return e.state === 'expired' || e.state === 'expiring';
}
