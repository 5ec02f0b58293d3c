import * as assert from 'node:assert/strict';
import { DisposableBase, Emitter, setListenerErrorReporter } from '../../../src/core/events';

class Owner extends DisposableBase {
  own(d: { dispose(): void }): void {
    this._register(d);
  }
}

describe('core/events: a failing listener or disposable is reported, and the others still run', () => {
  let reported: string[];
  let previous: (what: string, e: unknown) => void;
  beforeEach(() => {
    reported = [];
    previous = setListenerErrorReporter((what, e) => reported.push(`${what}: ${e instanceof Error ? e.message : String(e)}`));
  });
  afterEach(() => setListenerErrorReporter(previous));

  it('a listener that throws is reported; the listeners after it are called', () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    emitter.event(() => {
      throw new Error('boom');
    });
    emitter.event((n) => seen.push(n));
    emitter.fire(7);
    assert.deepEqual(seen, [7]);
    assert.deepEqual(reported, ['An event listener failed: boom']);
  });

  it('a listener whose promise rejects is reported', async () => {
    const emitter = new Emitter<void>();
    emitter.event(() => Promise.reject(new Error('later')));
    emitter.fire();
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(reported, ['An event listener failed: later']);
  });

  it('a disposable that throws is reported; the rest are disposed', () => {
    const owner = new Owner();
    let disposed = 0;
    owner.own({ dispose: () => disposed++ });
    owner.own({
      dispose: () => {
        throw new Error('stuck');
      },
    });
    owner.dispose();
    assert.equal(disposed, 1);
    assert.deepEqual(reported, ['Disposing failed: stuck']);
  });
});
