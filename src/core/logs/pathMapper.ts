/**
 * Maps a build machine's path (`/Users/agent/app/workflow_data/x1/_appcircle_temp/Repository/App/Login.swift`,
 * docs/appcircle-api.md §10) to a file of the workspace: the part after `Repository/` when that file exists, else the
 * workspace file that shares the longest path suffix with it (at least the file name, and only when one file
 * shares it: a tie maps to nothing rather than to a guess). No vscode: the workspace is a port.
 */

export interface WorkspaceFiles {
  /** The absolute path of `relative` in a workspace folder, when that file exists there. */
  exists(relative: string): Promise<string | undefined>;
  /** Absolute paths of the workspace's files with this file name (bounded by the implementation). */
  findByName(fileName: string): Promise<string[]>;
}

const REPO_MARKERS = ['/_appcircle_temp/Repository/', '/Repository/'];

/** The path below the build machine's repository folder, or undefined when the path has none. */
export function repositoryRelative(buildPath: string): string | undefined {
  const p = buildPath.replace(/\\/g, '/');
  for (const marker of REPO_MARKERS) {
    const i = p.indexOf(marker);
    if (i >= 0) {
      const rel = p.slice(i + marker.length);
      return rel || undefined;
    }
  }
  return undefined;
}

function segments(p: string): string[] {
  return p
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
}

/** Path segments two paths share at their end. */
export function commonSuffixLength(a: string, b: string): number {
  const x = segments(a);
  const y = segments(b);
  let n = 0;
  while (n < x.length && n < y.length && x[x.length - 1 - n] === y[y.length - 1 - n]) {
    n++;
  }
  return n;
}

/** The candidate sharing the longest suffix with `buildPath` (≥ 1 segment), or undefined when none or a tie. */
export function bestSuffixMatch(buildPath: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestLen = 0;
  let tie = false;
  for (const c of candidates) {
    const n = commonSuffixLength(buildPath, c);
    if (n > bestLen) {
      best = c;
      bestLen = n;
      tie = false;
    } else if (n === bestLen && n > 0 && c !== best) {
      tie = true;
    }
  }
  return bestLen > 0 && !tie ? best : undefined;
}

/** Maps build-machine paths to workspace files, remembering each answer (a log names the same file many times). */
export class PathMapper {
  private readonly cache = new Map<string, Promise<string | undefined>>();

  constructor(private readonly files: WorkspaceFiles) {}

  map(buildPath: string): Promise<string | undefined> {
    let r = this.cache.get(buildPath);
    if (!r) {
      r = this.lookup(buildPath).catch(() => undefined);
      this.cache.set(buildPath, r);
    }
    return r;
  }

  private async lookup(buildPath: string): Promise<string | undefined> {
    const rel = repositoryRelative(buildPath);
    if (rel) {
      const hit = await this.files.exists(rel);
      if (hit) {
        return hit;
      }
    } else if (!buildPath.startsWith('/') && !/^[A-Za-z]:/.test(buildPath)) {
      // a relative path (javac run from the repository root): try it as it is
      const hit = await this.files.exists(buildPath);
      if (hit) {
        return hit;
      }
    }
    const name = segments(buildPath).pop();
    if (!name) {
      return undefined;
    }
    return bestSuffixMatch(buildPath, await this.files.findByName(name));
  }
}
