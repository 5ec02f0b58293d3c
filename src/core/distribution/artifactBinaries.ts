/**
 * From a build's artifacts zip to a binary to upload: the zip (BuildService.artifacts) is streamed to a private
 * temporary file (bounded), its `.ipa`/`.apk`/`.aab` entries listed, and one entry opened as a stream with its
 * uncompressed size, for UploadService's `open()`. The zip is read with yauzl (streaming, from the file's central
 * directory); no binary is ever held whole in memory. dispose() deletes the temporary folder.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Stream from 'node:stream';
import type { Readable } from 'node:stream';
import type * as StreamPromises from 'node:stream/promises';
import { UserCancelledError } from '../errors';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on the first extraction, not at activation */
const nodeStream = (): typeof Stream => require('node:stream') as typeof Stream;
const nodeStreamPromises = (): typeof StreamPromises => require('node:stream/promises') as typeof StreamPromises;
/** The part of yauzl 3 used here (no @types package: this is its documented API). */
interface YauzlEntry {
  fileName: string;
  uncompressedSize: number;
  compressedSize: number;
}
interface YauzlZip {
  readEntry(): void;
  on(event: 'entry', fn: (e: YauzlEntry) => void): this;
  on(event: 'end' | 'close', fn: () => void): this;
  on(event: 'error', fn: (e: Error) => void): this;
  openReadStream(e: YauzlEntry, cb: (err: Error | null, stream?: Readable) => void): void;
  close(): void;
}
interface Yauzl {
  open(file: string, opts: { lazyEntries: boolean; autoClose: boolean }, cb: (err: Error | null, zip?: YauzlZip) => void): void;
}
const yauzl = (): Yauzl => require('yauzl') as Yauzl;
/* eslint-enable @typescript-eslint/no-require-imports */

/** The largest artifacts zip taken (the upload limit is 3 GiB; a zip holds more than one binary). */
export const MAX_ARTIFACTS_ZIP_BYTES = 8 * 1024 ** 3;
/** Entries read from one zip at most (its central directory is walked entry by entry). */
export const MAX_ZIP_ENTRIES = 10_000;
/** Binaries offered from one zip at most (a pick longer than this is no choice). */
export const MAX_ZIP_BINARIES = 100;
const BINARY = /\.(ipa|apk|aab)$/i;

/** A binary inside the zip: its path there, its file name, and its size once extracted. */
export interface ArtifactBinary {
  readonly path: string;
  readonly name: string;
  readonly size: number;
}

export type ArtifactsZipProblem = 'notAZip' | 'tooLarge' | 'noArtifacts' | 'tooManyEntries' | 'tooManyBinaries';

const PROBLEM_TEXT: Record<ArtifactsZipProblem, string> = {
  notAZip: 'are not a zip',
  tooLarge: 'are too large',
  noArtifacts: 'are missing',
  tooManyEntries: `hold more than ${MAX_ZIP_ENTRIES} files`,
  tooManyBinaries: `hold more than ${MAX_ZIP_BINARIES} .ipa, .apk and .aab files`,
};

/** The zip is not one, or is over a limit (bytes, entries, binaries). */
export class ArtifactsZipError extends Error {
  constructor(readonly problem: ArtifactsZipProblem) {
    super(`The build artifacts ${PROBLEM_TEXT[problem]}`);
    this.name = 'ArtifactsZipError';
  }
}

export interface ArtifactsSource {
  artifacts(commitId: string, buildId: string, signal?: AbortSignal): Promise<{ stream: NodeJS.ReadableStream } | undefined>;
}

/** The artifacts zip of one build on disk: list its binaries, open one; dispose() deletes the file. */
export class ArtifactsZip {
  private constructor(
    private readonly dir: string,
    private readonly zip: YauzlZip,
    private readonly entries: ReadonlyMap<string, YauzlEntry>,
  ) {}

  /** Downloads the build's zip to a private temporary file (0700 folder, 0600 file) and reads its directory. */
  static async download(
    source: ArtifactsSource,
    commitId: string,
    buildId: string,
    signal?: AbortSignal,
    maxBytes = MAX_ARTIFACTS_ZIP_BYTES,
  ): Promise<ArtifactsZip> {
    const res = await source.artifacts(commitId, buildId, signal);
    if (!res) {
      throw new ArtifactsZipError('noArtifacts');
    }
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'appcircle-artifacts-'));
    const file = path.join(dir, 'artifacts.zip');
    try {
      let received = 0;
      const limit = new (nodeStream().Transform)({
        transform(chunk: Buffer, _e, cb) {
          received += chunk.length;
          cb(received > maxBytes ? new ArtifactsZipError('tooLarge') : null, chunk);
        },
      });
      await nodeStreamPromises().pipeline(res.stream, limit, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }), { signal });
      return await ArtifactsZip.open(file, dir);
    } catch (e) {
      await fs.promises.rm(dir, { recursive: true, force: true });
      if (signal?.aborted) {
        throw new UserCancelledError();
      }
      throw e;
    }
  }

  /** A zip file already on disk (tests, bench); dispose() deletes `dir` when given. */
  static async open(file: string, dir?: string): Promise<ArtifactsZip> {
    const zip = await new Promise<YauzlZip>((resolve, reject) =>
      yauzl().open(file, { lazyEntries: true, autoClose: false }, (err, z) =>
        err || !z ? reject(new ArtifactsZipError('notAZip')) : resolve(z),
      ),
    );
    const entries = new Map<string, YauzlEntry>();
    let read = 0;
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (e) => {
        read++;
        if (BINARY.test(e.fileName) && !e.fileName.endsWith('/')) {
          entries.set(e.fileName, e);
        }
        // bounded: a zip of a million entries is refused, not walked (nor a pick of a thousand binaries offered)
        if (read > MAX_ZIP_ENTRIES || entries.size > MAX_ZIP_BINARIES) {
          reject(new ArtifactsZipError(read > MAX_ZIP_ENTRIES ? 'tooManyEntries' : 'tooManyBinaries'));
          return;
        }
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', () => reject(new ArtifactsZipError('notAZip')));
      zip.readEntry();
    }).catch((e: unknown) => {
      zip.close();
      throw e;
    });
    return new ArtifactsZip(dir ?? '', zip, entries);
  }

  /** The `.ipa`, `.apk` and `.aab` entries, in the zip's order. */
  binaries(): ArtifactBinary[] {
    return [...this.entries.values()].map((e) => ({ path: e.fileName, name: path.posix.basename(e.fileName), size: e.uncompressedSize }));
  }

  /**
   * A new stream of one entry's uncompressed bytes, at once (UploadService's synchronous `open()`): the entry is
   * opened behind it and piped in; an error of the zip is the stream's error.
   */
  openBinary(entryPath: string): Readable {
    const entry = this.entries.get(entryPath);
    const out = new (nodeStream().PassThrough)();
    if (!entry) {
      process.nextTick(() => out.destroy(new ArtifactsZipError('notAZip')));
      return out;
    }
    this.zip.openReadStream(entry, (err, s) => {
      if (err || !s) {
        out.destroy(err ?? new ArtifactsZipError('notAZip'));
        return;
      }
      if (out.destroyed) {
        // the reader gave up before the entry was open: nothing reads it, so its file handle is let go now
        s.destroy();
        return;
      }
      s.on('error', (e) => out.destroy(e));
      out.on('close', () => s.destroy());
      s.pipe(out);
    });
    return out;
  }

  /** Closes the zip and deletes the temporary folder (a zip opened from a caller's file keeps it). */
  async dispose(): Promise<void> {
    try {
      this.zip.close();
    } finally {
      if (this.dir) {
        await fs.promises.rm(this.dir, { recursive: true, force: true });
      }
    }
  }
}
