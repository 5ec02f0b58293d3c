/** Active Builds view: the polled queue of the active organization, with a badge counting running builds. */
import * as vscode from 'vscode';
import type { BuildService } from '../../core/builds/buildService';
import { DisposableBase } from '../../core/events';
import type { SessionService } from '../../core/session/sessionService';
import { describeError } from '../errors/errorMessages';
import type { AppcircleNode } from './nodes';
import { MessageNode, QueueNode } from './nodes';

export class ActiveBuildsTreeProvider extends DisposableBase implements vscode.TreeDataProvider<AppcircleNode> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<AppcircleNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;

  constructor(
    private readonly builds: BuildService,
    private readonly session: SessionService,
    /** The view showing this tree (created at activation): its badge and description are set here. */
    private readonly view: vscode.TreeView<AppcircleNode> | undefined = undefined,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this._register(
      builds.onDidChangeData((c) => {
        if (c.kind === 'queue' || c.kind === 'all') {
          this._onDidChangeTreeData.fire(undefined);
          this.updateBadge();
        }
      }),
    );
  }

  updateBadge(): void {
    if (!this.view) {
      return;
    }
    const running = this.session.isSignedIn ? this.builds.runningCount : 0;
    this.view.badge = running > 0 ? { value: running, tooltip: vscode.l10n.t('{0} running Appcircle builds', running) } : undefined;
    this.view.description =
      this.session.isSignedIn && this.builds.queue.loaded ? vscode.l10n.t('{0} in queue', this.builds.queue.entries.length) : undefined;
  }

  getTreeItem(node: AppcircleNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  /** The tooltip on hover: how long an entry has been queued is as of then, not of the last poll. */
  resolveTreeItem(item: vscode.TreeItem, node: AppcircleNode): vscode.TreeItem {
    if (node instanceof QueueNode) {
      item.tooltip = node.tooltip(this.now());
    }
    return item;
  }

  getChildren(node?: AppcircleNode): AppcircleNode[] {
    if (node || !this.session.isSignedIn) {
      return [];
    }
    const q = this.builds.queue;
    if (!q.loaded) {
      if (q.error) {
        return [this.errorNode(q.error)];
      }
      this.builds.pollNow();
      return [new MessageNode('queue:loading', vscode.l10n.t('Loading the build queue…'), 'loading')];
    }
    const now = this.now();
    const nodes: AppcircleNode[] = q.entries.map((e) => new QueueNode(e, now));
    if (q.error) {
      nodes.unshift(this.errorNode(q.error));
    }
    if (!nodes.length) {
      return [new MessageNode('queue:empty', vscode.l10n.t('No builds are waiting or running.'), 'info')];
    }
    return nodes;
  }

  private errorNode(e: unknown): MessageNode {
    return new MessageNode('queue:error', describeError(e, 'load')?.message ?? vscode.l10n.t('Could not load the queue.'), 'error', () =>
      this.builds.refresh({ kind: 'queue' }),
    );
  }
}
