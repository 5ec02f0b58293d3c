/** A tiny event emitter with the shape of vscode.Event, so core code needs no vscode values. */
export interface Disposable {
  dispose(): void;
}

/**
 * Where a listener's or a disposable's failure goes: such a failure never stops the others, and is never swallowed.
 * The container points this at the extension's log at activation (as vscode's EventEmitter reports through
 * onUnexpectedError); until then it goes to the console.
 */
let reportListenerError: (what: string, e: unknown) => void = (what, e) => console.error(`${what}:`, e);

/** Sets where listener and dispose failures are reported; returns the previous reporter (tests restore it). */
export function setListenerErrorReporter(report: (what: string, e: unknown) => void): (what: string, e: unknown) => void {
  const previous = reportListenerError;
  reportListenerError = report;
  return previous;
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
          r.catch((err: unknown) => reportListenerError('An event listener failed', err));
        }
      } catch (err) {
        // a listener's failure must not stop the others
        reportListenerError('An event listener failed', err);
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
      } catch (err) {
        // keep disposing the rest
        reportListenerError('Disposing failed', err);
      }
    }
  }
}
