/**
 * The signed-URL upload U2 of docs/appcircle-api.md §11.1: the file's bytes to the absolute `uploadUrl` U1
 * named, on object storage (another origin), with NO Authorization header: the bearer token never leaves the API
 * host. PUT sends the raw bytes (`Content-Type: application/octet-stream`, `Content-Length`); POST sends a
 * multipart form with every `signParameters` field first and the file as `file` last. The body is streamed from a
 * Node Readable (never whole in memory); bytes sent are reported for progress; an AbortSignal stops it. A 503 or a
 * connection reset is retried up to 5 tries with exponential backoff plus jitter, each try from a new stream of the
 * `open()` factory. The URL's query is a signature: logs and errors name its origin and path only. The URL follows
 * the rule of a redirect (N11): a remote API cannot aim the upload at a service on this machine.
 */
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import type { Readable } from 'node:stream';
import type { HttpLogger } from './http/body';
import { nodeStream } from './http/body';
import { ApiError, kindForNetworkCode, kindForStatus } from './http/errors';
import { redact } from './http/redact';
import { checkRedirectAllowed } from './http/url';

/* eslint-disable @typescript-eslint/no-require-imports -- Node built-ins on the first upload, not at activation */
const nodeHttp = (): typeof Http => require('node:http') as typeof Http;
const nodeHttps = (): typeof Https => require('node:https') as typeof Https;
/* eslint-enable @typescript-eslint/no-require-imports */

/** U1's answer. `configuration` (or its `httpMethod`) missing means PUT. */
export interface UploadInfoDto {
  fileId: string;
  uploadUrl: string;
  configuration?: { httpMethod?: string | null; signParameters?: Record<string, string> | null } | null;
}

/** U3's answer. */
export interface CommitDto {
  taskId: string;
}

export interface SignedUpload {
  /** Absolute `uploadUrl` from U1. https, or http to this machine unless `allowInsecureHttp`. */
  url: string;
  /** The API base U1 was asked at: `url` may point at this machine only when this does too. */
  apiBase: string;
  method: 'PUT' | 'POST';
  /** POST only: form fields sent before the file. */
  signParameters?: Record<string, string>;
  /** The multipart file name (POST). */
  fileName: string;
  /** Exact byte count of what `open()` yields. */
  size: number;
  /** A new stream of the file from its first byte: called once per try. */
  open: () => Readable;
  signal?: AbortSignal;
  /** Bytes of the file sent so far in this try (starts at 0 again on a retry). */
  onProgress?: (sent: number) => void;
  allowInsecureHttp?: boolean;
  logger?: HttpLogger;
  /** No byte either way for this long: 'timeout'. Default 60 s. */
  idleMs?: number;
  /** Tries in all (503, connection reset). Default 5. */
  maxTries?: number;
  /** Wait before try `n + 1` (n ≥ 1). Default 500 ms × 2^(n-1) plus up to 50 % jitter. */
  retryDelayMs?: (n: number) => number;
}

export const UPLOAD_MAX_TRIES = 5;
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

const defaultDelay = (n: number): number => {
  const base = 500 * 2 ** (n - 1);
  return base + Math.floor(Math.random() * base * 0.5);
};

/** The URL as logs and errors show it: origin and path, never the signed query. */
export function shownUploadUrl(url: string): string {
  try {
    const u = new URL(url);
    return redact(`${u.protocol}//${u.host}${u.pathname}`);
  } catch {
    return '<invalid URL>';
  }
}

/** The upload's method from U1's configuration: PUT unless it says POST. */
export function uploadMethodOf(info: UploadInfoDto): 'PUT' | 'POST' {
  return String(info.configuration?.httpMethod ?? 'PUT').toUpperCase() === 'POST' ? 'POST' : 'PUT';
}

/**
 * Sends the file to the signed URL; resolves on a 2xx. Errors are ApiErrors (`path` is the shown URL); a URL the
 * policy refuses ('insecureUrl', or 'redirected' for this machine named by a remote API) sends nothing.
 */
export async function uploadToSignedUrl(u: SignedUpload): Promise<void> {
  checkRedirectAllowed(u.url, u.apiBase, u.allowInsecureHttp ?? false);
  const shown = shownUploadUrl(u.url);
  const tries = u.maxTries ?? UPLOAD_MAX_TRIES;
  for (let n = 1; ; n++) {
    const started = Date.now();
    try {
      await oneTry(u, shown);
      u.logger?.debug(`${u.method} ${shown} → uploaded ${u.size} bytes (${Date.now() - started} ms, try ${n})`);
      return;
    } catch (e) {
      const retriable = e instanceof ApiError && (e.status === 503 || (e.kind === 'network' && e.status === undefined));
      if (!retriable || n >= tries || u.signal?.aborted) {
        u.logger?.warn(redact(`${u.method} ${shown} → ${e instanceof Error ? e.message : String(e)} (try ${n} of ${tries})`));
        throw e;
      }
      const wait = (u.retryDelayMs ?? defaultDelay)(n);
      u.logger?.info(`${u.method} ${shown} → ${e.status ?? 'connection reset'}: try ${n + 1} of ${tries} in ${wait} ms`);
      await sleep(wait, u.signal, u.method, shown);
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined, method: string, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(t);
      reject(new ApiError({ kind: 'canceled', method, path }));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) {
      onAbort();
    }
  });
}

/** The multipart frame around the file: the fields and the file part's header, then the closing boundary. */
function multipartFrame(u: SignedUpload): { head: Buffer; tail: Buffer; contentType: string } {
  const boundary = `----appcircle${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
  const q = (s: string) => s.replace(/[\r\n"]/g, '_');
  let head = '';
  for (const [k, v] of Object.entries(u.signParameters ?? {})) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${q(k)}"\r\n\r\n${String(v)}\r\n`;
  }
  head += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${q(u.fileName)}"\r\n`;
  head += 'Content-Type: application/octet-stream\r\n\r\n';
  return {
    head: Buffer.from(head, 'utf8'),
    tail: Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** One try: the request with the file streamed into it, the answer's status read (its body drained, bounded). */
function oneTry(u: SignedUpload, shown: string): Promise<void> {
  const url = new URL(u.url);
  const frame = u.method === 'POST' ? multipartFrame(u) : undefined;
  const length = frame ? frame.head.length + u.size + frame.tail.length : u.size;
  const headers: Record<string, string | number> = {
    'Content-Type': frame ? frame.contentType : 'application/octet-stream',
    'Content-Length': length,
    'User-Agent': 'appcircle-vscode',
  };
  const lib = url.protocol === 'https:' ? nodeHttps() : nodeHttp();
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const fail = (e: ApiError) => {
      if (!settled) {
        settled = true;
        cleanup();
        source.destroy();
        req.destroy();
        reject(e);
      }
    };
    const source = u.open();
    const req = lib.request(url, { method: u.method, headers, agent: false });
    const onAbort = () => fail(new ApiError({ kind: 'canceled', method: u.method, path: shown }));
    const cleanup = () => u.signal?.removeEventListener('abort', onAbort);
    u.signal?.addEventListener('abort', onAbort, { once: true });
    req.setTimeout(u.idleMs ?? 60_000, () => fail(new ApiError({ kind: 'timeout', method: u.method, path: shown })));
    req.on('error', (e: NodeJS.ErrnoException) => {
      const kind = e.code && RESET_CODES.has(e.code) ? 'network' : kindForNetworkCode(e.code, e.message);
      fail(new ApiError({ kind, method: u.method, path: shown, cause: e }));
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body = (body + c).slice(0, 4096);
      });
      res.on('error', () => undefined);
      res.on('end', () => {
        if (status >= 200 && status < 300) {
          if (!settled) {
            settled = true;
            cleanup();
            resolve();
          }
          return;
        }
        fail(new ApiError({ kind: kindForStatus(status), method: u.method, path: shown, status, serverMessage: messageOf(body) }));
      });
    });
    source.on('error', (e) => fail(new ApiError({ kind: 'network', method: u.method, path: shown, status: 0, cause: e })));
    pump(u, source, req, frame, fail);
    if (u.signal?.aborted) {
      onAbort();
    }
  });
}

/** The file into the request, counted; a source that yields more or fewer bytes than `size` fails the try. */
function pump(
  u: SignedUpload,
  source: Readable,
  req: Http.ClientRequest,
  frame: { head: Buffer; tail: Buffer } | undefined,
  fail: (e: ApiError) => void,
): void {
  let sent = 0;
  const counter = new (nodeStream().Transform)({
    transform(chunk: Buffer, _enc, cb) {
      sent += chunk.length;
      if (sent > u.size) {
        cb(new Error('the file is longer than its size'));
        return;
      }
      u.onProgress?.(sent);
      cb(null, chunk);
    },
    flush(cb) {
      if (sent !== u.size) {
        cb(new Error('the file is shorter than its size'));
        return;
      }
      cb(null, frame?.tail);
    },
  });
  counter.on('error', (e) => fail(new ApiError({ kind: 'network', method: u.method, path: shownUploadUrl(u.url), status: 0, cause: e })));
  if (frame) {
    req.write(frame.head);
  }
  source.pipe(counter).pipe(req);
}

/** A storage error body's message (JSON `message`, or an S3/GCS XML `<Message>`), bounded and redacted. */
function messageOf(body: string): string | undefined {
  const json = /"message"\s*:\s*"([^"]{1,300})"/i.exec(body);
  const xml = /<Message>([^<]{1,300})<\/Message>/i.exec(body);
  const m = json?.[1] ?? xml?.[1];
  return m ? redact(m) : undefined;
}
