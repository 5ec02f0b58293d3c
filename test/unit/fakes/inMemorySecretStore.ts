/** SecretStore in memory; `failNext` simulates a broken keychain; `others` share storage like two windows. */
import { Emitter } from '../../../src/core/events';
import type { SecretStore } from '../../../src/core/ports';

export class SharedSecretBacking {
  readonly data = new Map<string, string>();
  readonly stores = new Set<InMemorySecretStore>();
  readonly writes: { key: string; value?: string }[] = [];
}

export class InMemorySecretStore implements SecretStore {
  private readonly emitter = new Emitter<string>();
  readonly onDidChange = this.emitter.event;
  failNext: 'get' | 'store' | 'delete' | undefined;

  constructor(readonly backing = new SharedSecretBacking()) {
    backing.stores.add(this);
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
    return Promise.resolve(this.backing.data.get(key));
  }

  store(key: string, value: string): Promise<void> {
    if (this.failNext === 'store') {
      this.failNext = undefined;
      return Promise.reject(new Error('keychain unavailable'));
    }
    this.backing.data.set(key, value);
    this.backing.writes.push({ key, value });
    this.broadcast(key);
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    if (this.failNext === 'delete') {
      this.failNext = undefined;
      return Promise.reject(new Error('keychain unavailable'));
    }
    this.backing.data.delete(key);
    this.backing.writes.push({ key });
    this.broadcast(key);
    return Promise.resolve();
  }

  private broadcast(key: string): void {
    for (const s of this.backing.stores) {
      s.emitter.fire(key);
    }
  }
}
