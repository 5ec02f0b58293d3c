/**
 * The secret writes of the session, one at a time in the order they were asked (a sign-out's delete lands after a
 * sign-in's store), and what tells the store's change events for this window's own writes from another window's:
 * the writes in flight, a sequence number a read after the event compares with, and the value being written.
 */
import type { CredentialStore } from './credentialStore';
import type { StoredSession } from './models';
import { sameSession } from './models';

export class SessionWrites {
  private chain: Promise<unknown> = Promise.resolve();
  private inFlight = 0;
  private seq = 0;
  /** What this window is writing right now (null: deleting), so its own change events are not taken as another window's. */
  private pending: StoredSession | null | undefined;

  constructor(private readonly store: CredentialStore) {}

  /** True while a write of this window runs or waits: a change event now is its own. */
  get writing(): boolean {
    return this.inFlight > 0;
  }

  /** Moves on with every write asked for: a read that started before it is out of date. */
  get sequence(): number {
    return this.seq;
  }

  /** Writes (or deletes) the secret after every write asked for before it. */
  write(next: StoredSession | null): Promise<void> {
    this.inFlight++;
    this.seq++;
    const run = async () => {
      // change events for our own write arrive during or right after it: isOwnWrite compares with this
      this.pending = next;
      await (next ? this.store.write(next) : this.store.clear());
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p.finally(() => {
      this.inFlight--;
    });
  }

  /** True (once) when `read`, read after a change event, is what this window's last write stored (or deleted). */
  isOwnWrite(read: StoredSession | undefined): boolean {
    if (this.pending !== undefined && sameSession(read, this.pending ?? undefined)) {
      this.pending = undefined;
      return true;
    }
    return false;
  }
}
