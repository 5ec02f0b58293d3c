/**
 * Build logs as read-only documents (`appcircle-log:` scheme). The URI carries the ids; the text is fetched
 * when VS Code asks and is not kept here (no second copy in memory). Logs of running builds are re-read on
 * each poll tick while the document is open, and following stops when the build ends.
 */
import * as vscode from 'vscode';
import { isActive } from '../core/buildModels';
import type { BuildService } from '../core/buildService';
import { DisposableBase } from '../core/events';
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

export class LogDocumentProvider extends DisposableBase implements vscode.TextDocumentContentProvider {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this._onDidChange.event;
  /** Open documents of builds still running → a polling watcher. */
  private readonly following = new Map<string, { dispose(): void }>();

  constructor(private readonly builds: BuildService) {
    super();
    this._register(
      builds.onDidChangeData((c) => {
        if (c.kind === 'queue') {
          for (const key of this.following.keys()) {
            this._onDidChange.fire(vscode.Uri.parse(key));
          }
        }
      }),
    );
    this._register(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme === LOG_SCHEME) {
          this.unfollow(doc.uri.toString());
        }
      }),
    );
    this._register({ dispose: () => [...this.following.keys()].forEach((k) => this.unfollow(k)) });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const q = new URLSearchParams(uri.query);
    let commitId = q.get('commit') ?? undefined;
    let buildId = q.get('build') ?? undefined;
    const queueItemId = q.get('queue') ?? undefined;
    const ac = new AbortController();
    token.onCancellationRequested(() => ac.abort());
    try {
      let active = false;
      let statusLine = '';
      if (queueItemId) {
        const item = await this.builds.queueItem(queueItemId);
        active = isActive(item.status) || item.status === 99;
        buildId ??= item.buildId;
        commitId ??= item.commitId;
        statusLine = active ? l('Build is running; this log follows it until it ends.') : '';
      }
      const text = buildId && commitId ? await this.builds.logText(commitId, buildId, ac.signal) : queueItemId ? await this.builds.queueLogText(queueItemId, ac.signal) : undefined;
      if (active) {
        this.follow(uri.toString());
      } else {
        this.unfollow(uri.toString());
      }
      if (text === undefined) {
        return `${l('No logs yet. Appcircle publishes the log while the build runs or shortly after it ends; this document refreshes by itself while the build runs.')}\n`;
      }
      return statusLine ? `${text}${text.endsWith('\n') ? '' : '\n'}\n— ${statusLine}\n` : text;
    } catch (e) {
      this.unfollow(uri.toString());
      return `${l('Could not load the log: {0}', describeError(e, 'load')?.message ?? String(e))}\n`;
    }
  }

  private follow(key: string): void {
    if (!this.following.has(key)) {
      this.following.set(key, this.builds.scheduler.watch());
    }
  }

  private unfollow(key: string): void {
    this.following.get(key)?.dispose();
    this.following.delete(key);
  }

  get followedCount(): number {
    return this.following.size;
  }
}
