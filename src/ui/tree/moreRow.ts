/**
 * A bounded tree level: at most MAX_TREE_ROWS rows, then one row "{0} more in the Appcircle dashboard" that opens
 * the dashboard page where the rest are listed (a long list is read there, not scrolled through here).
 */
import * as vscode from 'vscode';
import { isOpenableDashboardUrl } from '../builds/dashboardLinks';

/** Rows per tree level at most before the "more" row. */
export const MAX_TREE_ROWS = 100;

export class MoreRowNode {
  readonly type = 'moreRow';
  constructor(
    readonly key: string,
    /** How many rows were left out. */
    readonly hidden: number,
    /** What a click runs: the page that lists them all; none when no dashboard page is known. */
    private readonly open: vscode.Command | undefined,
  ) {}
  get id(): string {
    return `more:${this.key}`;
  }
  getTreeItem(): vscode.TreeItem {
    const label =
      this.hidden === 1
        ? vscode.l10n.t('1 more in the Appcircle dashboard')
        : vscode.l10n.t('{0} more in the Appcircle dashboard', this.hidden);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('link-external');
    item.contextValue = 'moreRow';
    if (this.open) {
      item.command = this.open;
      item.tooltip = vscode.l10n.t(
        'Only the first {0} are shown here. Click to open the Appcircle dashboard, which lists them all.',
        MAX_TREE_ROWS,
      );
    } else {
      item.tooltip = vscode.l10n.t('Only the first {0} are shown here. The Appcircle dashboard lists them all.', MAX_TREE_ROWS);
    }
    return item;
  }
}

/** A command opening `url` in the browser, when it is one the extension opens (https, or http to this machine). */
export function openUrlCommand(url: string | undefined): vscode.Command | undefined {
  return url && isOpenableDashboardUrl(url, false)
    ? { command: 'vscode.open', title: vscode.l10n.t('Open in Appcircle'), arguments: [vscode.Uri.parse(url)] }
    : undefined;
}

/** The first MAX_TREE_ROWS of `items` as rows, and the "more" row after them when some were left out. */
export function capRows<T, N>(items: readonly T[], row: (item: T) => N, more: (hidden: number) => MoreRowNode): (N | MoreRowNode)[] {
  const rows: (N | MoreRowNode)[] = items.slice(0, MAX_TREE_ROWS).map(row);
  if (items.length > MAX_TREE_ROWS) {
    rows.push(more(items.length - MAX_TREE_ROWS));
  }
  return rows;
}
