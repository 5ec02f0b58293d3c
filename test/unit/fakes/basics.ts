/**
 * The vscode fake's plain values: events, disposables, cancellation, Uri, the enums and l10n. No state, nothing
 * recorded: the same in every test.
 */
import { Emitter } from '../../../src/core/events';

export class EventEmitter<T> {
  private readonly inner = new Emitter<T>();
  readonly event = this.inner.event;
  fire(e: T): void {
    this.inner.fire(e);
  }
  dispose(): void {
    this.inner.dispose();
  }
}

export class Disposable {
  constructor(private readonly fn: () => void) {}
  static from(...ds: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => ds.forEach((d) => d.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

/** As vscode's: name and message are both 'Canceled', which is what the workbench's isCancellationError checks. */
export class CancellationError extends Error {
  constructor() {
    super('Canceled');
    this.name = this.message;
  }
}

export class CancellationTokenSource {
  private readonly em = new EventEmitter<void>();
  token = { isCancellationRequested: false, onCancellationRequested: this.em.event };
  cancel(): void {
    this.token.isCancellationRequested = true;
    this.em.fire();
  }
  dispose(): void {
    this.em.dispose();
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
    readonly query = '',
  ) {}
  static parse(s: string): Uri {
    const m = /^([a-z-]+):([^?]*)(?:\?(.*))?$/.exec(s);
    return new Uri(m?.[1] ?? 'file', m?.[2] ?? s, m?.[3] ?? '');
  }
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static from(c: { scheme: string; path?: string; query?: string }): Uri {
    return new Uri(c.scheme, c.path ?? '', c.query ?? '');
  }
  with(c: { path?: string }): Uri {
    return new Uri(this.scheme, c.path ?? this.path, this.query);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, [base.path, ...parts].join('/'));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}:${this.path}${this.query ? `?${this.query}` : ''}`;
  }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}
export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}
export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}
export enum QuickPickItemKind {
  Separator = -1,
  Default = 0,
}
export enum ExtensionMode {
  Production = 1,
  Development = 2,
  Test = 3,
}
export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}
export enum TextEditorRevealType {
  Default = 0,
  InCenter = 1,
  InCenterIfOutsideViewport = 2,
  AtTop = 3,
}
export enum FileType {
  Unknown = 0,
  File = 1,
  Directory = 2,
}

export const l10n = {
  t(message: string, ...args: unknown[]): string {
    return message.replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)]));
  },
};
