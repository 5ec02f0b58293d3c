/**
 * Tasks of the sandbox's uploads and store actions (T1 `task/v1/tasks/{taskId}`, docs/appcircle-api.md §11.1):
 * `stateValue` 1 Begin for a few polls, then 3 Completed, or 2 Canceled when the work fails (a duplicate version
 * number), or 1 for ever (the "never ends" fault). Progress counts polls, not time, so a frozen clock and a client
 * that polls without delay both see it finish. Build tasks (B15) are answered by the build world.
 */
import { randomUUID } from 'node:crypto';
import type { BuildWorld } from './buildQueue';
import type { Router } from './http';
import { sendError, sendJson } from './http';

export type TaskOutcome = 'complete' | 'fail' | 'hang';

export interface SandboxTask {
  id: string;
  orgId: string;
  /** 1 Begin, 2 Canceled (failed), 3 Completed. */
  stateValue: 1 | 2 | 3;
  polls: number;
  pollsToFinish: number;
  outcome: TaskOutcome;
  /** Runs when the task finishes; a string is the failure reason (the task ends in 2). */
  work: () => string | undefined;
  /** Why it failed (not part of the answer's known fields; sent as `message`). */
  reason?: string;
}

const STATE_NAMES = { 1: 'Begin', 2: 'Canceled', 3: 'Completed' } as const;

export class TaskBoard {
  private readonly tasks = new Map<string, SandboxTask>();

  /** Starts a task; `work` runs on the poll that finishes it. */
  start(orgId: string, work: () => string | undefined, outcome: TaskOutcome = 'complete', pollsToFinish = 2): SandboxTask {
    const t: SandboxTask = { id: randomUUID(), orgId, stateValue: 1, polls: 0, pollsToFinish, outcome, work };
    this.tasks.set(t.id, t);
    return t;
  }

  find(id: string, orgId: string): SandboxTask | undefined {
    const t = this.tasks.get(id.toLowerCase()) ?? this.tasks.get(id);
    return t && t.orgId === orgId ? t : undefined;
  }

  /** One poll: counts it and finishes the task when its time has come. */
  poll(t: SandboxTask): { stateValue: number; stateName: string; message?: string } {
    t.polls++;
    if (t.stateValue === 1 && t.outcome !== 'hang' && t.polls > t.pollsToFinish) {
      this.finish(t);
    }
    return { stateValue: t.stateValue, stateName: STATE_NAMES[t.stateValue], ...(t.reason ? { message: t.reason } : {}) };
  }

  /** Finishes a task now (whatever its polls): the work runs, or the 'fail' outcome cancels it. */
  finish(t: SandboxTask): void {
    if (t.stateValue !== 1) {
      return;
    }
    const reason = t.outcome === 'fail' ? 'The task failed (sandbox fault).' : t.work();
    t.stateValue = reason ? 2 : 3;
    t.reason = reason;
  }

  clear(): void {
    this.tasks.clear();
  }
}

/** T1; ids it does not know go to the build world (B15). Register before the build routes. */
export function registerTaskRoutes(router: Router, board: TaskBoard, world: BuildWorld): void {
  router.authed('GET', '/task/v1/tasks/:id', (ctx) => {
    const id = ctx.params.id ?? '';
    const t = board.find(id, ctx.auth.orgId);
    if (t) {
      sendJson(ctx.res, 200, board.poll(t));
      return;
    }
    const found = world.findLive(id, ctx.auth.orgId);
    return found ? sendJson(ctx.res, 200, world.taskState(found.build)) : sendError(ctx.res, 404, 'Task was not found.');
  });
}
