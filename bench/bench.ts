/**
 * npm run bench: the performance figures with their budgets, side by side with a baseline where there
 * is one. Benchmarks, never asserted in tests. Prints a table with the machine and date; writes
 * bench/results.json as { results: [{ name, value, unit, budget, pass, ... }] }. Timings are medians of several
 * runs with min and max. `--quick` skips the .vsix packaging.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import '../test/unit/fakes/installVscodeFake';
import { DEMO_PAT } from '../sandbox/fixtures';
import { startSandbox } from '../sandbox/server';
import type { Sandbox } from '../sandbox/server';
import { BuildService } from '../src/core/builds/buildService';
import { nullLogger } from '../src/core/ports';
import type { FakeTime } from '../test/unit/fakes/clock';
import { fakeTime, runNextDue } from '../test/unit/fakes/clock';
import { makeHarness } from '../test/unit/core/helpers';
import type { Harness } from '../test/unit/core/helpers';
import { BuildsApi } from '../src/api/buildsApi';
import { ApiClient } from '../src/api/http/httpClient';
import { adversarialFigure } from './adversarialLog';
import { distributionFigure } from './distributionFigure';
import { streamFigures } from './streamFigures';
import { bigLogFigures, detectionFigure, journeyFigures, scaleFigures } from './extensionFigures';

interface Result {
  name: string;
  value: number;
  unit: string;
  /** The figure must be ≤ budget (null: measured, no budget). */
  budget: number | null;
  pass: boolean | null;
  baseline?: number;
  ratio?: number;
  min?: number;
  max?: number;
  note?: string;
}

const root = path.resolve(__dirname, '..', '..');
const results: Result[] = [];
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
function add(r: Omit<Result, 'pass'> & { pass?: boolean | null }): void {
  results.push({ ...r, value: round(r.value, 2), pass: r.pass ?? (r.budget === null ? null : r.value <= r.budget) });
}
function stats(xs: number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return { median: s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2, min: s[0] ?? 0, max: s[s.length - 1] ?? 0 };
}
const kb = (n: number) => round(n / 1024, 1);
const mb = (n: number) => round(n / 1024 / 1024, 1);

// ---- 1, 2: bundle, composition, .vsix, load + activate ------------------------------------------------------------

function bundleFigures(tmp: string): void {
  execFileSync(
    process.execPath,
    ['esbuild.js', '--production', `--outfile=${path.join(tmp, 'extension.js')}`, `--metafile=${path.join(tmp, 'meta.json')}`],
    { cwd: root },
  );
  const meta = JSON.parse(fs.readFileSync(path.join(tmp, 'meta.json'), 'utf8')) as {
    outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
  };
  for (const [out, o] of Object.entries(meta.outputs)) {
    const by = new Map<string, number>();
    for (const [f, i] of Object.entries(o.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f);
      const k = m ? (m[1] ?? f) : f.startsWith('src/') ? f.split('/').slice(0, 2).join('/') : f;
      by.set(k, (by.get(k) ?? 0) + i.bytesInOutput);
    }
    const parts = [...by].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${kb(v)} KB`);
    composition.push(`${path.basename(out)} ${kb(o.bytes)} KB: ${parts.join(', ')}`);
  }
  add({
    name: 'dist/extension.js (loaded at startup)',
    value: kb(fs.statSync(path.join(tmp, 'extension.js')).size),
    unit: 'KB',
    budget: 150,
    baseline: 361,
    ratio: round(kb(fs.statSync(path.join(tmp, 'extension.js')).size) / 361, 2),
  });
  add({
    name: 'dist/features.js (builds, logs, commands, the HTTP layer and axios: loaded on first use)',
    value: kb(fs.statSync(path.join(tmp, 'features.js')).size),
    unit: 'KB',
    budget: null,
  });
  const startup = Object.entries(meta.outputs).find(([k]) => path.basename(k) === 'extension.js')?.[1];
  const httpAtStartup = Object.entries(startup?.inputs ?? {})
    .filter(([f]) => f.includes('node_modules/axios/') || f === 'src/api/http/httpClient.ts')
    .reduce((n, [, i]) => n + i.bytesInOutput, 0);
  add({ name: 'axios and the HTTP client in dist/extension.js', value: kb(httpAtStartup), unit: 'KB', budget: 0 });
}
const composition: string[] = [];

function vsixFigure(tmp: string): void {
  const out = path.join(tmp, 'bench.vsix');
  execFileSync(path.join(root, 'node_modules', '.bin', 'vsce'), ['package', '-o', out], { cwd: root, stdio: 'ignore' });
  const v = kb(fs.statSync(out).size);
  add({ name: '.vsix', value: v, unit: 'KB', budget: 250, baseline: 542, ratio: round(v / 542, 2) });
}

function loadFigures(tmp: string): void {
  const runs: {
    loadActivateMs: number;
    toStatusBarMs: number;
    featuresLoaded: boolean;
    firstUseMs: number;
    featuresLoadedByFirstUse: boolean;
    axiosRanByFirstUse: boolean;
  }[] = [];
  for (let i = 0; i < 11; i++) {
    const out = execFileSync(process.execPath, [path.join(__dirname, 'loadProbe.js'), path.join(tmp, 'extension.js')], {
      cwd: root,
    }).toString();
    runs.push(JSON.parse(out.trim().split('\n').pop() ?? '{}') as (typeof runs)[number]);
  }
  const la = stats(runs.map((r) => r.loadActivateMs));
  add({
    name: 'load bundle + activate() (fresh Node, vscode stub)',
    value: la.median,
    unit: 'ms',
    budget: 15,
    min: round(la.min),
    max: round(la.max),
    baseline: 56,
    ratio: round(la.median / 56, 2),
    note: `load average ${os.loadavg()[0]?.toFixed(1)}`,
  });
  const sbar = stats(runs.map((r) => r.toStatusBarMs));
  add({
    name: '… until the status bar shows the restored organization',
    value: sbar.median,
    unit: 'ms',
    budget: null,
    min: round(sbar.min),
    max: round(sbar.max),
  });
  add({
    name: 'features part (the HTTP layer with it) loaded at startup (runs of 11)',
    value: runs.filter((r) => r.featuresLoaded).length,
    unit: 'runs',
    budget: 0,
  });
  if (runs.some((r) => !r.featuresLoadedByFirstUse)) {
    throw new Error('the first command did not load dist/features.js: the probe measured nothing');
  }
  add({
    name: 'axios run by a first command that sends nothing (runs of 11)',
    value: runs.filter((r) => r.axiosRanByFirstUse).length,
    unit: 'runs',
    budget: 0,
  });
  const first = stats(runs.map((r) => r.firstUseMs));
  add({
    name: 'first use: a command loads and builds the features part',
    value: first.median,
    unit: 'ms',
    budget: null,
    min: round(first.min),
    max: round(first.max),
  });
}

// ---- 3, 8: polling cost and tokens, on a fake clock ------------------------------------------------------------------

interface World {
  sb: Sandbox;
  h: Harness;
  timers: FakeTime['timers'];
  builds: BuildService;
}

async function world(opts: { tokenLifetimeSec?: number } = {}): Promise<World> {
  const sb = await startSandbox({
    quiet: true,
    tokenLifetimeSec: opts.tokenLifetimeSec,
    builds: { speed: 0, timings: { waitMs: 0, runMs: 10 * 3600_000, completeMs: 0 } },
  });
  const { clock, timers } = fakeTime(Date.now());
  const h = makeHarness(sb, { clock });
  await h.session.signIn({ kind: 'pat', pat: DEMO_PAT });
  const builds = new BuildService({
    session: h.session,
    clock,
    logger: nullLogger,
    pollIntervalMs: () => 5000,
    gitRemotes: () => Promise.resolve([]),
  });
  return { sb, h, timers, builds };
}
async function close(w: World): Promise<void> {
  w.builds.dispose();
  w.h.dispose();
  await w.sb.stop();
}

/** Starts k long builds (they stay active for hours of fake time). */
async function startBuilds(w: World, k: number): Promise<string[]> {
  const p = (await w.builds.profiles()).value.find((x) => x.name === 'Acme Android');
  if (!p) {
    throw new Error('seed');
  }
  const [wf] = await w.builds.workflows(p.id);
  const [cfg] = await w.builds.configurations(p.id);
  const br = (await w.builds.branches(p.id)).value;
  const ids: string[] = [];
  for (let i = 0; i < k; i++) {
    const b = br[i % br.length];
    const [c] = await w.builds.commits(b?.id ?? '');
    ids.push(
      (
        await w.builds.startBuild({
          profileId: p.id,
          branchId: b?.id ?? '',
          commitId: c?.id ?? '',
          workflowId: wf?.id ?? '',
          configurationId: cfg?.id ?? '',
        })
      ).queueItemId,
    );
  }
  return ids;
}

/** Runs the fake clock for `ms`, letting each poll's HTTP exchange finish before the next timer. */
async function runFor(w: World, ms: number, onStep?: () => void): Promise<void> {
  const end = w.timers.now + ms;
  while (runNextDue(w.timers, end)) {
    await settle(w);
    onStep?.();
  }
  w.timers.tick(end - w.timers.now); // nothing is due by then: time only moves
}
async function settle(w: World): Promise<void> {
  for (let i = 0; i < 2000 && w.builds.scheduler.current === 'polling'; i++) {
    await new Promise((r) => setTimeout(r, 1));
  }
  await new Promise((r) => setImmediate(r));
}

async function pollingFigures(): Promise<void> {
  for (const k of [1, 5, 20]) {
    const w = await world();
    try {
      const ids = await startBuilds(w, k);
      const watch = w.builds.scheduler.watch();
      w.builds.scheduler.pokeNow();
      await settle(w);
      const before = w.sb.requests.length;
      await runFor(w, 60_000);
      const ours = w.sb.requests.length - before;
      // baseline: the official CLI's strategy, each build's queue item on its own every 3 s, same sandbox, same minute
      const api = new BuildsApi(new ApiClient({ baseUrl: w.sb.apiUrl, getToken: () => w.h.session.getAccessToken() }));
      const b0 = w.sb.requests.length;
      for (let t = 0; t < 60_000; t += 3000) {
        await Promise.all(ids.map((id) => api.queueItem(id)));
      }
      const baseline = w.sb.requests.length - b0;
      add({
        name: `polling, ${k} active build${k > 1 ? 's' : ''}`,
        value: ours,
        unit: 'req/min',
        budget: k >= 5 ? baseline / k : baseline,
        baseline,
        ratio: round(ours / baseline, 3),
      });
      if (k === 5) {
        w.builds.scheduler.setBackground(true);
        const bg0 = w.sb.requests.length;
        await runFor(w, 60_000);
        const bg = w.sb.requests.length - bg0;
        add({
          name: 'polling, 5 active builds, window in the background',
          value: bg,
          unit: 'req/min',
          budget: null,
          baseline: ours,
          ratio: round(bg / ours, 3),
          note: `${round(ours / Math.max(bg, 1e-9))}× slower`,
        });
        w.builds.scheduler.setBackground(false);
      }
      watch.dispose();
    } finally {
      await close(w);
    }
  }
  // nothing active, no view visible: nothing is polled
  const w = await world();
  try {
    const before = w.sb.requests.length;
    await runFor(w, 60_000);
    add({ name: 'polling, nothing active, no view visible', value: w.sb.requests.length - before, unit: 'req/min', budget: 0 });
  } finally {
    await close(w);
  }
}

async function tokenFigures(): Promise<void> {
  for (const [sec, budget] of [
    [300, 15],
    [3600, 2],
  ] as const) {
    const w = await world({ tokenLifetimeSec: sec });
    try {
      await startBuilds(w, 1);
      const watch = w.builds.scheduler.watch();
      w.builds.scheduler.pokeNow();
      await settle(w);
      const tokens = () => w.sb.requests.filter((r) => /\/token$/.test(r.path)).length;
      const t0 = tokens();
      await runFor(w, 3600_000);
      add({
        name: `token exchanges per hour of polling, ${sec / 60}-minute tokens`,
        value: tokens() - t0,
        unit: 'per hour',
        budget,
        note: 'renewal rule: src/core/session/tokens.ts',
      });
      watch.dispose();
    } finally {
      await close(w);
    }
  }
}

async function heapHourFigure(): Promise<void> {
  const w = await world();
  try {
    await startBuilds(w, 20);
    const watch = w.builds.scheduler.watch();
    w.builds.scheduler.pokeNow();
    await settle(w);
    const samples: number[] = [];
    const sample = () => {
      global.gc?.();
      samples.push(process.memoryUsage().heapUsed);
    };
    sample();
    for (let i = 0; i < 12; i++) {
      await runFor(w, 5 * 60_000);
      sample();
    }
    const growth = mb((samples[samples.length - 1] ?? 0) - (samples[0] ?? 0));
    // trend after the first minutes: second half's growth
    const half = mb((samples[samples.length - 1] ?? 0) - (samples[6] ?? 0));
    add({ name: 'heap growth, an hour of polling 20 builds (fake timers)', value: growth, unit: 'MB', budget: 30 });
    add({ name: '… of which the second half hour (trend)', value: half, unit: 'MB', budget: 1 });
    watch.dispose();
  } finally {
    await close(w);
  }
}

// ---- output --------------------------------------------------------------------------------------------------------

function print(): void {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\nAppcircle for VS Code: performance\n${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${new Date().toISOString()}\n`,
  );
  const rows = results.map((r) => [
    r.name,
    `${r.value}${r.min !== undefined ? ` (${r.min}–${r.max})` : ''} ${r.unit}`,
    r.budget === null ? '—' : `≤ ${round(r.budget, 2)}`,
    r.pass === null ? 'measured' : r.pass ? 'pass' : 'FAIL',
    r.baseline === undefined ? '' : String(r.baseline),
    r.ratio === undefined ? '' : String(r.ratio),
    r.note ?? '',
  ]);
  const head = ['figure', 'value (min–max)', 'budget', '', 'baseline', 'ratio', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  rows.forEach((r) => console.log(line(r)));
  console.log(`\nBundle composition (esbuild metafile):\n  ${composition.join('\n  ')}`);
  // a partial run (--only) prints its figures but leaves the committed results alone
  if (process.argv.some((a) => a.startsWith('--only='))) {
    return;
  }
  fs.writeFileSync(
    path.join(root, 'bench', 'results.json'),
    `${JSON.stringify({ machine: { cpu, cores: os.cpus().length, node: process.version }, date: new Date().toISOString(), results }, null, 2)}\n`,
  );
}

/**
 * `--only a,b` runs only those groups (to iterate on one figure):
 * bundle, vsix, load, polling, tokens, heap, detection, journeys, log, adversarial, scale, upload, stream.
 */
function wanted(group: string): boolean {
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  return !only || only.split(',').includes(group);
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'appcircle-bench-'));
  try {
    if (wanted('bundle') || wanted('load')) {
      bundleFigures(tmp);
    }
    if (!process.argv.includes('--quick') && wanted('vsix')) {
      vsixFigure(tmp);
    }
    if (wanted('load')) {
      loadFigures(tmp);
    }
    const steps: [string, () => Promise<void>][] = [
      ['polling', pollingFigures],
      ['tokens', tokenFigures],
      ['heap', heapHourFigure],
      ['detection', () => detectionFigure(add)],
      ['journeys', () => journeyFigures(add)],
      ['log', () => bigLogFigures(add)],
      ['adversarial', () => Promise.resolve(adversarialFigure(add))],
      ['scale', () => scaleFigures(add)],
      ['upload', () => distributionFigure(add)],
      ['stream', () => streamFigures(add)],
    ];
    for (const [group, run] of steps) {
      if (wanted(group)) {
        await run();
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  print();
  process.exit(0);
}

void main();
