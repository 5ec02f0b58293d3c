/**
 * A log answered with a web page (a captive portal's or a proxy's 200 page) is refused as `htmlResponse`, the
 * error the JSON and text reads give for an HTML page, rather than shown (and followed) as the build log.
 */
import type * as Stream from 'node:stream';
import { ApiError } from './errors';
import type { StreamResult } from './httpClient';

/* eslint-disable-next-line @typescript-eslint/no-require-imports -- node:stream on first use, not at activation */
const nodeStream = (): typeof Stream => require('node:stream') as typeof Stream;

/** At most this many leading bytes are looked at (whitespace before the tag included). */
const SNIFF_BYTES = 1024;
const HTML_STARTS = ['<!doctype html', '<html'];

/**
 * The stream of a log answer, unless it is an HTML page: `Content-Type: text/html`, or, for an answer that starts
 * at the log's first byte (`start` 0), a body whose first non-whitespace text is `<!doctype html` or `<html`.
 * The bytes looked at are handed on unchanged; a stream error while looking is the stream's error.
 */
export async function refuseHtmlLog(r: StreamResult, method: string, path: string, start: number): Promise<NodeJS.ReadableStream> {
  const html = () => new ApiError({ kind: 'htmlResponse', method, path, status: r.status, htmlBody: true });
  if (/text\/html/i.test(r.contentType ?? '')) {
    destroy(r.stream);
    throw html();
  }
  if (start !== 0) {
    return r.stream; // the middle of a log may well print HTML
  }
  const it = (r.stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let verdict: boolean | undefined;
  let ended = false;
  while (verdict === undefined) {
    const next = await it.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    head.push(chunk);
    size += chunk.length;
    verdict = looksHtml(Buffer.concat(head).subarray(0, SNIFF_BYTES).toString('latin1'), size >= SNIFF_BYTES);
  }
  if (verdict) {
    await it.return?.();
    throw html();
  }
  async function* rest(): AsyncGenerator<Buffer> {
    try {
      yield* head;
      while (!ended) {
        const next = await it.next();
        if (next.done) {
          return;
        }
        yield next.value;
      }
    } finally {
      if (!ended) {
        await it.return?.();
      }
    }
  }
  return nodeStream().Readable.from(rest(), { objectMode: false });
}

/** True or false once the leading text decides it; undefined while it could still become an HTML start. */
function looksHtml(text: string, full: boolean): boolean | undefined {
  const lead = text.trimStart().slice(0, 16).toLowerCase();
  if (HTML_STARTS.some((p) => lead.startsWith(p))) {
    return true;
  }
  if (full || (lead !== '' && !HTML_STARTS.some((p) => p.startsWith(lead)))) {
    return false;
  }
  return undefined;
}

function destroy(stream: NodeJS.ReadableStream): void {
  (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
}
