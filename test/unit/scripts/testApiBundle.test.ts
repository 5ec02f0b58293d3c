/**
 * The test API (src/container.ts apiFor: it can read the stored credential) is compiled out of the production
 * bundle and kept only in the test build (`node esbuild.js --test-api`), which only the test scripts use.
 * Builds both bundles into a temporary folder (never dist/, which a running e2e suite may be loading).
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const run = promisify(execFile);
/** Strings that exist only in the test API's code. */
const TEST_API_MARKERS = ['storedSessionRaw', 'accountSessions', 'APPCIRCLE_TEST_API'];

async function bundle(dir: string, ...flags: string[]): Promise<string> {
  const outfile = path.join(dir, `${flags.join('') || 'dev'}.js`);
  await run(process.execPath, ['esbuild.js', ...flags, `--outfile=${outfile}`], { cwd: root });
  return fs.readFileSync(outfile, 'utf8');
}

describe('scripts: the test API is compiled out of the production bundle', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appcircle-bundle-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('node esbuild.js --production (what vscode:prepublish and the .vsix ship) has no test API', async () => {
    const [production, testBuild] = await Promise.all([bundle(dir, '--production'), bundle(dir, '--production', '--test-api')]);
    assert.ok(production.includes('activate'), 'a real bundle');
    for (const marker of TEST_API_MARKERS) {
      assert.ok(!production.includes(marker), `${marker} is absent from the production bundle`);
      assert.ok(testBuild.includes(marker), `${marker} is present in the test build`);
    }
  });

  it('only the test scripts build with --test-api; packaging never does', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['vscode:prepublish', 'package', 'build', 'build:production', 'watch']) {
      assert.ok(scripts[name] !== undefined, name);
      assert.ok(!scripts[name]?.includes('--test-api'), `${name}: ${scripts[name] ?? ''}`);
    }
    assert.match(scripts['vscode:prepublish'] ?? '', /esbuild\.js --production$/);
    assert.match(scripts['test:integration'] ?? '', /esbuild\.js[^&]*--test-api/);
    const e2e = fs.readFileSync(path.join(root, 'scripts', 'e2e.sh'), 'utf8');
    // the .vsix is packaged (prepublish: production) before dist/ is rebuilt with the test API for the in-host suite
    const pack = e2e.indexOf('npm run -s package');
    const testBuild = e2e.indexOf('esbuild.js --production --test-api');
    assert.ok(pack > 0 && testBuild > pack, 'scripts/e2e.sh packages the .vsix first, then builds dist/ with --test-api');
  });
});
