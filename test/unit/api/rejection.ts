import * as assert from 'node:assert/strict';
import { ApiError } from '../../../src/api/http/errors';

/** The ApiError `p` rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, `an ApiError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

/** A logger that keeps every line (to check what was logged, and that no secret was). */
export class Lines {
  readonly all: string[] = [];
  debug = (m: string) => this.all.push(m);
  info = (m: string) => this.all.push(m);
  warn = (m: string) => this.all.push(m);
  error = (m: string) => this.all.push(m);
}
