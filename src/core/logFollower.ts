/**
 * The text of a build log that grows while the build runs (ARCHITECTURE.md §5: the log document grows at every poll
 * tick). Each update asks only for the bytes past what it already has (`Range: bytes=N-`). A server that ignores
 * Range answers with the whole log: then the known prefix is read past without being kept (checked against a
 * running hash of what was received), and only the rest is decoded and appended. The log is held once, as text.
 */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { LogRead, LogSource } from '../api/buildsApi';
import { NO_LOGS } from '../api/buildsApi';

export type ReadLog = (source: LogSource, from: number, signal?: AbortSignal) => Promise<LogRead>;

/**
 * 'notReady': no log yet; 'unchanged': nothing new; 'appended': text only grew at its end; 'replaced': the
 * server's log no longer starts with what was shown (rewritten or shorter), so the text was read again whole.
 */
export type LogUpdate = 'notReady' | 'unchanged' | 'appended' | 'replaced';

export class LogFollower {
  private _text = '';
  private bytes = 0;
  private hash: Hash = createHash('sha256');
  private decoder = new StringDecoder('utf8');
  /** Updates that got the whole log although only the new part was asked for (the server ignored Range). */
  wholeLogReads = 0;

  constructor(
    private readonly read: ReadLog,
    readonly source: LogSource,
  ) {}

  get text(): string {
    return this._text;
  }

  /** Bytes of the log received so far (the next Range start). */
  get byteLength(): number {
    return this.bytes;
  }

  /** Fetches what is new and appends it. A stream error leaves what was received appended, then rethrows. */
  async update(signal?: AbortSignal): Promise<LogUpdate> {
    const had = this.bytes;
    const r = await this.read(this.source, had, signal);
    if (r.kind === 'notReady') {
      return had === 0 ? 'notReady' : 'unchanged';
    }
    if (r.kind === 'nothingNew') {
      return 'unchanged';
    }
    if (r.start === had) {
      await this.appendStream(r.stream);
    } else if (r.start === 0) {
      this.wholeLogReads++;
      if (!(await this.skipKnownPrefix(r.stream))) {
        return this.reload(signal);
      }
    } else {
      destroy(r.stream);
      return this.reload(signal);
    }
    if (had === 0 && this.bytes < 64 && (this._text.trim() === '' || this._text.trim() === NO_LOGS)) {
      this.reset();
      return 'notReady';
    }
    return this.bytes > had ? 'appended' : 'unchanged';
  }

  private async reload(signal?: AbortSignal): Promise<LogUpdate> {
    this.reset();
    const r = await this.read(this.source, 0, signal);
    if (r.kind !== 'bytes') {
      return r.kind === 'notReady' ? 'notReady' : 'unchanged';
    }
    await this.appendStream(r.stream);
    return 'replaced';
  }

  private reset(): void {
    this._text = '';
    this.bytes = 0;
    this.hash = createHash('sha256');
    this.decoder = new StringDecoder('utf8');
  }

  private append(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this._text += this.decoder.write(chunk);
  }

  private async appendStream(stream: NodeJS.ReadableStream): Promise<void> {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      this.append(chunk);
    }
  }

  /**
   * Reads past the first `bytes` bytes of a whole-log answer, hashing them instead of keeping them, and appends
   * the rest. False when the prefix differs from what was received before (or the log got shorter).
   */
  private async skipKnownPrefix(stream: NodeJS.ReadableStream): Promise<boolean> {
    const known = this.bytes;
    const expected = this.hash.copy().digest('hex');
    const check = createHash('sha256');
    let skipped = 0;
    for await (const raw of stream as AsyncIterable<Buffer>) {
      let chunk = raw;
      if (skipped < known) {
        const part = chunk.subarray(0, known - skipped);
        check.update(part);
        skipped += part.length;
        chunk = chunk.subarray(part.length);
        if (skipped === known && check.digest('hex') !== expected) {
          destroy(stream);
          return false;
        }
      }
      if (chunk.length) {
        this.append(chunk);
      }
    }
    return skipped === known;
  }
}

function destroy(stream: NodeJS.ReadableStream): void {
  (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
}
