/**
 * The distribution gateway: one call of the distribution, store and task APIs in the current session, like
 * buildsRequest.ts (SessionService.request: a result of a previous session is SessionChangedError). One set of
 * APIs per HTTP client.
 */
import { DistributionApi } from '../../api/distributionApi';
import type { ApiClient } from '../../api/http/httpClient';
import { StoreApi } from '../../api/storeApi';
import { TasksApi } from '../../api/tasksApi';
import type { SessionService } from '../session/sessionService';

export interface DistributionApis {
  readonly distribution: DistributionApi;
  readonly store: StoreApi;
  readonly tasks: TasksApi;
  /** The signed-URL upload's transport settings (insecure-http rule, logger) come from here. */
  readonly client: ApiClient;
}

/** Runs `fn` with the APIs of the current session. */
export type DistributionRequest = <T>(fn: (apis: DistributionApis) => Promise<T>) => Promise<T>;

export function distributionRequest(session: Pick<SessionService, 'request'>): DistributionRequest {
  const apis = new WeakMap<ApiClient, DistributionApis>();
  const apisOf = (client: ApiClient): DistributionApis => {
    let a = apis.get(client);
    if (!a) {
      a = { distribution: new DistributionApi(client), store: new StoreApi(client), tasks: new TasksApi(client), client };
      apis.set(client, a);
    }
    return a;
  };
  return (fn) => session.request((client) => fn(apisOf(client)));
}
