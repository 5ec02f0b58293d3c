/**
 * The temporary files of logs larger than the threshold (5 MB; LogFollower writes them). Each opens in its own
 * editor from disk (a file: URI, read by VS Code, not by this extension host), and the appcircle-log: document
 * says where it is instead. The rest of a finished log streams into its open file; a read that breaks off says so
 * and leaves the file as it is. A file is deleted when its editor closes or the extension stops.
 */
import * as vscode from 'vscode';
import { DisposableBase } from '../../core/events';
import type { LogFollower } from '../../core/logs/logFollower';
import type { Logger } from '../../core/ports';
import { MAX_MESSAGE_LENGTH, plain } from '../../core/plainText';
import { describeError } from '../errors/errorMessages';
import { errorText } from '../../core/errors';

export class SpilledLogFiles extends DisposableBase {
  /** appcircle-log: URI → the follower whose log went to a temporary file (it opens from disk). */
  private readonly onDisk = new Map<string, LogFollower>();
  /** appcircle-log: URI → the read of a finished log still streaming into its open file. */
  private readonly downloads = new Map<string, { abort(): void; done: Promise<void> }>();
  /** Files of finished logs whose read broke off: deleted when their editor closes, or with the extension. */
  private readonly brokenOff = new Set<LogFollower>();

  constructor(
    private readonly spillAboveBytes: number,
    /** The file's editor closed: its log is no longer followed either. */
    private readonly unfollow: (key: string) => void,
    private readonly logger?: Logger,
  ) {
    super();
    this._register({ dispose: () => [...this.onDisk.values(), ...this.brokenOff].forEach((f) => void f.dispose()) });
    // (disposed in reverse: the reads stop before their files go)
    this._register({ dispose: () => [...this.downloads.values()].forEach((d) => d.abort()) });
  }

  /** The temporary file a log went to, if it was larger than the threshold. */
  fileOf(key: string): string | undefined {
    return this.onDisk.get(key)?.spilledTo;
  }

  /** The note the appcircle-log: document shows instead of a log that is in its file. */
  noteFor(key: string): string | undefined {
    const file = this.fileOf(key);
    return file ? onDiskNote(file) : undefined;
  }

  /**
   * The rest of a finished log going to its file after the file opened. Closing the file's editor stops it
   * (dropFile aborts the read); a failure says so, since the file then ends early.
   */
  readToTheEnd(key: string, follower: LogFollower, reading: Promise<void>, ac: AbortController, label: string): void {
    const download = { abort: () => ac.abort(), done: Promise.resolve() };
    download.done = reading
      .catch((e: unknown) => {
        if (ac.signal.aborted) {
          return;
        }
        this.logger?.warn(`The rest of ${follower.spilledTo ?? 'a log'} could not be read: ${errorText(e)}`);
        // asked again, it is read again into a new file; this one stays while its editor is open
        this.onDisk.delete(key);
        this.brokenOff.add(follower);
        void follower.closeFile();
        void vscode.window.showWarningMessage(
          vscode.l10n.t(
            'The build log {0} could not be read to its end, so its file stops early: {1} Open the log again to read it anew.',
            plain(label),
            describeError(e, 'load')?.message ?? plain(String(e), MAX_MESSAGE_LENGTH),
          ),
        );
      })
      .finally(() => {
        // (the log may have been asked for again after a failure: that read is another entry)
        if (this.downloads.get(key) === download) {
          this.downloads.delete(key);
        }
      });
    this.downloads.set(key, download);
  }

  /** Resolves once the rest of a finished log is in its file, or its read stopped (tests and the bench wait on it). */
  async downloaded(key: string): Promise<void> {
    await this.downloads.get(key)?.done;
  }

  /**
   * Opens the temporary file of a log larger than the threshold in its own editor; returns the note shown instead.
   * The file's editor always ends up in front of the note: while the appcircle-log: document is being opened
   * (`whenShown`), the file is shown once the document's editor is active (or after a second, if it never
   * becomes active), never before it; a log that passes the threshold while it is shown opens its file at once.
   */
  open(key: string, follower: LogFollower, whenShown = false): string {
    const file = follower.spilledTo ?? '';
    this.onDisk.set(key, follower);
    this.logger?.info(
      `A build log passed ${Math.round(this.spillAboveBytes / 1024 / 1024)} MB: it is written to ${file} and opened from disk`,
    );
    const show = () =>
      void vscode.window
        .showTextDocument(vscode.Uri.file(file), { preview: false })
        .then(undefined, (e: unknown) => this.logger?.warn(`Could not open ${file}: ${errorText(e)}`));
    if (!whenShown) {
      show();
      return onDiskNote(file);
    }
    let pending = true;
    const once = () => {
      if (pending) {
        pending = false;
        sub.dispose();
        clearTimeout(timer);
        show();
      }
    };
    const sub = vscode.window.onDidChangeActiveTextEditor((e) => {
      if (e?.document.uri.toString() === key) {
        once();
      }
    });
    const timer = setTimeout(once, 1000);
    return onDiskNote(file);
  }

  /** The editor of a temporary log file closed: delete the file, stop following its log. */
  dropFile(fsPath: string): void {
    for (const f of this.brokenOff) {
      if (f.spilledTo === fsPath) {
        this.brokenOff.delete(f);
        void f.dispose();
      }
    }
    for (const [key, f] of this.onDisk) {
      if (f.spilledTo === fsPath) {
        this.downloads.get(key)?.abort();
        this.onDisk.delete(key);
        this.unfollow(key);
        void f.dispose();
      }
    }
  }
}

function onDiskNote(file: string): string {
  return `${vscode.l10n.t('This log is larger than the extension keeps in memory, so it was written to a file and opened from disk in its own editor: {0}', file)}\n`;
}
