/**
 * Paces a followed log's change events. VS Code answers each one by reading the whole document again, so a log
 * streamed at thousands of lines a second must not fire one per append: the first change fires at once, later ones
 * at most once per gap, which grows with the log's size (a read of 5 MB costs more than one of 50 KB); the last
 * change always fires. A poll tick's change (once per tick) fires at once.
 */
import type * as vscode from 'vscode';

/** The least wait between two change events of one log, for a log of `bytes`: 50 ms, plus 1 ms per 10 KB, 1 s at most. */
export function changeGapMs(bytes: number): number {
  return Math.min(1000, 50 + Math.floor(Math.max(0, bytes) / 10_000));
}

export class LogChangePacer {
  private readonly last = new Map<string, number>();
  private readonly waiting = new Map<string, { uri: vscode.Uri; timer: NodeJS.Timeout }>();

  constructor(
    private readonly fire: (uri: vscode.Uri) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The log at `uri` (now `bytes` long) changed: its event fires now or when its gap has passed. */
  changed(uri: vscode.Uri, bytes: number): void {
    const key = uri.toString();
    if (this.waiting.has(key)) {
      return; // the event on its way reads the document as it is then
    }
    const wait = (this.last.get(key) ?? -Infinity) + changeGapMs(bytes) - this.clock();
    if (wait <= 0) {
      this.emit(key, uri);
      return;
    }
    this.waiting.set(key, { uri, timer: setTimeout(() => this.emit(key, uri), wait) });
  }

  /** The log at `uri` changed and must show at once (a poll tick's read): its event fires now. */
  now(uri: vscode.Uri): void {
    this.emit(uri.toString(), uri);
  }

  /** The log is no longer followed: its waiting event fires now (its last text is shown), and its pace is forgotten. */
  forget(key: string): void {
    const w = this.waiting.get(key);
    if (w) {
      this.emit(key, w.uri);
    }
    this.last.delete(key);
  }

  dispose(): void {
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
    }
    this.waiting.clear();
    this.last.clear();
  }

  private emit(key: string, uri: vscode.Uri): void {
    clearTimeout(this.waiting.get(key)?.timer);
    this.waiting.delete(key);
    this.last.set(key, this.clock());
    this.fire(uri);
  }
}
