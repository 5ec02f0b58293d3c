/**
 * The repository explains itself: no tracked text file may point at a document that is not in the repository
 * (a bare `STYLE.md`, `../shared/…`, an absolute path), nor cite a tracker number instead of saying what it means.
 * Document paths are resolved against the citing file's folder and against the repository root.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..', '..');
/** This file: its own examples of bad references are on purpose. */
const SELF = 'test/unit/scripts/docReferences.test.ts';

/** A path-like token that ends in a document extension (letters, digits, `._-/~` before it). */
const DOC_PATH = /(?<![\w./~-])(?:~|\.{1,2})?[\w./-]*[\w-]\.(?:md|markdown|mdx)(?![\w-])/g;
/** "issue 7", "Issue #12", "issues 2 and 3" (built from parts so that this file does not match itself). */
const ISSUE_NUMBER = new RegExp(['\\bissues?', '\\s+#?\\d+'].join(''), 'i');
const BINARY_EXTENSIONS = /\.(png|jpe?g|gif|ico|svg|zip|vsix|woff2?|ttf|gz|tgz)$/i;

function trackedFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, maxBuffer: 64 * 1024 * 1024 })
      .toString('utf8')
      .split('\0')
      .filter((f) => f.length > 0);
  } catch {
    return walk('');
  }
}

/** Without git (an exported tree): every file outside the generated folders. */
function walk(dir: string): string[] {
  const skip = new Set(['.git', 'node_modules', 'out', 'dist', '.e2e', '.vscode-test', 'test-results']);
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!skip.has(e.name)) {
        out.push(...walk(rel));
      }
    } else if (e.isFile()) {
      out.push(rel);
    }
  }
  return out;
}

function readText(rel: string): string | undefined {
  if (BINARY_EXTENSIONS.test(rel) || rel === 'package-lock.json') {
    return undefined;
  }
  let buf: Buffer;
  try {
    buf = fs.readFileSync(path.join(root, rel));
  } catch {
    return undefined; // deleted in the working tree
  }
  return buf.includes(0) ? undefined : buf.toString('utf8');
}

/** Strips URLs (https://…/README.md is not a repository path) and `#anchors`. */
function withoutUrls(line: string): string {
  return line.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, ' ');
}

function insideRepository(abs: string): boolean {
  const rel = path.relative(root, abs);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** True when `ref`, cited from `fromFile`, names a file in this repository. */
export function resolvesInRepository(ref: string, fromFile: string): boolean {
  if (ref.startsWith('~') || path.isAbsolute(ref)) {
    return false;
  }
  const candidates = [path.resolve(root, path.dirname(fromFile), ref), path.resolve(root, ref)];
  return candidates.some((abs) => insideRepository(abs) && fs.existsSync(abs));
}

export interface Finding {
  file: string;
  line: number;
  text: string;
  problem: string;
}

export function findProblems(rel: string, text: string): Finding[] {
  const found: Finding[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = withoutUrls(raw);
    for (const m of line.matchAll(DOC_PATH)) {
      if (!resolvesInRepository(m[0], rel)) {
        found.push({ file: rel, line: i + 1, text: raw.trim(), problem: `names ${m[0]}, which is not in the repository` });
      }
    }
    if (ISSUE_NUMBER.test(line)) {
      found.push({ file: rel, line: i + 1, text: raw.trim(), problem: 'cites an issue number: say what the behaviour is instead' });
    }
  });
  return found;
}

describe('doc references: every document a file names is in the repository', () => {
  it('the checks catch what they are for', () => {
    const self = 'src/core/example.ts';
    const bad = [
      '/** The cache (STYLE.md P8). */',
      '// see DESIGN.md §3',
      'It follows `../shared/appcircle-api.md` §1-7',
      '(values from /work/notes/common.md)',
      `describe('limits (${['iss', 'ue'].join('')} 7)', () => {`,
    ];
    for (const line of bad) {
      assert.equal(findProblems(self, line).length, 1, line);
    }
    const good = [
      '/** The cache (ARCHITECTURE.md §4). */',
      'Build endpoints B1-B16 of docs/appcircle-api.md §4',
      'See [the API notes](../../docs/appcircle-api.md) and sandbox/README.md',
      'Format: [Keep a Changelog](https://keepachangelog.com/en/1.1.0/), see https://example.com/x/README.md',
      'an issue with the proxy, 7 times',
    ];
    for (const line of good) {
      assert.deepEqual(findProblems(self, line), [], line);
    }
  });

  it('no tracked text file names a document outside the repository or cites an issue number', () => {
    const files = trackedFiles();
    assert.ok(files.length > 50, `found only ${files.length} files`);
    const problems: Finding[] = [];
    for (const rel of files.filter((f) => f !== SELF)) {
      const text = readText(rel);
      if (text !== undefined) {
        problems.push(...findProblems(rel, text));
      }
    }
    assert.deepEqual(
      problems.map((p) => `${p.file}:${p.line}: ${p.problem}\n    ${p.text}`),
      [],
      'Point into the repository (ARCHITECTURE.md §…, docs/appcircle-api.md §…, CONTRIBUTING.md) or say the thing itself.',
    );
  });
});
