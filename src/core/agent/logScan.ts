/**
 * One build log read once, as a stream, for the agent's Language Model tools: its parse summary (steps, problems, the
 * first error) and one excerpt of it (the lines around the first error, one step's lines, or the tail).
 *
 * Bounded: at most `maxBytes` of the log are read (then the stream is destroyed and the scan says it is not
 * complete); the text is never held whole: lines are split as the bytes come and each is decoded on its own (a
 * character across a chunk border is decoded whole), a line is kept only up to what `cleanLine` looks at, and the
 * excerpt's lines are kept in windows of at most `excerptMaxBytes`. So memory is the excerpt window plus one line,
 * whatever the log's size. The work is linear in the bytes read, and the event loop runs between slices of it. No
 * vscode, no I/O of its own: `read` is the API's.
 */
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
/**
 * The bytes of a line kept: enough for RAW_LINE_KEPT characters whatever they are (a UTF-16 unit is at most 3
 * bytes of UTF-8, an incomplete character at the cut at most 3 more).
 */
const RAW_LINE_BYTES = 3 * RAW_LINE_KEPT + 4;
const LF = 0x0a;
const CR = 0x0d;
/** Bytes split at a time between looks at the clock. */
const PIECE_BYTES = 64 * 1024;
/** The event loop runs after this much work. */
const SLICE_MS = 8;

/**
 * Splits the log's bytes into lines (`\n`, a `\r` before it dropped) and decodes each line on its own: UTF-8 never
 * has a `\n` byte inside a character, so a character cut by a chunk border is decoded whole, and each line is a
 * string of its own (a line sliced from a decoded chunk would keep the whole chunk alive as long as the line, or a
 * problem's message taken from it, is kept). A line is kept up to RAW_LINE_BYTES; the rest is read past.
 */
class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private cut = false;

  constructor(private readonly onLine: (raw: string) => void) {}

  write(chunk: Buffer): void {
    let from = 0;
    for (let nl = chunk.indexOf(LF); nl >= 0; nl = chunk.indexOf(LF, from)) {
      this.flush(chunk.subarray(from, nl), true);
      from = nl + 1;
    }
    if (from < chunk.length && !this.cut) {
      const part = chunk.subarray(from, from + RAW_LINE_BYTES - this.pendingBytes);
      this.cut = part.length < chunk.length - from;
      this.pending.push(Buffer.from(part)); // a copy: the chunk is not kept for one line's sake
      this.pendingBytes += part.length;
    }
  }

  /** The log ended: a last line without a line break is a line too. */
  end(): void {
    if (this.pendingBytes || this.cut) {
      this.flush(Buffer.alloc(0), false);
    }
  }

  private flush(last: Buffer, lineBreak: boolean): void {
    const room = this.cut ? 0 : RAW_LINE_BYTES - this.pendingBytes;
    const cut = this.cut || last.length > room;
    const end = last.subarray(0, room);
    let bytes = this.pending.length ? Buffer.concat([...this.pending, end]) : end;
    if (!cut && lineBreak && bytes[bytes.length - 1] === CR) {
      bytes = bytes.subarray(0, -1);
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.cut = false;
    let line = bytes.toString('utf8');
    if (cut && line.length > RAW_LINE_KEPT) {
      // its own string, not a slice keeping the longer one alive (UTF-16 round trip: a lone surrogate stays)
      line = Buffer.from(line.slice(0, RAW_LINE_KEPT), 'utf16le').toString('utf16le');
    }
    this.onLine(line);
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
  let bytesRead = 0;
  let complete = true;
  let sliceStart = performance.now();
  const onAbort = () => destroy(stream, new UserCancelledError());
  signal?.addEventListener('abort', onAbort);
  try {
    for await (const raw of stream as AsyncIterable<Buffer | string>) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
      const part = chunk.subarray(0, Math.max(0, maxBytes - bytesRead));
      // in pieces, so that one huge chunk does not hold the event loop either
      for (let at = 0; at < part.length; at += PIECE_BYTES) {
        lines.write(part.subarray(at, at + PIECE_BYTES));
        if (performance.now() - sliceStart >= SLICE_MS) {
          await yieldToLoop();
          throwIfAborted(signal);
          sliceStart = performance.now();
        }
      }
      bytesRead += part.length;
      if (part.length < chunk.length) {
        complete = false;
        break; // (leaving the loop destroys the stream)
      }
      throwIfAborted(signal);
    }
  } catch (e) {
    throw signal?.aborted ? new UserCancelledError() : e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  throwIfAborted(signal);
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
