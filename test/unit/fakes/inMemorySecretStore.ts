/**
 * SecretStore in memory; `failNext` simulates a broken keychain, `holdNext` a slow one (the next operation of that
 * kind waits until released; never released = hung), `corrupt` stores a raw value; siblings share storage like two
 * windows. Operations run one at a time, in order, as on VS Code's main thread.
 */
import { Emitter } from '../../../src/core/events';
import type { SecretStore } from '../../../src/core/ports';

export type SecretOp = 'get' | 'store' | 'delete';

export class SharedSecretBacking {
  readonly data = new Map<string, string>();
  readonly stores = new Set<InMemorySecretStore>();
  readonly writes: { key: string; value?: string }[] = [];
}

export class InMemorySecretStore implements SecretStore {
  private readonly emitter = new Emitter<string>();
  readonly onDidChange = this.emitter.event;
  failNext: 'get' | 'store' | 'delete' | undefined;
  private holds: { op: SecretOp; gate: Promise<void> }[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  /** Operations waiting on a hold right now. */
  waiting = 0;

  constructor(readonly backing = new SharedSecretBacking()) {
    backing.stores.add(this);
  }

  /** The next `op` waits until the returned release() (or forever: a hung keychain). */
  holdNext(op: SecretOp): { release(): void } {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    this.holds.push({ op, gate });
    return { release };
  }

  /** A raw value under a key, as a broken or newer writer would leave it. */
  corrupt(key: string, raw: string): void {
    this.backing.data.set(key, raw);
  }

  private serialized<T>(op: SecretOp, fn: () => Promise<T>): Promise<T> {
    const i = this.holds.findIndex((h) => h.op === op);
    const hold = i >= 0 ? this.holds.splice(i, 1)[0] : undefined;
    const run = async () => {
      if (hold) {
        this.waiting++;
        await hold.gate;
        this.waiting--;
      }
      return fn();
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Another "window" on the same secret storage. */
  sibling(): InMemorySecretStore {
    return new InMemorySecretStore(this.backing);
  }

  get(key: string): Promise<string | undefined> {
    if (this.failNext === 'get') {
      this.failNext = undefined;
      return Promise.reject(new Error('keychain unavailable'));
    }
    return this.serialized('get', () => Promise.resolve(this.backing.data.get(key)));
  }

  store(key: string, value: string): Promise<void> {
    if (this.failNext === 'store') {
      this.failNext = undefined;
      return Promise.reject(new Error('keychain unavailable'));
    }
    return this.serialized('store', () => {
      this.backing.data.set(key, value);
      this.backing.writes.push({ key, value });
      this.broadcast(key);
      return Promise.resolve();
    });
  }

  delete(key: string): Promise<void> {
    if (this.failNext === 'delete') {
      this.failNext = undefined;
      return Promise.reject(new Error('keychain unavailable'));
    }
    return this.serialized('delete', () => {
      this.backing.data.delete(key);
      this.backing.writes.push({ key });
      this.broadcast(key);
      return Promise.resolve();
    });
  }

  private broadcast(key: string): void {
    for (const s of this.backing.stores) {
      s.emitter.fire(key);
    }
  }
}
