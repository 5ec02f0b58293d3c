/** Builds api-layer clients from the current endpoint settings. */
import { AuthApi } from '../api/authApi';
import { ApiClient } from '../api/httpClient';
import type { Endpoints, Logger } from './ports';

export type TokenProvider = (opts: { forceRefresh: boolean }) => Promise<string>;

export interface ApiFactory {
  auth(): AuthApi;
  client(getToken: TokenProvider): ApiClient;
}

export function createApiFactory(getEndpoints: () => Endpoints, logger: Logger, timeoutMs = 30_000): ApiFactory {
  return {
    auth: () => {
      const e = getEndpoints();
      return new AuthApi({ authUrl: e.authUrl, timeoutMs, logger, allowInsecureHttp: e.allowInsecureHttp });
    },
    client: (getToken) => {
      const e = getEndpoints();
      return new ApiClient({ baseUrl: e.apiUrl, timeoutMs, getToken, logger, allowInsecureHttp: e.allowInsecureHttp });
    },
  };
}
