/**
 * Entry point of the integration suite inside a real extension host. The same file is run by
 * @vscode/test-electron (runTest.ts, desktop VS Code) and by code-server's smoke-test driver (test/e2e/run.ts).
 * Writes per-test results to $APPCIRCLE_SUITE_RESULT when set and prints `suite: N passed, N failed`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false, reporter: 'base' });
  const dir = __dirname;
  for (const f of fs
    .readdirSync(dir)
    .filter((x) => x.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(path.join(dir, f));
  }
  const tests: { title: string; ok: boolean; error?: string }[] = [];
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = tests.filter((t) => t.ok).length;
      console.log(`suite: ${passed} passed, ${tests.length - passed} failed`);
      const out = process.env.APPCIRCLE_SUITE_RESULT;
      if (out) {
        fs.writeFileSync(out, JSON.stringify({ tests }, null, 2));
      }
      if (failures > 0) {
        reject(new Error(`${failures} integration tests failed`));
      } else {
        resolve();
      }
    });
    runner.on('pass', (t) => {
      tests.push({ title: t.fullTitle(), ok: true });
      console.log(`✔ ${t.fullTitle()}`);
    });
    runner.on('fail', (t, err: Error) => {
      tests.push({ title: t.fullTitle(), ok: false, error: err?.stack ?? String(err) });
      console.log(`✘ ${t.fullTitle()}: ${err?.message}`);
    });
  });
}
