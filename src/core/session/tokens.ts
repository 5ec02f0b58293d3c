/**
 * The access tokens of the session (ARCHITECTURE.md §3): an in-memory cache per organization behind one in-flight
 * mint, the renewal policy (RENEW_FRACTION of the lifetime left, at most `renewMarginMs`, never sooner than
 * MIN_TOKEN_USE_MS after the mint; the lifetime `exp − iat` measured on this machine's clock), and the credential →
 * token exchange (`mint`) with the rule for a refusal: only a JSON 401 from the token route for this very
 * credential (or a ready-made token past its `exp`) ends the session, which the owner is told through
 * `credentialRefused`; the token service never ends the session itself. It keeps no session state: `owner.current()`
 * says which session tokens are for.
 */
import type { TokenResult } from '../../api/authApi';
import { decodeJwt, expiresAtMs } from '../../api/dto';
import type { ApiFactory } from '../apiFactory';
import {
  AuthOriginChangedError,
  CannotSwitchError,
  NotSignedInError,
  OrganizationAccessLostError,
  SessionExpiredError,
  isApiError,
} from '../errors';
import { DisposableBase, Emitter } from '../events';
import type { Event } from '../events';
import type { Clock, Logger } from '../ports';
import type { Credential, StoredSession } from './models';

interface CachedToken {
  token: string;
  /** Local epoch ms when it stops being valid. */
  expiresAt?: number;
  /** Local epoch ms of the mint. */
  mintedAt: number;
}

/**
 * Renew when this fraction of the token's lifetime is left (capped by renewMarginMs): a 5-minute token serves
 * 4¼ minutes (about 14 mints an hour of polling), a 1-hour token 55 minutes; 45 s of a 5-minute token remain for
 * the call in flight, and a 401 still re-mints once.
 */
export const RENEW_FRACTION = 0.15;
/** A token is used at least this long after its mint (unless it expires first): no mint storm on short lifetimes. */
export const MIN_TOKEN_USE_MS = 30_000;

/** What the token service needs from the session it serves. */
export interface TokenOwner {
  /** The session tokens are for now; undefined when signed out. */
  current(): StoredSession | undefined;
  /**
   * The credential of `s` cannot be used any more; the owner ends the session (the token service then throws).
   * `cause`: the token route's JSON 401 or a SessionExpiredError (a ready-made token past its `exp`): the stored
   * value goes; an AuthOriginChangedError (appcircle.authUrl names another host, nothing was sent): it stays.
   */
  credentialRefused(s: StoredSession, cause: unknown): Promise<void>;
}

export class TokenService extends DisposableBase {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<CachedToken>>();
  private busyCount = 0;
  /** Moves on whenever the cache is cleared or replaced: a mint that lands after that is not kept. */
  private epoch = 0;

  private readonly _onDidChangeBusy = this._register(new Emitter<boolean>());
  /** True while a token is being minted (status bar spinner). */
  readonly onDidChangeBusy: Event<boolean> = this._onDidChangeBusy.event;
  private readonly _onDidChangeToken = this._register(new Emitter<void>());
  /** A new access token was minted (tooltip expiry). */
  readonly onDidChangeToken: Event<void> = this._onDidChangeToken.event;

  constructor(
    private readonly api: ApiFactory,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly owner: TokenOwner,
    private readonly renewMarginMs = 5 * 60_000,
  ) {
    super();
  }

  get busy(): boolean {
    return this.busyCount > 0;
  }

  /** Local epoch ms when the cached token of the organization expires, when one has been minted. */
  expiresAt(organizationId: string): number | undefined {
    return this.tokens.get(organizationId)?.expiresAt;
  }

  /** Drops every token and the mints in flight (their results are not kept). */
  clear(): void {
    this.tokens.clear();
    this.inflight.clear();
    this.epoch++;
  }

  /** Keeps the token a sign-in or switch just minted; a mint in flight for the previous state is not kept. */
  keep(organizationId: string, minted: TokenResult, kind: Credential['kind']): void {
    this.epoch++;
    this.tokens.set(organizationId, this.cachedFrom(minted, kind));
  }

  /** The access token for the active organization; re-minted near expiry or when forced. */
  async getAccessToken(opts: { forceRefresh?: boolean } = {}): Promise<string> {
    const s = this.owner.current();
    if (!s) {
      throw new NotSignedInError();
    }
    const orgId = s.organizationId;
    const cached = this.tokens.get(orgId);
    if (cached && !opts.forceRefresh && !this.needsRenewal(cached)) {
      return cached.token;
    }
    let p = this.inflight.get(orgId);
    if (!p) {
      const epoch = this.epoch;
      p = this.busyWhile(() => this.mintFor(s, orgId, opts.forceRefresh === true))
        .then((t) => {
          if (epoch === this.epoch) {
            this.tokens.set(orgId, t);
            this._onDidChangeToken.fire();
          }
          return t;
        })
        .finally(() => this.inflight.delete(orgId));
      this.inflight.set(orgId, p);
    }
    return (await p).token;
  }

  /** `mintNow` while the busy flag is up: the mint of a sign-in or a switch. */
  mint(cred: Credential, organizationId: string | undefined, isRoot: boolean, boundTo: string | undefined): Promise<TokenResult> {
    return this.busyWhile(() => this.mintNow(cred, organizationId, isRoot, boundTo));
  }

  private async mintFor(s: StoredSession, orgId: string, forced: boolean): Promise<CachedToken> {
    if (s.credential.kind === 'accessToken') {
      // a ready-made token cannot be renewed: it serves until it expires or the server refuses it
      const ready = readyMade(s.credential.token, this.clock.now());
      if (!forced && !ready.expired) {
        return this.cachedFrom(ready.result, 'accessToken');
      }
      await this.owner.credentialRefused(s, new SessionExpiredError());
      throw new SessionExpiredError();
    }
    const isRoot = s.rootOrganizationId === undefined;
    try {
      return this.cachedFrom(await this.mintNow(s.credential, orgId, isRoot, s.authOrigin), s.credential.kind);
    } catch (e) {
      if (e instanceof AuthOriginChangedError) {
        // appcircle.authUrl now names another host: the credential goes nowhere, the user signs in again there
        await this.owner.credentialRefused(s, e);
        throw e;
      }
      if (!isApiError(e) || e.htmlBody || this.owner.current() !== s || (e.kind !== 'unauthorized' && e.kind !== 'forbidden')) {
        // a proxy's HTML 401/403, a network failure, or a session that already changed: the credential stays
        throw e;
      }
      if (!isRoot || e.kind === 'forbidden') {
        // refused for this organization: does the credential still mint for its own one?
        if (await this.credentialStillMints(s)) {
          this.logger.warn(`The credential no longer reaches organization ${orgId} (${e.status ?? e.kind}); it is kept`);
          throw new OrganizationAccessLostError(s.organizationName, e);
        }
        if (this.owner.current() !== s) {
          throw e;
        }
      }
      if (e.kind === 'unauthorized') {
        // a JSON 401 from the token route for this very credential: revoked PAT, expired or deleted key
        await this.owner.credentialRefused(s, e);
        throw new SessionExpiredError(e);
      }
      throw new OrganizationAccessLostError(s.organizationName, e);
    }
  }

  /** A mint without an organization (the credential's own); true when it works, false on a JSON 401. */
  private async credentialStillMints(s: StoredSession): Promise<boolean> {
    try {
      await this.mintNow(s.credential, undefined, false, s.authOrigin);
      return true;
    } catch (e) {
      if (isApiError(e) && e.kind === 'unauthorized' && !e.htmlBody) {
        return false;
      }
      // anything else (network, proxy page): not a proof that the credential was refused
      return true;
    }
  }

  /**
   * PAT: the root organization comes from the v1 route (what the official CLI uses); a sub-organization,
   * or a root that v1 did not return, from v2 with `subOrganizationId` (v3 for a key only v3 accepts). API key:
   * `organizationId`. `boundTo`: the auth origin the credential belongs to; another one is refused before any request.
   */
  private async mintNow(cred: Credential, organizationId: string | undefined, isRoot = false, boundTo?: string): Promise<TokenResult> {
    const auth = this.api.auth();
    if (cred.kind !== 'accessToken' && boundTo !== undefined && auth.origin !== boundTo) {
      throw new AuthOriginChangedError(boundTo, auth.origin);
    }
    switch (cred.kind) {
      case 'pat': {
        if (!organizationId || isRoot) {
          const r = await auth.tokenWithPat(cred.pat);
          if (!organizationId || r.claims.currentOrganizationId === organizationId) {
            return r;
          }
        }
        return auth.tokenWithPat(cred.pat, organizationId);
      }
      case 'apiKey':
        return auth.tokenWithApiKey(cred.name, cred.secret, organizationId ?? cred.organizationId);
      case 'accessToken': {
        const ready = readyMade(cred.token, this.clock.now());
        if (ready.expired) {
          throw new SessionExpiredError();
        }
        if (organizationId && ready.result.claims.currentOrganizationId !== organizationId) {
          throw new CannotSwitchError();
        }
        return ready.result;
      }
    }
  }

  private cachedFrom(r: TokenResult, kind: Credential['kind']): CachedToken {
    const now = this.clock.now();
    if (kind === 'accessToken') {
      // a ready-made token was issued earlier: its exp is all there is
      return { token: r.accessToken, expiresAt: r.expiresAt, mintedAt: now };
    }
    const lifetimeMs =
      r.claims.exp !== undefined && r.claims.iat !== undefined && r.claims.exp > r.claims.iat
        ? (r.claims.exp - r.claims.iat) * 1000
        : undefined;
    // measured on this machine's clock from the mint: a skewed clock does not make the token look expired
    const expiresAt = lifetimeMs !== undefined ? now + lifetimeMs : r.expiresAt;
    return { token: r.accessToken, expiresAt, mintedAt: now };
  }

  /**
   * Renew when RENEW_FRACTION of the lifetime is left (at most renewMarginMs before the end), but never sooner than
   * MIN_TOKEN_USE_MS after the mint unless the token has expired: a 5-minute token is minted about every 4¼ minutes.
   */
  private needsRenewal(t: CachedToken): boolean {
    if (t.expiresAt === undefined) {
      return false;
    }
    const now = this.clock.now();
    if (t.expiresAt <= now) {
      return true;
    }
    const lifetime = Math.max(0, t.expiresAt - t.mintedAt);
    const margin = Math.min(this.renewMarginMs, lifetime * RENEW_FRACTION);
    const renewAt = Math.max(t.expiresAt - margin, t.mintedAt + MIN_TOKEN_USE_MS);
    return now >= renewAt;
  }

  private async busyWhile<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busyCount++ === 0) {
      this._onDidChangeBusy.fire(true);
    }
    try {
      return await fn();
    } finally {
      if (--this.busyCount === 0) {
        this._onDidChangeBusy.fire(false);
      }
    }
  }
}

/** A ready-made access token as a mint's result (its `exp` is all there is), and whether that has passed. */
function readyMade(token: string, now: number): { result: TokenResult; expired: boolean } {
  const claims = decodeJwt(token);
  const expiresAt = expiresAtMs(claims);
  return { result: { accessToken: token, claims, expiresAt }, expired: expiresAt !== undefined && expiresAt <= now };
}
