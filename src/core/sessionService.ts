/**
 * The one session of this workspace (DESIGN.md §3, STYLE.md P4/P5).
 * - The long-lived credential lives only in SecretStorage (via CredentialStore).
 * - Access tokens live in memory, per organization, behind one in-flight promise; they are re-minted
 *   `renewMarginMs` before their JWT `exp` and once on a 401 (ApiClient asks with forceRefresh).
 * - A credential that can no longer mint (401/403 on the token route, expired env token) or a second 401
 *   ends the session once, with reason 'expired'.
 */
import type { TokenResult } from '../api/authApi';
import type { ApiClient } from '../api/httpClient';
import { OrganizationsApi } from '../api/organizationsApi';
import type { OrganizationDto } from '../api/dto';
import { decodeJwt } from '../api/dto';
import type { ApiFactory } from './apiFactory';
import type { CredentialStore } from './credentialStore';
import {
  AlreadySignedInError,
  CannotSwitchError,
  NotSignedInError,
  OrganizationMismatchError,
  SessionExpiredError,
  isApiError,
} from './errors';
import { DisposableBase, Emitter } from './events';
import type { Event } from './events';
import type { Credential, Organization, OtherWorkspaceSession, SessionInfo, StoredSession } from './models';
import { toOrganization } from './models';
import type { Clock, Logger } from './ports';
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
  expiresAt?: number;
}

export class SessionService extends DisposableBase {
  private stored: StoredSession | undefined;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<CachedToken>>();
  private busyCount = 0;
  private generation = 0;
  private clientCache: ApiClient | undefined;
  /** What this window is writing right now (null: deleting), so its own change events are not taken as another window's. */
  private pendingWrite: StoredSession | null | undefined;

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

  /** Reads the stored session at startup; no network. */
  async restore(): Promise<void> {
    const s = await this.store.read();
    if (s) {
      this.stored = s;
      this.logger.info(`Restored session (${s.credential.kind}) for organization ${s.organizationId}`);
      this.fire('restore');
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
    const minted = await this.busyWhile(() => this.mint(cred, orgId, organizationIsRoot));
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
    const next: StoredSession = {
      version: 1,
      credential: cred,
      organizationId: claimOrg,
      organizationName: org.name,
      rootOrganizationId: org.isRoot ? undefined : org.rootOrganizationId,
      account: accountOf(cred, minted),
      accountId: cred.kind === 'apiKey' ? `apikey:${cred.name}` : (minted.claims.sub ?? accountOf(cred, minted)),
      savedAt: new Date(this.clock.now()).toISOString(),
    };
    await this.writeStore(next);
    this.stored = next;
    this.generation++;
    this.tokens.clear();
    this.clientCache = undefined;
    this.tokens.set(claimOrg, { token: minted.accessToken, expiresAt: minted.expiresAt });
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
    return this.signIn(s.credential, s.credential.kind === 'accessToken' ? undefined : s.organizationId, s.rootOrganizationId === undefined);
  }

  listOtherSessions(): Promise<OtherWorkspaceSession[]> {
    return this.store.listOthers();
  }

  /** Works offline: clears memory first, then the secret. A storage failure is reported after the in-memory session is gone. */
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
    const s = this.requireSession();
    if (s.credential.kind === 'accessToken') {
      throw new CannotSwitchError();
    }
    if (target.id === s.organizationId) {
      return this.session as SessionInfo;
    }
    const gen = this.generation;
    const minted = await this.busyWhile(() => this.mint(s.credential, target.id, target.isRoot));
    if (minted.claims.currentOrganizationId !== target.id) {
      throw new OrganizationMismatchError(target.id, minted.claims.currentOrganizationId);
    }
    if (gen !== this.generation || this.stored !== s) {
      // the session changed while we were minting (signed out elsewhere): drop the result
      throw new NotSignedInError();
    }
    const next: StoredSession = {
      ...s,
      organizationId: target.id,
      organizationName: target.name,
      rootOrganizationId: target.isRoot ? undefined : target.rootOrganizationId,
      savedAt: new Date(this.clock.now()).toISOString(),
    };
    await this.writeStore(next);
    this.stored = next;
    this.generation++;
    this.clientCache = undefined;
    this.tokens.set(target.id, { token: minted.accessToken, expiresAt: minted.expiresAt });
    this.logger.info(`Switched to organization ${target.id}`);
    this.fire('switch');
    return this.session as SessionInfo;
  }

  /** The access token for the active organization; re-minted near expiry or when forced. */
  async getAccessToken(opts: { forceRefresh?: boolean } = {}): Promise<string> {
    const s = this.requireSession();
    const orgId = s.organizationId;
    const cached = this.tokens.get(orgId);
    if (cached && !opts.forceRefresh && !this.isNearExpiry(cached)) {
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
   * Runs an API call with a client bound to this session. A 401 that survives the client's one re-mint
   * ends the session (reason 'expired') and rethrows.
   */
  async request<T>(fn: (client: ApiClient) => Promise<T>): Promise<T> {
    const gen = this.generation;
    this.requireSession();
    try {
      return await fn(this.client());
    } catch (e) {
      if (isApiError(e) && e.kind === 'unauthorized' && gen === this.generation && this.stored) {
        await this.expire(e);
        throw new SessionExpiredError(e);
      }
      throw e;
    }
  }

  private client(): ApiClient {
    this.clientCache ??= this.api.client((o) => this.getAccessToken(o));
    return this.clientCache;
  }

  /** Settings changed (URLs): drop tokens and clients; the next call mints against the new host. */
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
      const t = { token: s.credential.token, expiresAt: claims.exp ? claims.exp * 1000 : undefined };
      if (!forced && !this.isExpired(t)) {
        return t;
      }
      await this.expire(new SessionExpiredError());
      throw new SessionExpiredError();
    }
    try {
      const r = await this.mint(s.credential, orgId, s.rootOrganizationId === undefined);
      return { token: r.accessToken, expiresAt: r.expiresAt };
    } catch (e) {
      if (isApiError(e) && (e.kind === 'unauthorized' || e.kind === 'forbidden') && this.stored === s) {
        // the credential itself was refused: revoked PAT, expired or deleted key, access removed
        await this.expire(e);
        throw new SessionExpiredError(e);
      }
      throw e;
    }
  }

  /**
   * PAT: the root organization comes from the v1 route (what the official CLI uses); a sub-organization,
   * or a root that v1 did not return, from v2 with `subOrganizationId`. API key: `organizationId`.
   */
  private async mint(cred: Credential, organizationId: string | undefined, isRoot = false): Promise<TokenResult> {
    const auth = this.api.auth();
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

  private async fetchOrganization(token: string, orgId: string): Promise<Organization> {
    const client = this.api.client(() => Promise.resolve(token));
    const orgs = new OrganizationsApi(client);
    let dto: OrganizationDto | undefined;
    try {
      dto = (await orgs.list()).find((o) => o.id === orgId);
    } catch (e) {
      this.logger.warn(`Could not list organizations: ${e instanceof Error ? e.message : String(e)}`);
    }
    dto ??= await orgs.get(orgId);
    return toOrganization(dto);
  }

  private async writeStore(next: StoredSession | null): Promise<void> {
    // change events for our own write arrive during or right after it: reloadFromStore compares with this
    this.pendingWrite = next;
    await (next ? this.store.write(next) : this.store.clear());
  }

  private async reloadFromStore(): Promise<void> {
    let s: StoredSession | undefined;
    try {
      s = await this.store.read();
    } catch (e) {
      this.logger.warn(`Could not read the session after a change in another window: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (this.pendingWrite !== undefined && sameSession(s, this.pendingWrite ?? undefined)) {
      this.pendingWrite = undefined;
      return;
    }
    if (sameSession(s, this.stored)) {
      return;
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
    await this.writeStore(null).catch((e: unknown) => this.logger.error(`Could not delete the stored session: ${e instanceof Error ? e.message : String(e)}`));
  }

  private dropMemory(): void {
    this.stored = undefined;
    this.tokens.clear();
    this.inflight.clear();
    this.clientCache = undefined;
    this.generation++;
  }

  private isNearExpiry(t: CachedToken): boolean {
    return t.expiresAt !== undefined && t.expiresAt - this.renewMarginMs <= this.clock.now();
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
  return minted.claims.email ?? minted.claims.preferred_username ?? minted.claims.sub ?? 'Appcircle user';
}

function sameSession(a: StoredSession | undefined, b: StoredSession | undefined): boolean {
  if (!a || !b) {
    return a === b;
  }
  return a.organizationId === b.organizationId && JSON.stringify(a.credential) === JSON.stringify(b.credential);
}
