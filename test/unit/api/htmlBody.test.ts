/** S11c: a log answered with a web page is refused as htmlResponse, by its Content-Type or by its first bytes. */
import * as assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { isApiError } from '../../../src/api/http/errors';
import { refuseHtmlLog } from '../../../src/api/http/htmlBody';
import type { StreamResult } from '../../../src/api/http/httpClient';

const answer = (chunks: string[], contentType = 'text/plain; charset=utf-8', status = 200): StreamResult => ({
  stream: Readable.from(chunks.map((c) => Buffer.from(c))),
  contentType,
  status,
});
const text = async (s: NodeJS.ReadableStream) => {
  const parts: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer>) {
    parts.push(c);
  }
  return Buffer.concat(parts).toString('utf8');
};
const isHtml = (e: unknown) => isApiError(e) && e.kind === 'htmlResponse' && e.htmlBody && e.status === 200;

describe('api/refuseHtmlLog', () => {
  it('refuses Content-Type text/html, whatever the body', async () => {
    await assert.rejects(refuseHtmlLog(answer(['build log'], 'text/html; charset=utf-8'), 'GET', 'build/v1/queue/logs/q', 0), isHtml);
  });

  it('refuses a text/plain body that starts, after whitespace, with <!doctype html or <html, even split across chunks', async () => {
    for (const chunks of [['\n  \t<!DOC', 'TYPE html>\n<html>…'], ['<html lang="en">'], [' ', ' ', '<', 'h', 't', 'm', 'l>']]) {
      await assert.rejects(refuseHtmlLog(answer(chunks), 'GET', 'p', 0), isHtml, JSON.stringify(chunks));
    }
  });

  it('hands on a log unchanged: its first bytes included, the middle of a log that prints HTML too', async () => {
    const log = ['[12:00:00] <', 'html> is how the report starts\n', 'line 2\n'];
    assert.equal(await text(await refuseHtmlLog(answer(log), 'GET', 'p', 0)), log.join(''));
    assert.equal(await text(await refuseHtmlLog(answer(['', '  ', '\n']), 'GET', 'p', 0)), '  \n');
    const middle = ['<!DOCTYPE html>\n<html>', ' printed by a test\n'];
    assert.equal(await text(await refuseHtmlLog(answer(middle, 'text/plain', 206), 'GET', 'p', 4096)), middle.join(''));
  });

  it('a stream error after the first bytes is the stream’s error', async () => {
    async function* cut(): AsyncGenerator<Buffer> {
      yield Buffer.from('line 1\n');
      await Promise.resolve();
      throw new Error('socket hang up');
    }
    const s = await refuseHtmlLog({ stream: Readable.from(cut()), status: 200 }, 'GET', 'p', 0);
    await assert.rejects(text(s), /socket hang up/);
  });

  it('a stream closed before its end while looking is a cut (network), not a short complete log', async () => {
    const s = new PassThrough();
    s.write('  \n'); // undecided yet: whitespace only
    const looking = refuseHtmlLog({ stream: s, status: 200 }, 'GET', 'p', 0);
    setImmediate(() => s.destroy());
    await assert.rejects(looking, (e: unknown) => isApiError(e) && e.kind === 'network');
  });

  it('an error while looking is the stream’s error', async () => {
    const s = new PassThrough();
    const looking = refuseHtmlLog({ stream: s, status: 200 }, 'GET', 'p', 0);
    setImmediate(() => s.destroy(new Error('ECONNRESET')));
    await assert.rejects(looking, /ECONNRESET/);
  });
});
