/**
 * The fake's shared reset and its facade. Each area of the vscode fake keeps its scripted answers and recordings
 * next to the code that uses them and registers here what `fake.reset()` puts back; `facade()` joins the areas'
 * state objects into the one `fake` (or `fake10`) the tests read and assign, forwarding every property to its area.
 * Also the two helpers the areas share: `forget` (a recording assigned `[]`) and `noop` (a registration).
 */
import type * as sinon from 'sinon';
import { Disposable } from './basics';

const resets: (() => void)[] = [];

/** Registers a reset that `fake.reset()` runs; returns it, for a narrower reset (fake10.reset) to run too. */
export function onReset(fn: () => void): () => void {
  resets.push(fn);
  return fn;
}

export function resetAll(): void {
  for (const fn of resets) {
    fn();
  }
}

type Joined<T extends object[]> = T extends [infer H, ...infer R extends object[]] ? H & Joined<R> : unknown;

/** One object whose properties read and write those of the parts (a test's `fake.messages = []` reaches its area). */
export function facade<T extends object[]>(...parts: T): Joined<T> {
  const out = {};
  for (const part of parts) {
    const own = part as Record<string, unknown>;
    for (const key of Object.keys(part)) {
      if (key in out) {
        throw new Error(`fake.${key} is in two areas`);
      }
      Object.defineProperty(out, key, {
        get: () => own[key],
        set: (v: unknown) => (own[key] = v),
        enumerable: true,
      });
    }
  }
  return out as Joined<T>;
}

/** `fake.x = []` forgets what a spy recorded; the fake records, so any other value is a test's mistake. */
export function forget(value: unknown[], ...spies: sinon.SinonSpy[]): void {
  if (value.length > 0) {
    throw new Error('the fake records these: only [] (forget them) can be assigned');
  }
  spies.forEach((s) => s.resetHistory());
}

/** A disposable that does nothing, for the registrations a test never undoes. */
export const noop = (): Disposable => new Disposable(() => undefined);
