/**
 * axios lives in its own bundle (dist/http.js), loaded on the first request, without the packages the
 * extension never reaches (form-data → mime-db, follow-redirects, proxy agents). Builds the production bundles into
 * a temporary folder (never dist/), checks what went where from esbuild's metafile, and drives every request kind
 * through the bundled axios (httpBundleProbe.ts, in a fresh process).
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const run = promisify(execFile);

interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

describe('scripts: axios is a separate bundle, loaded on first use, without form-data', function () {
  this.timeout(90_000);
  let dir: string;
  let meta: Metafile;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appcircle-http-bundle-'));
    await run(
      process.execPath,
      ['esbuild.js', '--production', `--outfile=${path.join(dir, 'extension.js')}`, `--metafile=${path.join(dir, 'meta.json')}`],
      { cwd: root },
    );
    meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Metafile;
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const inputsOf = (name: string) => {
    const out = Object.entries(meta.outputs).find(([k]) => k.endsWith(`/${name}`) || k === name);
    assert.ok(out, `${name} in the metafile`);
    return Object.keys(out[1].inputs);
  };

  it('extension.js has no axios and requires ./http.js; http.js has axios without form-data, mime-db, redirects or proxy agents', () => {
    const ext = inputsOf('extension.js');
    // the one package allowed at startup: @vscode/l10n (2 KB minified), which translates the strings of src/core
    const packages = ext.filter((f) => f.includes('node_modules') && !f.includes('node_modules/@vscode/l10n/'));
    assert.deepEqual(packages, [], 'no other package in the startup bundle');
    assert.match(fs.readFileSync(path.join(dir, 'extension.js'), 'utf8'), /require\("\.\/http\.js"\)/);
    const http = inputsOf('http.js');
    assert.ok(
      http.some((f) => f.includes('node_modules/axios/')),
      'axios is in http.js',
    );
    for (const pkg of ['form-data', 'mime-db', 'mime-types', 'follow-redirects', 'proxy-from-env', 'https-proxy-agent', 'agent-base']) {
      assert.ok(!http.some((f) => f.includes(`node_modules/${pkg}/`)), `${pkg} is not bundled`);
    }
  });

  it('the bundled axios sends form POSTs, JSON GETs, streamed downloads and Range reads', async () => {
    const probe = path.join(__dirname, 'httpBundleProbe.js');
    const { stdout } = await run(process.execPath, [probe, path.join(dir, 'http.js')], { cwd: root });
    const r = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    assert.equal(r.error, undefined);
    assert.equal(r.signedIn, true);
    assert.ok(typeof r.profiles === 'number' && r.profiles > 0);
    assert.equal(r.startedBuild, true);
    assert.equal(r.rangeStart, 10, 'a 206 answer starting at the asked byte');
    assert.equal(r.rangeBytes, (r.wholeLogBytes as number) - 10);
    assert.equal(r.artifactZip, true);
    assert.equal(r.loadedBundle, true, 'the requests went through the bundle');
    assert.equal(r.loadedNodeModulesAxios, false, 'not through node_modules/axios');
  });
});

describe('scripts: what the .vsix ships', function () {
  this.timeout(60_000);
  it('dist/extension.js and the lazily loaded dist/http.js, without the README screenshots', async () => {
    const { stdout } = await run(
      process.execPath,
      [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'],
      { cwd: root },
    );
    const files = stdout.split('\n').map((l) => l.trim());
    // vsce lists what is on disk: dist/ exists once any build ran (npm test, e2e, package all build first)
    for (const f of ['dist/extension.js', 'dist/http.js']) {
      assert.equal(files.includes(f), fs.existsSync(path.join(root, f)), `${f} ships when built`);
    }
    assert.ok(!files.some((f) => f.startsWith('media/screenshots/')), 'screenshots stay out of the .vsix');
    assert.ok(files.includes('media/appcircle.svg'), 'the view icon ships');
  });
});
