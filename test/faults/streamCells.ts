/**
 * Fault-matrix cells for live build logs over the hook service's Server-Sent Events stream: each cell follows a
 * running sandbox build through the whole extension on the vscode fake (followHelpers.ts, as streamFollow.test.ts
 * does) with one stream fault: L1 or L2 refused, the service absent (its connections closed, a 404, connection
 * refused), L3 failing twice (tried again: still streamed) or every time (polled), the stream dropped, duplicated
 * or reordered frames, a stall past the idle timeout, a stream that never sends, and hostile payloads (control
 * characters, OSC 8 links, `$(icon)` syntax, a line over the message limit and one over the frame limit in the
 * build's own log; frames whose messageIndex is not a number, or is huge). Every cell asserts: the document ends as
 * the sandbox's plain log (no gap, no duplicate), the output log says which way the log was followed, no
 * connection left (the client's and the sandbox's) once the build ended and once the extension stopped, no sandbox
 * timer held, and no secret (the access token, the PAT, a hook token) nor a control character in any output log
 * line. The runner bounds each cell (30 s). Group "log stream", column SSE.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { DEMO_PAT } from '../../sandbox/fixtures';
import type { HookFaults } from '../../sandbox/hooks';
import type { Sandbox } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import type { UiHarness } from '../unit/ui/harness';
import { waitUntil } from '../unit/ui/harness';
import {
  STREAM_TIMINGS,
  assertWholeLog,
  bootFollowing,
  followedLines,
  isLogRead,
  openLog,
  runToEnd,
  startOnDevelop,
} from '../unit/ui/followHelpers';
import type { LocalCell } from './localCells';

const GROUP = 'log stream';
const OP = 'SSE';
/** The client's idle timeout in these cells (the real one is 20 s): a stall is noticed within a cell's time (the
 * sandbox sends a keep-alive every 100 ms, so a healthy stream is never idle that long). */
const IDLE_MS = 600;
const E = '\x1b';
const HOOK_TOKEN = /hook_[0-9a-f]{20,}/;
/** C0 controls but tab and line feed, DEL, C1 controls: none belongs in an output log line. */
// eslint-disable-next-line no-control-regex -- the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

interface StreamCase {
  label: string;
  /** Hook faults set before the build starts. */
  faults?: HookFaults;
  /** `appcircle.hookUrl` (default the sandbox's hook service). */
  hookUrl?(sb: Sandbox): Promise<string> | string;
  /** Live body line `j` of the build as the sandbox writes it (plain log and stream alike). */
  bodyLine?: (j: number, line: string) => string;
  /** After step `i` of the build clock (0-13). */
  during?(h: UiHarness, queueItemId: string, i: number): Promise<void>;
  /**
   * Frames written as they are on the open stream among the build's own: once it is subscribed and before its
   * first message (a frame taken for message 1 would show), and again mid-stream.
   */
  inject?(taskId: string): string[];
  /** What the output log says about the way the log is followed. */
  said: RegExp;
  /** Said before the build clock runs (a refusal: L1 is tried three times, with backoff, before it counts). */
  saidFirst?: boolean;
  /** Followed over the stream throughout: after the first streamed message, only the final log read. */
  streamedOnly?: boolean;
}

const hostileLine = (j: number, line: string, every: number, text: string) => (j % every === 5 ? `${line} ${text}` : line);

/** A build-log frame with this JSON text for `messageIndex` (written as it is: not always JSON.stringify-able). */
const frameWithIndex = (taskId: string, index: string, message: string, status = 10) =>
  `event: build-log\ndata: {"id":"x","taskId":${JSON.stringify(taskId)},"messageIndex":${index},"message":${JSON.stringify(message)},"stepName":"Build","uiOnly":false,"workflowStatus":${status}}\n\n`;

const END_TEXT = '@@[section:end] Build Phase Step completed: Completing workflow, Ver: 1.0';

/** A port nothing listens on (opened and closed at once). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const CASES: StreamCase[] = [
  {
    label: 'L1 refused (403)',
    faults: { refuse: 'token' },
    saidFirst: true,
    said: /over polling: the hook token was refused \(HTTP 403\)$/,
  },
  { label: 'L2 refused (503)', faults: { refuse: 'stream' }, saidFirst: true, said: /over polling: the stream was refused \(HTTP 503\)$/ },
  {
    label: 'absent: connections closed',
    faults: { refuse: 'absent' },
    said: /over polling: the hook service closed the connection without an answer \(the hook token\)$/,
    saidFirst: true,
  },
  {
    label: 'absent: 404',
    hookUrl: (sb) => sb.apiUrl,
    said: /over polling: the hook service does not exist there \(HTTP 404 on auth\/token\)$/,
    saidFirst: true,
  },
  {
    label: 'absent: connection refused',
    hookUrl: async () => `http://127.0.0.1:${await closedPort()}`,
    said: /over polling: the hook service does not answer \(connection refused\)$/,
    saidFirst: true,
  },
  {
    label: 'L3 503 twice (transient)',
    faults: { failSubscribes: 2 },
    // L3 is tried again after 0.5 s and 1 s: the build is streamed from then on
    during: async (h, _id, i) => {
      if (i === 1) {
        await waitUntil(() => followedLines(h).some((l) => l.endsWith('over the stream')), 5000, 'the log followed over the stream');
      }
    },
    said: /over the stream$/,
    streamedOnly: true,
  },
  {
    label: 'L3 503 every time',
    faults: { failSubscribes: 1000 },
    said: /over polling: the subscription was refused \(HTTP 503\)$/,
    saidFirst: true,
  },
  { label: 'dropped mid-stream', faults: { dropAfterFrames: 12 }, said: /over polling: the (server closed the stream|stream was cut)$/ },
  { label: 'duplicated frames', faults: { duplicateEvery: 3 }, said: /over the stream$/, streamedOnly: true },
  { label: 'out-of-order frames', faults: { reorderEvery: 4 }, said: /over the stream$/, streamedOnly: true },
  { label: 'stalled past the idle timeout', faults: { stallAfterFrames: 10 }, said: /over polling: the stream sent nothing for 0\.6 s$/ },
  { label: 'a stream that never sends', faults: { silent: true }, said: /over polling: the stream sent nothing for 0\.6 s$/ },
  {
    label: 'hostile: control characters',
    bodyLine: (j, l) =>
      hostileLine(
        j,
        l,
        7,
        `ctl \x00\x01\x07\x08\x0b\x0c${E}[31mred${E}[0m${E}[2K\x7f \u0085\u009b31m \u202eevil\u202c \u200b\u2028\u2029\ufeff`,
      ),
    said: /over the stream$/,
    streamedOnly: true,
  },
  {
    label: 'hostile: OSC 8 links',
    bodyLine: (j, l) =>
      hostileLine(
        j,
        l,
        7,
        `${E}]8;;file:///etc/passwd${E}\\open${E}]8;;${E}\\ ${E}]8;id=1;command:appcircle.logout${E}\\out${E}]8;;\x07 ${E}]8;;https://x.invalid/?token=1\x07`,
      ),
    said: /over the stream$/,
    streamedOnly: true,
  },
  {
    label: 'hostile: $(icon) syntax',
    bodyLine: (j, l) =>
      hostileLine(j, l, 7, '$(alert) $(loading~spin) $(x $(( [out](command:appcircle.logout) <img src=x onerror=alert(1)> %s {0}'),
    said: /over the stream$/,
    streamedOnly: true,
  },
  {
    label: 'hostile: a 600 KiB line (over the message limit)',
    bodyLine: (j, l) => (j === 10 ? `${l} ${'y'.repeat(600 * 1024)}` : l),
    during: async (h, _id, i) => {
      if (i === 8) {
        await waitUntil(() => followedLines(h).some((l) => /did not come within/.test(l)), 8000, 'the hole noticed');
      }
    },
    said: /over polling: the stream could not continue this log exactly: message \d+ did not come within|over polling: a message did not come within 2 s$/,
  },
  {
    label: 'hostile: a 2 MiB line (over the frame limit)',
    bodyLine: (j, l) => (j === 10 ? `${l} ${'x'.repeat(2 * 1024 * 1024)}` : l),
    said: /over polling: the stream broke its framing \(/,
  },
  {
    label: 'hostile: messageIndex not a number',
    inject: (id) =>
      ['"1"', '"2"', 'null', 'true', '[1]', '{"n":1}', '-1', '0', '1.5', '1e999', 'NaN'].map((ix) =>
        frameWithIndex(id, ix, `INJECTED ${ix}`),
      ),
    said: /over the stream$/,
    streamedOnly: true,
  },
  {
    label: 'hostile: a huge messageIndex',
    inject: (id) => [
      frameWithIndex(id, String(Number.MAX_SAFE_INTEGER), 'INJECTED max safe'),
      frameWithIndex(id, '9007199254740993', 'INJECTED past safe'),
      frameWithIndex(id, '1e308', `INJECTED ${END_TEXT}`, 9),
      frameWithIndex(id, String(Number.MAX_SAFE_INTEGER - 1), END_TEXT, 9),
    ],
    said: /over the stream$/,
  },
];

// ---- one sandbox for the group (started at the first cell; the runner exits the process at the end) ----

let shared: Promise<Sandbox> | undefined;
const sandbox = () => (shared ??= startSandbox({ quiet: true, builds: { speed: 0 }, hooks: { keepAliveMs: 100 } }));

async function runStreamCell(c: StreamCase): Promise<void> {
  const sb = await sandbox();
  sb.reset();
  const w = await bootFollowing({ sb, hookUrl: c.hookUrl ? await c.hookUrl(sb) : undefined });
  const { h } = w;
  let stopped = false;
  try {
    h.ext.features.logStream.idleMs = IDLE_MS;
    sb.setBuildTimings(STREAM_TIMINGS);
    if (c.faults) {
      sb.setHookFaults(c.faults);
    }
    sb.world.bodyLineOverride = c.bodyLine;
    const { queueItemId: id } = await startOnDevelop(w);
    const { doc } = await openLog(id);
    if (c.inject) {
      await waitUntil(() => sb.hooks.subscriptions === 1, 5000, 'the build subscribed');
      c.inject(id).forEach((f) => sb.hooks.sendRaw(f));
    }
    const saidNow = () => followedLines(h).some((l) => c.said.test(l));
    if (c.saidFirst) {
      await waitUntil(saidNow, 5000, `the log line ${String(c.said)} before the build runs`);
    }
    let readsWhenStreamed = -1;
    await runToEnd(h, [id], async (i) => {
      if (readsWhenStreamed < 0 && followedLines(h).some((l) => l.endsWith('over the stream'))) {
        readsWhenStreamed = sb.requests.filter(isLogRead).length;
      }
      if (c.inject && i === 3) {
        c.inject(id).forEach((f) => sb.hooks.sendRaw(f));
      }
      await c.during?.(h, id, i);
    });
    const said = followedLines(h).map((l) => l.replace(/^.*\] /, ''));
    if (c.streamedOnly) {
      assert.ok(readsWhenStreamed >= 0, 'followed over the stream');
      const after = sb.requests.filter(isLogRead).slice(readsWhenStreamed);
      assert.ok(after.length <= 1, `log reads while streamed: ${after.map((r) => `${r.path} ${r.status}`).join(', ')}`);
      assert.ok(!said.some((l) => l.includes('over polling')), `fell back to polling: ${said.join(' | ')}`);
    }
    await assertWholeLog(h, id, doc);
    assert.ok(
      said.some((l) => c.said.test(l)),
      `the log says ${String(c.said)}; it said: ${said.join(' | ') || 'nothing'}`,
    );
    await waitUntil(() => h.ext.features.logStream.connections === 0 && sb.hooks.connections === 0, 5000, 'no stream once the build ended');
    const access = await h.ext.session.getAccessToken();
    const texts = [...h.logLines(), JSON.stringify(sb.requests)];
    const leak = texts.find((t) => t.includes(access) || t.includes(DEMO_PAT) || HOOK_TOKEN.test(t));
    assert.ok(!leak, `a secret in ${leak?.slice(0, 120)}`);
    const raw = h.logLines().find((l) => CONTROL.test(l));
    assert.ok(raw === undefined, `a control character in the output log: ${JSON.stringify(raw?.slice(0, 120))}`);
    await w.dispose();
    stopped = true;
    await waitUntil(() => sb.hooks.connections === 0 && sb.hooks.timersHeld === 0, 5000, 'no stream nor sandbox timer after the stop');
  } finally {
    sb.world.bodyLineOverride = undefined;
    if (!stopped) {
      await w.dispose();
    }
  }
}

export function streamCells(): LocalCell[] {
  return CASES.map((c) => ({ group: GROUP, label: c.label, op: OP, run: () => runStreamCell(c) }));
}
