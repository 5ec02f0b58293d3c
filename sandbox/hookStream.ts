/**
 * The `build-log` messages of the hook service (docs/appcircle-api.md §11.5), cut from the same lines the plain log
 * serves (buildQueue.ts `log()`), so that the plain log is exactly the concatenation, in `messageIndex` order, of
 * `normalise(message) + "\n"` for every message that is not a step-title echo (docs/appcircle-api.md §11.5):
 *
 * - the three head lines are one message joined by `\r\n` (they are written together);
 * - an indented line (a compiler's source excerpt, its caret) joins the message before it with `\n` (the tools
 *   print them in one block, and the sandbox writes them together);
 * - every other line is a message of its own;
 * - each step's begin marker is followed by a `uiOnly` echo of the step's name (a messageIndex, no bytes);
 * - the `Completing workflow` section end is the last message (workflowStatus 9); nothing follows it.
 *
 * A cursor walks the log; a message is cut only from lines that exist, and the lines a message joins are always
 * written at the same clock instant, so what was sent never changes as the log grows.
 */
import type { ServerResponse } from 'node:http';
import type { BuildLog, LiveRef } from './buildQueue';
import { COMPLETING_END } from './buildLogs';

/** The `build-log` payload (CLI-next `ServerOutputData`, the fields the contract names). */
export interface HookMessage {
  id: string;
  taskId: string;
  message: string;
  messageIndex: number;
  workflowName: string;
  /** 0 Information, 1 StepStarted, 2 StepEnded, 3 StepError, 9 WorkflowCompleted, 10 Log. */
  workflowStatus: 0 | 1 | 2 | 3 | 9 | 10;
  stepName?: string;
  stepIndex?: number;
  progressTime: string;
  eventName: 'BuildProgress';
  uiOnly: boolean;
  buildId: string;
  profileId: string;
  branchName: string;
  commitId: string;
  organizationId: string;
  userId: string;
}

/** Where a subscription is in a build's log. */
export interface HookCursor {
  /** Next log line to cut a message from. */
  line: number;
  /** messageIndex of the last message cut (0 before the first). */
  index: number;
  step?: string;
  stepIndex: number;
  /** The current step printed an `@@[error]` (its section end is then a StepError). */
  stepFailed: boolean;
  /** The Completing workflow section end has been cut: nothing more for this task. */
  done: boolean;
}

export const newCursor = (): HookCursor => ({ line: 0, index: 0, stepIndex: -1, stepFailed: false, done: false });

const HEAD_LINES = 3;
const BEGIN = '@@[section:begin]';
const END = '@@[section:end]';
const STARTED = /Step started:\s*(.*)$/;

/**
 * The messages from the cursor to the end of what the log holds now (at most `max`), advancing the cursor. A
 * step-title echo may be among them, so `max` may be passed by one.
 */
export function nextMessages(ref: LiveRef, log: BuildLog, c: HookCursor, now: number, max = 2000): HookMessage[] {
  const out: HookMessage[] = [];
  while (!c.done && c.line < log.count && out.length < max) {
    const first = c.line;
    let text: string;
    let status: HookMessage['workflowStatus'];
    if (first === 0 && log.count >= HEAD_LINES) {
      text = [0, 1, 2].map((i) => log.line(i)).join('\r\n');
      c.line = HEAD_LINES;
      status = 0;
    } else {
      const parts = [log.line(first)];
      c.line++;
      while (c.line < log.count && /^\s/.test(log.line(c.line))) {
        parts.push(log.line(c.line++));
      }
      text = parts.join('\n');
      status = statusOf(text, c);
    }
    const at = log.time?.(first) ?? now;
    out.push(message(ref, c, text, status, false, at));
    if (status === 1 && c.step !== undefined) {
      out.push(message(ref, c, c.step, 1, true, at)); // the step-title echo
    }
  }
  return out;
}

/** The workflowStatus of a (first) line, and the step it opens or closes. */
function statusOf(text: string, c: HookCursor): HookMessage['workflowStatus'] {
  if (text.includes(BEGIN)) {
    c.step = STARTED.exec(text)?.[1]?.trim() || `Step ${c.stepIndex + 2}`;
    c.stepIndex++;
    c.stepFailed = false;
    return 1;
  }
  if (text === COMPLETING_END) {
    c.done = true;
    return 9;
  }
  if (text.includes(END)) {
    const failed = c.stepFailed;
    c.stepFailed = false;
    return failed ? 3 : 2;
  }
  if (text.includes('@@[error]')) {
    c.stepFailed = true;
    return 3;
  }
  return 10;
}

function message(
  ref: LiveRef,
  c: HookCursor,
  text: string,
  status: HookMessage['workflowStatus'],
  uiOnly: boolean,
  at: number,
): HookMessage {
  const { p, b, build } = ref;
  const live = build.live;
  const taskId = live?.taskId ?? build.id;
  c.index++;
  return {
    id: `${taskId}:${c.index}`,
    taskId,
    message: text,
    messageIndex: c.index,
    workflowName: build.workflowName,
    workflowStatus: status,
    ...(c.step !== undefined ? { stepName: c.step, stepIndex: c.stepIndex } : {}),
    progressTime: new Date(at).toISOString(),
    eventName: 'BuildProgress',
    uiOnly,
    buildId: build.id,
    profileId: p.id,
    branchName: b.name,
    commitId: build.commitId,
    organizationId: live?.orgId ?? p.orgId,
    userId: live?.userId ?? '',
  };
}

/** One SSE frame: `event: build-log`, one `data:` JSON line, a blank line (the test fakes send some of the fields). */
export function frameOf(m: HookMessage | Partial<Record<keyof HookMessage, unknown>>): string {
  return `event: build-log\ndata: ${JSON.stringify(m)}\n\n`;
}

export const KEEP_ALIVE = ': keep-alive\n\n';

/**
 * What the plain log holds for these messages (the contract's rule): `normalise(message) + "\n"` for every message
 * that is not a step-title echo, in messageIndex order. Tests compare it with B12/B13.
 */
export function plainTextOf(messages: readonly Pick<HookMessage, 'message' | 'uiOnly' | 'stepName' | 'messageIndex'>[]): string {
  return [...messages]
    .sort((a, b) => a.messageIndex - b.messageIndex)
    .filter((m) => !(m.uiOnly && m.message === m.stepName))
    .map((m) => m.message.replace(/\r\n?/g, '\n') + '\n')
    .join('');
}

/** Hook faults (docs/appcircle-api.md §11.5; cleared by `sb.reset()` or `clearFaults()`). */
export interface HookFaults {
  /** 'token': L1 answers 403. 'stream': L2 answers 503. 'absent': as if there were no hook service (see hooks.ts). */
  refuse?: 'token' | 'stream' | 'absent';
  /** Each stream's socket is destroyed after this many build-log frames. */
  dropAfterFrames?: number;
  /** Every n-th frame of a stream is sent twice. */
  duplicateEvery?: number;
  /** Frame n of a stream (and 2n, 3n…) is sent after frame n+1. */
  reorderEvery?: number;
  /** After this many frames a stream stays open and sends nothing more, not even keep-alives. */
  stallAfterFrames?: number;
  /** Streams answer 200 with their headers, then never a byte. */
  silent?: boolean;
  /** L3 answers 503 this many times (each one counts down), then as usual: a transient failure of the subscribe. */
  failSubscribes?: number;
}

/** Why a hook fault spec is refused, or undefined. */
export function hookFaultsProblem(b: Record<string, unknown>): string | undefined {
  for (const [k, v] of Object.entries(b)) {
    if (k === 'refuse') {
      if (v !== 'token' && v !== 'stream' && v !== 'absent') {
        return "refuse must be 'token', 'stream' or 'absent'.";
      }
    } else if (k === 'silent') {
      if (typeof v !== 'boolean') {
        return 'silent must be true or false.';
      }
    } else if (['dropAfterFrames', 'duplicateEvery', 'reorderEvery', 'stallAfterFrames', 'failSubscribes'].includes(k)) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
        return `${k} must be a whole number ≥ 1.`;
      }
    } else {
      return `Unknown hook fault: ${k}.`;
    }
  }
  return undefined;
}

/** How long a held (reordered) frame waits for the next one before it goes alone. */
const HOLD_MS = 250;

/**
 * One open L2 stream: writes frames (through the frame faults as they are now; `silent` as it was when the stream opened), a `: keep-alive`
 * comment after `keepAliveMs` of silence on a real timer, and holds its own timers only while open.
 */
export class HookConnection {
  /** build-log frames written on this stream (duplicates included). */
  frames = 0;
  private requested = 0;
  private originals = 0;
  private stalled: boolean;
  private held: string | undefined;
  private holdTimer: NodeJS.Timeout | undefined;
  private readonly keepAlive: NodeJS.Timeout | undefined;
  private closed = false;
  private keepAliveCleared = false;

  constructor(
    readonly browserId: string,
    private readonly res: ServerResponse,
    private readonly faults: () => HookFaults,
    keepAliveMs: number,
    private readonly onFrame: () => void,
    private readonly timers: { count: number },
  ) {
    this.stalled = faults().silent === true;
    if (!this.stalled) {
      this.keepAlive = setInterval(() => this.write(KEEP_ALIVE), keepAliveMs);
      timers.count++;
    }
  }

  /** The stream takes frames (not silent, not stalled, not waiting for 'drain'). */
  get open(): boolean {
    return !this.closed && !this.stalled && !this.res.destroyed && !this.res.writableNeedDrain;
  }

  /** Sends one build-log frame through the faults. */
  send(frame: string): void {
    if (this.closed || this.stalled) {
      return;
    }
    this.requested++;
    const every = this.faults().reorderEvery;
    if (every && this.held === undefined && this.requested % every === 0) {
      this.held = frame; // goes after the next frame (or alone after HOLD_MS)
      this.holdTimer = setTimeout(() => this.flushHeld(), HOLD_MS);
      this.timers.count++;
      return;
    }
    this.frame(frame);
    this.flushHeld();
  }

  /** Writes `text` as it is (no frame fault), unless the stream is closed or stalled. */
  raw(text: string): void {
    if (!this.closed && !this.stalled) {
      this.write(text);
    }
  }

  /** Ends the stream (L2 replaced, reset) or destroys it (stop). */
  close(destroy = false): void {
    if (destroy) {
      this.res.destroy();
    } else if (!this.res.writableEnded) {
      this.res.end();
    }
    this.dispose();
  }

  /** Clears the timers; called when the response closes. */
  dispose(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.stopTimers();
  }

  private flushHeld(): void {
    if (this.holdTimer) {
      clearTimeout(this.holdTimer);
      this.holdTimer = undefined;
      this.timers.count--;
    }
    const h = this.held;
    this.held = undefined;
    if (h !== undefined) {
      this.frame(h);
    }
  }

  private frame(frame: string): void {
    const dup = this.faults().duplicateEvery;
    this.originals++;
    const copies = dup && this.originals % dup === 0 ? 2 : 1;
    for (let i = 0; i < copies && !this.closed && !this.stalled; i++) {
      this.frames++;
      this.onFrame();
      const { dropAfterFrames: drop, stallAfterFrames: stall } = this.faults();
      if (drop !== undefined && this.frames >= drop) {
        this.write(frame, () => this.res.socket?.destroy()); // cut once this frame is out
        this.dispose();
      } else {
        this.write(frame);
        if (stall !== undefined && this.frames >= stall) {
          this.stalled = true; // open, silent for ever (the client's timers must notice)
          this.stopTimers();
        }
      }
    }
  }

  private write(text: string, sent?: () => void): void {
    if (this.res.destroyed || (this.closed && !sent)) {
      return;
    }
    this.res.write(text, sent);
    this.keepAlive?.refresh();
  }

  private stopTimers(): void {
    if (this.keepAlive && !this.keepAliveCleared) {
      clearInterval(this.keepAlive);
      this.keepAliveCleared = true;
      this.timers.count--;
    }
    if (this.holdTimer) {
      clearTimeout(this.holdTimer);
      this.holdTimer = undefined;
      this.timers.count--;
    }
    this.held = undefined;
  }
}
