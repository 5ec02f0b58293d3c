/**
 * Signing identities of the active organization (src/api/signingApi.ts): iOS certificates and CSRs, provisioning
 * profiles and Android keystores, read through the session (as the builds are, buildsRequest.ts) and kept in a
 * KeepLastGoodCache: a refresh that fails keeps the last good lists. Each identity is classified by expiry
 * (expiry.ts) with the injected Clock and the warning window of the setting. No vscode here.
 */
import type { CertificateDto, CsrDto, KeystoreDto, ProvisioningProfileDto } from '../../api/signingApi';
import { SigningApi, StoreType } from '../../api/signingApi';
import type { ApiClient } from '../../api/http/httpClient';
import { KeepLastGoodCache } from '../builds/cache';
import { DisposableBase, Emitter } from '../events';
import type { Event } from '../events';
import type { Clock, Logger } from '../ports';
import { componentLogger } from '../ports';
import type { SessionService } from '../session/sessionService';
import type { Expiry } from './expiry';
import { byUrgency, classifyExpiry } from './expiry';

export type IdentityKind = 'certificate' | 'csr' | 'provisioningProfile' | 'keystore';

export interface SigningIdentity {
  readonly kind: IdentityKind;
  readonly id: string;
  /** As the server sent it: made inert (plainText.ts) wherever it is shown. */
  readonly name: string;
  readonly fileName?: string;
  /** Provisioning profiles: the bundle id (`appId`). */
  readonly bundleId?: string;
  readonly storeType?: 'appcircle' | 'appStore';
  readonly expireDate?: string;
}

export interface ClassifiedIdentity extends SigningIdentity {
  readonly expiry: Expiry;
}

/** The four lists as loaded; `failed` names the kinds whose list could not be read (the others are shown). */
export interface SigningLists {
  readonly identities: readonly SigningIdentity[];
  readonly failed: readonly IdentityKind[];
  /** The first failure, when some kind failed. */
  readonly failure?: unknown;
}

/** Runs `fn` with the signing API of the current session (SessionService.request's guard applies). */
export type SigningRequest = <T>(fn: (api: SigningApi) => Promise<T>) => Promise<T>;

export function signingRequest(session: Pick<SessionService, 'request'>): SigningRequest {
  const apis = new WeakMap<ApiClient, SigningApi>();
  return (fn) =>
    session.request((client) => {
      let api = apis.get(client);
      if (!api) {
        api = new SigningApi(client);
        apis.set(client, api);
      }
      return fn(api);
    });
}

export interface SigningServiceOptions {
  session: SessionService;
  clock: Clock;
  logger: Logger;
  /** appcircle.signing.expiryWarningDays, clamped. */
  warningDays: () => number;
  request?: SigningRequest;
}

export interface SigningSnapshot {
  /** Every identity, most urgent first. */
  readonly identities: readonly ClassifiedIdentity[];
  readonly failed: readonly IdentityKind[];
  /** The error of the last refresh (the lists shown are the last good ones) or of a kind that failed. */
  readonly error?: unknown;
}

export class SigningService extends DisposableBase {
  private readonly cache = new KeepLastGoodCache<SigningLists>();
  private readonly request: SigningRequest;
  private readonly logger: Logger;
  private readonly _onDidChange = this._register(new Emitter<void>());
  /** The lists were cleared (sign-out, organization switch), refreshed or reloaded. */
  readonly onDidChange: Event<void> = this._onDidChange.event;

  constructor(private readonly options: SigningServiceOptions) {
    super();
    this.logger = componentLogger(options.logger, 'signing');
    this.request = options.request ?? signingRequest(options.session);
    this._register(
      options.session.onDidChangeSession((e) => {
        if (e.reason !== 'restore') {
          this.cache.clear();
          this._onDidChange.fire();
        }
      }),
    );
  }

  get isSignedIn(): boolean {
    return this.options.session.isSignedIn;
  }

  /** The warning window now (the setting, clamped). */
  get warningDays(): number {
    return this.options.warningDays();
  }

  /** The identities, classified as of now; cached until refresh(). Throws only when nothing was ever loaded. */
  async identities(): Promise<SigningSnapshot> {
    const r = await this.cache.get('all', () => this.load());
    return this.classify(r.value, r.error);
  }

  /** What is cached, classified as of now (no request); undefined before the first load. */
  peek(): SigningSnapshot | undefined {
    const v = this.cache.peek('all');
    return v && this.classify(v);
  }

  /** Reload on the next read (the last good lists stay on failure). */
  refresh(): void {
    this.cache.invalidate();
    this._onDidChange.fire();
  }

  /** The setting changed: the states change, nothing is reloaded. */
  warningDaysChanged(): void {
    this._onDidChange.fire();
  }

  private classify(lists: SigningLists, error?: unknown): SigningSnapshot {
    const now = this.options.clock.now();
    const days = this.options.warningDays();
    const identities = lists.identities
      .map((i) => ({ ...i, expiry: classifyExpiry(i.expireDate, now, days) }))
      .sort((a, b) => byUrgency(a.expiry, b.expiry) || a.name.localeCompare(b.name));
    return { identities, failed: lists.failed, error: error ?? lists.failure };
  }

  private async load(): Promise<SigningLists> {
    const reads: [IdentityKind, Promise<SigningIdentity[]>][] = [
      ['certificate', this.request((a) => a.certificates()).then((l) => l.map(fromCertificate))],
      ['csr', this.request((a) => a.csrs()).then((l) => l.map(fromCsr))],
      ['provisioningProfile', this.request((a) => a.provisioningProfiles()).then((l) => l.map(fromProfile))],
      ['keystore', this.request((a) => a.keystores()).then((l) => l.map(fromKeystore))],
    ];
    const settled = await Promise.allSettled(reads.map(([, p]) => p));
    const failed: IdentityKind[] = [];
    const identities: SigningIdentity[] = [];
    let failure: unknown;
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') {
        identities.push(...s.value.filter((x) => typeof x.id === 'string'));
      } else {
        failed.push(reads[i][0]);
        failure ??= s.reason;
      }
    });
    if (failed.length === reads.length) {
      throw failure;
    }
    if (failed.length) {
      this.logger.warn(`Could not read ${failed.join(', ')}; showing the other signing identities`);
    }
    return { identities, failed, failure };
  }
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function storeOf(v: unknown): SigningIdentity['storeType'] {
  return v === StoreType.appStore ? 'appStore' : v === StoreType.appcircle ? 'appcircle' : undefined;
}

function fromCertificate(d: CertificateDto): SigningIdentity {
  const name = text(d.name) ?? text(d.filename) ?? d.id;
  return {
    kind: 'certificate',
    id: d.id,
    name,
    fileName: text(d.filename),
    storeType: storeOf(d.storeType),
    expireDate: text(d.expireDate),
  };
}

function fromCsr(d: CsrDto): SigningIdentity {
  return { kind: 'csr', id: d.id, name: text(d.name) ?? d.id, expireDate: text(d.expireDate) };
}

function fromProfile(d: ProvisioningProfileDto): SigningIdentity {
  return {
    kind: 'provisioningProfile',
    id: d.id,
    name: text(d.name) ?? text(d.filename) ?? d.id,
    fileName: text(d.filename),
    bundleId: text(d.appId),
    storeType: storeOf(d.storeType),
    expireDate: text(d.expireDate),
  };
}

function fromKeystore(d: KeystoreDto): SigningIdentity {
  return {
    kind: 'keystore',
    id: d.id,
    name: text(d.name) ?? text(d.fileName) ?? d.id,
    fileName: text(d.fileName),
    expireDate: text(d.expireDate),
  };
}
