/**
 * One build's streamed messages put at their byte position in its log (the contract with the hook service: the
 * plain log is `normalise(message) + "\n"` of every message, in messageIndex order, except step-title echoes). Pure:
 * messages arrive in any order, twice, or not at all; `offer` answers what to append to a log that holds `shown`
 * bytes, and says when the stream can no longer be trusted for this build (the caller polls from `shown` on).
 *  - Order: messages are applied by messageIndex from 1; up to REORDER_WINDOW later ones wait for a hole to fill,
 *    for at most HOLE_WAIT_MS (`overdue`). A larger hole, or a later one, breaks the build off the stream.
 *  - Duplicates: an index already applied, or the key `taskId:stepName:messageIndex:message` seen (as the CLI's
 *    MessageDeduplicator), is dropped.
 *  - Bytes: a message that ends at or before `shown` was shown already (a replay after a reconnect, or what polling
 *    read), the one that starts at `shown` is appended, one that straddles it breaks the build off the stream.
 *  - The end: the `Completing workflow` section end, or workflowStatus 9, ends the build's stream.
 */
import type { BuildLogMessage } from '../../api/hookApi';

/** Later messages held while waiting for a missing one (the newer CLI's LogProcessor buffers 50). */
export const REORDER_WINDOW = 50;
/** How long a hole in the messageIndex sequence may stay open. */
export const HOLE_WAIT_MS = 2_000;
const END_MARKER = '@@[section:end] Build Phase Step completed: Completing workflow';
const WORKFLOW_COMPLETED = 9;

export type AlignResult =
  /** `text` (possibly empty) is to be appended; `ended`: the build's last message is in. */
  | { kind: 'append'; text: string; ended: boolean }
  /** The stream cannot continue this log exactly: follow it by polling from what is shown. */
  | { kind: 'broken'; why: string };

export class StreamAligner {
  /** The next messageIndex to apply. */
  private next = 1;
  /** Bytes of the log the applied messages make up (where message `next` starts). */
  private pos = 0;
  private readonly held = new Map<number, BuildLogMessage>();
  private heldSince: number | undefined;
  private _ended = false;

  constructor(private readonly now: () => number) {}

  /** The log's end came through the stream. */
  get ended(): boolean {
    return this._ended;
  }

  /** Where the applied messages end, in bytes of the log. */
  get position(): number {
    return this.pos;
  }

  /** From messageIndex 1 again (the server replays a build from its start after each subscribe). */
  reset(): void {
    this.next = 1;
    this.pos = 0;
    this.held.clear();
    this.heldSince = undefined;
    this._ended = false;
  }

  /** A hole has stayed open longer than HOLE_WAIT_MS. */
  overdue(): boolean {
    return this.heldSince !== undefined && this.now() - this.heldSince > HOLE_WAIT_MS;
  }

  /** `offer` for messages that came together: one append for all of them (one document change, not one per line). */
  offerAll(ms: readonly BuildLogMessage[], shown: number): AlignResult {
    let text = '';
    let at = shown;
    for (const m of ms) {
      const r = this.offer(m, at);
      if (r.kind === 'broken') {
        return r;
      }
      text += r.text;
      at += Buffer.byteLength(r.text, 'utf8');
    }
    return { kind: 'append', text, ended: this._ended };
  }

  offer(m: BuildLogMessage, shown: number): AlignResult {
    if (this._ended || m.messageIndex < this.next) {
      return { kind: 'append', text: '', ended: this._ended };
    }
    if (m.messageIndex > this.next) {
      const had = this.held.get(m.messageIndex);
      if (had && keyOf(had) !== keyOf(m)) {
        return { kind: 'broken', why: `two different messages with index ${m.messageIndex}` };
      }
      this.held.set(m.messageIndex, m);
      this.heldSince ??= this.now();
      if (this.held.size > REORDER_WINDOW) {
        return { kind: 'broken', why: `message ${this.next} did not come within ${REORDER_WINDOW} later ones` };
      }
      return { kind: 'append', text: '', ended: false };
    }
    let text = '';
    let at = shown;
    let current: BuildLogMessage | undefined = m;
    while (current) {
      const piece = bytesOf(current);
      const len = Buffer.byteLength(piece, 'utf8');
      if (this.pos + len > at) {
        if (this.pos !== at) {
          return { kind: 'broken', why: `message ${current.messageIndex} does not start where the log shown ends` };
        }
        text += piece;
        at += len;
      }
      this.pos += len;
      this.next++;
      if (isEnd(current)) {
        this._ended = true;
        this.held.clear();
        break;
      }
      current = this.held.get(this.next);
      this.held.delete(this.next);
    }
    this.heldSince = this.held.size > 0 ? this.now() : undefined;
    return { kind: 'append', text, ended: this._ended };
  }
}

/** What a message adds to the plain log: nothing for a step-title echo, else its text with `\n` line ends and one more. */
export function bytesOf(m: BuildLogMessage): string {
  if (m.uiOnly && m.message === m.stepName) {
    return '';
  }
  return `${normalise(m.message)}\n`;
}

/** `\r\n` and `\r` as `\n`, without a regular expression over server text. */
function normalise(s: string): string {
  if (!s.includes('\r')) {
    return s;
  }
  return s.split('\r\n').join('\n').split('\r').join('\n');
}

function isEnd(m: BuildLogMessage): boolean {
  return m.workflowStatus === WORKFLOW_COMPLETED || m.message.includes(END_MARKER);
}

/** The newer CLI's dedup key. */
export function keyOf(m: BuildLogMessage): string {
  return `${m.taskId}:${m.stepName}:${m.messageIndex}:${m.message}`;
}
