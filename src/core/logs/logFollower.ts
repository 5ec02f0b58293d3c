/**
 * The text of a build log that grows while the build runs (ARCHITECTURE.md §5: the log document grows at every poll
 * tick). Each update asks only for the bytes past what it already has (`Range: bytes=N-`). A server that ignores
 * Range answers with the whole log: then the known prefix is read past without being kept (checked against a
 * running hash of what was received), and only the rest is decoded and appended. The log is held once, as text,
 * up to a threshold (5 MB); past it, the text so far and everything after it go to a temporary file,
 * so a log of any size costs at most the threshold plus one chunk of memory. `spilledTo` names the file.
 * The file stops at a ceiling (1 GB) with a note saying so; a server that ignores Range is read less often.
 */
import type * as Crypto from 'node:crypto';
import * as fs from 'node:fs';
import type * as Os from 'node:os';
import * as path from 'node:path';
import type { Hash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import * as l10n from '@vscode/l10n';
import type { LogRead, LogSource } from '../../api/buildsApi';
import { NO_LOGS } from '../../api/buildsApi';
import { safeFileName } from '../fileNames';
import { SPILL_FOLDER_PREFIX, trackDeletion } from './spillFolders';

/* eslint-disable @typescript-eslint/no-require-imports -- node:crypto and node:os on first use, not at activation */
const nodeCrypto = (): typeof Crypto => require('node:crypto') as typeof Crypto;
const nodeOs = (): typeof Os => require('node:os') as typeof Os;
/* eslint-enable @typescript-eslint/no-require-imports */

export type ReadLog = (source: LogSource, from: number, signal?: AbortSignal) => Promise<LogRead>;

/**
 * 'notReady': no log yet; 'unchanged': nothing new; 'appended': text only grew at its end; 'replaced': the
 * server's log no longer starts with what was shown (rewritten or shorter), so the text was read again whole.
 */
export type LogUpdate = 'notReady' | 'unchanged' | 'appended' | 'replaced';

/** Logs larger than this are written to a temporary file instead of being held in memory. */
export const LOG_SPILL_THRESHOLD_BYTES = 5 * 1024 * 1024;
/** A log's temporary file stops growing here (a runaway log must not fill the disk); a note at its end says so. */
export const LOG_FILE_CEILING_BYTES = 1024 * 1024 * 1024;
/** Once the server has ignored Range, a followed log is read whole at most this often (not at every poll tick). */
export const RANGE_IGNORED_INTERVAL_MS = 30_000;

export interface LogFollowerOptions {
  /** Past this many bytes the log goes to a temporary file (default LOG_SPILL_THRESHOLD_BYTES). */
  spillAboveBytes?: number;
  /** The temporary file's name (a new private folder under the system temp folder holds it). */
  fileName?: string;
  /** Called once the log went to its file (the text received so far is in it; the rest follows there). */
  onSpill?: () => void;
  /** The file holds at most this many bytes of the log (default LOG_FILE_CEILING_BYTES); a note follows them. */
  maxFileBytes?: number;
  /** The clock for RANGE_IGNORED_INTERVAL_MS (default Date.now). */
  now?: () => number;
  /** Default RANGE_IGNORED_INTERVAL_MS. */
  rangeIgnoredIntervalMs?: number;
}

export interface UpdateOptions {
  /** Read even when a Range-ignoring server's slower cadence says not yet (the build has ended: its last lines). */
  force?: boolean;
}

export class LogFollower {
  private _text = '';
  private bytes = 0;
  private hash: Hash = nodeCrypto().createHash('sha256');
  private decoder = new StringDecoder('utf8');
  /** Updates that got the whole log although only the new part was asked for (the server ignored Range). */
  wholeLogReads = 0;
  private file: { path: string; handle: fs.promises.FileHandle | undefined } | undefined;
  private readonly spillAbove: number;
  private readonly maxFileBytes: number;
  private _rangeIgnored = false;
  private lastReadAt = Number.NEGATIVE_INFINITY;
  private _capped = false;

  constructor(
    private readonly read: ReadLog,
    readonly source: LogSource,
    private readonly options: LogFollowerOptions = {},
  ) {
    this.spillAbove = options.spillAboveBytes ?? LOG_SPILL_THRESHOLD_BYTES;
    this.maxFileBytes = options.maxFileBytes ?? LOG_FILE_CEILING_BYTES;
  }

  /**
   * The server answered a Range request with the whole log: from then on each read costs the whole log, so it
   * is read at most every RANGE_IGNORED_INTERVAL_MS (other updates answer 'unchanged' without a request).
   */
  get rangeIgnored(): boolean {
    return this._rangeIgnored;
  }

  /** The file reached its ceiling: it ends with a note, and nothing more is read. */
  get capped(): boolean {
    return this._capped;
  }

  /** The text received so far; empty once the log went to a file (see `spilledTo`). */
  get text(): string {
    return this._text;
  }

  /** The temporary file holding the whole log, once it passed the threshold. */
  get spilledTo(): string | undefined {
    return this.file?.path;
  }

  /** Closes the temporary file (it stays on disk: an editor may show it). */
  async closeFile(): Promise<void> {
    const h = this.file?.handle;
    if (this.file) {
      this.file.handle = undefined;
    }
    await h?.close();
  }

  /**
   * Closes and deletes the temporary file and its folder, if any. Tracked from its start (spillFolders.ts), so
   * `deactivate()` waits for it; never rejects.
   */
  dispose(): Promise<void> {
    return trackDeletion(this.closeAndDelete());
  }

  private async closeAndDelete(): Promise<void> {
    const f = this.file;
    await this.closeFile();
    this.file = undefined;
    if (f) {
      await fs.promises.rm(path.dirname(f.path), { recursive: true, force: true });
    }
  }

  /** Bytes of the log received so far (the next Range start). */
  get byteLength(): number {
    return this.bytes;
  }

  /**
   * Fetches what is new and appends it. A stream error leaves what was received appended, then rethrows (a cut
   * log never looks complete).
   */
  async update(signal?: AbortSignal, options: UpdateOptions = {}): Promise<LogUpdate> {
    if (this._capped) {
      return 'unchanged';
    }
    const now = this.options.now ?? Date.now;
    const interval = this.options.rangeIgnoredIntervalMs ?? RANGE_IGNORED_INTERVAL_MS;
    if (this._rangeIgnored && !options.force && now() - this.lastReadAt < interval) {
      return 'unchanged';
    }
    this.lastReadAt = now();
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
      this._rangeIgnored = true;
      if (!(await this.skipKnownPrefix(r.stream))) {
        return this.reload(signal);
      }
    } else {
      destroy(r.stream);
      return this.reload(signal);
    }
    if (had === 0 && this.bytes < 64 && !this.file && (this._text.trim() === '' || this._text.trim() === NO_LOGS)) {
      await this.reset();
      return 'notReady';
    }
    return this.bytes > had ? 'appended' : 'unchanged';
  }

  /**
   * Text that came over the hook service's stream, at the log's end (logStream.ts put it at byte `byteLength`): the
   * same path as polled bytes (hash, spill file, ceiling), so a later Range read goes on from exactly here.
   */
  async appendStreamed(text: string): Promise<LogUpdate> {
    if (this._capped || text === '') {
      return 'unchanged';
    }
    const had = this.bytes;
    await this.append(Buffer.from(text, 'utf8'));
    return this.bytes > had ? 'appended' : 'unchanged';
  }

  private async reload(signal?: AbortSignal): Promise<LogUpdate> {
    await this.reset();
    const r = await this.read(this.source, 0, signal);
    if (r.kind !== 'bytes') {
      return r.kind === 'notReady' ? 'notReady' : 'unchanged';
    }
    await this.appendStream(r.stream);
    return 'replaced';
  }

  private async reset(): Promise<void> {
    this._text = '';
    this.bytes = 0;
    this.hash = nodeCrypto().createHash('sha256');
    this.decoder = new StringDecoder('utf8');
    // the same file is rewritten from its start, so an editor showing it stays on it
    await this.file?.handle?.truncate(0);
  }

  private async append(raw: Buffer): Promise<void> {
    const room = this.file ? this.maxFileBytes - this.bytes : raw.length;
    const chunk = room < raw.length ? raw.subarray(0, Math.max(0, room)) : raw;
    this.hash.update(chunk);
    this.bytes += chunk.length;
    const text = this.decoder.write(chunk);
    if (this.file) {
      await this.writeToFile(text);
      if (chunk !== raw) {
        await this.cap();
      }
      return;
    }
    this._text += text;
    if (this.bytes > this.spillAbove) {
      await this.spill();
    }
  }

  /** The file is at its ceiling: the note at its end, and no more reads. */
  private async cap(): Promise<void> {
    this._capped = true;
    const size = formatSize(this.maxFileBytes);
    await this.writeToFile(
      `${this.decoder.end()}\n\n${l10n.t(
        'The log is longer than {0}, so the rest was left out of this file. To read all of it, open the build in Appcircle and download its log there.',
        size,
      )}\n`,
    );
  }

  /** Moves the text to a new temporary file (private folder, owner-only file); from now on chunks go there. */
  private async spill(): Promise<void> {
    const dir = await fs.promises.mkdtemp(path.join(nodeOs().tmpdir(), SPILL_FOLDER_PREFIX));
    // the name comes from server text (the commit message): no separators, control or bidi characters
    const name = safeFileName(this.options.fileName ?? `build-${nodeCrypto().randomBytes(4).toString('hex')}.log`);
    const file = path.join(dir, name);
    // append mode: after a truncate (a whole re-read) writes start at the beginning again
    const handle = await fs.promises.open(file, 'ax', 0o600);
    this.file = { path: file, handle };
    const text = this._text;
    this._text = '';
    await this.writeToFile(text);
    this.options.onSpill?.();
  }

  private async writeToFile(text: string): Promise<void> {
    if (!this.file) {
      return;
    }
    this.file.handle ??= await fs.promises.open(this.file.path, 'a', 0o600);
    if (text) {
      await this.file.handle.write(text, null, 'utf8');
    }
  }

  private async appendStream(stream: NodeJS.ReadableStream): Promise<void> {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      await this.append(chunk);
      if (this._capped) {
        break; // (leaving the loop destroys the stream)
      }
    }
  }

  /**
   * Reads past the first `bytes` bytes of a whole-log answer, hashing them instead of keeping them, and appends
   * the rest. False when the prefix differs from what was received before (or the log got shorter).
   */
  private async skipKnownPrefix(stream: NodeJS.ReadableStream): Promise<boolean> {
    const known = this.bytes;
    const expected = this.hash.copy().digest('hex');
    const check = nodeCrypto().createHash('sha256');
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
        await this.append(chunk);
        if (this._capped) {
          return true;
        }
      }
    }
    return skipped === known;
  }
}

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) {
    return `${Math.round(bytes / 1024 / 1024 / 1024)} GB`;
  }
  if (bytes >= 1024 * 1024) {
    return `${Math.round(bytes / 1024 / 1024)} MB`;
  }
  return `${bytes} bytes`;
}

function destroy(stream: NodeJS.ReadableStream): void {
  (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
}
