/**
 * Runs the unit tiers with mocha and prints one closing line with the counts.
 *  - plain Node tier: out/test/unit/{api,core,sandbox,scripts}/** (no vscode fake loaded: a stray
 *    `vscode` import fails here, which keeps src/api and src/core honest);
 *  - ui tier: out/test/unit/ui/** with the tiny vscode fake hooked into Module._load.
 * Usage: node out/test/runUnit.js [--grep PATTERN]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface Counts {
  passed: number;
  failed: number;
  pending: number;
}

function collect(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...collect(full));
    } else if (entry.name.endsWith('.test.js')) {
      out.push(full);
    }
  }
  return out.sort();
}

function runTier(name: string, files: string[], grep: string | undefined, setup?: () => void): Promise<Counts> {
  return new Promise((resolve) => {
    if (setup) {
      setup();
    }
    const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 20_000, color: process.stdout.isTTY });
    if (grep) {
      mocha.grep(grep);
    }
    for (const f of files) {
      mocha.addFile(f);
    }
    console.log(`\n== ${name}: ${files.length} files`);
    const runner = mocha.run(() => {
      const s = runner.stats;
      resolve({ passed: s?.passes ?? 0, failed: s?.failures ?? 0, pending: s?.pending ?? 0 });
    });
  });
}

/** Promise rejections nobody handled, anywhere in the run: each one fails the run. */
const unhandled: string[] = [];
const seenReasons = new Set<unknown>();
process.on('unhandledRejection', (reason) => {
  // mocha re-emits the event it catches: count each reason once
  if (seenReasons.has(reason)) {
    return;
  }
  seenReasons.add(reason);
  const text = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
  unhandled.push(text);
  console.error(`\nunhandled promise rejection: ${text}`);
});

async function main(): Promise<void> {
  const root = path.resolve(__dirname, 'unit');
  const grepIndex = process.argv.indexOf('--grep');
  const grep = grepIndex > 0 ? process.argv[grepIndex + 1] : undefined;
  const plain = ['api', 'core', 'sandbox', 'scripts'].flatMap((d) => collect(path.join(root, d)));
  const ui = collect(path.join(root, 'ui'));
  const a = await runTier('api, core, sandbox, scripts (plain Node)', plain, grep);
  const b = ui.length
    ? await runTier('ui (vscode fake)', ui, grep, () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('./unit/fakes/installVscodeFake');
      })
    : { passed: 0, failed: 0, pending: 0 };
  // let late rejections of the last test surface before counting
  await new Promise((r) => setImmediate(r));
  const total: Counts = { passed: a.passed + b.passed, failed: a.failed + b.failed + unhandled.length, pending: a.pending + b.pending };
  const resultsDir = path.resolve(__dirname, '..', '..', 'test-results');
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, 'unit.json'), JSON.stringify(total));
  console.log(`\nunit: ${total.passed} passed, ${total.failed} failed, ${total.pending} skipped, ${unhandled.length} unhandled rejections`);
  // sandboxes or timers a failed test left behind must not keep the run alive
  process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
}

void main();
