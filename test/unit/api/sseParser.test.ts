/** The hook service's SSE frames (src/api/sseParser.ts) and the build-log payload checked at the boundary. */
import * as assert from 'node:assert/strict';
import { SseParser } from '../../../src/api/sseParser';
import { MAX_MESSAGE_CHARS, toBuildLogMessage, whyRefused } from '../../../src/api/hookApi';
import { ApiError } from '../../../src/api/http/errors';

describe('api: SSE frames of the hook service', () => {
  it('event and data lines until a blank line; comments, id: and retry: ignored; CRLF tolerated', () => {
    const p = new SseParser();
    const frames = p.push(': keep-alive\n\nevent: build-log\r\nid: 7\r\nretry: 100\r\ndata: {"a":1}\r\n\r\ndata: x\ndata:  y\n\n');
    assert.deepEqual(frames, [
      { event: 'build-log', data: ' {"a":1}' },
      { event: 'message', data: ' x\n  y' },
    ]);
  });

  it('a frame split anywhere, even inside a UTF-8 character, is the same frame', () => {
    const bytes = Buffer.from('event: build-log\ndata: {"message":"ğüş 🚀"}\n\n', 'utf8');
    for (let i = 1; i < bytes.length; i++) {
      const p = new SseParser();
      const frames = [...p.push(bytes.subarray(0, i)), ...p.push(bytes.subarray(i))];
      assert.deepEqual(frames, [{ event: 'build-log', data: ' {"message":"ğüş 🚀"}' }], `split at ${i}`);
    }
  });

  it('a line or a frame over the limit breaks the parser; it then keeps nothing', () => {
    const p = new SseParser(64);
    assert.deepEqual(p.push('data: ok\n\n'), [{ event: 'message', data: ' ok' }]);
    p.push('data: ' + 'x'.repeat(100));
    assert.match(p.broken ?? '', /line/);
    assert.equal(p.heldChars, 0);
    assert.deepEqual(p.push('\n\ndata: later\n\n'), []);
    const q = new SseParser(64);
    q.push('data: 0123456789012345678901234567890\ndata: 0123456789012345678901234567890\n');
    assert.match(q.broken ?? '', /frame/);
  });

  it('a build-log payload: ids, a positive integer messageIndex and a bounded message, or nothing', () => {
    const ok = { id: 'e1', taskId: 't-1', message: 'hello', messageIndex: 3, workflowStatus: 10, stepName: 'Git Clone', uiOnly: false };
    assert.deepEqual(toBuildLogMessage(JSON.stringify(ok)), {
      taskId: 't-1',
      messageIndex: 3,
      message: 'hello',
      stepName: 'Git Clone',
      uiOnly: false,
      workflowStatus: 10,
    });
    for (const bad of [
      'not json',
      'null',
      '[]',
      JSON.stringify({ ...ok, taskId: '../x' }),
      JSON.stringify({ ...ok, messageIndex: 0 }),
      JSON.stringify({ ...ok, messageIndex: 1.5 }),
      JSON.stringify({ ...ok, messageIndex: '3' }),
      JSON.stringify({ ...ok, message: 42 }),
      JSON.stringify({ ...ok, message: 'x'.repeat(MAX_MESSAGE_CHARS + 1) }),
    ]) {
      assert.equal(toBuildLogMessage(bad), undefined, bad.slice(0, 60));
    }
  });

  it('why the stream is not used, in words, with no URL or token', () => {
    assert.equal(
      whyRefused(new ApiError({ kind: 'server', method: 'GET', path: 'v2/hooks', status: 503 })),
      'the stream was refused (HTTP 503)',
    );
    assert.equal(
      whyRefused(new ApiError({ kind: 'forbidden', method: 'POST', path: 'auth/token', status: 403 })),
      'the hook token was refused (HTTP 403)',
    );
    assert.match(whyRefused(new ApiError({ kind: 'notFound', method: 'POST', path: 'auth/token', status: 404 })), /does not exist/);
    assert.match(whyRefused(new ApiError({ kind: 'connectionRefused', method: 'POST', path: 'auth/token' })), /connection refused/);
  });
});
