/** Credential → access token (docs/appcircle-api.md §2): PAT v1/v2 (v3 on a 401), API key, userinfo. No Authorization on token calls. */
import type { JwtClaims, TokenResponseDto, UserInfoDto } from './dto';
import { decodeJwt } from './dto';
import { ApiError } from './errors';
import type { HttpLogger, RequestLimits } from './httpClient';
import { checkUrlAllowed, normalizeBase, send } from './httpClient';
import { rememberSecret } from './redact';

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

  /**
   * No organization → POST /auth/v1/token (what the official CLI uses); an organization → /auth/v2/token with the
   * organization under both field names sources disagree on (`subOrganizationId`, `subOrganization`; §2.6).
   */
  tokenWithPat(pat: string, organizationId?: string): Promise<TokenResult> {
    rememberSecret(pat);
    const first = organizationId
      ? this.token('/auth/v2/token', { pat, subOrganizationId: organizationId, subOrganization: organizationId })
      : this.token('/auth/v1/token', { pat });
    return first.catch((e: unknown) => this.personalAccessKeyV3(pat, organizationId, e));
  }

  /**
   * Appcircle renamed Personal API Tokens to Personal Access Keys and documents `POST /auth/v3/token` with
   * `personalAccessKey` (docs/appcircle-api.md §2.1, §10). A JSON 401 from v1/v2 is tried once on v3 before the
   * key counts as rejected; any v3 failure gives back the first error (a server without v3 answers 404).
   */
  private async personalAccessKeyV3(key: string, organizationId: string | undefined, first: unknown): Promise<TokenResult> {
    if (!(first instanceof ApiError) || first.kind !== 'unauthorized' || first.htmlBody) {
      throw first;
    }
    try {
      return await this.token(
        '/auth/v3/token',
        organizationId ? { personalAccessKey: key, subOrganization: organizationId } : { personalAccessKey: key },
      );
    } catch {
      throw first;
    }
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
    return { accessToken: token, claims, expiresAt: claims.exp ? claims.exp * 1000 : undefined };
  }
}
