import type { Clock } from '../../../src/core/ports';

/** A clock the test moves by hand; timers fire in order on advance(). */
export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: { id: number; at: number; fn: () => void }[] = [];

  constructor(start = Date.UTC(2026, 10, 22, 12, 0, 0)) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.push({ id, at: this.t + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  get pending(): number {
    return this.timers.length;
  }
  /** Runs the earliest timer due at or before `end`, moving time to it; false when none is due. */
  runNext(end: number): boolean {
    this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
    const next = this.timers[0];
    if (!next || next.at > end) {
      return false;
    }
    this.timers.shift();
    this.t = Math.max(this.t, next.at);
    next.fn();
    return true;
  }

  setNow(t: number): void {
    this.t = Math.max(this.t, t);
  }

  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) {
        break;
      }
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}
