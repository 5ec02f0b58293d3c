/** A tiny event emitter with the shape of vscode.Event, so core code needs no vscode values. */
export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (e: T) => unknown, thisArgs?: unknown, disposables?: Disposable[]) => Disposable;

export class Emitter<T> implements Disposable {
  private listeners = new Set<(e: T) => unknown>();
  private disposed = false;

  readonly event: Event<T> = (listener, thisArgs, disposables) => {
    const bound = thisArgs ? listener.bind(thisArgs) : listener;
    this.listeners.add(bound);
    const d: Disposable = { dispose: () => this.listeners.delete(bound) };
    disposables?.push(d);
    return d;
  };

  fire(e: T): void {
    if (this.disposed) {
      return;
    }
    for (const l of [...this.listeners]) {
      try {
        const r = l(e);
        if (r instanceof Promise) {
          r.catch(() => undefined);
        }
      } catch {
        // a listener's failure must not stop the others
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}

/** Base class for long-lived objects that own disposables (ARCHITECTURE.md §2). */
export abstract class DisposableBase implements Disposable {
  private readonly owned: Disposable[] = [];
  private isDisposed = false;

  protected _register<T extends Disposable>(d: T): T {
    if (this.isDisposed) {
      d.dispose();
    } else {
      this.owned.push(d);
    }
    return d;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.isDisposed = true;
    for (const d of this.owned.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        // keep disposing the rest
      }
    }
  }
}
