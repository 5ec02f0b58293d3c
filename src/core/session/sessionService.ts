/**
 * The one session of this workspace (ARCHITECTURE.md §3).
 * - The long-lived credential lives only in SecretStorage (via CredentialStore).
 * - Access tokens live in memory (TokenService, tokens.ts): re-minted at a fraction of their lifetime and once on a
 *   401 (ApiClient asks with forceRefresh); a credential the token route refuses ends the session through
 *   `credentialRefused`.
 * - The stored credential is deleted only when the token route refuses that credential with a JSON 401 (revoked
 *   PAT, expired key). A proxy's HTML 401/403, a 403 or 401 for one sub-organization (while the credential still
 *   mints for its own), or a 401 from one API endpoint after a re-mint keep it, with an error that says so.
 * - The stored credential records the origin of the auth host that accepted it and is never sent to another one:
 *   after appcircle.authUrl changes, the session ends (AuthOriginChangedError) and the user signs in again.
 * - Operations are serialized by generation: sign-in and switch run one at a time, secret writes run in order,
 *   and a result that lands after the session changed (sign-out, switch, another window) is dropped.
 *   The secret writes and the test for this window's own change events are in sessionWrites.ts.
 */
import type { TokenResult } from '../../api/authApi';
import type { ApiClient } from '../../api/http/httpClient';
import type { OrganizationDto } from '../../api/dto';
import type { ApiFactory } from '../apiFactory';
import type { CredentialStore } from './credentialStore';
import {
  AlreadySignedInError,
  AuthOriginChangedError,
  CannotSwitchError,
  NotSignedInError,
  OrganizationUnreachableError,
  SessionChangedError,
  SessionExpiredError,
  isApiError,
  errorText,
} from '../errors';
import { rememberSecret } from '../../api/http/redact';
import { DisposableBase, Emitter } from '../events';
import type { Event } from '../events';
import type {
  Credential,
  Organization,
  OtherWorkspaceSession,
  SessionChangeEvent,
  SessionChangeReason,
  SessionInfo,
  StoredSession,
} from './models';
import { boundElsewhere, sameSession, toSessionInfo } from './models';
import type { Clock, Logger } from '../ports';
import { SessionWrites } from './sessionWrites';
import { claimedOrganization, readOrganization, storedSessionOf, switchedSession } from './signInSession';
import { TokenService } from './tokens';
import { normalizeCredential, requireOrganizationId } from './validation';

export class SessionService extends DisposableBase {
  private stored: StoredSession | undefined;
  private readonly tokens: TokenService;
  private readonly writes: SessionWrites;
  private generation = 0;
  private clientCache: ApiClient | undefined;
  /** Sign-in and switch run one at a time (two sign-ins at once: the second is told "already signed in"). */
  private exclusiveChain: Promise<unknown> = Promise.resolve();

  private readonly _onDidChangeSession = this._register(new Emitter<SessionChangeEvent>());
  readonly onDidChangeSession: Event<SessionChangeEvent> = this._onDidChangeSession.event;
  /** True while a token is being minted (status bar spinner). */
  readonly onDidChangeBusy: Event<boolean>;
  /** A new access token was minted (tooltip expiry). */
  readonly onDidChangeToken: Event<void>;

  constructor(
    private readonly store: CredentialStore,
    private readonly api: ApiFactory,
    private readonly clock: Clock,
    private readonly logger: Logger,
    renewMarginMs = 5 * 60_000,
  ) {
    super();
    const owner = { current: () => this.stored, credentialRefused: (s: StoredSession, cause: unknown) => this.credentialRefused(s, cause) };
    this.tokens = this._register(new TokenService(api, clock, logger, owner, renewMarginMs));
    this.onDidChangeBusy = this.tokens.onDidChangeBusy;
    this.onDidChangeToken = this.tokens.onDidChangeToken;
    this.writes = new SessionWrites(store);
    this._register(store.onDidChange(() => void this.reloadFromStore()));
  }

  get isSignedIn(): boolean {
    return this.stored !== undefined;
  }

  get busy(): boolean {
    return this.tokens.busy;
  }

  get session(): SessionInfo | undefined {
    const s = this.stored;
    return s ? toSessionInfo(s, this.tokens.expiresAt(s.organizationId)) : undefined;
  }

  /**
   * Reads the stored session at startup; no network. A storage failure (SecretStorageError) or an unreadable value
   * (UnreadableSessionError) is thrown for the caller to report; the stored value is left as it is.
   */
  async restore(): Promise<void> {
    const gen = this.generation;
    const read = await this.store.readChecked();
    if (read && gen === this.generation && !this.stored) {
      const current = this.api.authOrigin();
      if (boundElsewhere(read, current)) {
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
        await this.writes
          .write(s)
          .catch((e: unknown) => this.logger.warn(`Could not record the auth host of the stored session: ${errorText(e)}`));
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
    const authOrigin = this.api.authOrigin();
    const minted = await this.tokens.mint(cred, orgId, organizationIsRoot, authOrigin);
    const claimOrg = claimedOrganization(minted, orgId);
    const { org, listed } = await readOrganization(this.api, this.logger, minted.accessToken, claimOrg);
    // another window (or a second command) may have signed in meanwhile: never replace silently
    this.assertSignedOut();
    // signed out (or the URLs changed) while minting: this sign-in was called off
    this.assertGeneration(gen);
    const next = storedSessionOf(cred, minted, claimOrg, org, authOrigin, this.clock.now());
    await this.writes.write(next);
    // signed out while the secret was written: the sign-out's delete runs after this write; stay signed out
    this.assertGeneration(gen);
    this.assertSignedOut();
    this.stored = next;
    this.remember(next);
    this.generation++;
    this.tokens.clear();
    this.clientCache = undefined;
    this.tokens.keep(claimOrg, minted, cred.kind);
    this.logger.info(`Signed in (${cred.kind}) to organization ${claimOrg}`);
    this.fire('signIn', undefined, listed);
    return this.session as SessionInfo;
  }

  /** Copies another workspace's credential into this workspace, after checking it still works. */
  async signInWithOtherSession(other: OtherWorkspaceSession): Promise<SessionInfo> {
    this.assertSignedOut();
    const s = await this.store.readOther(other.key);
    if (!s) {
      throw new NotSignedInError();
    }
    const current = this.api.authOrigin();
    if (boundElsewhere(s, current)) {
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
    return this.store.listOthers(this.api.authOrigin());
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
    await this.writes.write(null);
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
      minted = await this.tokens.mint(s.credential, target.id, target.isRoot, s.authOrigin);
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
    claimedOrganization(minted, target.id);
    const next = switchedSession(s, target, this.clock.now());
    await this.writes.write(next);
    if (gen !== this.generation || this.stored !== s) {
      // signed out while the choice was written: the sign-out's delete runs after this write; never come back
      throw this.stored ? new SessionChangedError() : new NotSignedInError();
    }
    this.stored = next;
    this.generation++;
    this.clientCache = undefined;
    this.tokens.keep(target.id, minted, s.credential.kind);
    this.logger.info(`Switched to organization ${target.id}`);
    this.fire('switch');
    return this.session as SessionInfo;
  }

  /** The access token for the active organization; re-minted near expiry or when forced (TokenService). */
  getAccessToken(opts: { forceRefresh?: boolean } = {}): Promise<string> {
    return this.tokens.getAccessToken(opts);
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
    this.clientCache = undefined;
    this.generation++;
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

  private async reloadFromStore(): Promise<void> {
    if (this.writes.writing) {
      return; // our own write: memory is set when it completes
    }
    const seq = this.writes.sequence;
    let s: StoredSession | undefined;
    try {
      s = await this.store.read();
    } catch (e) {
      this.logger.warn(`Could not read the session after a change in another window: ${errorText(e)}`);
      return;
    }
    if (this.writes.writing || seq !== this.writes.sequence) {
      return; // a write of ours started meanwhile: what we read is already out of date
    }
    if (this.writes.isOwnWrite(s) || sameSession(s, this.stored)) {
      return;
    }
    if (s && s.authOrigin === undefined) {
      // written by a version that did not record the auth host: bound to the current one, as at restore
      s = { ...s, authOrigin: this.api.authOrigin() };
    }
    const hadSession = this.stored !== undefined;
    this.dropMemory();
    this.stored = s;
    this.logger.info(s ? 'Session changed in another window' : 'Signed out in another window');
    if (s || hadSession) {
      this.fire('external');
    }
  }

  /** TokenService's word that the credential of `s` cannot be used: the session ends (tokens.ts, TokenOwner). */
  private credentialRefused(s: StoredSession, cause: unknown): Promise<void> {
    if (cause instanceof AuthOriginChangedError) {
      this.endForAuthOrigin(s, cause);
      return Promise.resolve();
    }
    return this.expire(cause);
  }

  private async expire(cause: unknown): Promise<void> {
    if (!this.stored) {
      return;
    }
    this.logger.warn('The Appcircle credential was refused; the session has ended');
    this.dropMemory();
    this.fire('expired', cause);
    await this.writes.write(null).catch((e: unknown) => this.logger.error(`Could not delete the stored session: ${errorText(e)}`));
  }

  private dropMemory(): void {
    this.stored = undefined;
    this.tokens.clear();
    this.clientCache = undefined;
    this.generation++;
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

  private fire(reason: SessionChangeReason, cause?: unknown, organizations?: OrganizationDto[]): void {
    this._onDidChangeSession.fire({ reason, session: this.session, cause, ...(organizations ? { organizations } : {}) });
  }
}
