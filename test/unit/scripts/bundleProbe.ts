/**
 * Run by httpBundle.test.ts in a fresh Node process: `node bundleProbe.js <dir>/extension.js`. Activates the
 * production bundles on the vscode fake against an in-process sandbox, the way VS Code does (require, activate),
 * then uses the extension through its commands and views: Show Log (sends nothing), a wrong Personal Access Key, a
 * sign-in that the secret storage refuses (a SecretStorageError made in extension.js, described in features.js), a
 * sign-in, the profiles in the tree. Prints one JSON line with what happened and which files were loaded when, and
 * whether axios had run by then.
 */
import * as path from 'node:path';
import '../fakes/installVscodeFake';
import * as vscode from 'vscode';
import { startSandbox } from '../../../sandbox/server';
import { PAT } from '../core/helpers';
import { fake } from '../fakes/vscodeFake';

const bundle = path.resolve(process.argv[2] ?? '');
const dir = path.dirname(bundle);
const loaded = (name: string) => Object.keys(require.cache).includes(path.join(dir, name));
/** axios's Node build loads http2 when it runs (the sandbox and the fake never do): axios ran in features.js. */
const axiosRan = () => (process as unknown as { moduleLoadList: string[] }).moduleLoadList.includes('NativeModule http2');

async function until(what: string, test: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!test()) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function main(): Promise<void> {
  const sb = await startSandbox({ quiet: true, builds: { speed: 0 } });
  fake.configuration.set('appcircle.apiUrl', sb.apiUrl);
  fake.configuration.set('appcircle.authUrl', sb.authUrl);
  const secrets = new Map<string, string>();
  let failStore = false;
  const context = {
    subscriptions: [] as { dispose(): unknown }[],
    secrets: {
      get: (k: string) => Promise.resolve(secrets.get(k)),
      store: (k: string, v: string) => (failStore ? Promise.reject(new Error('keychain locked')) : Promise.resolve(void secrets.set(k, v))),
      delete: (k: string) => Promise.resolve(void secrets.delete(k)),
      onDidChange: () => ({ dispose: () => undefined }),
    },
    globalState: { get: <T>(_k: string, d?: T) => d, update: () => Promise.resolve(), keys: () => [] },
    extensionMode: 3, // ExtensionMode.Test: credential arguments without the confirmation dialog
  };
  const out: Record<string, unknown> = {};
  const before = new Set(Object.keys(require.cache));
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- what VS Code does: require the bundle
    const ext = require(bundle) as { activate(c: unknown): unknown };
    ext.activate(context);
    await until('activation', () => fake.logChannels.some((c) => c.lines.some((l) => l.includes('Activated in'))));
    out.afterActivation = { features: loaded('features.js'), axios: axiosRan() };
    // a first command that sends nothing loads features.js, but axios runs only at the first request
    await vscode.commands.executeCommand('appcircle.showLog');
    out.afterFirstCommand = { features: loaded('features.js'), axios: axiosRan() };

    fake.inputAnswers.push('acpat_wrong_123');
    await vscode.commands.executeCommand('appcircle.loginWithPat');
    await until('the wrong key message', () => fake.messages.length > 0);
    out.wrongKeyMessage = fake.messages[0]?.message;

    // a SecretStorageError made in extension.js (the credential store), described in features.js
    failStore = true;
    await vscode.commands.executeCommand('appcircle.loginWithPat', { pat: PAT });
    await until('the secret storage message', () => fake.messages.length > 1);
    out.secretStorageMessage = fake.messages[1]?.message;
    failStore = false;

    await vscode.commands.executeCommand('appcircle.loginWithPat', { pat: PAT });
    await until('the organization in the status bar', () => fake.statusBarItems.some((s) => s.visible && s.text.includes('Acme Mobile')));
    const tree = fake.treeViews.get('appcircle.builds')?.provider as vscode.TreeDataProvider<unknown>;
    const profiles = (await tree.getChildren()) ?? [];
    out.profiles = profiles.map((p) => {
      const item = tree.getTreeItem(p) as vscode.TreeItem;
      return typeof item.label === 'string' ? item.label : item.label?.label;
    });
    out.afterUse = { features: loaded('features.js'), axios: axiosRan() };
    // everything the extension loaded is one of its two bundles
    out.loadedModules = Object.keys(require.cache)
      .filter((k) => !before.has(k))
      .map((k) => path.relative(dir, k));
    out.sharedTableLeft = Object.getOwnPropertySymbols(globalThis)
      .map(String)
      .filter((k) => k.includes('appcircle'));
  } catch (e) {
    out.error = e instanceof Error ? e.stack : String(e);
  }
  console.log(JSON.stringify(out));
  for (const d of context.subscriptions) {
    d.dispose();
  }
  await sb.stop();
  process.exit(0);
}

void main();
