/** Plain-`http` access to the sandbox's hook service (L1-L4), an SSE reader, and the suites' shared setup, for the sandbox tests. */
import * as http from 'node:http';
import type { HookMessage, HookOptions } from '../../../sandbox/hooks';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import { BuildClient } from './buildHelpers';
import { call, patToken, until } from './helpers';
import type { Reply } from './helpers';

/** One parsed SSE frame (comments apart). */
export interface SseFrame {
  event?: string;
  data: string;
}

/** An open L2 stream read with node:http, frames parsed as the newer CLI does (split on blank lines). */
export class SseReader {
  readonly frames: SseFrame[] = [];
  readonly comments: string[] = [];
  raw = '';
  ended = false;
  /** The socket closed without a clean end (destroyed by the server). */
  aborted = false;
  private buffer = '';

  private constructor(
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
    private readonly req: http.ClientRequest,
    res: http.IncomingMessage,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      this.raw += chunk;
      this.buffer += chunk;
      let cut: number;
      while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
        this.parse(this.buffer.slice(0, cut));
        this.buffer = this.buffer.slice(cut + 2);
      }
    });
    res.on('end', () => {
      this.ended = true;
    });
    res.on('aborted', () => {
      this.aborted = true;
    });
    res.on('error', () => {
      this.aborted = true;
    });
    res.on('close', () => {
      this.ended = true;
    });
  }

  /** Opens `url` (GET) and resolves once the response headers are in. */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    return new Promise((resolve, reject) => {
      const req = http.get(url, { headers: { accept: 'text/event-stream', 'cache-control': 'no-cache', ...headers } }, (res) => {
        resolve(new SseReader(res.statusCode ?? 0, res.headers, req, res));
      });
      req.on('error', reject);
    });
  }

  /** The build-log payloads so far, in arrival order. */
  messages(): HookMessage[] {
    return this.frames.filter((f) => f.event === 'build-log').map((f) => JSON.parse(f.data) as HookMessage);
  }

  async waitFor(cond: (r: this) => boolean, what: string, timeoutMs = 5000): Promise<void> {
    await until(() => cond(this), what, timeoutMs);
  }

  close(): void {
    this.req.destroy();
  }

  private parse(block: string): void {
    const f: SseFrame = { data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line);
      } else if (line.startsWith('event:')) {
        f.event = line.slice(6).trim();
      } else if (line.startsWith('data:')) {
        data.push(line.slice(5).replace(/^ /, ''));
      }
    }
    if (f.event !== undefined || data.length) {
      f.data = data.join('\n');
      this.frames.push(f);
    }
  }
}

/** The identity the newer CLI sends: `sub` and `currentOrganizationId` of the access token. */
export function identityOf(accessToken: string): { userId: string; organizationId: string } {
  const c = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, string>;
  return { userId: c.sub ?? '', organizationId: c.currentOrganizationId ?? '' };
}

/** The hook service as CLI-next calls it. */
export class HookClient {
  constructor(
    private readonly sb: Sandbox,
    readonly accessToken: string,
  ) {}

  /** L1 with the Appcircle access token. */
  token(bearer = this.accessToken): Promise<Reply<{ access_token: string; expires_in: number; message?: string }>> {
    return call(`${this.sb.hookUrl}/auth/token`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
  }

  async hookToken(): Promise<string> {
    const r = await this.token();
    if (r.status !== 200) {
      throw new Error(`L1: ${r.status} ${r.text}`);
    }
    return r.json.access_token;
  }

  streamUrl(hookToken: string, browserId: string): string {
    const { userId, organizationId } = identityOf(this.accessToken);
    const q = new URLSearchParams({ userId, organizationId, token: hookToken, browserId });
    return `${this.sb.hookUrl}/v2/hooks?${q.toString()}`;
  }

  /** L2. */
  open(hookToken: string, browserId: string, headers: Record<string, string> = {}): Promise<SseReader> {
    return SseReader.open(this.streamUrl(hookToken, browserId), headers);
  }

  /** L3 (start) or L4 (stop), on the hook origin or the API origin, with the Appcircle token unless told. */
  trigger(
    taskId: string,
    browserId: string,
    o: { stop?: boolean; origin?: 'hook' | 'api'; bearer?: string } = {},
  ): Promise<Reply<{ message?: string }>> {
    const { userId, organizationId } = identityOf(this.accessToken);
    const q = new URLSearchParams({ taskId, browserId, userId, organizationId });
    const base = o.origin === 'api' ? this.sb.apiUrl : this.sb.hookUrl;
    const path = o.stop ? 'trigger-stop-events-receiving' : 'trigger-events-receiving';
    return call(`${base}/build/log/${path}?${q.toString()}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${o.bearer ?? this.accessToken}`, Accept: '*/*', 'Content-Type': 'application/json' },
      body: 'null',
    });
  }

  /** L1 + L2 + L3: a stream that follows one task. */
  async follow(taskId: string, browserId = `cli-${Math.random().toString(36).slice(2, 10)}`): Promise<SseReader> {
    const t = await this.hookToken();
    const r = await this.open(t, browserId);
    const s = await this.trigger(taskId, browserId);
    if (s.status !== 200) {
      r.close();
      throw new Error(`L3: ${s.status} ${s.text}`);
    }
    return r;
  }
}

/** Build phases of the hook suites (virtual ms; the clock is frozen and advanced by the tests). */
export const HOOK_TIMINGS = { waitMs: 2000, runMs: 8000, completeMs: 1000 };
export const HOOK_TOTAL = HOOK_TIMINGS.waitMs + HOOK_TIMINGS.runMs + HOOK_TIMINGS.completeMs;

/** A hook suite's world: set in its `before`; the streams in `open` are closed after each test. */
export interface HookSuite {
  sb: Sandbox;
  api: BuildClient;
  hooks: HookClient;
  readonly open: SseReader[];
  /** L1 + L2 + L3 for one task (the stream is closed after the test). */
  follow(taskId: string, browserId?: string): Promise<SseReader>;
  /** The plain log (B13, by queue item) now; '' before there is one. */
  plainLog(queueItemId: string): Promise<string>;
}

/**
 * Registers the mocha hooks of a hook-service suite: one sandbox (frozen clock, HOOK_TIMINGS, these hook options)
 * for the suite, signed in with the demo PAT; after each test the streams opened are closed, the service holds
 * none, and the sandbox is reset.
 */
export function hookSuite(hookOptions: HookOptions): HookSuite {
  const t = {
    open: [] as SseReader[],
    follow: async (taskId: string, browserId?: string) => {
      const r = await t.hooks.follow(taskId, browserId);
      t.open.push(r);
      return r;
    },
    plainLog: async (queueItemId: string) => {
      const r = await t.api.get<string>(`build/v1/queue/logs/${queueItemId}`);
      return r.text === 'No Logs Available' ? '' : r.text;
    },
  } as HookSuite;
  before(async () => {
    t.sb = await startSandbox({ quiet: true, speed: 0, builds: { timings: HOOK_TIMINGS }, hooks: hookOptions });
    const token = await patToken(t.sb.authUrl);
    t.api = new BuildClient(t.sb, token);
    t.hooks = new HookClient(t.sb, token);
  });
  after(async () => {
    await t.sb.stop();
  });
  afterEach(async () => {
    t.open.splice(0).forEach((r) => r.close());
    await until(() => t.sb.hooks.connections === 0, 'streams closed');
    t.sb.reset();
  });
  return t;
}
