/** Plain-`http` access to the sandbox's hook service (L1-L4) and an SSE reader, for the sandbox tests. */
import * as http from 'node:http';
import type { HookMessage } from '../../../sandbox/hooks';
import type { Sandbox } from '../../../sandbox/server';
import { call, until } from './helpers';
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
