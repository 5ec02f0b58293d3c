/**
 * npm run bench — speed and memory numbers against the sandbox (never asserted in tests):
 *  - 1,000 build profiles: first load of the tree root;
 *  - a branch with 10,000 builds: first page, and Load more from the cache;
 *  - polling cost: HTTP requests per tick with K = 1, 10, 50 active builds;
 *  - a 20 MB build log: fetch time and heap growth.
 * Writes test-results/bench.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEMO_PAT } from '../sandbox/fixtures';
import { startSandbox } from '../sandbox/server';
import { BuildService } from '../src/core/buildService';
import { nullLogger } from '../src/core/ports';
import type { Clock } from '../src/core/ports';

/** The bench drives ticks itself: the scheduler's own timers never fire. */
const manualClock: Clock = { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => undefined };
import { makeHarness } from '../test/unit/core/helpers';

const results: Record<string, number | string> = {};
const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

async function main(): Promise<void> {
  const sb = await startSandbox({ quiet: true, builds: { speed: 0, largeSeed: { profiles: 1000, buildsOnBranch: 10_000 } } });
  const h = makeHarness(sb);
  await h.session.signIn({ kind: 'pat', pat: DEMO_PAT });
  const builds = new BuildService({ session: h.session, clock: manualClock, logger: nullLogger, pollIntervalMs: () => 5000, gitRemotes: () => Promise.resolve([]) });

  let t = process.hrtime.bigint();
  const profiles = (await builds.profiles()).value;
  results['profiles: count'] = profiles.length;
  results['profiles: first load (ms)'] = Math.round(ms(t));
  t = process.hrtime.bigint();
  await builds.profiles();
  results['profiles: cached load (ms)'] = Math.round(ms(t) * 100) / 100;

  const bulk = profiles.find((p) => p.name === 'Bulk History');
  if (!bulk) {
    throw new Error('large seed missing');
  }
  const branch = (await builds.branches(bulk.id)).value[0];
  if (!branch) {
    throw new Error('branch missing');
  }
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  t = process.hrtime.bigint();
  const page = await builds.builds(bulk.id, branch.id);
  results['10,000-build branch: first page (ms)'] = Math.round(ms(t));
  results['10,000-build branch: nodes shown'] = page.items.length;
  t = process.hrtime.bigint();
  builds.loadMore(bulk.id, branch.id);
  await builds.builds(bulk.id, branch.id);
  results['10,000-build branch: Load more (ms)'] = Math.round(ms(t) * 100) / 100;
  global.gc?.();
  results['10,000-build branch: heap held (MB)'] = mb(process.memoryUsage().heapUsed - heap0);

  // polling cost with K active builds: requests per tick
  const p = profiles.find((x) => x.name === 'Acme Android');
  if (!p) {
    throw new Error('profile missing');
  }
  const [wf] = await builds.workflows(p.id);
  const [cfg] = await builds.configurations(p.id);
  const br = (await builds.branches(p.id)).value;
  let started = 0;
  for (const k of [1, 10, 50]) {
    while (started < k) {
      const b = br[started % br.length];
      if (!b || !wf || !cfg) {
        throw new Error('seed missing');
      }
      const [c] = await builds.commits(b.id);
      await builds.startBuild({ profileId: p.id, branchId: b.id, commitId: c?.id ?? '', workflowId: wf.id, configurationId: cfg.id });
      started++;
    }
    const before = sb.requests.length;
    const ticks = 5;
    for (let i = 0; i < ticks; i++) {
      await (builds as unknown as { pollQueue(): Promise<unknown> }).pollQueue();
    }
    results[`polling: requests per tick with ${k} active builds`] = (sb.requests.length - before) / ticks;
  }

  // a 20 MB log
  sb.world.logLinesOverride = 420_000;
  const b0 = br[0];
  if (!b0 || !wf || !cfg) {
    throw new Error('seed missing');
  }
  const [c0] = await builds.commits(b0.id);
  const s = await builds.startBuild({ profileId: p.id, branchId: b0.id, commitId: c0?.id ?? '', workflowId: wf.id, configurationId: cfg.id });
  sb.world.advance(120_000);
  const q = await builds.queueItem(s.queueItemId);
  global.gc?.();
  const heap1 = process.memoryUsage().heapUsed;
  let peak = heap1;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
  t = process.hrtime.bigint();
  const text = await builds.logText(q.commitId ?? '', q.buildId ?? '');
  results['20 MB log: fetch (ms)'] = Math.round(ms(t));
  clearInterval(sampler);
  global.gc?.();
  results['20 MB log: size (MB)'] = mb(text?.length ?? 0);
  results['20 MB log: heap retained with the text (MB)'] = mb(process.memoryUsage().heapUsed - heap1);
  results['20 MB log: heap peak while fetching (MB)'] = mb(peak - heap1);

  builds.dispose();
  h.dispose();
  await sb.stop();
  const width = Math.max(...Object.keys(results).map((k) => k.length));
  for (const [k, v] of Object.entries(results)) {
    console.log(`${k.padEnd(width)}  ${v}`);
  }
  const out = path.resolve(__dirname, '..', '..', 'test-results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'bench.json'), JSON.stringify(results, null, 2));
}

void main();
