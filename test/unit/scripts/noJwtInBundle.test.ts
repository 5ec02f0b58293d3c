/**
 * The shipped bundle (what `vscode:prepublish` builds into dist/) carries no JWT-looking literal: no
 * token from a fixture, a test or documentation leaked into code that ships. Built into a temporary folder.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const JWT_LIKE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;

describe('scripts: no JWT-looking literal in the production bundle', function () {
  this.timeout(60_000);

  it('node esbuild.js --production writes no eyJ….….… string', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appcircle-jwt-'));
    try {
      await promisify(execFile)(process.execPath, ['esbuild.js', '--production', `--outfile=${path.join(dir, 'extension.js')}`], {
        cwd: root,
      });
      const files = fs.readdirSync(dir).filter((f) => f.endsWith('.js'));
      assert.ok(files.includes('extension.js'), files.join(', '));
      for (const f of files) {
        const found = fs.readFileSync(path.join(dir, f), 'utf8').match(JWT_LIKE) ?? [];
        assert.deepEqual(found, [], `${f} holds JWT-looking text`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
