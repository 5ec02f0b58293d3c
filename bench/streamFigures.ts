/**
 * Followed logs over the hook service's stream, the whole extension on the vscode fake against the
 * in-process sandbox with its hook origin (`appcircle.hookUrl` = `sb.hookUrl`), as test/unit/ui/streamFollow.test.ts
 * boots it. The build clock is the sandbox's virtual one (advanced here); the extension's timers are real.
 */
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { DEMO_PAT } from '../sandbox/fixtures';
import { Settings } from '../src/platform/settings';
import { logUri } from '../src/ui/logs/logUri';
import type { BranchNode, ProfileNode } from '../src/ui/tree/nodes';
import { fake } from '../test/unit/fakes/vscodeFake';
import type { FakeTextDocument } from '../test/unit/fakes/vscodeFake';
import { bootExtension, treeChild } from '../test/unit/ui/harness';
import type { UiHarness } from '../test/unit/ui/harness';
import type { Add } from './extensionFigures';

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
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return { median: s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2, min: s[0] ?? 0, max: s.at(-1) ?? 0 };
};
const r1 = (n: number) => Math.round(n * 10) / 10;
const isLogRead = (r: { path: string }) => r.path.startsWith('/build/v1/queue/logs/') || r.path.endsWith('/logs');
const streamedCount = (h: UiHarness) => h.logLines().filter((l) => l.endsWith('is followed over the stream')).length;

/** A signed-in extension with the hook URL set, and `n` running builds on develop with their logs open. */
async function followed(n: number, runMs = 600_000): Promise<{ h: UiHarness; docs: FakeTextDocument[] }> {
  const h = await bootExtension();
  fake.configuration.set('appcircle.hookUrl', h.sb.hookUrl);
  await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
  h.sb.setBuildTimings({ waitMs: 500, runMs, completeMs: 500, logLines: 20_000 });
  const tree = h.ext.features.buildsTree;
  const demo = await treeChild<ProfileNode>(tree, undefined, 'Appcircle VS Code Demo');
  const develop = await treeChild<BranchNode>(tree, demo, 'develop');
  const docs: FakeTextDocument[] = [];
  for (let i = 0; i < n; i++) {
    fake.pickAnswers.push(
      (x) => x[0],
      (x) => x[0],
    );
    const s = await h.run<{ queueItemId: string }>('appcircle.startBuild', develop);
    if (!s) {
      throw new Error('bench: no build started');
    }
    const uri = logUri({ profileName: 'Appcircle VS Code Demo', branchName: 'develop', queueItemId: s.queueItemId, label: `Build ${i}` });
    docs.push((await vscode.workspace.openTextDocument(uri)) as unknown as FakeTextDocument);
  }
  h.sb.clock.advance(2_000);
  await until(() => streamedCount(h) === n, `${n} builds followed over the stream`);
  return { h, docs };
}

/** A minute of a streamed build: the build clock a second at a time, a poll tick every poll interval (5 s). */
async function requestsPerMinute(add: Add): Promise<void> {
  const { h } = await followed(1);
  try {
    const reads = h.sb.requests.filter(isLogRead).length;
    const ticks = h.ext.builds.scheduler.ticks;
    for (let s = 1; s <= 60; s++) {
      h.sb.clock.advance(1_000);
      if (s % 5 === 0) {
        h.ext.builds.pollNow();
      }
      await sleep(5);
    }
    add({
      name: 'followed log over the stream: log requests per minute',
      value: h.sb.requests.filter(isLogRead).length - reads,
      unit: 'req/min',
      budget: 0,
      note: `a minute of build clock, ${h.ext.builds.scheduler.ticks - ticks} status polls; the stream itself aside`,
    });
  } finally {
    await h.dispose();
  }
}

/** The sandbox writes new lines (its clock moves): how long until they are in the document. */
async function writeToDocument(add: Add): Promise<void> {
  const { h, docs } = await followed(1);
  const doc = docs[0];
  try {
    const times: number[] = [];
    for (let i = 0; i < 30 && doc; i++) {
      await sleep(20);
      const before = doc.getText().length;
      const t0 = performance.now();
      h.sb.clock.advance(1_000);
      await until(() => doc.getText().length > before, 'the streamed lines in the document', 5_000);
      times.push(performance.now() - t0);
    }
    const st = median(times);
    add({
      name: 'followed log over the stream: server write → text in the document, median',
      value: r1(st.median),
      unit: 'ms',
      budget: 250,
      min: r1(st.min),
      max: r1(st.max),
      note: `${times.length} writes; polling: up to the poll interval (5 s)`,
    });
  } finally {
    await h.dispose();
  }
}

/** The stream drops mid-build: how long until the log is read by polling again. */
async function lostToPolling(add: Add): Promise<void> {
  const { h } = await followed(1);
  try {
    const interval = new Settings().pollIntervalMs();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await until(() => h.sb.hooks.connections === 1 && h.ext.features.logStream.connections === 1, 'the stream back', 15_000);
      await sleep(50);
      const reads = h.sb.requests.filter(isLogRead).length;
      h.sb.setHookFaults({ dropAfterFrames: 1 });
      const t0 = performance.now();
      h.sb.clock.advance(1_000);
      await until(() => h.sb.requests.filter(isLogRead).length > reads, 'a polled log read', 15_000);
      times.push(performance.now() - t0);
      h.sb.setHookFaults({});
    }
    const st = median(times);
    add({
      name: 'followed log: stream lost → polling resumes within',
      value: r1(st.max),
      unit: 'ms',
      budget: interval + 1_000,
      min: r1(st.min),
      max: r1(st.max),
      note: `the slowest of ${times.length} drops (median ${r1(st.median)} ms); budget = the poll interval + 1 s`,
    });
  } finally {
    await h.dispose();
  }
}

/** 1, 5 and 20 followed builds: connections to the hook service. */
async function connections(add: Add): Promise<void> {
  const seen: string[] = [];
  let most = 0;
  for (const n of [1, 5, 20]) {
    const { h } = await followed(n);
    try {
      most = Math.max(most, h.sb.hooks.connectionsOpened);
      seen.push(`${n}: ${h.sb.hooks.connectionsOpened}`);
    } finally {
      await h.dispose();
    }
  }
  add({
    name: 'followed logs over one stream: 1 / 5 / 20 builds, connections',
    value: most,
    unit: 'connections',
    budget: 1,
    note: `connections opened, per number of builds: ${seen.join(', ')}`,
  });
}

export async function streamFigures(add: Add): Promise<void> {
  await requestsPerMinute(add);
  await writeToDocument(add);
  await lostToPolling(add);
  await connections(add);
}
