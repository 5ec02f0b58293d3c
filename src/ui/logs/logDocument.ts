/**
 * Build logs as read-only documents (`appcircle-log:` scheme; the URI carries the ids, logUri.ts). A finished
 * build's log is fetched when VS Code asks and is not kept here. A running build's log is followed (FollowedLogs):
 * at every poll tick it fetches only what is new and appends it; VS Code re-reads the document and applies the
 * difference, an append at the end. Editors that showed the last line keep showing it (LogAutoScroll); others keep
 * their scroll position. The followed text is held once, and dropped when the build has ended.
 * A log larger than the threshold (5 MB) is never held whole: LogFollower writes it to a temporary file, which
 * opens in its own editor from disk (SpilledLogFiles), and the appcircle-log: document says where it is. A followed
 * log keeps growing in that file; so does a finished one, whose file opens as soon as it passes the threshold
 * while the rest is still being read. The file is deleted when its editor closes or the extension stops.
 */
import * as vscode from 'vscode';
import { LOG_SCHEME } from '../../constants';
import { isTerminal } from '../../core/builds/buildModels';
import type { BuildService } from '../../core/builds/buildService';
import { DisposableBase } from '../../core/events';
import { LOG_SPILL_THRESHOLD_BYTES, LogFollower } from '../../core/logs/logFollower';
import type { LogFollowerOptions } from '../../core/logs/logFollower';
import type { BuildLogStream } from '../../core/logs/logStream';
import type { Logger } from '../../core/ports';
import { describeError } from '../errors/errorMessages';
import { FollowedLogs } from './followedLogs';
import type { FollowedLogEvents } from './followedLogs';
import { LogAutoScroll } from './logAutoScroll';
import { LogChangePacer } from './logChangePacer';
import { logBuildInfo, logFileName, logTitle } from './logUri';
import { SpilledLogFiles } from './spilledLogFiles';

type LogSource = LogFollower['source'];

export class LogDocumentProvider extends DisposableBase implements vscode.TextDocumentContentProvider {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this._onDidChange.event;
  private readonly scroll = this._register(new LogAutoScroll());
  private readonly pacer = this._register(
    new LogChangePacer((uri) => {
      this.scroll.rememberEditorsAtEnd(uri.toString());
      this._onDidChange.fire(uri);
    }),
  );
  private readonly followed: FollowedLogs;
  private readonly files: SpilledLogFiles;
  private readonly read = (s: LogSource, from: number, signal?: AbortSignal) => this.builds.readLog(s, from, signal);

  constructor(
    private readonly builds: BuildService,
    logger?: Logger,
    private readonly spillAboveBytes = LOG_SPILL_THRESHOLD_BYTES,
    /** Tests: a small file ceiling, a fake clock for the cadence of a server that ignores Range. */
    private readonly followerOptions: Pick<LogFollowerOptions, 'maxFileBytes' | 'now'> = {},
    /** The hook service's stream, when running builds' logs may come over it (src/core/logs/logStream.ts). */
    stream?: BuildLogStream,
  ) {
    super();
    const events: FollowedLogEvents = {
      grew: (...a) => this.grew(...a),
      unfollowed: (key) => {
        this.scroll.forget(key);
        this.pacer.forget(key);
      },
    };
    this.followed = this._register(new FollowedLogs(builds, events, logger, stream));
    this._register(vscode.workspace.onDidCloseTextDocument((doc) => this.closed(doc)));
    // (registered last, disposed first: the reads of finished logs stop and the files go, then the followed logs)
    this.files = this._register(new SpilledLogFiles(spillAboveBytes, (key) => this.followed.unfollow(key), logger));
  }

  /** A log document closed (its log is no longer followed), or a log's temporary file (the file is deleted). */
  private closed(doc: vscode.TextDocument): void {
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
        this.followed.unfollow(doc.uri.toString());
      } else {
        this.files.dropFile(doc.uri.fsPath);
      }
    }, 0);
  }

  /** Updates made to followed logs (each one an append or, rarely, a whole re-read): for tests and the log. */
  get updates(): number {
    return this.followed.updates;
  }

  /** The temporary file a log went to, if it was larger than the threshold. */
  fileOf(uri: vscode.Uri): string | undefined {
    return this.files.fileOf(uri.toString());
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const key = uri.toString();
    const onDisk = this.files.noteFor(key);
    if (onDisk) {
      return onDisk;
    }
    const followed = this.followed.textFor(key);
    if (followed !== undefined) {
      return render(followed);
    }
    const ac = new AbortController();
    token.onCancellationRequested(() => ac.abort());
    try {
      return await this.load(uri, ac);
    } catch (e) {
      this.followed.unfollow(key);
      return `${vscode.l10n.t('Could not load the log: {0}', describeError(e, 'load')?.message ?? String(e))}\n`;
    }
  }

  /** A log not read yet: a running build's log is followed from now on, a finished one is read once. */
  private async load(uri: vscode.Uri, ac: AbortController): Promise<string> {
    const key = uri.toString();
    const info = logBuildInfo(uri);
    const queueItemId = info.queueItemId;
    let { commitId, buildId } = info;
    let active = false;
    let taskId: string | undefined;
    if (queueItemId) {
      const item = await this.builds.queueItem(queueItemId);
      active = !isTerminal(item.status); // waiting, running, completing, or not known yet
      buildId ??= item.buildId;
      commitId ??= item.commitId;
      taskId = item.taskId;
    }
    const options = { ...this.followerOptions, spillAboveBytes: this.spillAboveBytes, fileName: logFileName(uri) };
    if (active && queueItemId) {
      const follower = new LogFollower(this.read, buildId && commitId ? { commitId, buildId } : { queueItemId }, options);
      await this.followed.start(uri, follower, queueItemId, ac.signal, taskId);
      return follower.spilledTo ? this.files.open(key, follower, true) : render(follower.text);
    }
    const source: LogSource | undefined = buildId && commitId ? { commitId, buildId } : queueItemId ? { queueItemId } : undefined;
    if (!source) {
      return render('');
    }
    return this.readOnce(uri, source, options, ac);
  }

  /**
   * A finished build's log, read once: streamed, and to a file past the threshold. The file opens as soon as the
   * log passes the threshold; the rest streams into it (its editor grows) instead of being waited for.
   */
  private async readOnce(uri: vscode.Uri, source: LogSource, options: LogFollowerOptions, ac: AbortController): Promise<string> {
    const key = uri.toString();
    let spilled: () => void = () => undefined;
    const passed = new Promise<'spilled'>((resolve) => (spilled = () => resolve('spilled')));
    const once = new LogFollower(this.read, source, { ...options, onSpill: () => spilled() });
    const reading = once.update(ac.signal).then(() => once.closeFile());
    try {
      if ((await Promise.race([reading.then(() => 'read' as const), passed])) === 'spilled') {
        this.files.readToTheEnd(key, once, reading, ac, logTitle(uri));
        return this.files.open(key, once, true);
      }
    } catch (e) {
      await once.dispose();
      throw e;
    }
    if (once.spilledTo) {
      return this.files.open(key, once, true);
    }
    return render(once.text);
  }

  /** Resolves once the rest of a finished log is in its file, or its read stopped (tests and the bench wait on it). */
  async downloaded(uri: vscode.Uri): Promise<void> {
    await this.files.downloaded(uri.toString());
  }

  /** Resolves once the updates started by the last poll tick are done (tests and the bench wait on it). */
  settled(): Promise<void> {
    return this.followed.settled();
  }

  /**
   * A followed log grew: VS Code re-reads its document (an append at the end), or, once, reads where its file is.
   * A streamed log's changes are paced (`paced`); a poll tick's show at once.
   */
  private grew(uri: vscode.Uri, follower: LogFollower, wasOnDisk: boolean, paced: boolean): void {
    const key = uri.toString();
    if (follower.spilledTo) {
      // the text lives in the file now; the appcircle-log: document changes once, to say where
      if (!wasOnDisk) {
        this.files.open(key, follower);
        this._onDidChange.fire(uri);
      }
      return;
    }
    if (paced) {
      this.pacer.changed(uri, follower.byteLength);
    } else {
      this.pacer.now(uri);
    }
  }

  get followedCount(): number {
    return this.followed.count;
  }
}

function render(text: string): string {
  return (
    text ||
    `${vscode.l10n.t('No logs yet. Appcircle publishes the log while the build runs or shortly after it ends; this document grows by itself while the build runs.')}\n`
  );
}
