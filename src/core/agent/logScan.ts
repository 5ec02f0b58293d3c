/**
 * One build log read once, as a stream, for the agent's tools (issue 17): its parse summary (steps, problems, the
 * first error) and one excerpt of it (the lines around the first error, one step's lines, or the tail).
 *
 * Bounded: at most `maxBytes` of the log are read (then the stream is destroyed and the scan says it is not
 * complete); the text is never held whole: lines are split as the bytes come (UTF-8 decoded across chunk borders),
 * a line is kept only up to what `cleanLine` looks at, and the excerpt's lines are kept in windows of at most
 * `excerptMaxBytes`. So memory is the excerpt window plus one line, whatever the log's size. The work is linear in
 * the bytes read, and the event loop runs between slices of it. No vscode, no I/O of its own: `read` is the API's.
 */
import { StringDecoder } from 'node:string_decoder';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { LogSource } from '../../api/buildsApi';
import { NO_LOGS } from '../../api/buildsApi';
import { UserCancelledError } from '../errors';
import { MAX_LINE } from '../logs/logLines';
import type { ReadLog } from '../logs/logFollower';
import { LogParser } from '../logs/logParser';
import type { LogSummary } from '../logs/logParser';
import { DEFAULT_EXCERPT_MAX_BYTES, MAX_EXCERPT_BYTES, collectorFor, count } from './logExcerpt';
import type { ExcerptMode, LogExcerpt } from './logExcerpt';

export type { ExcerptMode, LogExcerpt } from './logExcerpt';

export interface LogScanOptions {
  /** Bytes of the log read at most (default DEFAULT_SCAN_MAX_BYTES); past them the scan is not `complete`. */
  maxBytes?: number;
  /** The excerpt wanted; none when left out. */
  excerpt?: ExcerptMode;
  /** The excerpt's text is at most this many UTF-8 bytes (default DEFAULT_EXCERPT_MAX_BYTES, at most 1 MiB). */
  excerptMaxBytes?: number;
  /** The build has ended (failed or not): `LogParser.finish` marks the step still open. */
  buildFailed?: boolean;
  /** Aborting it rejects the scan with UserCancelledError and destroys the stream. */
  signal?: AbortSignal;
}

export interface LogScan {
  summary: LogSummary;
  excerpt?: LogExcerpt;
  /** Bytes of the log read. */
  bytesRead: number;
  /** False when `maxBytes` stopped the read before the log's end. */
  complete: boolean;
  /** The build has no log yet. */
  notReady?: boolean;
}

export const DEFAULT_SCAN_MAX_BYTES = 64 * 1024 * 1024;
/** The raw characters of a line kept: all that `cleanLine` looks at (it cuts a raw line to 4 × MAX_LINE first). */
const RAW_LINE_KEPT = 4 * MAX_LINE;
/** Bytes decoded at a time (a stream may hand over one huge chunk). */
const PIECE_BYTES = 64 * 1024;
/** The event loop runs after this much work. */
const SLICE_MS = 8;

/** Splits decoded text into lines (`\n`, a `\r` before it dropped), keeping at most RAW_LINE_KEPT characters of each. */
class LineSplitter {
  private pending = '';
  private cut = false;

  constructor(private readonly onLine: (raw: string) => void) {}

  write(text: string): void {
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      this.append(text, from, nl);
      const line = !this.cut && this.pending.endsWith('\r') ? this.pending.slice(0, -1) : this.pending;
      this.pending = '';
      this.cut = false;
      this.onLine(line);
      from = nl + 1;
    }
    this.append(text, from, text.length);
  }

  /** The log ended: a last line without a line break is a line too. */
  end(): void {
    if (this.pending) {
      this.onLine(this.pending);
    }
    this.pending = '';
  }

  private append(text: string, from: number, to: number): void {
    const room = RAW_LINE_KEPT - this.pending.length;
    if (this.cut || from >= to) {
      return;
    }
    if (to - from > room) {
      this.pending += text.slice(from, from + room);
      this.cut = true;
    } else {
      this.pending += text.slice(from, to);
    }
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new UserCancelledError();
  }
}

function destroy(stream: NodeJS.ReadableStream, e?: Error): void {
  (stream as NodeJS.ReadableStream & { destroy?: (e?: Error) => void }).destroy?.(e);
}

/** Reads the stream into `lines`, at most `maxBytes` of it. */
async function pump(stream: NodeJS.ReadableStream, lines: LineSplitter, maxBytes: number, signal?: AbortSignal) {
  const decoder = new StringDecoder('utf8');
  let bytesRead = 0;
  let complete = true;
  let sliceStart = performance.now();
  const onAbort = () => destroy(stream, new UserCancelledError());
  signal?.addEventListener('abort', onAbort);
  try {
    for await (const raw of stream as AsyncIterable<Buffer | string>) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
      const part = chunk.subarray(0, Math.max(0, maxBytes - bytesRead));
      for (let at = 0; at < part.length; at += PIECE_BYTES) {
        lines.write(decoder.write(part.subarray(at, at + PIECE_BYTES)));
      }
      bytesRead += part.length;
      if (part.length < chunk.length) {
        complete = false;
        break; // (leaving the loop destroys the stream)
      }
      throwIfAborted(signal);
      if (performance.now() - sliceStart >= SLICE_MS) {
        await yieldToLoop();
        throwIfAborted(signal);
        sliceStart = performance.now();
      }
    }
  } catch (e) {
    throw signal?.aborted ? new UserCancelledError() : e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  throwIfAborted(signal);
  lines.write(decoder.end());
  lines.end();
  return { bytesRead, complete };
}

/**
 * Reads the log of `source` once from its start and returns its summary and the excerpt asked for. Rejects with
 * UserCancelledError when `signal` aborts, and with the API's error when the read fails.
 */
export async function scanLog(read: ReadLog, source: LogSource, options: LogScanOptions = {}): Promise<LogScan> {
  const { signal } = options;
  const cap = Math.min(MAX_EXCERPT_BYTES, count(options.excerptMaxBytes, DEFAULT_EXCERPT_MAX_BYTES));
  throwIfAborted(signal);
  const r = await read(source, 0, signal).catch((e: unknown) => {
    throw signal?.aborted ? new UserCancelledError() : e;
  });
  if (r.kind === 'notReady') {
    return { summary: new LogParser().summary(), bytesRead: 0, complete: true, notReady: true };
  }
  const parser = new LogParser();
  const collector = collectorFor(options.excerpt, cap);
  let head = '';
  const lines = new LineSplitter((raw) => {
    const n = parser.lineCount;
    if (head.length < 64) {
      head += `${raw.slice(0, 64)}\n`;
    }
    parser.feedLine(raw);
    collector?.line(raw, n, parser);
  });
  let got = { bytesRead: 0, complete: true };
  if (r.kind === 'bytes') {
    try {
      got = await pump(r.stream, lines, count(options.maxBytes, DEFAULT_SCAN_MAX_BYTES), signal);
    } finally {
      destroy(r.stream);
    }
    if (got.bytesRead < 64 && (head.trim() === '' || head.trim() === NO_LOGS)) {
      // what the log routes answer before a build has a log (logFollower.ts reads it so too)
      return { summary: new LogParser().summary(), bytesRead: got.bytesRead, complete: true, notReady: true };
    }
  }
  if (options.buildFailed !== undefined) {
    parser.finish(options.buildFailed);
  }
  return { summary: parser.summary(), excerpt: collector?.result(parser.lineCount), ...got };
}
