/**
 * A publishable manifest: `vsce package` with no flag passes because nothing needs hiding. The icon is
 * our own 128×128 PNG (scripts/make-icon.mjs draws it), LICENSE is the MIT text `license` names, the repository,
 * bugs and homepage links are set (vsce rewrites the README's relative links with them), where the extension runs is
 * declared, and no script packages with a flag that silences one of vsce's checks.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Manifest {
  license: string;
  icon: string;
  repository: { type: string; url: string };
  bugs: { url: string };
  homepage: string;
  galleryBanner: { color: string; theme: string };
  categories: string[];
  keywords: string[];
  extensionKind: string[];
  scripts: Record<string, string>;
  capabilities: { virtualWorkspaces: { supported: string; description: string } | boolean };
}

const root = path.resolve(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
const HOME = 'https://github.com/appcircle-community/appcircle-vscode';
/** vsce flags that skip a check instead of passing it: a problem to fix, not to hide. */
const HIDING_FLAGS = [
  '--skip-license',
  '--allow-missing-repository',
  '--no-rewrite-relative-links',
  '--allow-star-activation',
  '--allow-unused-files-pattern',
  '--allow-package-secrets',
  '--allow-package-all-secrets',
  '--allow-package-env-file',
  '--allow-proposed-apis',
  '--allow-all-proposed-apis',
];

function filesUnder(dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) {
    return [];
  }
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    return e.isDirectory() ? filesUnder(rel) : [rel];
  });
}

/** Width, height, bit depth and colour type from a PNG's signature and IHDR chunk. */
function pngHeader(buf: Buffer): { width: number; height: number; depth: number; colourType: number } {
  assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the PNG signature');
  assert.equal(buf.readUInt32BE(8), 13, 'IHDR is 13 bytes');
  assert.equal(buf.toString('ascii', 12, 16), 'IHDR', 'the first chunk is IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), depth: buf[24], colourType: buf[25] };
}

describe('scripts: a publishable manifest', () => {
  it('the icon is a committed 128×128 PNG, drawn by scripts/make-icon.mjs', () => {
    assert.equal(manifest.icon, 'media/icon.png');
    const header = pngHeader(fs.readFileSync(path.join(root, manifest.icon)));
    assert.equal(header.width, 128);
    assert.equal(header.height, 128);
    assert.deepEqual([header.depth, header.colourType], [8, 6], '8-bit RGBA');
    assert.ok(fs.existsSync(path.join(root, 'scripts', 'make-icon.mjs')), 'the script that draws it');
  });

  it('LICENSE is the MIT licence that package.json names', () => {
    assert.equal(manifest.license, 'MIT');
    const text = fs.readFileSync(path.join(root, 'LICENSE'), 'utf8');
    assert.match(text, /^MIT License\n/);
    assert.match(text, /Copyright \(c\) 2026 Appcircle for VS Code contributors/);
    assert.match(text, /Permission is hereby granted, free of charge/);
  });

  it('the repository, bugs, homepage and gallery banner are set', () => {
    assert.deepEqual(manifest.repository, { type: 'git', url: HOME });
    assert.equal(manifest.bugs.url, `${HOME}/issues`);
    assert.equal(manifest.homepage, `${HOME}#readme`);
    assert.match(manifest.galleryBanner.color, /^#[0-9A-Fa-f]{6}$/);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme));
  });

  it('categories and keywords are within what the Marketplace accepts', () => {
    assert.deepEqual(manifest.categories, ['Other'], 'no VS Code category names a CI/CD client');
    assert.ok(manifest.keywords.length > 0 && manifest.keywords.length <= 30, `${manifest.keywords.length} keywords`);
    assert.equal(new Set(manifest.keywords).size, manifest.keywords.length, 'no keyword twice');
  });

  it('where it runs is declared: the workspace side, and a limited virtual workspace', () => {
    assert.deepEqual(manifest.extensionKind, ['workspace']);
    const vw = manifest.capabilities.virtualWorkspaces;
    assert.ok(typeof vw === 'object', 'virtualWorkspaces says what is limited');
    assert.equal(vw.supported, 'limited');
    const key = /^%(.+)%$/.exec(vw.description)?.[1];
    assert.ok(key !== undefined && nls[key], 'the limit is described in package.nls.json');
  });

  it('no script packages with a flag that hides a problem, and the scripts share the package script', () => {
    assert.equal(manifest.scripts.package, 'vsce package -o appcircle-vscode.vsix');
    const sources = [
      ...Object.entries(manifest.scripts).map(([name, cmd]) => ({ where: `package.json scripts.${name}`, text: cmd })),
      ...[...filesUnder('scripts'), ...filesUnder('bench'), ...filesUnder('.ci')].map((f) => ({
        where: f,
        text: fs.readFileSync(path.join(root, f), 'utf8'),
      })),
    ];
    for (const { where, text } of sources) {
      for (const flag of HIDING_FLAGS) {
        assert.ok(!text.includes(flag), `${where} uses ${flag}`);
      }
    }
    for (const f of ['scripts/start.sh', 'scripts/e2e.sh']) {
      const text = fs.readFileSync(path.join(root, f), 'utf8');
      assert.ok(!text.includes('vsce package'), `${f} has no vsce command of its own`);
      assert.match(text, /npm run -s package -- -o /, `${f} packages through npm run -s package`);
    }
  });
});
