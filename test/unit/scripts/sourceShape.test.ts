/**
 * The shape rules of CONTRIBUTING.md: no file in src over 400 lines, no function over 80, no import circle.
 * Counted with the TypeScript parser (a function's lines run from its first to its last line, body included).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../../..');
const SRC = path.join(ROOT, 'src');
export const MAX_FILE_LINES = 400;
export const MAX_FUNCTION_LINES = 80;

export function sourceFiles(dir = SRC): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? sourceFiles(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []))
    .sort();
}

const rel = (f: string) => path.relative(ROOT, f).split(path.sep).join('/');

function functionName(node: ts.Node, sf: ts.SourceFile): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name) {
    return named.name.getText(sf);
  }
  if (ts.isConstructorDeclaration(node)) {
    return 'constructor';
  }
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) {
    return parent.name.getText(sf);
  }
  return '(anonymous)';
}

/** Every function-like node of a file longer than the limit, as `file:line name (n lines)`. */
export function longFunctions(file: string, limit = MAX_FUNCTION_LINES): string[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (end - start + 1 > limit) {
        const cls = ts.isClassLike(node.parent) && node.parent.name ? `${node.parent.name.text}.` : '';
        found.push(`${rel(file)} ${cls}${functionName(node, sf)} (${end - start + 1} lines)`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The relative imports of a file, resolved to files under src (type-only imports included: a circle of types is one too). */
function importsOf(file: string): string[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const spec = node.moduleSpecifier.text;
      if (spec.startsWith('.')) {
        const base = path.resolve(path.dirname(file), spec);
        const hit = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => fs.existsSync(c));
        if (hit) {
          out.push(hit);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The import circles among the files (each as a path a → b → … → a), found by depth-first search. */
export function importCircles(files: string[]): string[] {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const circles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 'open') {
        circles.push([...stack.slice(stack.indexOf(g)), g].map(rel).join(' → '));
      } else if (!state.has(g)) {
        visit(g);
      }
    }
    stack.pop();
    state.set(f, 'done');
  };
  files.forEach((f) => state.has(f) || visit(f));
  return circles;
}

describe('scripts: the shape of src (CONTRIBUTING.md)', () => {
  const files = sourceFiles();

  it(`no file in src is longer than ${MAX_FILE_LINES} lines`, () => {
    const long = files
      .map((f) => [rel(f), fs.readFileSync(f, 'utf8').split('\n').length - 1] as const)
      .filter(([, n]) => n > MAX_FILE_LINES)
      .map(([f, n]) => `${f} (${n} lines)`);
    assert.deepEqual(long, []);
  });

  it(`no function in src is longer than ${MAX_FUNCTION_LINES} lines`, () => {
    assert.deepEqual(
      files.flatMap((f) => longFunctions(f)),
      [],
    );
  });

  it('no import circle in src', () => {
    assert.deepEqual(importCircles(files), []);
  });

  it('the checks see what they are for: a long function, a circle', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shape-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.ts'), `import { b } from './b';\nexport function a() {\n${'  b();\n'.repeat(90)}}\n`);
      fs.writeFileSync(path.join(dir, 'b.ts'), `import { a } from './a';\nexport const b = () => a;\n`);
      assert.equal(longFunctions(path.join(dir, 'a.ts')).length, 1);
      assert.equal(importCircles(sourceFiles(dir)).length, 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
