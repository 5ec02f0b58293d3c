/**
 * Build logs as read-only documents (`appcircle-log:` scheme). The URI carries the ids. A finished build's log
 * is fetched when VS Code asks and is not kept here. A running build's log is followed: at every poll tick of
 * the one scheduler it fetches only what is new (LogFollower) and appends it; VS Code re-reads the document and
 * applies the difference, an append at the end. Editors that showed the last line keep showing it; others keep
 * their scroll position. The followed text is held once, and dropped when the build has ended.
 */
import * as vscode from 'vscode';
import { isActive } from '../core/buildModels';
import type { BuildService, PollTick } from '../core/buildService';
import { DisposableBase } from '../core/events';
import { LogFollower } from '../core/logFollower';
import type { Logger } from '../core/ports';
import { describeError } from './errorMessages';

export const LOG_SCHEME = 'appcircle-log';
const l = vscode.l10n.t;

export interface LogTarget {
  profileName: string;
  branchName: string;
  commitId?: string;
  buildId?: string;
  queueItemId?: string;
  label: string;
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
  return vscode.Uri.from({ scheme: LOG_SCHEME, path: `/${safe(t.profileName)}/${safe(t.branchName)}/${safe(t.label)}.log`, query: query.toString() });
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

  constructor(
    private readonly builds: BuildService,
    private readonly logger?: Logger,
  ) {
    super();
    this._register(builds.onDidPoll((tick) => void this.onTick(tick)));
    this._register(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme === LOG_SCHEME) {
          this.unfollow(doc.uri.toString());
        }
      }),
    );
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.followTheEnd(e.document)));
    this._register({ dispose: () => [...this.following.keys()].forEach((k) => this.unfollow(k)) });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const key = uri.toString();
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
        active = isActive(item.status) || item.status === 99;
        buildId ??= item.buildId;
        commitId ??= item.commitId;
      }
      if (active && queueItemId) {
        const follower = new LogFollower((s, from, signal) => this.builds.readLog(s, from, signal), buildId && commitId ? { commitId, buildId } : { queueItemId });
        const entry: Followed = { uri, follower, queueItemId, watch: this.builds.scheduler.watch(), busy: true, ticksSinceQueue: 0, ended: false };
        this.following.set(key, entry);
        try {
          await follower.update(ac.signal);
        } finally {
          entry.busy = false;
        }
        return render(follower.text);
      }
      const text = buildId && commitId ? await this.builds.logText(commitId, buildId, ac.signal) : queueItemId ? await this.builds.queueLogText(queueItemId, ac.signal) : undefined;
      return render(text ?? '');
    } catch (e) {
      this.unfollow(key);
      return `${l('Could not load the log: {0}', describeError(e, 'load')?.message ?? String(e))}\n`;
    }
  }

  /** One poll tick: every followed log fetches what is new (only that, where the server allows it). */
  private async onTick(tick: PollTick): Promise<void> {
    await Promise.all([...this.following.entries()].map(([key, f]) => this.updateOne(key, f, tick)));
  }

  private async updateOne(key: string, f: Followed, tick: PollTick): Promise<void> {
    if (f.busy || f.ended) {
      return;
    }
    f.busy = true;
    const before = f.follower.text.length;
    const inQueue = tick.activeIds.has(f.queueItemId);
    f.ticksSinceQueue = inQueue ? 0 : f.ticksSinceQueue + 1;
    let grew = false;
    try {
      const r = await f.follower.update();
      grew = r === 'replaced' || f.follower.text.length !== before;
    } catch (e) {
      grew = f.follower.text.length !== before;
      this.logger?.info(`Log update of ${f.queueItemId} failed (the next tick tries again): ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      f.busy = false;
    }
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
    if (grew) {
      this.updates++;
      this.rememberEditorsAtEnd(key);
      this._onDidChange.fire(f.uri);
    }
  }

  /** Visible editors of this log whose last line is on screen before the update. */
  private rememberEditorsAtEnd(key: string): void {
    const atEnd = vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === key && e.visibleRanges.some((r) => r.end.line >= e.document.lineCount - 2));
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

function render(text: string): string {
  return text || `${l('No logs yet. Appcircle publishes the log while the build runs or shortly after it ends; this document grows by itself while the build runs.')}\n`;
}
