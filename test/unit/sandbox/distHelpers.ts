/** Requests as the official distribution clients send them (CLI, fastlane, ADO, Jenkins), for the sandbox tests. */
import * as http from 'node:http';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import { CLI_UA, call, patToken } from './helpers';
import type { Reply } from './helpers';

export interface UploadInfo {
  fileId: string;
  uploadUrl: string;
  configuration: { httpMethod: 'PUT' | 'POST'; signParameters: Record<string, string> | null };
}

export class DistClient {
  constructor(
    readonly sb: Sandbox,
    readonly token: string,
  ) {}

  req<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    return call<T>(`${this.sb.apiUrl}/${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        accept: 'application/json',
        'User-Agent': CLI_UA,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  async get<T = Record<string, unknown>>(path: string): Promise<T> {
    const r = await this.req<T>('GET', path);
    if (r.status !== 200) {
      throw new Error(`GET ${path}: ${r.status} ${r.text}`);
    }
    return r.json;
  }

  /** Polls T1 until the task leaves 1 (at most `max` polls, no delay, as ADO-TD does); returns every state seen. */
  async pollTask(taskId: string, max = 20): Promise<number[]> {
    const seen: number[] = [];
    for (let i = 0; i < max; i++) {
      const s = await this.get<{ stateValue: number }>(`task/v1/tasks/${taskId}`);
      seen.push(s.stateValue);
      if (s.stateValue !== 1 && s.stateValue !== 0) {
        break;
      }
    }
    return seen;
  }
}

/** U2a: a PUT of raw bytes, no Authorization (unless `withAuth`), as the CLI sends it. */
export function putBytes(url: string, bytes: Buffer, extra: Record<string, string> = {}): Promise<Reply> {
  return call(url, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length), ...extra },
    body: bytes,
  });
}

/** U2b: a multipart POST with the sign parameters first and `file` last (or wherever `fileAt` says). */
export function postForm(info: UploadInfo, bytes: Buffer, fileName: string, fileAt: 'last' | 'first' = 'last'): Promise<Reply> {
  const form = new FormData();
  const file = () => form.append('file', new Blob([bytes]), fileName);
  if (fileAt === 'first') {
    file();
  }
  for (const [k, v] of Object.entries(info.configuration.signParameters ?? {})) {
    form.append(k, v);
  }
  if (fileAt === 'last') {
    file();
  }
  return call(info.uploadUrl, { method: 'POST', body: form });
}

/** A raw GET whose path is sent exactly as given (an un-encoded fileName, as the CLI concatenates it). */
export function rawGet(sb: Sandbox, token: string, rawPath: string): Promise<{ status: number; json: unknown }> {
  const u = new URL(sb.apiUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: rawPath,
        method: 'GET',
        headers: { Authorization: `Bearer ${token}`, accept: 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * A suite's sandbox (build clock frozen) and a client signed in with the demo Personal API Token, started before the
 * suite and stopped after it; `reset` puts the seed back after every test.
 */
export function useDistSandbox(opts: { reset?: boolean } = {}): { readonly sb: Sandbox; readonly api: DistClient } {
  const ctx: { sb?: Sandbox; api?: DistClient } = {};
  before(async () => {
    ctx.sb = await startSandbox({ quiet: true, realTime: false });
    ctx.api = new DistClient(ctx.sb, await patToken(ctx.sb.authUrl));
  });
  after(() => ctx.sb?.stop());
  if (opts.reset !== false) {
    afterEach(() => ctx.sb?.reset());
  }
  return {
    get sb() {
      if (!ctx.sb) {
        throw new Error('the sandbox is not started yet');
      }
      return ctx.sb;
    },
    get api() {
      if (!ctx.api) {
        throw new Error('the sandbox is not started yet');
      }
      return ctx.api;
    },
  };
}
