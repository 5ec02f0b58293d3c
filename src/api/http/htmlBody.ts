/**
 * A log answered with a web page (a captive portal's or a proxy's 200 page) is refused as `htmlResponse`, the
 * error the JSON and text reads give for an HTML page, rather than shown (and followed) as the build log.
 */
import type * as Stream from 'node:stream';
import { nodeStream } from './body';
import { ApiError } from './errors';
import type { StreamResult } from './httpClient';

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
  // read the first bytes in paused mode and put them back (unshift): the caller gets the same stream, its
  // guards (idle timer, deadline, abort) and its destroy() untouched
  const stream = r.stream as Stream.Readable;
  const head: Buffer[] = [];
  let size = 0;
  let verdict: boolean | undefined;
  // one error listener for the whole look (an error emitted between two waits is not lost, nor unhandled)
  let failed: { error: unknown } | undefined;
  let wake: () => void = () => undefined;
  const onError = (error: unknown) => {
    failed = { error };
    wake();
  };
  stream.on('error', onError);
  try {
    while (verdict === undefined) {
      if (failed) {
        throw failed.error;
      }
      const chunk = stream.read() as Buffer | string | null;
      if (chunk === null) {
        if (stream.readableEnded || stream.destroyed) {
          break;
        }
        await new Promise<void>((resolve) => {
          wake = () => {
            stream.off('readable', wake);
            stream.off('end', wake);
            stream.off('close', wake);
            resolve();
          };
          stream.on('readable', wake);
          stream.on('end', wake);
          stream.on('close', wake);
        });
        continue;
      }
      head.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      size += chunk.length;
      verdict = looksHtml(Buffer.concat(head).subarray(0, SNIFF_BYTES).toString('latin1'), size >= SNIFF_BYTES);
    }
  } finally {
    stream.off('error', onError);
  }
  if (failed) {
    throw failed.error;
  }
  if (verdict) {
    stream.destroy();
    throw html();
  }
  if (stream.readableEnded) {
    return nodeStream().Readable.from(head, { objectMode: false }); // all of it was read: a short log
  }
  if (stream.destroyed) {
    // closed before its end without an error: a cut, never a complete log
    throw new ApiError({ kind: 'network', method, path, status: r.status });
  }
  if (head.length) {
    stream.unshift(Buffer.concat(head));
  }
  return stream;
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
