/**
 * The builds gateway: one call of the builds API (src/api/buildsApi.ts) in the current session. BuildService, the
 * queue watcher and the final-status reader get it injected instead of each building a BuildsApi per request; the
 * session's guard (SessionService.request: a result of a previous session is SessionChangedError) applies to every
 * call. One BuildsApi per HTTP client: the session keeps its client until the connection resets.
 */
import { BuildsApi } from '../../api/buildsApi';
import type { ApiClient } from '../../api/http/httpClient';
import type { SessionService } from '../session/sessionService';

/** Runs `fn` with the builds API of the current session. */
export type BuildsRequest = <T>(fn: (api: BuildsApi) => Promise<T>) => Promise<T>;

export function buildsRequest(session: Pick<SessionService, 'request'>): BuildsRequest {
  const apis = new WeakMap<ApiClient, BuildsApi>();
  const apiOf = (client: ApiClient): BuildsApi => {
    let api = apis.get(client);
    if (!api) {
      api = new BuildsApi(client);
      apis.set(client, api);
    }
    return api;
  };
  return (fn) => session.request((client) => fn(apiOf(client)));
}
