/**
 * A keyed async cache that keeps the last good value (ARCHITECTURE.md §4): a refresh that fails leaves the previous
 * value in place and reports the error; concurrent loads of one key share one promise.
 */
export interface CacheEntry<T> {
  value?: T;
  error?: unknown;
  stale: boolean;
  loading?: Promise<T>;
}

export class KeepLastGoodCache<T> {
  private readonly entries = new Map<string, CacheEntry<T>>();
  private generation = 0;

  /** Returns the cached value when fresh; otherwise loads. On failure with a previous value, returns it and sets `error`. */
  async get(key: string, load: () => Promise<T>): Promise<{ value: T; error?: unknown }> {
    const e = this.entries.get(key) ?? { stale: true };
    this.entries.set(key, e);
    if (e.value !== undefined && !e.stale) {
      return { value: e.value, error: e.error };
    }
    if (!e.loading) {
      const gen = this.generation;
      e.loading = load().finally(() => {
        e.loading = undefined;
      });
      e.loading.then(
        (v) => {
          if (gen === this.generation) {
            e.value = v;
            e.stale = false;
            e.error = undefined;
          }
        },
        (err: unknown) => {
          if (gen === this.generation) {
            e.error = err;
            e.stale = false;
          }
        },
      );
    }
    try {
      return { value: await e.loading };
    } catch (err) {
      if (e.value !== undefined) {
        return { value: e.value, error: err };
      }
      // only this load's own entry: after clear() a fresh one may hold the new session's load
      if (this.entries.get(key) === e) {
        this.entries.delete(key);
      }
      throw err;
    }
  }

  peek(key: string): T | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: string): boolean {
    return this.entries.get(key)?.value !== undefined;
  }

  /** Marks one key (or keys with a prefix) stale; the next get reloads but keeps the old value on failure. */
  invalidate(keyOrPrefix?: string, prefix = false): void {
    for (const [k, e] of this.entries) {
      if (keyOrPrefix === undefined || k === keyOrPrefix || (prefix && k.startsWith(keyOrPrefix))) {
        e.stale = true;
      }
    }
  }

  set(key: string, value: T): void {
    this.entries.set(key, { value, stale: false });
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Forgets everything (sign-out, organization switch). In-flight loads are ignored when they land. */
  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}
