/**
 * npm run test:integration — the integration suite in a desktop VS Code through @vscode/test-electron (the
 * standard launcher; it downloads VS Code, so it runs on a developer laptop, not on the offline CI machines,
 * where test/e2e/run.ts runs the same suite inside code-server). Starts a sandbox and writes throw-away user
 * settings pointing the extension at it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { startSandbox } from '../../sandbox/server';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..', '..');
  const sb = await startSandbox({ quiet: true });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appcircle-it-'));
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ 'appcircle.apiUrl': sb.apiUrl, 'appcircle.authUrl': sb.authUrl, 'security.workspace.trust.enabled': false }, null, 2),
  );
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'appcircle-ws-'));
  let code = 0;
  try {
    await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'out', 'test', 'integration', 'suite', 'index'),
      launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${userDataDir}`],
      extensionTestsEnv: { APPCIRCLE_TEST_API: '1' },
    });
  } catch (e) {
    console.error(`integration: ${e instanceof Error ? e.message : String(e)}`);
    code = 1;
  } finally {
    await sb.stop();
    fs.rmSync(userDataDir, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  process.exit(code);
}

void main();
