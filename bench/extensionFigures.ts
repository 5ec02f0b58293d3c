/**
 * Figures measured on the whole extension, booted on the vscode fake against an in-process sandbox as the UI tests
 * do (test/unit/ui/harness.ts bootExtension): detection latency with the real scheduler and timers, requests per
 * journey from the sandbox's request log, a 50 MB followed log, and the trees at scale. Numbers only; the tests
 * check behaviour.
 */
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { DEMO_PAT, QA_ORG_ID } from '../sandbox/fixtures';
import { startSandbox } from '../sandbox/server';
import type { Sandbox } from '../sandbox/server';
import type { ApiClient } from '../src/api/http/httpClient';
import { logUri } from '../src/ui/logs/logUri';
import type { BranchNode, ProfileNode } from '../src/ui/tree/nodes';
import { LoadMoreNode } from '../src/ui/tree/nodes';
import { fake, fakeEvents10 } from '../test/unit/fakes/vscodeFake';
import { bootExtension, nodeLabel as label, pollOnce, treeChild } from '../test/unit/ui/harness';
import type { UiHarness } from '../test/unit/ui/harness';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  budget: number | null;
  pass?: boolean | null;
  min?: number;
  max?: number;
  note?: string;
}
export type Add = (f: Figure) => void;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
async function until(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) {
      throw new Error(`bench: timed out waiting for ${what}`);
    }
    await sleep(1);
  }
}
function stats(xs: number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return { median: s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2, min: s[0] ?? 0, max: s[s.length - 1] ?? 0 };
}
const r1 = (n: number) => Math.round(n * 10) / 10;
/** The extension's tree providers (VS Code reaches them through the forwarders registered at activation). */
const trees = (h: UiHarness) => ({ builds: h.ext.features.buildsTree, active: h.ext.features.activeTree });
const child = treeChild;
/** What a request log slice says, for the note: `GET /build/v2/profiles, …`. */
const paths = (sb: Sandbox, from: number, to = sb.requests.length) =>
  sb.requests
    .slice(from, to)
    .map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{id}')}`)
    .join(', ');
const isStartPost = (r: Sandbox['requests'][number]) => r.method === 'POST' && r.path.startsWith('/build/v2/commits/');

/** Waits until no request has reached the sandbox for `quietMs` (what the journey set off has landed). */
async function quiet(sb: Sandbox, quietMs = 150): Promise<void> {
  let n = -1;
  while (n !== sb.requests.length) {
    n = sb.requests.length;
    await sleep(quietMs);
  }
}

// ---- 5: requests per journey ----------------------------------------------------------------------------------------

export async function journeyFigures(add: Add): Promise<void> {
  const h = await bootExtension();
  try {
    const { builds: tree, active } = trees(h);
    // sign-in → organization in the status bar → profiles in the tree (both views render, as they do when visible)
    let n0 = h.sb.requests.length;
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    await until(() => h.statusBar().text.includes('Acme Mobile'), 'the organization in the status bar');
    active.getChildren();
    const roots = await tree.getChildren();
    if (!roots.some((n) => label(n) === 'Acme iOS')) {
      throw new Error('bench: profiles not in the tree');
    }
    await quiet(h.sb);
    add({
      name: 'requests: sign-in → organization in status bar → profiles in tree',
      value: h.sb.requests.length - n0,
      unit: 'requests',
      budget: 4,
      note: paths(h.sb, n0),
    });

    // start a build from a branch node, workflow and configuration chosen: requests before the POST
    const demo = await child<ProfileNode>(tree, undefined, 'Appcircle VS Code Demo');
    const develop = await child<BranchNode>(tree, demo, 'develop');
    await quiet(h.sb);
    n0 = h.sb.requests.length;
    fake.pickAnswers.push(
      (i) => i[0],
      (i) => i[0],
      (i) => i[0],
    );
    await h.run('appcircle.startBuild', develop);
    fake.pickAnswers = [];
    const post = h.sb.requests.findIndex((r, i) => i >= n0 && isStartPost(r));
    if (post < 0) {
      throw new Error('bench: the build was not started');
    }
    add({
      name: 'requests before the POST: Start Build on a branch node',
      value: post - n0,
      unit: 'requests',
      budget: 3,
      note: paths(h.sb, n0, post),
    });

    // the Distribution view opened (Testing Distribution open, the store closed) and one profile expanded
    await quiet(h.sb);
    n0 = h.sb.requests.length;
    const dist = h.ext.features.distribution.tree;
    const [testing] = await dist.getChildren();
    const tdProfiles = testing ? await dist.getChildren(testing) : [];
    const firstProfile = tdProfiles[0];
    if (!firstProfile) {
      throw new Error('bench: no Testing Distribution profile');
    }
    await dist.getChildren(firstProfile);
    await quiet(h.sb);
    add({
      name: 'requests: open the Distribution view and expand a profile',
      value: h.sb.requests.length - n0,
      unit: 'requests',
      budget: 2,
      note: paths(h.sb, n0),
    });

    // Send to Testing Distribution from a finished build: the requests besides the upload itself and the task polls
    const android = await child<ProfileNode>(tree, undefined, 'Acme Android');
    const androidMain = await child<BranchNode>(tree, android, 'main');
    const done = (await tree.getChildren(androidMain)).find((n) => /\bsucceeded\b/.test(String(n.getTreeItem().contextValue)));
    if (!done) {
      throw new Error('bench: no succeeded build to send');
    }
    await quiet(h.sb);
    n0 = h.sb.requests.length;
    fake.pickAnswers.push((i) => i.find((x) => x.label === 'Acme Android Beta'));
    fake.inputAnswers.push('Bench notes');
    await h.run('appcircle.sendToTestingDistribution', done);
    await quiet(h.sb);
    // the send's own requests (the build's artifacts, the profiles, the version made, the group names), not the
    // queue polls or the signing-expiry check that run meanwhile, and not the signed-URL upload itself (U1 where to,
    // U2 the bytes, U3 commit: one piece in every official client) or the task polls
    const upload = (r: { path: string; query: Record<string, string> }) =>
      /\/app-versions$/.test(r.path) && ['uploadInformation', 'commitFileUpload'].includes(r.query.action ?? '');
    const sent = h.sb.requests
      .slice(n0)
      .filter((r) => r.host !== 'upload' && (r.path.includes('/distribution/') || /\/builds\/[^/]+$/.test(r.path)));
    const sendRequests = sent.filter((r) => !upload(r));
    const shown = (rs: typeof sent) => rs.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, '{id}')}`).join(', ');
    add({
      name: 'requests: Send to Testing Distribution from a finished build, besides the upload and the task polls',
      value: sendRequests.length,
      unit: 'requests',
      budget: 4,
      note: `${shown(sendRequests)}; the upload: ${shown(sent.filter(upload))}`,
    });

    // switch organization and re-render both views
    await quiet(h.sb);
    n0 = h.sb.requests.length;
    await h.run('appcircle.selectOrganization', { organizationId: QA_ORG_ID });
    await until(() => h.statusBar().text.includes('Acme QA'), 'the new organization in the status bar');
    active.getChildren();
    const qa = await tree.getChildren();
    if (!qa.some((n) => /QA/.test(label(n)))) {
      throw new Error('bench: the QA profiles not in the tree');
    }
    await quiet(h.sb);
    add({
      name: 'requests: switch organization and re-render',
      value: h.sb.requests.length - n0,
      unit: 'requests',
      budget: 3,
      note: paths(h.sb, n0),
    });
  } finally {
    await h.dispose();
  }
}

// ---- 4: detection latency, real scheduler and timers -----------------------------------------------------------------

export async function detectionFigure(add: Add, runs = 7): Promise<void> {
  const intervalSec = 2; // the shortest the setting allows
  const sb = await startSandbox({ quiet: true, builds: { speed: 0, timings: { waitMs: 0, runMs: 3600_000, completeMs: 0 } } });
  const h = await bootExtension({ sb });
  try {
    fake.configuration.set('appcircle.builds.pollInterval', intervalSec);
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    const { builds: tree } = trees(h);
    const demo = await child<ProfileNode>(tree, undefined, 'Appcircle VS Code Demo');
    const develop = await child<BranchNode>(tree, demo, 'develop');
    const succeeded = () => fake.messages.filter((m) => /build succeeded/i.test(m.message)).length;
    const latencies: number[] = [];
    for (let i = 0; i < runs; i++) {
      fake.pickAnswers.push(
        (x) => x[0],
        (x) => x[0],
        (x) => x[0],
      );
      const seen = new Promise<void>((resolve) => {
        const d = h.ext.builds.onDidPoll((t) => {
          if (t.activeIds.size > 0) {
            d.dispose();
            resolve();
          }
        });
      });
      await h.run('appcircle.startBuild', develop);
      fake.pickAnswers = [];
      await seen; // a tick saw it running: the scheduler is on its interval now
      // finish it at a different phase of the interval each run
      await sleep(((i + 0.5) / runs) * intervalSec * 1000);
      const before = succeeded();
      sb.world.advance(3600_000 + 1000);
      const t0 = performance.now();
      await until(() => succeeded() > before, 'the finished notification', intervalSec * 1000 * 5);
      latencies.push(performance.now() - t0);
      await quiet(sb, 50);
    }
    const s = stats(latencies);
    const budget = intervalSec * 1000 + 100;
    add({
      name: `detection latency: build finished → notification (interval ${intervalSec} s)`,
      value: s.median,
      unit: 'ms',
      budget,
      min: r1(s.min),
      max: r1(s.max),
      pass: s.max <= budget,
      note: `budget on the max of ${runs}`,
    });
  } finally {
    await h.dispose();
    await sb.stop();
  }
}

// ---- 6: a 50 MB log followed while it grows --------------------------------------------------------------------------

export async function bigLogFigures(add: Add): Promise<void> {
  // ~64 bytes a line: 800,000 lines ≈ 50 MB, written over 100 s of the sandbox's (frozen) clock
  const lines = 800_000;
  const runMs = 100_000;
  const sb = await startSandbox({ quiet: true, builds: { speed: 0, timings: { waitMs: 0, runMs, completeMs: 0 }, logLines: lines } });
  const h = await bootExtension({ sb });
  try {
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    const { builds: tree } = trees(h);
    const demo = await child<ProfileNode>(tree, undefined, 'Appcircle VS Code Demo');
    const develop = await child<BranchNode>(tree, demo, 'develop');
    fake.pickAnswers.push(
      (x) => x[0],
      (x) => x[0],
      (x) => x[0],
    );
    const started = await h.run<{ queueItemId: string }>('appcircle.startBuild', develop);
    fake.pickAnswers = [];
    if (!started) {
      throw new Error('bench: no build');
    }
    sb.world.advance(1000); // 1 % of the log is out
    const provider = h.ext.features.logs;
    const uri = logUri({
      profileName: 'Appcircle VS Code Demo',
      branchName: 'develop',
      queueItemId: started.queueItemId,
      label: 'Build big',
    });
    await quiet(sb);
    global.gc?.();
    const base = process.memoryUsage();
    let peakHeap = 0;
    let peakExternal = 0;
    // live heap: a full GC before each sample (every 25 ms), so garbage that V8 has not collected yet does not count
    const sample = () => {
      global.gc?.();
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed - base.heapUsed);
      peakExternal = Math.max(peakExternal, m.external + m.arrayBuffers - base.external - base.arrayBuffers);
    };
    const t0 = performance.now();
    const doc = await vscode.workspace.openTextDocument(uri);
    const firstScreen = performance.now() - t0;
    if (!/compiling module/.test(doc.getText())) {
      throw new Error('bench: the log has no text');
    }
    const sampler = setInterval(sample, 25);
    // follow it: each step writes 10 % more of the log, then one poll tick reads what is new
    const tFollow = performance.now();
    let file: string | undefined;
    for (let step = 0; step < 11; step++) {
      sb.world.advance(runMs / 10);
      await pollOnce(h, () => provider.settled());
      sample();
      file = provider.fileOf(uri) ?? file;
    }
    const followMs = performance.now() - tFollow;
    clearInterval(sampler);
    // the finished build's whole log opened afresh (a new document): it goes to a file, which opens from disk
    const q = await h.ext.builds.queueItem(started.queueItemId);
    const finishedUri = logUri({
      profileName: 'Appcircle VS Code Demo',
      branchName: 'develop',
      commitId: q.commitId,
      buildId: q.buildId,
      label: 'Build big finished',
    });
    const shown = fake.shownDocuments.length;
    const t2 = performance.now();
    // as Show Build Log does: the document opens, then its editor becomes the active one
    const finishedDoc = await vscode.workspace.openTextDocument(finishedUri);
    fakeEvents10.activeEditorChange.fire({ document: finishedDoc });
    await until(() => fake.shownDocuments.length > shown, 'the file editor', 60_000);
    const finishedOpen = performance.now() - t2;
    await provider.downloaded(finishedUri);
    const finishedWhole = performance.now() - t2;
    const size = file ? (await import('node:fs')).statSync(file).size : doc.getText().length;
    const mbOf = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
    add({
      name: 'a 50 MB log: time to the first screen of text',
      value: r1(firstScreen),
      unit: 'ms',
      budget: null,
      note: 'a running build, 1 % of its log out',
    });
    add({
      name: 'a finished 50 MB log: until its file opens in an editor',
      value: r1(finishedOpen),
      unit: 'ms',
      budget: null,
      note: 'the file opens once the log passes the threshold; the rest streams into it',
    });
    add({
      name: '… until the whole finished log is in its file',
      value: r1(finishedWhole),
      unit: 'ms',
      budget: null,
    });
    add({
      name: 'a 50 MB log: peak heap growth while following it',
      value: mbOf(peakHeap),
      unit: 'MB',
      budget: 10,
      note: `log ${mbOf(size)} MB on disk, read in ${r1(followMs / 1000)} s; peak Buffers ${mbOf(peakExternal)} MB; threshold 5 MB`,
    });
  } finally {
    await h.dispose();
    await sb.stop();
  }
}

// ---- 7: the trees at scale -------------------------------------------------------------------------------------------

export async function scaleFigures(add: Add, runs = 7): Promise<void> {
  const sb = await startSandbox({ quiet: true, largeSeed: { profiles: 1000, buildsOnBranch: 10_000 }, builds: { speed: 0 } });
  const h: UiHarness = await bootExtension({ sb });
  try {
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    const { builds: tree } = trees(h);
    // the moment each API answer (parsed) reaches the service: "after the response arrives" starts there
    let answered = 0;
    const session = h.ext.session;
    const request = session.request.bind(session);
    session.request = async <T>(fn: (client: ApiClient) => Promise<T>): Promise<T> => {
      const v = await request(fn);
      answered = performance.now();
      return v;
    };
    const rootTimes: number[] = [];
    const rootCold: number[] = [];
    let count = 0;
    for (let i = 0; i < runs; i++) {
      h.ext.builds.refresh({ kind: 'profiles' });
      const t0 = performance.now();
      const roots = await tree.getChildren();
      roots.forEach((n) => tree.getTreeItem(n));
      const t1 = performance.now();
      rootCold.push(t1 - t0);
      rootTimes.push(t1 - answered);
      count = roots.length;
    }
    const rs = stats(rootTimes);
    const rc = stats(rootCold);
    add({
      name: `${count} profiles: root getChildren + every getTreeItem, after the response`,
      value: rs.median,
      unit: 'ms',
      budget: 50,
      min: r1(rs.min),
      max: r1(rs.max),
      note: `with the request: ${r1(rc.median)} ms (${r1(rc.min)}–${r1(rc.max)})`,
    });

    const bulk = await child<ProfileNode>(tree, undefined, 'Bulk History');
    const main = await child<BranchNode>(tree, bulk, 'main');
    const first: number[] = [];
    const more: number[] = [];
    for (let i = 0; i < runs; i++) {
      h.ext.builds.refresh({ kind: 'builds', profileId: bulk.profile.id, branchId: main.branch.id });
      const page1 = await tree.getChildren(main);
      page1.forEach((n) => tree.getTreeItem(n));
      first.push(performance.now() - answered);
    }
    // then Load more, clicked `runs` times in a row (each shows 20 more)
    for (let i = 0; i < runs; i++) {
      const loadMore = (await tree.getChildren(main)).find((n): n is LoadMoreNode => n instanceof LoadMoreNode);
      if (!loadMore) {
        throw new Error('bench: no Load more');
      }
      const t0 = performance.now();
      await h.run('appcircle.loadMore', loadMore);
      const page = await tree.getChildren(main);
      page.forEach((n) => tree.getTreeItem(n));
      more.push(performance.now() - t0);
    }
    const f = stats(first);
    const m = stats(more);
    add({
      name: 'a 10,000-build branch: first page, after the response',
      value: f.median,
      unit: 'ms',
      budget: 20,
      min: r1(f.min),
      max: r1(f.max),
    });
    add({ name: 'a 10,000-build branch: Load more', value: m.median, unit: 'ms', budget: 20, min: r1(m.min), max: r1(m.max) });
  } finally {
    await h.dispose();
    await sb.stop();
  }
}
