/**
 * Two bundles: dist/extension.js (activation, no HTTP client and no axios) and dist/features.js (loaded on first
 * use, taking extension.js's modules from it; with the HTTP layer and axios, without the packages the extension
 * never reaches: form-data → mime-db, follow-redirects, proxy agents). Builds the production bundles into a
 * temporary folder (never dist/), checks what went where from esbuild's metafile, drives every request kind through
 * the bundled HTTP layer (httpBundleProbe.ts) and uses the extension from its bundles (bundleProbe.ts), each in a
 * fresh process.
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

describe('scripts: two bundles, loaded as they are needed; axios without form-data', function () {
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

  it('extension.js has no axios and no HTTP client and requires ./features.js; features.js requires only ./extension.js', () => {
    const ext = inputsOf('extension.js');
    // the one package allowed at startup: @vscode/l10n (2 KB minified), which translates the strings of src/core
    const packages = ext.filter((f) => f.includes('node_modules') && !f.includes('node_modules/@vscode/l10n/'));
    assert.deepEqual(packages, [], 'no other package in the startup bundle');
    for (const f of [
      'src/api/http/httpClient.ts',
      'src/core/builds/buildService.ts',
      'src/ui/errors/errorMessages.ts',
      'src/ui/tree/buildsTree.ts',
    ]) {
      assert.ok(!ext.includes(f), `${f} is not loaded at activation`);
    }
    const extension = fs.readFileSync(path.join(dir, 'extension.js'), 'utf8');
    assert.match(extension, /require\("\.\/features\.js"\)/);
    assert.deepEqual(
      [...new Set(extension.match(/require\("\.[^"]*"\)/g))],
      ['require("./features.js")'],
      'extension.js requires no other file of its own',
    );
    // features.js's own files: extension.js (the modules it shares), nothing else (axios is inside)
    const features = fs.readFileSync(path.join(dir, 'features.js'), 'utf8');
    assert.deepEqual([...new Set(features.match(/require\("\.[^"]*"\)/g))], ['require("./extension.js")']);
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.endsWith('.js')),
      ['extension.js', 'features.js'],
    );
  });

  it('features.js bundles no second copy of a module extension.js has: it takes them from extension.js', () => {
    const ext = new Set(inputsOf('extension.js'));
    const features = inputsOf('features.js');
    assert.ok(features.includes('src/features.ts') && features.includes('src/core/builds/buildService.ts'));
    // (each bundle has its own one-line module re-exporting `vscode`: it holds no state)
    assert.deepEqual(
      features.filter((f) => ext.has(f) && f !== 'vscode-namespace:vscode'),
      [],
      'modules in both bundles',
    );
    const shared = features.filter((f) => f.startsWith('shared-module:')).map((f) => f.slice('shared-module:'.length));
    for (const f of ['src/core/errors.ts', 'src/api/http/errors.ts', 'src/core/events.ts', 'node_modules/@vscode/l10n/dist/browser.js']) {
      assert.ok(shared.includes(f), `${f} comes from extension.js`);
    }
    assert.deepEqual(
      shared.filter((f) => !ext.has(f)),
      [],
      'every shared module is in extension.js',
    );
  });

  it('features.js has axios without form-data, mime-db, redirects or proxy agents', () => {
    const features = inputsOf('features.js');
    assert.ok(
      features.some((f) => f.includes('node_modules/axios/')),
      'axios is in features.js',
    );
    assert.ok(features.includes('src/api/http/httpClient.ts'), 'the HTTP client is in features.js');
    for (const pkg of ['form-data', 'mime-db', 'mime-types', 'follow-redirects', 'proxy-from-env', 'https-proxy-agent', 'agent-base']) {
      assert.ok(!features.some((f) => f.includes(`node_modules/${pkg}/`)), `${pkg} is not bundled`);
    }
  });

  it('the bundles at work: activation does not load features.js, nor a command run axios; one class across them', async () => {
    const probe = path.join(__dirname, 'bundleProbe.js');
    const { stdout } = await run(process.execPath, [probe, path.join(dir, 'extension.js')], { cwd: root });
    const r = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    assert.equal(r.error, undefined);
    assert.deepEqual(r.afterActivation, { features: false, axios: false });
    assert.deepEqual(r.afterFirstCommand, { features: true, axios: false }, 'axios runs at the first request, not when features.js loads');
    assert.match(String(r.wrongKeyMessage), /^Appcircle rejected the Personal Access Key \(Personal API Token\)\./);
    // made by the credential store in extension.js, told apart by `instanceof` in features.js: one class in both
    assert.match(String(r.secretStorageMessage), /^VS Code's secret storage failed, so nothing was changed\./);
    assert.ok(Array.isArray(r.profiles) && r.profiles.includes('Acme iOS'), JSON.stringify(r.profiles));
    assert.deepEqual(r.afterUse, { features: true, axios: true });
    assert.deepEqual(r.loadedModules, ['extension.js', 'features.js']);
    assert.deepEqual(r.sharedTableLeft, [], 'nothing is left on globalThis');
  });

  it('the bundled HTTP layer and axios send form POSTs, JSON GETs, streamed downloads and Range reads', async () => {
    const probe = path.join(__dirname, 'httpBundleProbe.js');
    const { stdout } = await run(process.execPath, [probe, dir], { cwd: root });
    const r = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    assert.equal(r.error, undefined);
    assert.equal(r.signedIn, true);
    assert.ok(typeof r.organizations === 'number' && r.organizations > 0);
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
  it('dist/extension.js and the lazily loaded dist/features.js, without the README screenshots', async () => {
    const { stdout } = await run(
      process.execPath,
      [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'],
      { cwd: root },
    );
    const files = stdout.split('\n').map((l) => l.trim());
    // vsce lists what is on disk: dist/ exists once any build ran (npm test, e2e, package all build first)
    for (const f of ['dist/extension.js', 'dist/features.js']) {
      assert.equal(files.includes(f), fs.existsSync(path.join(root, f)), `${f} ships when built`);
    }
    assert.ok(!files.some((f) => f.startsWith('media/screenshots/')), 'screenshots stay out of the .vsix');
    assert.ok(files.includes('media/appcircle.svg'), 'the view icon ships');
  });
});
