/**
 * An in-memory hook service for the core tests of BuildLogStream (the sandbox's real one is used by the ui tests):
 * builds whose messages grow, the plain log they make (what a Range read returns), and the faults of the contract
 * (the sandbox's HookFaults: refused, absent, dropped, duplicated, reordered, stalled, silent; its frames as the
 * sandbox writes them). No HTTP: the stream is a PassThrough.
 */
import { PassThrough, Readable } from 'node:stream';
import { frameOf } from '../../../sandbox/hookStream';
import type { HookFaults } from '../../../sandbox/hookStream';
import type { BuildLogMessage, HookApi, HookIdentity, HookStream } from '../../../src/api/hookApi';
import type { LogRead, LogSource } from '../../../src/api/buildsApi';
import { ApiError } from '../../../src/api/http/errors';
import { bytesOf } from '../../../src/core/logs/streamAligner';
import { Emitter } from '../../../src/core/events';
import type { SessionChangeEvent } from '../../../src/core/session/models';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** An access token shaped as a JWT with the claims the stream needs (not signed: the client only decodes it). */
export const FAKE_ACCESS_TOKEN = `${b64({ alg: 'none' })}.${b64({ sub: 'user-1', currentOrganizationId: 'org-1', exp: 4102444800 })}.sig`;

export class FakeHook {
  faults: HookFaults = {};
  readonly builds = new Map<string, BuildLogMessage[]>();
  private readonly streams = new Set<{ body: PassThrough; tasks: Set<string>; frames: number; held?: string }>();
  connectionsOpened = 0;
  tokens = 0;
  subscribes: string[] = [];
  /** The signal each subscribe was given (BuildLogStream aborts it when the connection closes). */
  subscribeSignals: (AbortSignal | undefined)[] = [];
  unsubscribes: string[] = [];
  logReads = 0;

  get connections(): number {
    return [...this.streams].filter((s) => !s.body.destroyed).length;
  }

  /** A build with `n` messages logged so far (a step-title echo among them). */
  addBuild(taskId: string, n = 0): void {
    this.builds.set(taskId, []);
    for (let i = 0; i < n; i++) {
      this.write(taskId, `line ${i + 1} of ${taskId}`);
    }
  }

  /** The build logs one more message; subscribed streams get it. */
  write(taskId: string, message: string, extra: Partial<BuildLogMessage> = {}): void {
    const list = this.builds.get(taskId) ?? [];
    this.builds.set(taskId, list);
    const m: BuildLogMessage = {
      taskId,
      messageIndex: list.length + 1,
      message,
      stepName: 'Build',
      uiOnly: false,
      workflowStatus: 10,
      ...extra,
    };
    list.push(m);
    for (const s of this.streams) {
      if (s.tasks.has(taskId)) {
        this.send(s, m);
      }
    }
  }

  /** Ends the build as the service does: the `Completing workflow` section end, workflowStatus 9. */
  finish(taskId: string): void {
    this.write(taskId, '@@[section:end] Build Phase Step completed: Completing workflow, Ver: 1.0', {
      stepName: 'Completing workflow',
      workflowStatus: 9,
    });
  }

  plain(taskId: string): string {
    return (this.builds.get(taskId) ?? []).map(bytesOf).join('');
  }

  /** What a Range read of the plain log answers. */
  readonly read = (source: LogSource, from: number): Promise<LogRead> => {
    this.logReads++;
    const id = 'queueItemId' in source ? source.queueItemId : source.buildId;
    const buf = Buffer.from(this.plain(id), 'utf8');
    if (buf.length === 0) {
      return Promise.resolve({ kind: 'notReady' });
    }
    if (from >= buf.length) {
      return Promise.resolve({ kind: 'nothingNew' });
    }
    return Promise.resolve({ kind: 'bytes', start: from, stream: Readable.from([buf.subarray(from)]) });
  };

  /** Cuts every open stream. */
  dropAll(): void {
    for (const s of this.streams) {
      s.body.destroy();
    }
  }

  private send(s: { body: PassThrough; frames: number; held?: string }, m: BuildLogMessage): void {
    const f = this.faults;
    if (s.body.destroyed || f.silent || (f.stallAfterFrames !== undefined && s.frames >= f.stallAfterFrames)) {
      return;
    }
    s.frames++;
    const frame = frameOf({ id: `e${m.messageIndex}`, ...m, eventName: 'BuildProgress' });
    if (f.reorderEvery && s.frames % f.reorderEvery === 0 && s.held === undefined) {
      s.held = frame;
      return;
    }
    s.body.write(frame);
    if (s.held !== undefined) {
      s.body.write(s.held);
      s.held = undefined;
    }
    if (f.duplicateEvery && s.frames % f.duplicateEvery === 0) {
      s.body.write(frame);
    }
    if (f.dropAfterFrames !== undefined && s.frames >= f.dropAfterFrames) {
      s.body.destroy();
    }
  }

  private refused(path: string, step: 'token' | 'stream'): void {
    if (this.faults.refuse === 'absent') {
      throw new ApiError({ kind: 'notFound', method: 'POST', path, status: 404 });
    }
    if (this.faults.refuse === step) {
      throw new ApiError({ kind: step === 'token' ? 'forbidden' : 'server', method: 'GET', path, status: step === 'token' ? 403 : 503 });
    }
  }

  /** The client BuildLogStream is given instead of HookApi. */
  api(): HookApi {
    return {
      token: () => {
        this.tokens++;
        return Promise.resolve().then(() => {
          this.refused('auth/token', 'token');
          return { token: 'hook-token-1234567890' };
        });
      },
      openStream: (_t: string, _w: HookIdentity): Promise<HookStream> =>
        Promise.resolve().then(() => {
          this.refused('v2/hooks', 'stream');
          const body = new PassThrough();
          const s = { body, tasks: new Set<string>(), frames: 0 };
          this.streams.add(s);
          this.connectionsOpened++;
          body.on('close', () => this.streams.delete(s));
          if (!this.faults.silent) {
            body.write(': keep-alive\n\n');
          }
          return { body, close: () => body.destroy() };
        }),
      subscribe: (_a: string, taskId: string, _w: HookIdentity, signal?: AbortSignal) =>
        Promise.resolve().then(() => {
          this.subscribeSignals.push(signal);
          this.refused('build/log/trigger-events-receiving', 'token');
          const list = this.builds.get(taskId);
          if (!list) {
            throw new ApiError({ kind: 'notFound', method: 'POST', path: 'build/log/trigger-events-receiving', status: 404 });
          }
          this.subscribes.push(taskId);
          const s = [...this.streams].at(-1);
          if (s) {
            s.tasks.add(taskId);
            list.forEach((m) => this.send(s, m));
          }
        }),
      unsubscribe: (_a: string, taskId: string) => {
        this.unsubscribes.push(taskId);
        [...this.streams].forEach((s) => s.tasks.delete(taskId));
        return Promise.resolve();
      },
    } as unknown as HookApi;
  }
}

/** The session as BuildLogStream sees it: signed in with FAKE_ACCESS_TOKEN, sign-out by `signOut()`. */
export function fakeSession(): {
  isSignedIn: boolean;
  getAccessToken(): Promise<string>;
  onDidChangeSession: Emitter<SessionChangeEvent>['event'];
  signOut(): void;
} {
  const changed = new Emitter<SessionChangeEvent>();
  const s = {
    isSignedIn: true,
    getAccessToken: () => (s.isSignedIn ? Promise.resolve(FAKE_ACCESS_TOKEN) : Promise.reject(new Error('signed out'))),
    onDidChangeSession: changed.event,
    signOut: () => {
      s.isSignedIn = false;
      changed.fire({ reason: 'signOut', session: undefined });
    },
  };
  return s;
}
