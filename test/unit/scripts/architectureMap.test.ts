/**
 * ARCHITECTURE.md names every source file: a file added under src without a place on the map fails here, and so
 * does a name on the map whose file is gone. A file is named by its path from the repository root or from src/
 * (`src/core/builds/cache.ts` or `core/builds/cache.ts`).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? sources(`${dir}/${d.name}`) : d.name.endsWith('.ts') ? [`${dir}/${d.name}`] : []))
    .sort();
}

/** Every `src/….ts` or `api|core|platform|ui/….ts` path the text mentions. */
function mentioned(text: string): Set<string> {
  const found = new Set<string>();
  for (const m of text.matchAll(/(?<![\w/.-])((?:src\/)?(?:api|core|platform|ui)\/[\w/.-]*?\.ts|src\/[\w.-]+\.ts)(?![\w])/g)) {
    found.add(m[1].startsWith('src/') ? m[1] : `src/${m[1]}`);
  }
  return found;
}

describe('scripts: ARCHITECTURE.md names every file in src', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  const named = mentioned(doc);

  it('every src file is named on the map', () => {
    assert.deepEqual(
      sources('src').filter((f) => !named.has(f)),
      [],
    );
  });

  it('every src file the map names exists', () => {
    assert.deepEqual(
      [...named].filter((f) => !fs.existsSync(path.join(ROOT, f))),
      [],
    );
  });

  it('the check reads both spellings and sees a missing one', () => {
    const m = mentioned('see `src/core/builds/cache.ts` and (ui/tree/nodes.ts), not src/core/builds/cache.tsx');
    assert.deepEqual([...m].sort(), ['src/core/builds/cache.ts', 'src/ui/tree/nodes.ts']);
  });
});
