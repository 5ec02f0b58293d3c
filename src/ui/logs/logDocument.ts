/**
 * Build logs as read-only documents (`appcircle-log:` scheme). The URI carries the ids. A finished build's log
 * is fetched when VS Code asks and is not kept here. A running build's log is followed: at every poll tick of
 * the one scheduler it fetches only what is new (LogFollower) and appends it; VS Code re-reads the document and
 * applies the difference, an append at the end. Editors that showed the last line keep showing it; others keep
 * their scroll position. The followed text is held once, and dropped when the build has ended.
 * A log larger than the threshold (5 MB) is never held whole: LogFollower writes it to a temporary file,
 * which opens in its own editor from disk (a file: URI, read by VS Code, not by this extension host), and the
 * appcircle-log: document says where it is. A followed log keeps growing in that file; so does a finished one,
 * whose file opens as soon as it passes the threshold while the rest is still being read. The file is deleted when
 * its editor closes or the extension stops.
 */
import * as vscode from 'vscode';
import { LOG_SCHEME } from '../../constants';
import { isTerminal } from '../../core/builds/buildModels';
import type { BuildService, PollTick } from '../../core/builds/buildService';
import { DisposableBase } from '../../core/events';
import { LOG_SPILL_THRESHOLD_BYTES, LogFollower, RANGE_IGNORED_INTERVAL_MS } from '../../core/logs/logFollower';
import type { LogFollowerOptions } from '../../core/logs/logFollower';
import type { Logger } from '../../core/ports';
import { MAX_MESSAGE_LENGTH, plain } from '../../core/plainText';
import { describeError } from '../errors/errorMessages';
import { errorText } from '../../core/errors';

type LogSource = LogFollower['source'];
export interface LogTarget {
  profileName: string;
  branchName: string;
  commitId?: string;
  buildId?: string;
  queueItemId?: string;
  label: string;
  /** The build's status when the log was opened (a failed build's log gets Go to First Error and its Problems). */
  status?: number;
  profileId?: string;
  branchId?: string;
}

export function logUri(t: LogTarget): vscode.Uri {
  const safe = (s: string) => s.replace(/[\\/:*?"<>|#%]/g, '-');
  const query = new URLSearchParams();
  if (t.commitId) {
    query.set('commit', t.commitId);
  }
  if (t.buildId) {
    query.set('build', t.buildId);
  }
  if (t.queueItemId) {
    query.set('queue', t.queueItemId);
  }
  for (const [k, v] of [
    ['status', t.status],
    ['profile', t.profileId],
    ['branch', t.branchId],
  ] as const) {
    if (v !== undefined) {
      query.set(k, String(v));
    }
  }
  return vscode.Uri.from({
    scheme: LOG_SCHEME,
    path: `/${safe(t.profileName)}/${safe(t.branchName)}/${safe(t.label)}.log`,
    query: query.toString(),
  });
}

/** Ticks a log is still read after its build left the queue, while it keeps growing (its last lines). */
const TAIL_TICKS = 3;

interface Followed {
  uri: vscode.Uri;
  follower: LogFollower;
  queueItemId: string;
  /** Keeps the scheduler polling while the log is followed. */
  watch: { dispose(): void } | undefined;
  busy: boolean;
  ticksSinceQueue: number;
  /** The build has ended and the last update is out: drop the text once VS Code has read it. */
  ended: boolean;
  /** Said once in the log: the server ignores Range (read less often), the file reached its ceiling. */
  told: { rangeIgnored: boolean; capped: boolean };
}

export class LogDocumentProvider extends DisposableBase implements vscode.TextDocumentContentProvider {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this._onDidChange.event;
  /** Open documents of builds still running (or just ended) → their growing text. */
  private readonly following = new Map<string, Followed>();
  /** Editors that showed the last line before an update: they follow the end once VS Code applied it. */
  private readonly revealAfterUpdate = new Map<string, vscode.TextEditor[]>();
  /** Updates made (each one an append or, rarely, a whole re-read): for tests and the log. */
  updates = 0;
  private lastTick: Promise<void> = Promise.resolve();
  /** appcircle-log: URI → the follower whose log went to a temporary file (it opens from disk). */
  private readonly onDisk = new Map<string, LogFollower>();
  /** appcircle-log: URI → the read of a finished log still streaming into its open file. */
  private readonly downloads = new Map<string, { abort(): void; done: Promise<void> }>();
  /** Files of finished logs whose read broke off: deleted when their editor closes, or with the extension. */
  private readonly brokenOff = new Set<LogFollower>();

  constructor(
    private readonly builds: BuildService,
    private readonly logger?: Logger,
    private readonly spillAboveBytes = LOG_SPILL_THRESHOLD_BYTES,
    /** Tests: a small file ceiling, a fake clock for the cadence of a server that ignores Range. */
    private readonly followerOptions: Pick<LogFollowerOptions, 'maxFileBytes' | 'now'> = {},
  ) {
    super();
    this._register(builds.onDidPoll((tick) => void this.onTick(tick)));
    this._register(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme !== LOG_SCHEME && doc.uri.scheme !== 'file') {
          return;
        }
        // VS Code reports a change of language (Show Build Log sets the build log language) as a close and an
        // open of the same document: only a document that stays closed is a closed log
        setTimeout(() => {
          if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === doc.uri.toString())) {
            return;
          }
          if (doc.uri.scheme === LOG_SCHEME) {
            this.unfollow(doc.uri.toString());
          } else {
            this.dropFile(doc.uri.fsPath);
          }
        }, 0);
      }),
    );
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.followTheEnd(e.document)));
    this._register({ dispose: () => [...this.following.keys()].forEach((k) => this.unfollow(k)) });
    this._register({ dispose: () => [...this.onDisk.values(), ...this.brokenOff].forEach((f) => void f.dispose()) });
    // (disposed in reverse: the reads stop before their files go)
    this._register({ dispose: () => [...this.downloads.values()].forEach((d) => d.abort()) });
  }

  /** The temporary file a log went to, if it was larger than the threshold. */
  fileOf(uri: vscode.Uri): string | undefined {
    return this.onDisk.get(uri.toString())?.spilledTo;
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const key = uri.toString();
    const onDisk = this.onDisk.get(key)?.spilledTo;
    if (onDisk) {
      return onDiskNote(onDisk);
    }
    const followed = this.following.get(key);
    if (followed) {
      const text = render(followed.follower.text);
      if (followed.ended) {
        this.unfollow(key); // VS Code has the whole log now; no second copy is kept
      }
      return text;
    }
    const q = new URLSearchParams(uri.query);
    let commitId = q.get('commit') ?? undefined;
    let buildId = q.get('build') ?? undefined;
    const queueItemId = q.get('queue') ?? undefined;
    const ac = new AbortController();
    token.onCancellationRequested(() => ac.abort());
    try {
      let active = false;
      if (queueItemId) {
        const item = await this.builds.queueItem(queueItemId);
        active = !isTerminal(item.status); // waiting, running, completing, or not known yet
        buildId ??= item.buildId;
        commitId ??= item.commitId;
      }
      const read = (s: LogSource, from: number, signal?: AbortSignal) => this.builds.readLog(s, from, signal);
      const options = { ...this.followerOptions, spillAboveBytes: this.spillAboveBytes, fileName: uri.path.split('/').pop() };
      if (active && queueItemId) {
        const follower = new LogFollower(read, buildId && commitId ? { commitId, buildId } : { queueItemId }, options);
        const entry: Followed = {
          uri,
          follower,
          queueItemId,
          watch: this.builds.keepPolling(),
          busy: true,
          ticksSinceQueue: 0,
          ended: false,
          told: { rangeIgnored: false, capped: false },
        };
        this.following.set(key, entry);
        try {
          await follower.update(ac.signal);
        } finally {
          entry.busy = false;
        }
        return follower.spilledTo ? this.openFromDisk(key, follower, true) : render(follower.text);
      }
      const source: LogSource | undefined = buildId && commitId ? { commitId, buildId } : queueItemId ? { queueItemId } : undefined;
      if (!source) {
        return render('');
      }
      // a finished build's log, read once: streamed, and to a file past the threshold. The file opens as soon as
      // the log passes the threshold; the rest streams into it (its editor grows) instead of being waited for
      let spilled: () => void = () => undefined;
      const passed = new Promise<'spilled'>((resolve) => (spilled = () => resolve('spilled')));
      const once = new LogFollower(read, source, { ...options, onSpill: () => spilled() });
      const reading = once.update(ac.signal).then(() => once.closeFile());
      try {
        if ((await Promise.race([reading.then(() => 'read' as const), passed])) === 'spilled') {
          this.readToTheEnd(key, once, reading, ac, uri.path.split('/').filter(Boolean).join(' / '));
          return this.openFromDisk(key, once, true);
        }
      } catch (e) {
        await once.dispose();
        throw e;
      }
      if (once.spilledTo) {
        return this.openFromDisk(key, once, true);
      }
      return render(once.text);
    } catch (e) {
      this.unfollow(key);
      return `${vscode.l10n.t('Could not load the log: {0}', describeError(e, 'load')?.message ?? String(e))}\n`;
    }
  }

  /**
   * The rest of a finished log going to its file after the file opened. Closing the file's editor stops it
   * (dropFile aborts the read); a failure says so, since the file then ends early.
   */
  private readToTheEnd(key: string, follower: LogFollower, reading: Promise<void>, ac: AbortController, label: string): void {
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
  async downloaded(uri: vscode.Uri): Promise<void> {
    await this.downloads.get(uri.toString())?.done;
  }

  /** One poll tick: every followed log fetches what is new (only that, where the server allows it). */
  private async onTick(tick: PollTick): Promise<void> {
    const done = Promise.all([...this.following.entries()].map(([key, f]) => this.updateOne(key, f, tick))).then(() => undefined);
    this.lastTick = done;
    await done;
  }

  /** Resolves once the updates started by the last poll tick are done (tests and the bench wait on it). */
  settled(): Promise<void> {
    return this.lastTick;
  }

  private async updateOne(key: string, f: Followed, tick: PollTick): Promise<void> {
    if (f.busy || f.ended) {
      return;
    }
    f.busy = true;
    const before = f.follower.byteLength;
    const wasOnDisk = f.follower.spilledTo !== undefined;
    const inQueue = tick.activeIds.has(f.queueItemId);
    f.ticksSinceQueue = inQueue ? 0 : f.ticksSinceQueue + 1;
    let grew = false;
    try {
      // once the build has left the queue its last lines are read at every tick, even from a server that ignores Range
      const r = await f.follower.update(undefined, { force: !inQueue });
      grew = r === 'replaced' || f.follower.byteLength !== before;
    } catch (e) {
      grew = f.follower.byteLength !== before;
      this.logger?.info(`Log update of ${f.queueItemId} failed (the next tick tries again): ${errorText(e)}`);
    } finally {
      f.busy = false;
    }
    this.tellOnce(f);
    if (this.following.get(key) !== f) {
      return; // closed meanwhile
    }
    if (!inQueue && (!grew || f.ticksSinceQueue >= TAIL_TICKS)) {
      // the build has ended and its log stopped growing: stop polling for it
      f.watch?.dispose();
      f.watch = undefined;
      f.ended = true;
      if (!grew) {
        this.unfollow(key);
      }
    }
    if (f.ended && f.follower.spilledTo) {
      await f.follower.closeFile();
    }
    if (grew) {
      this.updates++;
      if (f.follower.spilledTo) {
        // the text lives in the file now; the appcircle-log: document changes once, to say where
        if (!wasOnDisk) {
          this.openFromDisk(key, f.follower);
          this._onDidChange.fire(f.uri);
        }
        return;
      }
      this.rememberEditorsAtEnd(key);
      this._onDidChange.fire(f.uri);
    }
  }

  /** The output log says once per followed log that the server ignores Range, and that its file reached its ceiling. */
  private tellOnce(f: Followed): void {
    if (f.follower.rangeIgnored && !f.told.rangeIgnored) {
      f.told.rangeIgnored = true;
      this.logger?.info(
        `The server ignores Range for the log of ${f.queueItemId} (it answers with the whole log): it is read every ${RANGE_IGNORED_INTERVAL_MS / 1000} s instead of at every poll tick`,
      );
    }
    if (f.follower.capped && !f.told.capped) {
      f.told.capped = true;
      this.logger?.info(`The log of ${f.queueItemId} reached its file's ceiling: the rest is not read`);
    }
  }

  /**
   * Opens the temporary file of a log larger than the threshold in its own editor; returns the note shown instead.
   * The file's editor always ends up in front of the note: while the appcircle-log: document is being opened
   * (`whenShown`), the file is shown once the document's editor is active (or after a second, if it never
   * becomes active), never before it; a log that passes the threshold while it is shown opens its file at once.
   */
  private openFromDisk(key: string, follower: LogFollower, whenShown = false): string {
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
  private dropFile(fsPath: string): void {
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

  /** Visible editors of this log whose last line is on screen before the update. */
  private rememberEditorsAtEnd(key: string): void {
    const atEnd = vscode.window.visibleTextEditors.filter(
      (e) => e.document.uri.toString() === key && e.visibleRanges.some((r) => r.end.line >= e.document.lineCount - 2),
    );
    if (atEnd.length) {
      this.revealAfterUpdate.set(key, atEnd);
    } else {
      this.revealAfterUpdate.delete(key);
    }
  }

  private followTheEnd(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const editors = this.revealAfterUpdate.get(key);
    if (!editors) {
      return;
    }
    this.revealAfterUpdate.delete(key);
    const last = Math.max(0, doc.lineCount - 1);
    for (const e of editors) {
      if (vscode.window.visibleTextEditors.includes(e)) {
        e.revealRange(new vscode.Range(last, 0, last, 0), vscode.TextEditorRevealType.Default);
      }
    }
  }

  private unfollow(key: string): void {
    this.following.get(key)?.watch?.dispose();
    this.following.delete(key);
    this.revealAfterUpdate.delete(key);
  }

  get followedCount(): number {
    return [...this.following.values()].filter((f) => !f.ended).length;
  }
}

function onDiskNote(file: string): string {
  return `${vscode.l10n.t('This log is larger than the extension keeps in memory, so it was written to a file and opened from disk in its own editor: {0}', file)}\n`;
}

function render(text: string): string {
  return (
    text ||
    `${vscode.l10n.t('No logs yet. Appcircle publishes the log while the build runs or shortly after it ends; this document grows by itself while the build runs.')}\n`
  );
}
