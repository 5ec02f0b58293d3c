/**
 * One fresh-process measurement for `npm run bench`: `node loadProbe.js <dir>/extension.js`. Hooks a small
 * `vscode` stub (the unit tests' fake), then times require() of the production bundle and activate() with a stored
 * session (restore reads one secret, the status bar shows the organization), and reports whether the features
 * bundle (dist/features.js, which holds the HTTP layer and axios) was loaded by then; then times the first use (a
 * command), which loads the features bundle but sends nothing (so axios, inside it, must not run). Prints one JSON
 * line.
 */
import * as path from 'node:path';
import '../test/unit/fakes/installVscodeFake';
import * as vscode from 'vscode';
import { fake } from '../test/unit/fakes/vscodeFake';

const bundle = path.resolve(process.argv[2] ?? 'dist/extension.js');
const stored = JSON.stringify({
  version: 1,
  credential: { kind: 'pat', pat: 'acpat_demo_7Hq2xV9mK4pL8sT3' },
  organizationId: '3f5d9a12-7c41-4e8b-9b0d-2a6e4c1f8b73',
  organizationName: 'Acme Mobile',
  account: 'dev@acme.test',
  accountId: 'user-1',
  savedAt: new Date(0).toISOString(),
});
const context = {
  subscriptions: [] as { dispose(): unknown }[],
  secrets: {
    get: (k: string) => Promise.resolve(k.startsWith('appcircle.session:') ? stored : undefined),
    store: () => Promise.resolve(),
    delete: () => Promise.resolve(),
    onDidChange: () => ({ dispose: () => undefined }),
  },
  globalState: { get: <T>(_k: string, d?: T) => d, update: () => Promise.resolve(), keys: () => [] },
};

async function main(): Promise<void> {
  const t0 = process.hrtime.bigint();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- what VS Code does: require the bundle
  const ext = require(bundle) as { activate(c: unknown): unknown };
  const t1 = process.hrtime.bigint();
  ext.activate(context);
  const t2 = process.hrtime.bigint();
  // restore is asynchronous (one secret read): wait until the status bar shows the organization
  const end = Date.now() + 5000;
  while (!fake.statusBarItems.some((s) => s.visible && s.text.includes('Acme Mobile')) && Date.now() < end) {
    await new Promise((r) => setImmediate(r));
  }
  const t3 = process.hrtime.bigint();
  const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
  const loaded = (name: string) => Object.keys(require.cache).includes(path.join(path.dirname(bundle), name));
  const atStartup = { featuresLoaded: loaded('features.js') };
  // first use: a command (Show Log) loads and builds the features part, then runs
  await vscode.commands.executeCommand('appcircle.showLog');
  const t4 = process.hrtime.bigint();
  console.log(
    JSON.stringify({
      loadMs: ms(t0, t1),
      activateMs: ms(t1, t2),
      loadActivateMs: ms(t0, t2),
      toStatusBarMs: ms(t0, t3),
      statusBar: fake.statusBarItems.find((s) => s.visible)?.text ?? '',
      ...atStartup,
      firstUseMs: ms(t3, t4),
      featuresLoadedByFirstUse: loaded('features.js'),
      // axios's Node build loads http2 when it runs: the command sent nothing, so it must not have
      axiosRanByFirstUse: (process as unknown as { moduleLoadList: string[] }).moduleLoadList.includes('NativeModule http2'),
    }),
  );
  for (const d of context.subscriptions) {
    d.dispose();
  }
  process.exit(0);
}

void main();
