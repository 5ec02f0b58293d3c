/**
 * Test time for the core's Clock port, on sinon's fake timers (@sinonjs/fake-timers). The timers are installed on a
 * private global, not on Node's: the test's own setTimeout/setImmediate, waitFor and the sandbox's HTTP stay real,
 * and only what the service under test arms through its Clock waits for the test to move time (`timers.tick`,
 * `tickAsync`, `next`, `setSystemTime`; `countTimers()` for what is still armed).
 */
import * as sinon from 'sinon';
import type { Clock } from '../../../src/core/ports';

/** Where a test's time starts unless it says otherwise. */
export const FAKE_EPOCH = Date.UTC(2026, 10, 22, 12, 0, 0);

export interface FakeTime {
  /** The port handed to the service. */
  readonly clock: Clock;
  /** sinon's clock that drives it. */
  readonly timers: sinon.SinonFakeTimers;
}

type InstallConfig = Exclude<Parameters<typeof sinon.useFakeTimers>[0], number | Date | undefined>;

export function fakeTime(now = FAKE_EPOCH): FakeTime {
  // sinon's `global` option (not in its typings): fake the timers of this object instead of Node's; tickAsync
  // yields to the real setImmediate between timers, so an async tick settles before the next timer is armed
  const own = { setTimeout, clearTimeout, setImmediate, clearImmediate, Date, Promise };
  const config: InstallConfig & { global: object } = { now, toFake: ['setTimeout', 'clearTimeout', 'Date'], global: own };
  const timers = sinon.useFakeTimers(config);
  const clock: Clock = {
    now: () => timers.now,
    setTimeout: (fn, ms) => timers.setTimeout(fn, ms),
    clearTimeout: (h) => timers.clearTimeout(h as ReturnType<typeof timers.setTimeout>),
  };
  return { clock, timers };
}

/**
 * Fires the earliest armed timer if it is due by `end`, moving time to it; false when none is. For a loop that lets
 * each timer's work (an HTTP round trip) finish before the next one. fake-timers has no public peek: its clock's
 * `timers` map (typed, created on the first timer) says when each is due.
 */
export function runNextDue(timers: sinon.SinonFakeTimers, end: number): boolean {
  const due = [...(timers.timers?.values() ?? [])].map((t) => t.callAt ?? Infinity);
  if (!(Math.min(...due) <= end)) {
    return false;
  }
  timers.next();
  return true;
}
