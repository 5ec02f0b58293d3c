/**
 * Credential → access token (docs/appcircle-api.md §2): PAT v1/v2 or v3 (the other on a JSON 401), API key, userinfo.
 * No Authorization on token calls.
 */
import type { JwtClaims, TokenResponseDto, UserInfoDto } from './dto';
import { decodeJwt, expiresAtMs } from './dto';
import { ApiError } from './http/errors';
import type { HttpLogger } from './http/body';
import type { RequestLimits } from './http/httpClient';
import { send } from './http/httpClient';
import { originOf } from './http/origin';
import { rememberSecret } from './http/redact';
import { checkUrlAllowed, normalizeBase } from './http/url';

export interface TokenResult {
  accessToken: string;
  claims: JwtClaims;
  /** Epoch ms from the JWT `exp`. */
  expiresAt?: number;
}

export interface AuthApiOptions extends RequestLimits {
  authUrl: string;
  logger?: HttpLogger;
  allowInsecureHttp?: boolean;
}

export const USERINFO_PATH = '/auth/realms/appcircle/protocol/openid-connect/userinfo';

export class AuthApi {
  private readonly base: string;

  constructor(private readonly options: AuthApiOptions) {
    this.base = normalizeBase(options.authUrl);
  }

  /** The auth host's origin (scheme, host, port): what a stored credential is bound to (S16). */
  get origin(): string {
    return originOf(this.base);
  }

  /**
   * No organization → POST /auth/v1/token (what the official CLI uses); an organization → /auth/v2/token with the
   * organization under both field names sources disagree on (`subOrganizationId`, `subOrganization`; §2.6).
   * Appcircle renamed Personal API Tokens to Personal Access Keys and documents `POST /auth/v3/token` with
   * `personalAccessKey` (docs/appcircle-api.md §2.1, §10), so a JSON 401 from one route is tried once on the other.
   * The route that last accepted a key at this auth origin is asked first (a v3-only key: one exchange, not two).
   * The key counts as refused only when both routes refuse it with JSON; any other failure of the second route
   * (network, 5xx, a proxy's page, a timeout) is thrown as it is, so the credential is kept.
   */
  async tokenWithPat(pat: string, organizationId?: string): Promise<TokenResult> {
    rememberSecret(pat);
    const origin = this.origin;
    const order: PatRoute[] = acceptedRoutes.get(origin) === 'v3' ? ['v3', 'legacy'] : ['legacy', 'v3'];
    let first: unknown;
    for (const [i, route] of order.entries()) {
      try {
        const r = await this.patToken(route, pat, organizationId);
        rememberRoute(origin, route);
        return r;
      } catch (e) {
        if (i === 0) {
          if (!isRouteRefusal(e, route)) {
            throw e;
          }
          first = e;
          continue;
        }
        throw bothRoutesOutcome(order[0], first, route, e);
      }
    }
    throw first;
  }

  private patToken(route: PatRoute, pat: string, organizationId: string | undefined): Promise<TokenResult> {
    if (route === 'v3') {
      return this.token(
        '/auth/v3/token',
        organizationId ? { personalAccessKey: pat, subOrganization: organizationId } : { personalAccessKey: pat },
      );
    }
    return organizationId
      ? this.token('/auth/v2/token', { pat, subOrganizationId: organizationId, subOrganization: organizationId })
      : this.token('/auth/v1/token', { pat });
  }

  tokenWithApiKey(name: string, secret: string, organizationId?: string): Promise<TokenResult> {
    rememberSecret(secret);
    return this.token('/auth/v1/api-key/token', organizationId ? { name, secret, organizationId } : { name, secret });
  }

  async userInfo(accessToken: string): Promise<UserInfoDto> {
    return (await this.call<UserInfoDto>('GET', USERINFO_PATH, { token: accessToken })) ?? {};
  }

  /**
   * One request to the auth host: absolute path, URL policy checked first, typed errors from send(). Never follows
   * a redirect: a 3xx is a 'redirected' error naming the target (the credential in the body stays here).
   */
  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    extra: { token?: string; form?: Record<string, string> },
  ): Promise<T | undefined> {
    const url = this.base + path;
    checkUrlAllowed(url, this.options.allowInsecureHttp ?? false);
    const { data } = await send<T>({
      method,
      url,
      path: path.slice(1),
      ...extra,
      responseType: 'json',
      timeoutMs: this.options.timeoutMs ?? 30_000,
      deadlineMs: this.options.deadlineMs,
      maxJsonBytes: this.options.maxJsonBytes,
      followRedirects: false,
      userAgent: 'appcircle-vscode',
      logger: this.options.logger,
    });
    return data;
  }

  private async token(path: string, form: Record<string, string>): Promise<TokenResult> {
    const data = await this.call<TokenResponseDto>('POST', path, { form });
    const token = data?.access_token;
    if (typeof token !== 'string' || token.split('.').length !== 3) {
      throw new ApiError({ kind: 'malformedResponse', method: 'POST', path: path.slice(1) });
    }
    const claims = decodeJwt(token);
    return { accessToken: token, claims, expiresAt: expiresAtMs(claims) };
  }
}

/** `legacy`: v1 `pat` (v2 with an organization); `v3`: `personalAccessKey`. */
type PatRoute = 'legacy' | 'v3';

/** Per auth origin, the PAT route that last accepted a key (memory only: no secret, no key-derived value). */
const acceptedRoutes = new Map<string, PatRoute>();
const MAX_REMEMBERED_ORIGINS = 16;

function rememberRoute(origin: string, route: PatRoute): void {
  acceptedRoutes.delete(origin);
  acceptedRoutes.set(origin, route);
  while (acceptedRoutes.size > MAX_REMEMBERED_ORIGINS) {
    const oldest = acceptedRoutes.keys().next().value;
    if (oldest === undefined) {
      break;
    }
    acceptedRoutes.delete(oldest);
  }
}

/** Tests: forget which PAT route each auth origin accepted. */
export function forgetPatRoutes(): void {
  acceptedRoutes.clear();
}

/** The route a PAT is asked on first at this auth origin (tests and logs). */
export function preferredPatRoute(origin: string): PatRoute {
  return acceptedRoutes.get(origin) ?? 'legacy';
}

const jsonError = (e: unknown): e is ApiError => e instanceof ApiError && !e.htmlBody && e.status !== undefined;

/**
 * A JSON answer that sends the key to the other route: a 401 (this route does not know the key), or, for v3, a 404
 * (a server without v3, or a v3 that moved). Anything else (a 403 for an organization, 5xx, a proxy's page,
 * network) is that route's answer about this key.
 */
function isRouteRefusal(e: unknown, route: PatRoute): e is ApiError {
  return jsonError(e) && (e.kind === 'unauthorized' || (route === 'v3' && e.kind === 'notFound'));
}

/**
 * Both routes were asked. Both refused with JSON (401, or v3's 404): the legacy route's refusal, so the key is
 * refused. The second route failed another way (503, reset, timeout, a proxy's HTML 401/403, malformed, a JSON
 * 403 for the organization): that failure, which keeps the credential.
 */
function bothRoutesOutcome(firstRoute: PatRoute, first: unknown, secondRoute: PatRoute, second: unknown): unknown {
  if (!isRouteRefusal(second, secondRoute)) {
    return second;
  }
  const legacy = firstRoute === 'legacy' ? first : second;
  const v3 = firstRoute === 'v3' ? first : second;
  // v3 missing (404): the legacy route's 401 is the answer; both 401: the legacy one too (as before)
  return jsonError(legacy) && legacy.kind === 'unauthorized' ? legacy : v3;
}
