/** A streamed log's change events, paced (src/ui/logs/logChangePacer.ts): VS Code reads the whole document on each. */
import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import { LogChangePacer, changeGapMs } from '../../../src/ui/logs/logChangePacer';

describe('ui: a streamed log’s document changes, paced', () => {
  let clock: sinon.SinonFakeTimers;
  let fired: string[];
  let pacer: LogChangePacer;
  const a = vscode.Uri.parse('appcircle-log:/a.log');
  const b = vscode.Uri.parse('appcircle-log:/b.log');

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000 });
    fired = [];
    pacer = new LogChangePacer(
      (uri) => fired.push(uri.path),
      () => Date.now(),
    );
  });
  afterEach(() => {
    pacer.dispose();
    clock.restore();
  });

  it('the gap grows with the log: 50 ms small, about 550 ms at 5 MB, never over 1 s', () => {
    assert.equal(changeGapMs(0), 50);
    assert.equal(changeGapMs(5_000_000), 550);
    assert.equal(changeGapMs(1e12), 1000);
  });

  it('a thousand appends within the gap: one change at once, one more when the gap has passed, the last always', async () => {
    for (let i = 0; i < 1000; i++) {
      pacer.changed(a, 100_000);
    }
    assert.deepEqual(fired, ['/a.log'], 'the first at once');
    await clock.tickAsync(changeGapMs(100_000) - 1);
    assert.equal(fired.length, 1, 'nothing before the gap');
    await clock.tickAsync(1);
    assert.deepEqual(fired, ['/a.log', '/a.log'], 'the rest in one change');
    await clock.tickAsync(5_000);
    assert.equal(fired.length, 2, 'nothing more to show');
  });

  it('each log has its own pace; a poll tick’s change and the end of following show at once', async () => {
    pacer.changed(a, 0);
    pacer.changed(a, 0);
    pacer.changed(b, 0);
    assert.deepEqual(fired, ['/a.log', '/b.log']);
    pacer.now(a);
    assert.deepEqual(fired, ['/a.log', '/b.log', '/a.log'], 'a poll tick does not wait');
    pacer.changed(b, 0);
    pacer.forget(b.toString());
    assert.deepEqual(fired.at(-1), '/b.log', 'unfollowed: its last text is shown');
    await clock.tickAsync(1_000);
    assert.equal(fired.length, 4, 'nothing waits any more');
  });

  it('disposed: a waiting change never fires', async () => {
    pacer.changed(a, 0);
    pacer.changed(a, 0);
    pacer.dispose();
    await clock.tickAsync(1_000);
    assert.equal(fired.length, 1);
  });
});
