/**
 * The task poll T1 of docs/appcircle-api.md §11.1: what a commit of an upload (and other asynchronous writes)
 * returns as `{taskId}` and how it ends. `stateValue` 1 Begin (and 0 Unknown) keep polling, 2 Canceled is a
 * failure, 3 Completed is done.
 */
import type { ApiClient } from './http/httpClient';
import { checkId } from './http/ids';

export interface TaskDto {
  stateValue?: number;
  stateName?: string;
  /** Why a task failed, when the server says (no official client reads it; the sandbox sends it). */
  message?: string;
}

export const TASK_STATE = { unknown: 0, begin: 1, canceled: 2, completed: 3 } as const;

export class TasksApi {
  constructor(private readonly client: ApiClient) {}

  /** T1 */
  async task(taskId: string, signal?: AbortSignal): Promise<TaskDto> {
    return this.client.get<TaskDto>(`task/v1/tasks/${checkId(taskId, 'GET', 'task/v1/tasks/{id}')}`, { signal });
  }
}
