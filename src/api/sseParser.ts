/**
 * Server-Sent Events frames out of a byte stream, as the newer CLI reads the hook service's stream
 * (docs: appcircle-api-next §6 "Wire format"): lines split on `\n` (a `\r` before it is dropped), grouped until a
 * blank line; `event:` names the frame, each `data:` line is appended (the text after `data:` kept as it is, lines
 * joined with `\n`); comments (`: keep-alive`), `id:`, `retry:` and unknown fields are ignored. Pure and bounded: no
 * regular expression, each character looked at a fixed number of times whatever the chunking; a line or a frame
 * over its limit makes the parser `broken` (the caller drops the connection), and from then on it keeps nothing.
 */
import { StringDecoder } from 'node:string_decoder';

export interface SseFrame {
  /** The `event:` value, trimmed; `message` when the frame named none. */
  event: string;
  data: string;
}

/** Default limit of one frame's data and of one line (characters). */
export const SSE_MAX_FRAME_CHARS = 1024 * 1024;
/** An `event:` name is cut to this many characters. */
const EVENT_NAME_MAX = 256;

export class SseParser {
  private decoder = new StringDecoder('utf8');
  /** The start of a line not ended yet. */
  private partial = '';
  private event = '';
  private data: string[] = [];
  private dataChars = 0;
  private hasData = false;
  private _broken: string | undefined;

  constructor(private readonly maxFrameChars = SSE_MAX_FRAME_CHARS) {}

  /** Why the stream is no longer readable (a line or a frame over its limit), or undefined. */
  get broken(): string | undefined {
    return this._broken;
  }

  /** Characters held between pushes: never more than about twice the frame limit. */
  get heldChars(): number {
    return this.partial.length + this.dataChars;
  }

  /** The frames that the chunk completes, in order (those before a break too: the result never depends on the chunking). */
  push(chunk: Buffer | string): SseFrame[] {
    if (this._broken) {
      return [];
    }
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const frames: SseFrame[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) {
        break;
      }
      const piece = text.slice(start, nl);
      start = nl + 1;
      if (this.partial.length + piece.length > this.maxFrameChars) {
        return this.fail('a line is longer than the limit', frames);
      }
      const line = this.partial === '' ? piece : this.partial + piece;
      this.partial = '';
      this.line(line.endsWith('\r') ? line.slice(0, -1) : line, frames);
      if (this._broken) {
        return frames;
      }
    }
    const rest = text.length - start;
    if (this.partial.length + rest > this.maxFrameChars) {
      return this.fail('a line is longer than the limit', frames);
    }
    if (rest > 0) {
      this.partial += text.slice(start);
    }
    return frames;
  }

  private line(line: string, frames: SseFrame[]): void {
    if (line === '') {
      if (this.hasData) {
        frames.push({ event: this.event === '' ? 'message' : this.event, data: this.data.join('\n') });
      }
      this.event = '';
      this.data = [];
      this.dataChars = 0;
      this.hasData = false;
      return;
    }
    if (line.startsWith(':')) {
      return; // a comment (keep-alive)
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1);
    if (field === 'event') {
      this.event = value.trim().slice(0, EVENT_NAME_MAX);
    } else if (field === 'data') {
      this.dataChars += value.length + 1;
      if (this.dataChars > this.maxFrameChars) {
        this.fail('a frame is larger than the limit', []);
        return;
      }
      this.data.push(value);
      this.hasData = true;
    }
  }

  /** Broken from here on: what was held is dropped; `frames` (completed before the break) are still returned. */
  private fail(why: string, frames: SseFrame[]): SseFrame[] {
    this._broken = why;
    this.partial = '';
    this.data = [];
    this.dataChars = 0;
    this.decoder = new StringDecoder('utf8');
    return frames;
  }
}
