/**
 * The temporary folders build logs are written to (LogFollower: `appcircle-log-*` under the system temp folder,
 * mode 0700, one owner-only file each). Two things outlive a log document otherwise:
 * - the deletions started when documents close or the extension stops: `trackDeletion` keeps them, and
 *   `deletionsDone` lets `deactivate()` wait for them (bounded);
 * - the folders a killed or crashed extension host left behind: `sweepStaleSpillFolders` deletes the user's own
 *   that nothing touched for a day, a bounded number per sweep.
 * Small on purpose: the startup bundle has it (activation schedules the sweep); Node modules load on first use.
 */
import type * as Fs from 'node:fs';
import type * as Os from 'node:os';
import type * as Path from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports -- Node built-ins on first use, not at activation */
const nodeFs = (): typeof Fs => require('node:fs') as typeof Fs;
const nodeOs = (): typeof Os => require('node:os') as typeof Os;
const nodePath = (): typeof Path => require('node:path') as typeof Path;
/* eslint-enable @typescript-eslint/no-require-imports */

/** The name every spill folder starts with (`mkdtemp` adds six random characters). */
export const SPILL_FOLDER_PREFIX = 'appcircle-log-';
/** A spill folder untouched (itself and its files) for this long is a leftover. */
export const STALE_AFTER_MS = 24 * 60 * 60_000;
/** At most this many folders are deleted per sweep, and at most SWEEP_SCAN_LIMIT temp entries looked at. */
export const SWEEP_MAX_FOLDERS = 200;
const SWEEP_SCAN_LIMIT = 20_000;
/** Entries of one spill folder looked at for its age (it holds one file). */
const FOLDER_ENTRIES_LIMIT = 8;

const pending = new Set<Promise<void>>();

/** Keeps a deletion until it settles, so `deletionsDone` can wait for it. Never rejects. */
export function trackDeletion(deletion: Promise<void>): Promise<void> {
  const p = deletion.then(
    () => undefined,
    () => undefined,
  );
  pending.add(p);
  void p.finally(() => pending.delete(p));
  return p;
}

/**
 * Resolves once every deletion started so far (and any started while waiting) has settled, or after `timeoutMs`:
 * true when all are done.
 */
export async function deletionsDone(timeoutMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const all = (async () => {
    while (pending.size > 0) {
      await Promise.all([...pending]);
    }
    return true as const;
  })();
  try {
    return await Promise.race([all, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface SweepOptions {
  /** Default: the system temp folder. */
  dir?: string;
  now?: number;
  staleAfterMs?: number;
  maxFolders?: number;
  /** The user whose folders may go; default this process's (where the platform has uids). */
  uid?: number;
}

export interface SweepResult {
  removed: string[];
  /** Spill folders seen but kept (recent, someone else's, not a real folder, or over the per-sweep limit). */
  kept: number;
}

/**
 * Deletes `appcircle-log-*` folders of the temp folder that are real folders (lstat: a symlink is never followed),
 * owned by this user, and untouched for `staleAfterMs`: the folder and each file in it (so a log another window
 * still writes or shows is kept). Bounded: at most `maxFolders` deleted, SWEEP_SCAN_LIMIT entries read. Never
 * throws; a folder that cannot be read or deleted is kept.
 */
export async function sweepStaleSpillFolders(options: SweepOptions = {}): Promise<SweepResult> {
  const fs = nodeFs();
  const path = nodePath();
  const dir = options.dir ?? nodeOs().tmpdir();
  const now = options.now ?? Date.now();
  const staleAfter = options.staleAfterMs ?? STALE_AFTER_MS;
  const maxFolders = options.maxFolders ?? SWEEP_MAX_FOLDERS;
  const uid = options.uid ?? process.getuid?.();
  const result: SweepResult = { removed: [], kept: 0 };
  let handle: Fs.Dir;
  try {
    handle = await fs.promises.opendir(dir);
  } catch {
    return result;
  }
  let scanned = 0;
  try {
    for await (const entry of handle) {
      if (++scanned > SWEEP_SCAN_LIMIT) {
        break;
      }
      if (!entry.name.startsWith(SPILL_FOLDER_PREFIX)) {
        continue;
      }
      if (result.removed.length >= maxFolders) {
        result.kept++;
        continue;
      }
      const folder = path.join(dir, entry.name);
      if (await isStale(folder, now - staleAfter, uid)) {
        try {
          await fs.promises.rm(folder, { recursive: true, force: true });
          result.removed.push(folder);
          continue;
        } catch {
          // kept: counted below
        }
      }
      result.kept++;
    }
  } catch {
    // the listing broke off: what was deleted stays deleted
  } finally {
    // (a for await that ran to its end closed the handle already)
    await handle.close().catch(() => undefined);
  }
  return result;
}

/** A real folder of this user whose own and whose files' modification times are all before `before`. */
async function isStale(folder: string, before: number, uid: number | undefined): Promise<boolean> {
  const fs = nodeFs();
  try {
    const st = await fs.promises.lstat(folder);
    if (!st.isDirectory() || st.isSymbolicLink() || (uid !== undefined && st.uid !== uid) || st.mtimeMs >= before) {
      return false;
    }
    const names = await fs.promises.readdir(folder);
    if (names.length > FOLDER_ENTRIES_LIMIT) {
      return false; // not what LogFollower makes
    }
    for (const name of names) {
      const f = await fs.promises.lstat(nodePath().join(folder, name));
      if (f.mtimeMs >= before) {
        return false;
      }
    }
    return true;
  } catch {
    return false;
  }
}
