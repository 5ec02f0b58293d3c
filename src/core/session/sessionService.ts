/**
 * The one session of this workspace (ARCHITECTURE.md §3).
 * - The long-lived credential lives only in SecretStorage (via CredentialStore).
 * - Access tokens live in memory, per organization, behind one in-flight promise; they are re-minted at a
 *   fraction of their lifetime (at most `renewMarginMs` before it ends, never sooner than MIN_TOKEN_USE_MS after
 *   the mint) and once on a 401 (ApiClient asks with forceRefresh). The lifetime is `exp − iat`, measured on this
 *   machine's clock from the mint, so a skewed clock does not make every call mint.
 * - The stored credential is deleted only when the token route refuses that credential with a JSON 401 (revoked
 *   PAT, expired key). A proxy's HTML 401/403, a 403 or 401 for one sub-organization (while the credential still
 *   mints for its own), or a 401 from one API endpoint after a re-mint keep it, with an error that says so.
 * - The stored credential records the origin of the auth host that accepted it and is never sent to another one:
 *   after appcircle.authUrl changes, the session ends (AuthOriginChangedError) and the user signs in again.
 * - Operations are serialized by generation: sign-in and switch run one at a time, secret writes run in order,
 *   and a result that lands after the session changed (sign-out, switch, another window) is dropped.
 */
import * as l10n from '@vscode/l10n';
import type { TokenResult } from '../../api/authApi';
import type { ApiClient } from '../../api/http/httpClient';
import { OrganizationsApi } from '../../api/organizationsApi';
import type { OrganizationDto } from '../../api/dto';
import { decodeJwt } from '../../api/dto';
import type { ApiFactory } from '../apiFactory';
import type { CredentialStore } from './credentialStore';
import {
  AlreadySignedInError,
  AuthOriginChangedError,
  CannotSwitchError,
  NotSignedInError,
  OrganizationAccessLostError,
  OrganizationMismatchError,
  OrganizationUnreachableError,
  SessionChangedError,
  SessionExpiredError,
  isApiError,
  errorText,
} from '../errors';
import { rememberSecret } from '../../api/http/redact';
import { DisposableBase, Emitter } from '../events';
import type { Event } from '../events';
import type { Credential, Organization, OtherWorkspaceSession, SessionInfo, StoredSession } from './models';
import { toOrganization } from './models';
import type { Clock, Logger } from '../ports';
import { requireCredentialValue, requireOrganizationId } from './validation';

export type SessionChangeReason = 'restore' | 'signIn' | 'signOut' | 'switch' | 'external' | 'expired';

export interface SessionChangeEvent {
  reason: SessionChangeReason;
  session: SessionInfo | undefined;
  /** For 'expired': what ended it. */
  cause?: unknown;
}

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

export class SessionService extends DisposableBase {
  private stored: StoredSession | undefined;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<CachedToken>>();
  private busyCount = 0;
  private generation = 0;
  private clientCache: ApiClient | undefined;
  /** What this window is writing right now (null: deleting), so its own change events are not taken as another window's. */
  private pendingWrite: StoredSession | null | undefined;
  /** Sign-in and switch run one at a time (two sign-ins at once: the second is told "already signed in"). */
  private exclusiveChain: Promise<unknown> = Promise.resolve();
  /** Secret writes run in the order they were asked (a sign-out's delete lands after a sign-in's store). */
  private writeChain: Promise<unknown> = Promise.resolve();
  private writesInFlight = 0;
  /** The organizations listed while signing in (to name the organization), for OrganizationService to start from. */
  private listedOrganizations: OrganizationDto[] | undefined;
  private writeSeq = 0;

  private readonly _onDidChangeSession = this._register(new Emitter<SessionChangeEvent>());
  readonly onDidChangeSession: Event<SessionChangeEvent> = this._onDidChangeSession.event;
  private readonly _onDidChangeBusy = this._register(new Emitter<boolean>());
  /** True while a token is being minted (status bar spinner). */
  readonly onDidChangeBusy: Event<boolean> = this._onDidChangeBusy.event;
  private readonly _onDidChangeToken = this._register(new Emitter<void>());
  /** A new access token was minted (tooltip expiry). */
  readonly onDidChangeToken: Event<void> = this._onDidChangeToken.event;

  constructor(
    private readonly store: CredentialStore,
    private readonly api: ApiFactory,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly renewMarginMs = 5 * 60_000,
  ) {
    super();
    this._register(store.onDidChange(() => void this.reloadFromStore()));
  }

  get isSignedIn(): boolean {
    return this.stored !== undefined;
  }

  get busy(): boolean {
    return this.busyCount > 0;
  }

  get session(): SessionInfo | undefined {
    const s = this.stored;
    if (!s) {
      return undefined;
    }
    return {
      account: s.account,
      accountId: s.accountId,
      kind: s.credential.kind,
      organizationId: s.organizationId,
      organizationName: s.organizationName,
      isRootOrganization: s.rootOrganizationId === undefined,
      tokenExpiresAt: this.tokens.get(s.organizationId)?.expiresAt,
    };
  }

  /**
   * Reads the stored session at startup; no network. A storage failure (SecretStorageError) or an unreadable value
   * (UnreadableSessionError) is thrown for the caller to report; the stored value is left as it is.
   */
  async restore(): Promise<void> {
    const gen = this.generation;
    const read = await this.store.readChecked();
    if (read && gen === this.generation && !this.stored) {
      const current = this.currentAuthOrigin();
      if (read.credential.kind !== 'accessToken' && read.authOrigin !== undefined && read.authOrigin !== current) {
        // bound to another auth host (S16): not restored, not sent anywhere; the stored value stays for that host
        this.logger.warn(`The stored credential belongs to ${read.authOrigin}, not ${current}: sign in again`);
        throw new AuthOriginChangedError(read.authOrigin, current);
      }
      // a value stored before sessions recorded their auth host: bound to the one of this first restore
      const s: StoredSession = read.authOrigin === undefined ? { ...read, authOrigin: current } : read;
      this.stored = s;
      this.remember(s);
      this.logger.info(`Restored session (${s.credential.kind}) for organization ${s.organizationId}`);
      this.fire('restore');
      if (read.authOrigin === undefined) {
        await this.writeStore(s).catch((e: unknown) =>
          this.logger.warn(`Could not record the auth host of the stored session: ${errorText(e)}`),
        );
      }
    }
  }

  /**
   * Signs in with a credential. Refuses when already signed in (one session per workspace). Validates
   * inputs before any request, mints a token, reads the organization, and only then persists.
   */
  async signIn(credential: Credential, organizationId?: string, organizationIsRoot = false): Promise<SessionInfo> {
    this.assertSignedOut();
    const cred = normalizeCredential(credential);
    const orgId = requireOrganizationId(organizationId ?? (cred.kind === 'apiKey' ? cred.organizationId : undefined));
    return this.exclusive(() => this.signInNow(cred, orgId, organizationIsRoot));
  }

  private async signInNow(cred: Credential, orgId: string | undefined, organizationIsRoot: boolean): Promise<SessionInfo> {
    // a sign-in that waited for another one: that one won
    this.assertSignedOut();
    const gen = this.generation;
    const authOrigin = this.currentAuthOrigin();
    const minted = await this.busyWhile(() => this.mint(cred, orgId, organizationIsRoot, authOrigin));
    const claimOrg = minted.claims.currentOrganizationId;
    if (orgId && claimOrg !== orgId) {
      throw new OrganizationMismatchError(orgId, claimOrg);
    }
    if (!claimOrg) {
      throw new OrganizationMismatchError(orgId ?? '(default)', undefined);
    }
    const org = await this.fetchOrganization(minted.accessToken, claimOrg);
    // another window (or a second command) may have signed in meanwhile: never replace silently
    this.assertSignedOut();
    // signed out (or the URLs changed) while minting: this sign-in was called off
    this.assertGeneration(gen);
    const next: StoredSession = {
      version: 1,
      credential: cred,
      organizationId: claimOrg,
      organizationName: org.name,
      rootOrganizationId: org.isRoot ? undefined : org.rootOrganizationId,
      account: accountOf(cred, minted),
      accountId: cred.kind === 'apiKey' ? `apikey:${cred.name}` : (minted.claims.sub ?? accountOf(cred, minted)),
      savedAt: new Date(this.clock.now()).toISOString(),
      authOrigin,
    };
    await this.writeStore(next);
    // signed out while the secret was written: the sign-out's delete runs after this write; stay signed out
    this.assertGeneration(gen);
    this.assertSignedOut();
    this.stored = next;
    this.remember(next);
    this.generation++;
    this.tokens.clear();
    this.clientCache = undefined;
    this.tokens.set(claimOrg, this.cachedFrom(minted, cred.kind));
    this.logger.info(`Signed in (${cred.kind}) to organization ${claimOrg}`);
    this.fire('signIn');
    return this.session as SessionInfo;
  }

  /** Copies another workspace's credential into this workspace, after checking it still works. */
  async signInWithOtherSession(other: OtherWorkspaceSession): Promise<SessionInfo> {
    this.assertSignedOut();
    const s = await this.store.readOther(other.key);
    if (!s) {
      throw new NotSignedInError();
    }
    const current = this.currentAuthOrigin();
    if (s.credential.kind !== 'accessToken' && s.authOrigin !== undefined && s.authOrigin !== current) {
      throw new AuthOriginChangedError(s.authOrigin, current);
    }
    return this.signIn(
      s.credential,
      s.credential.kind === 'accessToken' ? undefined : s.organizationId,
      s.rootOrganizationId === undefined,
    );
  }

  /** Other workspaces' sessions this workspace can use: those bound to another auth host are not offered. */
  listOtherSessions(): Promise<OtherWorkspaceSession[]> {
    return this.store.listOthers(this.currentAuthOrigin());
  }

  /**
   * Works offline: clears memory first (which calls off a sign-in or switch in flight), then deletes the secret,
   * after any write already asked for. A storage failure is reported after the in-memory session is gone.
   */
  async signOut(): Promise<void> {
    const had = this.stored !== undefined;
    this.dropMemory();
    if (had) {
      this.fire('signOut');
    }
    await this.writeStore(null);
    this.logger.info('Signed out');
  }

  /** Mints a token for the organization, checks its claim, persists, then announces. Failure keeps the previous one. */
  async switchOrganization(target: Organization): Promise<SessionInfo> {
    const first = this.requireSession();
    if (first.credential.kind === 'accessToken') {
      throw new CannotSwitchError();
    }
    return this.exclusive(() => this.switchNow(target));
  }

  private async switchNow(target: Organization): Promise<SessionInfo> {
    const s = this.requireSession();
    if (target.id === s.organizationId) {
      return this.session as SessionInfo;
    }
    const gen = this.generation;
    let minted: TokenResult;
    try {
      minted = await this.busyWhile(() => this.mint(s.credential, target.id, target.isRoot, s.authOrigin));
    } catch (e) {
      if (e instanceof AuthOriginChangedError) {
        this.endForAuthOrigin(s, e);
        throw e;
      }
      if (isApiError(e) && !e.htmlBody && (e.kind === 'unauthorized' || e.kind === 'forbidden')) {
        // the sub-organization token call refused this credential for that organization; the session stays
        this.logger.warn(`Switch to organization ${target.id} refused (${e.status ?? e.kind}); staying in ${s.organizationId}`);
        throw new OrganizationUnreachableError(target.name, e);
      }
      throw e;
    }
    if (gen !== this.generation || this.stored !== s) {
      // the session changed while we were minting (signed out elsewhere): drop the result
      throw this.stored ? new SessionChangedError() : new NotSignedInError();
    }
    if (minted.claims.currentOrganizationId !== target.id) {
      throw new OrganizationMismatchError(target.id, minted.claims.currentOrganizationId);
    }
    const next: StoredSession = {
      ...s,
      organizationId: target.id,
      organizationName: target.name,
      rootOrganizationId: target.isRoot ? undefined : target.rootOrganizationId,
      savedAt: new Date(this.clock.now()).toISOString(),
    };
    await this.writeStore(next);
    if (gen !== this.generation || this.stored !== s) {
      // signed out while the choice was written: the sign-out's delete runs after this write; never come back
      throw this.stored ? new SessionChangedError() : new NotSignedInError();
    }
    this.stored = next;
    this.generation++;
    this.clientCache = undefined;
    this.tokens.set(target.id, this.cachedFrom(minted, s.credential.kind));
    this.logger.info(`Switched to organization ${target.id}`);
    this.fire('switch');
    return this.session as SessionInfo;
  }

  /** The access token for the active organization; re-minted near expiry or when forced. */
  async getAccessToken(opts: { forceRefresh?: boolean } = {}): Promise<string> {
    const s = this.requireSession();
    const orgId = s.organizationId;
    const cached = this.tokens.get(orgId);
    if (cached && !opts.forceRefresh && !this.needsRenewal(cached)) {
      return cached.token;
    }
    let p = this.inflight.get(orgId);
    if (!p) {
      const gen = this.generation;
      p = this.busyWhile(() => this.mintFor(s, orgId, opts.forceRefresh === true))
        .then((t) => {
          if (gen === this.generation) {
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

  /**
   * Runs an API call with a client bound to this session. A result (or failure) that lands after the session
   * changed (sign-out, switch, another window, new URLs) belongs to the previous one: SessionChangedError, so no
   * caller shows old-organization data in the new one. A 401 that survives the client's one re-mint keeps the
   * session (the token route just accepted the credential): the ApiError, marked `afterRenewal`, says so.
   */
  async request<T>(fn: (client: ApiClient) => Promise<T>): Promise<T> {
    const gen = this.generation;
    this.requireSession();
    let result: T;
    try {
      result = await fn(this.client());
    } catch (e) {
      if (gen !== this.generation && !(e instanceof SessionExpiredError)) {
        throw new SessionChangedError();
      }
      throw e;
    }
    if (gen !== this.generation) {
      throw new SessionChangedError();
    }
    return result;
  }

  private client(): ApiClient {
    this.clientCache ??= this.api.client((o) => this.getAccessToken(o));
    return this.clientCache;
  }

  /**
   * Settings changed (URLs): drop tokens and clients. The next call mints against the new auth host only if the
   * credential belongs to it (S16); otherwise the session ends with AuthOriginChangedError and nothing is sent.
   */
  resetConnection(): void {
    this.tokens.clear();
    this.inflight.clear();
    this.clientCache = undefined;
    this.generation++;
  }

  private async mintFor(s: StoredSession, orgId: string, forced: boolean): Promise<CachedToken> {
    if (s.credential.kind === 'accessToken') {
      // a ready-made token cannot be renewed: it serves until it expires or the server refuses it
      const claims = decodeJwt(s.credential.token);
      const t: CachedToken = {
        token: s.credential.token,
        expiresAt: claims.exp ? claims.exp * 1000 : undefined,
        mintedAt: this.clock.now(),
      };
      if (!forced && !this.isExpired(t)) {
        return t;
      }
      await this.expire(new SessionExpiredError());
      throw new SessionExpiredError();
    }
    const isRoot = s.rootOrganizationId === undefined;
    try {
      return this.cachedFrom(await this.mint(s.credential, orgId, isRoot, s.authOrigin), s.credential.kind);
    } catch (e) {
      if (e instanceof AuthOriginChangedError) {
        // appcircle.authUrl now names another host: the credential goes nowhere, the user signs in again there
        this.endForAuthOrigin(s, e);
        throw e;
      }
      if (!isApiError(e) || e.htmlBody || this.stored !== s || (e.kind !== 'unauthorized' && e.kind !== 'forbidden')) {
        // a proxy's HTML 401/403, a network failure, or a session that already changed: the credential stays
        throw e;
      }
      if (!isRoot || e.kind === 'forbidden') {
        // refused for this organization: does the credential still mint for its own one?
        if (await this.credentialStillMints(s)) {
          this.logger.warn(`The credential no longer reaches organization ${orgId} (${e.status ?? e.kind}); it is kept`);
          throw new OrganizationAccessLostError(s.organizationName, e);
        }
        if (this.stored !== s) {
          throw e;
        }
      }
      if (e.kind === 'unauthorized') {
        // a JSON 401 from the token route for this very credential: revoked PAT, expired or deleted key
        await this.expire(e);
        throw new SessionExpiredError(e);
      }
      throw new OrganizationAccessLostError(s.organizationName, e);
    }
  }

  /** A mint without an organization (the credential's own); true when it works, false on a JSON 401. */
  private async credentialStillMints(s: StoredSession): Promise<boolean> {
    try {
      await this.mint(s.credential, undefined, false, s.authOrigin);
      return true;
    } catch (e) {
      if (isApiError(e) && e.kind === 'unauthorized' && !e.htmlBody) {
        return false;
      }
      // anything else (network, proxy page): not a proof that the credential was refused
      return true;
    }
  }

  /** The origin of the auth host appcircle.authUrl names now (no network). */
  private currentAuthOrigin(): string {
    return this.api.authOrigin();
  }

  /** The session ends in this window (the stored value is kept: it belongs to the other host); nothing is sent. */
  private endForAuthOrigin(s: StoredSession, e: AuthOriginChangedError): void {
    if (this.stored !== s) {
      return;
    }
    this.logger.warn(`appcircle.authUrl changed from ${e.boundOrigin} to ${e.currentOrigin}: the credential was not sent there`);
    this.dropMemory();
    this.fire('expired', e);
  }

  /**
   * PAT: the root organization comes from the v1 route (what the official CLI uses); a sub-organization,
   * or a root that v1 did not return, from v2 with `subOrganizationId` (v3 for a key only v3 accepts). API key:
   * `organizationId`. `boundTo`: the auth origin the credential belongs to; another one is refused before any request.
   */
  private async mint(cred: Credential, organizationId: string | undefined, isRoot = false, boundTo?: string): Promise<TokenResult> {
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
        const claims = decodeJwt(cred.token);
        const expiresAt = claims.exp ? claims.exp * 1000 : undefined;
        if (expiresAt !== undefined && expiresAt <= this.clock.now()) {
          throw new SessionExpiredError();
        }
        if (organizationId && claims.currentOrganizationId !== organizationId) {
          throw new CannotSwitchError();
        }
        return { accessToken: cred.token, claims, expiresAt };
      }
    }
  }

  /**
   * The organization list read by the last sign-in, once: Switch Organization then lists from it instead of asking
   * again right after sign-in (it is the same list, read with the same credential).
   */
  takeListedOrganizations(): OrganizationDto[] | undefined {
    const l = this.listedOrganizations;
    this.listedOrganizations = undefined;
    return l;
  }

  private async fetchOrganization(token: string, orgId: string): Promise<Organization> {
    const client = this.api.client(() => Promise.resolve(token));
    const orgs = new OrganizationsApi(client);
    let dto: OrganizationDto | undefined;
    this.listedOrganizations = undefined;
    try {
      const list = await orgs.list();
      this.listedOrganizations = list;
      dto = list.find((o) => o.id === orgId);
    } catch (e) {
      this.logger.warn(`Could not list organizations: ${errorText(e)}`);
    }
    dto ??= await orgs.get(orgId);
    return toOrganization(dto);
  }

  /** Writes (or deletes) the secret after every write asked for before it. */
  private writeStore(next: StoredSession | null): Promise<void> {
    this.writesInFlight++;
    this.writeSeq++;
    const run = async () => {
      // change events for our own write arrive during or right after it: reloadFromStore compares with this
      this.pendingWrite = next;
      await (next ? this.store.write(next) : this.store.clear());
    };
    const p = this.writeChain.then(run, run);
    this.writeChain = p.catch(() => undefined);
    return p.finally(() => {
      this.writesInFlight--;
    });
  }

  /** Runs sign-in and switch one at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.exclusiveChain.then(fn, fn);
    this.exclusiveChain = p.catch(() => undefined);
    return p;
  }

  private assertGeneration(gen: number): void {
    if (gen !== this.generation) {
      throw this.stored ? new SessionChangedError() : new NotSignedInError();
    }
  }

  private remember(s: StoredSession): void {
    const c = s.credential;
    rememberSecret(c.kind === 'pat' ? c.pat : c.kind === 'apiKey' ? c.secret : c.token);
  }

  private cachedFrom(r: TokenResult, kind: Credential['kind'] = 'pat'): CachedToken {
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

  private async reloadFromStore(): Promise<void> {
    if (this.writesInFlight > 0) {
      return; // our own write: memory is set when it completes
    }
    const seq = this.writeSeq;
    let s: StoredSession | undefined;
    try {
      s = await this.store.read();
    } catch (e) {
      this.logger.warn(`Could not read the session after a change in another window: ${errorText(e)}`);
      return;
    }
    if (this.writesInFlight > 0 || seq !== this.writeSeq) {
      return; // a write of ours started meanwhile: what we read is already out of date
    }
    if (this.pendingWrite !== undefined && sameSession(s, this.pendingWrite ?? undefined)) {
      this.pendingWrite = undefined;
      return;
    }
    if (sameSession(s, this.stored)) {
      return;
    }
    if (s && s.authOrigin === undefined) {
      // written by a version that did not record the auth host: bound to the current one, as at restore
      s = { ...s, authOrigin: this.currentAuthOrigin() };
    }
    const hadSession = this.stored !== undefined;
    this.dropMemory();
    this.stored = s;
    this.logger.info(s ? 'Session changed in another window' : 'Signed out in another window');
    if (s || hadSession) {
      this.fire('external');
    }
  }

  private async expire(cause: unknown): Promise<void> {
    if (!this.stored) {
      return;
    }
    this.logger.warn('The Appcircle credential was refused; the session has ended');
    this.dropMemory();
    this.fire('expired', cause);
    await this.writeStore(null).catch((e: unknown) => this.logger.error(`Could not delete the stored session: ${errorText(e)}`));
  }

  private dropMemory(): void {
    this.stored = undefined;
    this.tokens.clear();
    this.inflight.clear();
    this.clientCache = undefined;
    this.generation++;
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

  private isExpired(t: CachedToken): boolean {
    return t.expiresAt !== undefined && t.expiresAt <= this.clock.now();
  }

  private assertSignedOut(): void {
    if (this.stored) {
      throw new AlreadySignedInError(this.stored.account, this.stored.organizationName);
    }
  }

  private requireSession(): StoredSession {
    if (!this.stored) {
      throw new NotSignedInError();
    }
    return this.stored;
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

  private fire(reason: SessionChangeReason, cause?: unknown): void {
    this._onDidChangeSession.fire({ reason, session: this.session, cause });
  }
}

function normalizeCredential(c: Credential): Credential {
  switch (c.kind) {
    case 'pat':
      return { kind: 'pat', pat: requireCredentialValue('pat', c.pat) };
    case 'apiKey': {
      const organizationId = requireOrganizationId(c.organizationId);
      return {
        kind: 'apiKey',
        name: requireCredentialValue('apiKeyName', c.name),
        secret: requireCredentialValue('apiKeySecret', c.secret),
        ...(organizationId ? { organizationId } : {}),
      };
    }
    case 'accessToken':
      return { kind: 'accessToken', token: requireCredentialValue('accessToken', c.token), source: c.source };
  }
}

function accountOf(cred: Credential, minted: TokenResult): string {
  if (cred.kind === 'apiKey') {
    return cred.name;
  }
  return minted.claims.email ?? minted.claims.preferred_username ?? minted.claims.sub ?? l10n.t('Appcircle user');
}

function sameSession(a: StoredSession | undefined, b: StoredSession | undefined): boolean {
  if (!a || !b) {
    return a === b;
  }
  return a.organizationId === b.organizationId && JSON.stringify(a.credential) === JSON.stringify(b.credential);
}
