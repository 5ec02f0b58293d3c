/**
 * Reading a response body safely (ARCHITECTURE.md §3): a JSON or text body read whole within an idle timer, a size
 * limit and an abort signal (readBody, whose early ends are a BodyProblem), and a streamed body (logs, artifacts)
 * passed through a guard that turns a stall, an overrun deadline or a cut connection into an ApiError on the stream
 * (guardStream). Also the logger interface of the HTTP layer, which the guard writes its warning to.
 */
import type * as Stream from 'node:stream';
import { ApiError } from './errors';
import type { ApiErrorKind } from './errors';

export interface HttpLogger {
  trace?(m: string): void;
  debug(m: string): void;
  info(m: string): void;
  warn(m: string): void;
  error(m: string): void;
}

/** node:stream on first use, not at activation (a fresh process spends ~3 ms loading it). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const nodeStream = (): typeof Stream => require('node:stream') as typeof Stream;

/** setTimeout's largest delay; anything longer fires at once in Node. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Why a body read ended early. */
export class BodyProblem extends Error {
  constructor(
    readonly why: 'idle' | 'tooLarge' | 'cut' | 'aborted',
    override readonly cause?: unknown,
  ) {
    super(
      why === 'idle'
        ? 'the body stalled'
        : why === 'tooLarge'
          ? 'the body is too large'
          : why === 'cut'
            ? 'the connection closed in the middle of the body'
            : 'aborted',
    );
    this.name = 'BodyProblem';
  }
}

export function isReadable(v: unknown): v is NodeJS.ReadableStream & { destroy?(e?: Error): void } {
  return (
    !!v && typeof v === 'object' && typeof (v as { on?: unknown }).on === 'function' && typeof (v as { pipe?: unknown }).pipe === 'function'
  );
}

export function destroyQuietly(v: unknown): void {
  if (isReadable(v)) {
    v.on('error', () => undefined);
    v.destroy?.();
  }
}

interface ReadOptions {
  limit: number;
  idleMs: number;
  signal: AbortSignal;
  truncate?: boolean;
}

/**
 * Reads a whole body with an idle timer, a size limit and an abort signal. A connection that closes before the
 * body's end (a cut chunked body, a short Content-Length) is a 'cut', never an empty success. With `truncate`,
 * a body over the limit is cut at the limit instead (error bodies).
 */
export function readBody(src: unknown, options: ReadOptions): Promise<Buffer> {
  if (typeof src === 'string' || Buffer.isBuffer(src)) {
    const b = Buffer.isBuffer(src) ? src : Buffer.from(src, 'utf8');
    if (b.length > options.limit && !options.truncate) {
      return Promise.reject(new BodyProblem('tooLarge'));
    }
    return Promise.resolve(options.truncate ? b.subarray(0, options.limit) : b);
  }
  if (!isReadable(src)) {
    return Promise.resolve(Buffer.alloc(0));
  }
  return new Promise<Buffer>((resolve, reject) => readStream(src, options, resolve, reject));
}

function readStream(
  src: NodeJS.ReadableStream & { destroy?(e?: Error): void },
  options: ReadOptions,
  resolve: (b: Buffer) => void,
  reject: (e: Error) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const finish = (err: Error | undefined) => {
    if (settled) {
      return;
    }
    settled = true;
    clearTimeout(idle);
    options.signal.removeEventListener('abort', onAbort);
    if (err) {
      destroyQuietly(src);
      // our own abort (deadline, caller) also errors the stream first: report the abort, not a cut
      const ours = options.signal.aborted && !(err instanceof BodyProblem && (err.why === 'tooLarge' || err.why === 'idle'));
      reject(ours ? new BodyProblem('aborted') : err);
    } else {
      resolve(Buffer.concat(chunks));
    }
  };
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => finish(new BodyProblem('idle')), Math.min(options.idleMs, MAX_TIMER_MS));
  };
  const onAbort = () => finish(new BodyProblem('aborted'));
  options.signal.addEventListener('abort', onAbort);
  if (options.signal.aborted) {
    onAbort();
    return;
  }
  arm();
  src.on('data', (c: Buffer | string) => {
    const b = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
    size += b.length;
    if (size > options.limit) {
      if (options.truncate) {
        chunks.push(b.subarray(0, b.length - (size - options.limit)));
        finish(undefined);
        destroyQuietly(src);
        return;
      }
      finish(new BodyProblem('tooLarge'));
      return;
    }
    chunks.push(b);
    arm();
  });
  src.on('end', () => finish(undefined));
  src.on('error', (e: unknown) => finish(new BodyProblem('cut', e)));
  src.on('aborted', () => finish(new BodyProblem('cut')));
  src.on('close', () => finish(new BodyProblem('cut')));
}

/**
 * A streamed body (logs, artifacts) passed through a guard: a stall longer than the idle timer or a body past the
 * stream deadline ends as 'timeout', a connection cut before the end as 'network', both as ApiError on the stream.
 */
export function guardStream(
  src: NodeJS.ReadableStream & { destroy?(e?: Error): void },
  options: { idleMs: number; deadlineMs: number; signal?: AbortSignal; method: string; path: string; logger?: HttpLogger },
): NodeJS.ReadableStream {
  const out = new (nodeStream().PassThrough)();
  // a consumer that has not attached yet (or went away) must not turn a stall into an uncaught 'error'
  out.on('error', () => undefined);
  let ended = false;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const fail = (kind: ApiErrorKind, why: string, cause?: unknown) => {
    if (ended) {
      return;
    }
    ended = true;
    cleanup();
    options.logger?.warn(`${options.method} ${options.path} → ${kind}: ${why}`);
    destroyQuietly(src);
    out.destroy(new ApiError({ kind, method: options.method, path: options.path, cause }));
  };
  const deadline = setTimeout(() => fail('timeout', 'the body took longer than the deadline'), Math.min(options.deadlineMs, MAX_TIMER_MS));
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => fail('timeout', 'the body stalled'), Math.min(options.idleMs, MAX_TIMER_MS));
  };
  const onAbort = () => fail('canceled', 'canceled');
  const cleanup = () => {
    clearTimeout(idle);
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onAbort);
  };
  options.signal?.addEventListener('abort', onAbort);
  arm();
  src.on('data', arm);
  src.on('end', () => {
    ended = true;
    cleanup();
  });
  src.on('error', (e: unknown) => fail('network', 'the connection broke in the middle of the body', e));
  src.on('aborted', () => fail('network', 'the connection closed in the middle of the body'));
  src.on('close', () => fail('network', 'the connection closed in the middle of the body'));
  // the consumer went away (destroyed its end): stop reading and the timers
  out.on('close', () => {
    if (!ended) {
      ended = true;
      cleanup();
      destroyQuietly(src);
    }
  });
  src.pipe(out);
  return out;
}
