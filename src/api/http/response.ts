/**
 * Reading an answer (ARCHITECTURE.md §3), the second half of send() (httpClient.ts): a 2xx body as the guarded
 * stream, the text or the parsed JSON (readSuccess), a web page or malformed JSON refused; a non-2xx answer as its
 * typed ApiError with the server's message bounded and redacted (toApiError); one log line either way.
 */
import type { AxiosResponse } from 'axios';
import { BodyProblem, guardStream, isReadable, nodeStream, readBody } from './body';
import type { HttpLogger } from './body';
import { ApiError, kindForStatus, parseRetryAfter } from './errors';
import type { ApiErrorKind } from './errors';
import { redact } from './redact';

/** What reading an answer needs of its exchange (httpClient.ts). */
export interface Exchange {
  readonly method: string;
  /** For logs and errors: the path without host and query. */
  readonly path: string;
  /** `method path`, the start of each log line. */
  readonly label: string;
  /** Date.now() when the exchange began. */
  readonly started: number;
  /** No byte for this long: 'timeout'. */
  readonly idleMs: number;
  /** Aborted by the exchange's deadline or the caller. */
  readonly signal: AbortSignal;
  /** What an abort means: the deadline passed ('timeout'), or the caller canceled. */
  abortKind(): ApiErrorKind;
  readonly logger?: HttpLogger;
}

/** What a 2xx body is read as: text or JSON whole within a size limit, or a stream with its own deadline. */
export type Wanted =
  | { type: 'json' | 'text'; limit: number }
  /** `signal`: the caller's (the exchange's deadline ends when send() returns). */
  | { type: 'stream'; deadlineMs: number; signal?: AbortSignal };

/** The body read whole within `limit`, the idle timer and the exchange's signal; an early end as a typed error. */
async function readWhole(x: Exchange, response: AxiosResponse, limit: number, truncate = false): Promise<Buffer> {
  try {
    return await readBody(response.data, { limit, idleMs: x.idleMs, signal: x.signal, truncate });
  } catch (e) {
    const why = e instanceof BodyProblem ? e.why : 'cut';
    const kind: ApiErrorKind = why === 'tooLarge' ? 'tooLarge' : why === 'idle' ? 'timeout' : why === 'aborted' ? x.abortKind() : 'network';
    const text =
      kind === 'tooLarge'
        ? `body over ${Math.round(limit / 1024 / 1024)} MB, refused`
        : kind === 'timeout'
          ? why === 'idle'
            ? 'the body stalled'
            : 'the deadline passed before the body ended'
          : kind === 'network'
            ? 'the connection closed in the middle of the body'
            : 'canceled';
    x.logger?.warn(`${x.label} → ${response.status}, ${text} (${Date.now() - x.started} ms)`);
    throw new ApiError({
      kind,
      method: x.method,
      path: x.path,
      status: response.status,
      limitBytes: kind === 'tooLarge' ? limit : undefined,
      cause: e,
    });
  }
}

/** A 2xx answer's body: the guarded stream, the text, or the parsed JSON; a web page or malformed JSON is an error. */
export async function readSuccess(x: Exchange, response: AxiosResponse, want: Wanted): Promise<unknown> {
  const { method, path, logger } = x;
  const status = response.status;
  if (want.type === 'stream') {
    logger?.debug(`${x.label} → ${status} (${Date.now() - x.started} ms, stream)`);
    return streamOf(x, response, want);
  }
  const contentType = String(response.headers['content-type'] ?? '');
  const text = (await readWhole(x, response, want.limit)).toString('utf8');
  const ms = Date.now() - x.started;
  response.data = text;
  if (want.type === 'text') {
    if (/text\/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(text)) {
      logger?.warn(`${x.label} → ${status} HTML page instead of text (${ms} ms)`);
      throw new ApiError({ kind: 'htmlResponse', method, path, status, htmlBody: true });
    }
    logger?.debug(`${x.label} → ${status} (${ms} ms, ${text.length} chars)`);
    return text;
  }
  if (/text\/html/i.test(contentType) || /^\s*</.test(text)) {
    logger?.warn(`${x.label} → ${status} HTML page instead of JSON (${ms} ms)`);
    throw new ApiError({ kind: 'htmlResponse', method, path, status, htmlBody: true });
  }
  try {
    const parsed: unknown = text.trim() === '' ? undefined : JSON.parse(text);
    logger?.debug(`${x.label} → ${status} (${ms} ms)`);
    return parsed;
  } catch {
    logger?.warn(`${x.label} → ${status} malformed JSON (${ms} ms)`);
    throw new ApiError({ kind: 'malformedResponse', method, path, status });
  }
}

/** A streamed 2xx body behind the stream guard. */
function streamOf(x: Exchange, response: AxiosResponse, want: { deadlineMs: number; signal?: AbortSignal }): NodeJS.ReadableStream {
  return isReadable(response.data)
    ? guardStream(response.data, {
        idleMs: x.idleMs,
        deadlineMs: want.deadlineMs,
        signal: want.signal,
        method: x.method,
        path: x.path,
        logger: x.logger,
      })
    : nodeStream().PassThrough.from([Buffer.isBuffer(response.data) ? response.data : Buffer.from(String(response.data ?? ''), 'utf8')]);
}

/** A non-2xx answer as its typed error, with the server's message (bounded, redacted), and its log line. */
export async function toApiError(x: Exchange, response: AxiosResponse): Promise<ApiError> {
  const status = response.status;
  const contentType = String(response.headers['content-type'] ?? '');
  const raw = (await readWhole(x, response, 64 * 1024, true).catch(() => Buffer.alloc(0))).toString('utf8');
  const ms = Date.now() - x.started;
  const body = parseErrorBody(raw);
  const htmlBody = /text\/html/i.test(contentType) || /^\s*</.test(raw);
  const kind = kindForStatus(status);
  const retryAfterMs = parseRetryAfter(headerValue(response.headers['retry-after']), Date.now());
  const serverMessage = body ? shortServerMessage(body.message ?? body.error ?? '') : undefined;
  const isInvalidOrganizationId = status === 400 && /must be a valid GUID/i.test(`${body?.error ?? ''} ${body?.message ?? ''}`);
  // 416 answers a Range request for a log that has not grown: routine while following a build
  x.logger?.[status >= 500 ? 'warn' : status === 416 ? 'debug' : 'info'](
    `${x.label} → ${status} ${kind}${htmlBody ? ' (an HTML page, not Appcircle)' : ''}${serverMessage ? `: ${serverMessage}` : ''} (${ms} ms)`,
  );
  return new ApiError({
    kind,
    method: x.method,
    path: x.path,
    status,
    serverMessage,
    retryAfterMs,
    isInvalidOrganizationId,
    htmlBody,
  });
}

/** What redact() sees of a server's error message: a 64 KB message costs no more than this. */
export const SERVER_MESSAGE_SCAN_CHARS = 2048;
/** The longest server message kept in an ApiError (and its log line). */
export const SERVER_MESSAGE_MAX_CHARS = 300;

/**
 * A server's error message, bounded before it is redacted: cut to SERVER_MESSAGE_SCAN_CHARS (dropping a word the cut
 * split, which could be part of a secret redact() would not recognise), redacted, then cut to 300 characters.
 */
export function shortServerMessage(message: string): string | undefined {
  let cut = message;
  if (cut.length > SERVER_MESSAGE_SCAN_CHARS) {
    // back to the last separator within 256 characters (a message that is one long word is cut where it is)
    let end = SERVER_MESSAGE_SCAN_CHARS;
    while (end > SERVER_MESSAGE_SCAN_CHARS - 256 && !/[\s"',;&]/.test(cut.charAt(end - 1))) {
      end--;
    }
    cut = cut.slice(0, end > SERVER_MESSAGE_SCAN_CHARS - 256 ? end : SERVER_MESSAGE_SCAN_CHARS);
  }
  return redact(cut).slice(0, SERVER_MESSAGE_MAX_CHARS) || undefined;
}

export function headerValue(v: unknown): string | undefined {
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
}

function parseErrorBody(text: string): { message?: string; error?: string } | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object') {
      const body = v as Record<string, unknown>;
      return {
        message: typeof body.message === 'string' ? body.message : undefined,
        error: typeof body.error === 'string' ? body.error : undefined,
      };
    }
  } catch {
    // not JSON (an HTML error page from a proxy): no server message
  }
  return undefined;
}
