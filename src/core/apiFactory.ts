/** Builds api-layer clients from the current endpoint settings. */
import { AuthApi } from '../api/authApi';
import { ApiClient } from '../api/http/httpClient';
import { originOf } from '../api/http/origin';
import type { RequestLimits } from '../api/http/httpClient';
import type { Endpoints, Logger } from './ports';

export type TokenProvider = (opts: { forceRefresh: boolean }) => Promise<string>;

export interface ApiFactory {
  auth(): AuthApi;
  /** The origin of the auth host the settings name now: what `auth().origin` would say, without building the HTTP layer. */
  authOrigin(): string;
  client(getToken: TokenProvider): ApiClient;
}

/** `limits`: deadlines and size limits other than the defaults (the fault suite uses short ones). */
export function createApiFactory(
  getEndpoints: () => Endpoints,
  logger: Logger,
  timeoutMs = 30_000,
  limits: RequestLimits = {},
): ApiFactory {
  return {
    authOrigin: () => originOf(getEndpoints().authUrl),
    auth: () => {
      const e = getEndpoints();
      return new AuthApi({ ...limits, authUrl: e.authUrl, timeoutMs, logger, allowInsecureHttp: e.allowInsecureHttp });
    },
    client: (getToken) => {
      const e = getEndpoints();
      return new ApiClient({ ...limits, baseUrl: e.apiUrl, timeoutMs, getToken, logger, allowInsecureHttp: e.allowInsecureHttp });
    },
  };
}
