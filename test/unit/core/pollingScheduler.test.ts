import * as assert from 'node:assert/strict';
import { ApiError } from '../../../src/api/http/errors';
import { NotSignedInError } from '../../../src/core/errors';
import { MAX_BACKOFF_MS, PollingScheduler } from '../../../src/core/builds/pollingScheduler';
import type { PollResult } from '../../../src/core/builds/pollingScheduler';
import type { Clock } from '../../../src/core/ports';
import { nullLogger } from '../../../src/core/ports';
import type { FakeTime } from '../fakes/clock';
import { fakeTime } from '../fakes/clock';

/** Lets the scheduler's awaited tick settle. */
const settle = () => new Promise((r) => setImmediate(r));

function rateLimited(retryAfterMs: number): Error {
  return Object.assign(Object.create(ApiError.prototype) as ApiError, {
    kind: 'rateLimited',
    status: 429,
    retryAfterMs,
    message: '429',
    method: 'GET',
    path: 'build/v1/queue/my-dashboard',
  });
}

describe('core/PollingScheduler (fake clock)', () => {
  let clock: Clock;
  let timers: FakeTime['timers'];
  let results: (PollResult | Error)[];
  let calls: number[];
  let interval: number;
  let s: PollingScheduler;

  const make = () =>
    new PollingScheduler({
      clock,
      logger: nullLogger,
      intervalMs: () => interval,
      random: () => 0.5,
      tick: () => {
        calls.push(clock.now());
        const r = results.shift() ?? { active: 0 };
        return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
      },
    });

  /** Fires due timers one at a time, letting each async tick settle before the next timer is armed. */
  async function advance(ms: number): Promise<void> {
    await timers.tickAsync(ms);
  }

  beforeEach(() => {
    ({ clock, timers } = fakeTime(0));
    results = [];
    calls = [];
    interval = 5_000;
    s = make();
  });
  afterEach(() => s.dispose());

  it('one tick per interval while builds are active, then stops when nothing is active', async () => {
    results = [{ active: 3 }, { active: 3 }, { active: 1 }, { active: 0 }];
    s.pokeNow();
    await advance(30_000);
    assert.deepEqual(calls, [0, 5_000, 10_000, 15_000]);
    assert.equal(s.current, 'idle');
    assert.equal(timers.countTimers(), 0, 'no timer left behind');
  });

  it('one request per tick whatever the number of active builds (K = 1, 10, 100)', async () => {
    for (const k of [1, 10, 100]) {
      calls = [];
      results = [{ active: k }, { active: k }, { active: 0 }];
      s.pokeNow();
      await advance(20_000);
      assert.equal(calls.length, 3, `K=${k}`);
    }
  });

  it('honors the minimum interval of 2 s', async () => {
    interval = 500;
    results = [{ active: 1 }, { active: 1 }, { active: 0 }];
    s.pokeNow();
    await advance(10_000);
    assert.deepEqual(calls, [0, 2_000, 4_000]);
  });

  it('backs off exponentially on errors and recovers', async () => {
    const err = new Error('boom');
    results = [err, err, err, { active: 1 }, { active: 0 }];
    s.pokeNow();
    await advance(120_000);
    assert.deepEqual(calls, [0, 5_000, 15_000, 35_000, 40_000]);
  });

  it('caps the backoff', () => {
    (s as unknown as { failures: number }).failures = 30;
    assert.equal(s.nextDelay(), MAX_BACKOFF_MS);
  });

  it('honors Retry-After on 429 when it is longer than the backoff', async () => {
    results = [rateLimited(42_000), { active: 0 }];
    s.pokeNow();
    await advance(60_000);
    assert.deepEqual(calls, [0, 42_000]);
  });

  it('slows down in the background and catches up when back in the foreground', async () => {
    results = [{ active: 1 }, { active: 1 }, { active: 1 }, { active: 0 }];
    s.setBackground(true);
    s.pokeNow();
    await advance(20_000);
    assert.deepEqual(calls, [0], 'background interval is 30 s');
    s.setBackground(false);
    await settle();
    await advance(100);
    assert.deepEqual(calls, [0, 20_000], 'immediate tick on return');
  });

  it('keeps polling while a watcher holds it, then stops', async () => {
    results = [{ active: 0 }, { active: 0 }, { active: 0 }];
    const w = s.watch();
    await advance(10_100);
    assert.equal(calls.length, 3);
    w.dispose();
    await advance(10_000);
    assert.equal(calls.length, 4, 'one last tick after the watcher left');
    assert.equal(s.current, 'idle');
  });

  it('stops for good when the session is gone', async () => {
    results = [new NotSignedInError()];
    s.pokeNow();
    await advance(60_000);
    assert.equal(calls.length, 1);
    assert.equal(s.current, 'stopped');
  });

  it('pokeNow during a tick runs another tick right after it', async () => {
    let release: (r: PollResult) => void = () => undefined;
    const slow = new PollingScheduler({
      clock,
      logger: nullLogger,
      intervalMs: () => 5_000,
      tick: () => {
        calls.push(clock.now());
        return calls.length === 1 ? new Promise<PollResult>((r) => (release = r)) : Promise.resolve({ active: 0 });
      },
    });
    try {
      slow.pokeNow();
      await advance(0);
      timers.tick(1);
      await settle();
      slow.pokeNow();
      release({ active: 0 });
      await settle();
      await advance(500);
      assert.equal(calls.length, 2);
    } finally {
      slow.dispose();
    }
  });
});
