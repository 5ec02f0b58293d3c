/** Tree nodes are data objects with stable ids; getTreeItem() builds a fresh TreeItem (ARCHITECTURE.md §4). */
import * as vscode from 'vscode';
import { CommandIds } from '../../constants';
import type { Branch, Build, BuildProfile, BuildStatusCode, QueueEntry } from '../../core/builds/buildModels';
import { BuildStatus, isActive, QueueItemStatus } from '../../core/builds/buildModels';
import type { DataChange } from '../../core/builds/buildService';
import { MAX_MESSAGE_LENGTH, plain, plainMarkdown } from '../../core/plainText';
import {
  buildContextValue,
  buildOutcomeWords,
  firstLine,
  formatDuration,
  lastBuildWords,
  platformWords,
  relativeTime,
  shortHash,
  spokenRelativeTime,
  statusLook,
} from '../presentation';

export type AppcircleNode = ProfileNode | BranchNode | BuildNode | LoadMoreNode | MessageNode | QueueNode;

/** What refreshing under a node means: a profile's branches, a branch's builds, or `fallback` (the root). */
export function refreshScopeOf(node: unknown, fallback: DataChange): DataChange {
  if (node instanceof ProfileNode) {
    return { kind: 'branches', profileId: node.profile.id };
  }
  if (node instanceof BranchNode) {
    return { kind: 'builds', profileId: node.profile.id, branchId: node.branch.id };
  }
  return fallback;
}

function statusIcon(status: BuildStatusCode | undefined, hasWarning = false): vscode.ThemeIcon {
  const look = statusLook(status, hasWarning);
  return new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
}

/** Seconds since `start` of an active build (or queue entry), as of `now`; undefined when it is not active. */
function elapsedSince(status: BuildStatusCode, start: string | undefined, now: number): number | undefined {
  const t = Date.parse(start ?? '');
  return isActive(status) && !Number.isNaN(t) ? Math.max(0, (now - t) / 1000) : undefined;
}

export class ProfileNode {
  readonly type = 'profile';
  constructor(readonly profile: BuildProfile) {}
  get id(): string {
    return `profile:${this.profile.id}`;
  }
  getTreeItem(): vscode.TreeItem {
    const p = this.profile;
    const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    const parts = [
      p.repositoryName,
      p.matchesWorkspace ? vscode.l10n.t('this workspace') : undefined,
      p.pinned ? vscode.l10n.t('pinned') : undefined,
    ].filter(Boolean);
    item.description = parts.join(' · ');
    item.iconPath = new vscode.ThemeIcon(
      p.platform === 'android' ? 'robot' : p.platform === 'ios' ? 'device-mobile' : 'package',
      p.matchesWorkspace ? new vscode.ThemeColor('charts.green') : undefined,
    );
    item.contextValue = `profile${p.pinned ? ' pinned' : ''}`;
    // the icon says the platform: the label says it in words ("Acme iOS, iOS, acme/ios-app")
    item.accessibilityInformation = {
      label: [
        plain(p.name),
        platformWords(p.platform),
        plain(p.repositoryName),
        p.matchesWorkspace ? vscode.l10n.t('this workspace') : '',
        p.pinned ? vscode.l10n.t('pinned') : '',
      ]
        .filter(Boolean)
        .join(', '),
    };
    item.tooltip = new vscode.MarkdownString(
      // server text is escaped: a profile name cannot inject links, images or command URIs into the tooltip
      [
        `**${plainMarkdown(p.name)}**`,
        vscode.l10n.t('Platform: {0}', platformWords(p.platform)),
        p.repositoryName ? vscode.l10n.t('Repository: {0}', plainMarkdown(p.repositoryName)) : '',
        p.matchesWorkspace ? vscode.l10n.t('Matches a git remote of this workspace.') : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
    return item;
  }
}

export class BranchNode {
  readonly type = 'branch';
  constructor(
    readonly branch: Branch,
    readonly profile: BuildProfile,
    private readonly now: number,
  ) {}
  get id(): string {
    return `branch:${this.profile.id}:${this.branch.id}`;
  }
  getTreeItem(): vscode.TreeItem {
    const b = this.branch;
    const item = new vscode.TreeItem(b.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = statusIcon(b.lastStatus);
    item.description = relativeTime(b.lastBuildDate, this.now) ?? vscode.l10n.t('no builds yet');
    item.contextValue = 'branch';
    // the icon is the last status: the label says it ("main, last build succeeded, 56 minutes ago")
    item.accessibilityInformation = {
      label: [plain(b.name), lastBuildWords(b.lastStatus), spokenRelativeTime(b.lastBuildDate, this.now)].filter(Boolean).join(', '),
    };
    // no tooltip here: resolveTreeItem builds it on hover, so "… ago" is as of then
    return item;
  }
  /** The tooltip, built when hovered (resolveTreeItem): its relative time is the hover's. */
  tooltip(now: number): string {
    const b = this.branch;
    const when = b.lastBuildDate ? ` (${new Date(b.lastBuildDate).toLocaleString()}, ${relativeTime(b.lastBuildDate, now) ?? ''})` : '';
    return `${plain(b.name)} — ${statusLook(b.lastStatus).label}${when}`;
  }
}

export class BuildNode {
  readonly type = 'build';
  constructor(
    readonly build: Build,
    readonly profile: BuildProfile,
    readonly branch: Branch,
    private readonly now: number,
  ) {}
  get id(): string {
    return `build:${this.build.id}`;
  }
  getTreeItem(): vscode.TreeItem {
    const b = this.build;
    const title = firstLine(b.commitMessage) ?? shortHash(b.commitHash) ?? b.id;
    const item = new vscode.TreeItem(title, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = statusIcon(b.status, b.hasWarning);
    const elapsedSec = elapsedSince(b.status, b.startDate, this.now);
    item.description = [shortHash(b.commitHash), formatDuration(elapsedSec ?? b.durationSec)].filter(Boolean).join(' · ');
    item.contextValue = buildContextValue(b.status, true);
    // "Fix the login crash, build failed, abc1234" / "…, build running for 3 minutes, abc1234"
    item.accessibilityInformation = {
      // the commit message is the server's: control and bidi characters out before a screen reader gets it
      label: [plain(title), buildOutcomeWords(b.status, b.hasWarning, elapsedSec), plain(shortHash(b.commitHash))]
        .filter(Boolean)
        .join(', '),
    };
    item.command = { command: CommandIds.showBuildLog, title: vscode.l10n.t('Show Log'), arguments: [this] };
    return item;
  }
  /** Markdown tooltip, built only when hovered (resolveTreeItem): a running build's elapsed time is the hover's. */
  tooltip(now: number = this.now): vscode.MarkdownString {
    const b = this.build;
    const elapsed = formatDuration(elapsedSince(b.status, b.startDate, now));
    const look = statusLook(b.status, b.hasWarning);
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`$(${look.icon}) **${look.label}** — ${plainMarkdown(firstLine(b.commitMessage), MAX_MESSAGE_LENGTH)}\n\n`);
    const rows: [string, string | undefined][] = [
      [vscode.l10n.t('Profile'), this.profile.name],
      [vscode.l10n.t('Branch'), this.branch.name],
      [vscode.l10n.t('Commit'), shortHash(b.commitHash)],
      [vscode.l10n.t('Author'), b.author],
      [vscode.l10n.t('Started'), b.startDate ? new Date(b.startDate).toLocaleString() : undefined],
      [vscode.l10n.t('Finished'), b.endDate ? new Date(b.endDate).toLocaleString() : undefined],
      [vscode.l10n.t('Duration'), formatDuration(b.durationSec)],
      [vscode.l10n.t('Running for'), elapsed],
      [vscode.l10n.t('Workflow'), b.workflowName],
      [vscode.l10n.t('Configuration'), b.configurationName],
      [vscode.l10n.t('Warnings'), b.hasWarning ? vscode.l10n.t('yes') : undefined],
      [vscode.l10n.t('Build id'), b.id],
    ];
    for (const [k, v] of rows) {
      if (v) {
        md.appendMarkdown(`${k}: ${plainMarkdown(v)}  \n`);
      }
    }
    return md;
  }
}

export class LoadMoreNode {
  readonly type = 'loadMore';
  constructor(
    readonly profileId: string,
    readonly branchId: string,
  ) {}
  get id(): string {
    return `more:${this.profileId}:${this.branchId}`;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.contextValue = 'loadMore';
    item.command = { command: CommandIds.loadMore, title: vscode.l10n.t('Load more…'), arguments: [this] };
    return item;
  }
}

export class MessageNode {
  readonly type = 'message';
  constructor(
    readonly key: string,
    readonly message: string,
    readonly kind: 'info' | 'error' | 'loading',
    readonly retry?: () => void,
  ) {}
  get id(): string {
    return `message:${this.key}`;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.message, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(
      this.kind === 'error' ? 'error' : this.kind === 'loading' ? 'loading~spin' : 'info',
      this.kind === 'error' ? new vscode.ThemeColor('errorForeground') : undefined,
    );
    item.contextValue = this.retry ? 'message retry' : 'message';
    if (this.retry) {
      item.description = vscode.l10n.t('Retry');
      item.command = { command: CommandIds.retry, title: vscode.l10n.t('Retry'), arguments: [this] };
      item.tooltip = vscode.l10n.t('{0} — click to retry', this.message);
    }
    return item;
  }
}

export class QueueNode {
  readonly type = 'queue';
  constructor(
    readonly entry: QueueEntry,
    private readonly now: number,
  ) {}
  get id(): string {
    return `queue:${this.entry.id}`;
  }
  getTreeItem(): vscode.TreeItem {
    const e = this.entry;
    const status = e.queueItemStatus === QueueItemStatus.Running ? BuildStatus.Running : BuildStatus.Waiting;
    const item = new vscode.TreeItem(
      `${e.profileName ?? vscode.l10n.t('Build')} · ${e.branchName ?? ''}`,
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = this.id;
    item.iconPath = statusIcon(status);
    const sinceSec = elapsedSince(status, e.startQueueDateTime, this.now);
    item.description = [statusLook(status).label, shortHash(e.commitHash), formatDuration(sinceSec)].filter(Boolean).join(' · ');
    item.contextValue = `queued ${buildContextValue(status, false)}`;
    // "Acme iOS, main, build running for 3 minutes"; the tooltip is built on hover (resolveTreeItem)
    item.accessibilityInformation = {
      label: [plain(e.profileName) || vscode.l10n.t('Build'), plain(e.branchName), buildOutcomeWords(status, false, sinceSec)]
        .filter(Boolean)
        .join(', '),
    };
    item.command = { command: CommandIds.showBuildLog, title: vscode.l10n.t('Show Log'), arguments: [this] };
    return item;
  }
  /** The tooltip, built when hovered (resolveTreeItem): how long it has been queued is as of then. */
  tooltip(now: number): string {
    const e = this.entry;
    const status = e.queueItemStatus === QueueItemStatus.Running ? BuildStatus.Running : BuildStatus.Waiting;
    const since = formatDuration(elapsedSince(status, e.startQueueDateTime, now));
    return [
      `${plain(e.profileName)} / ${plain(e.branchName)}`,
      statusLook(status).label,
      e.email ? vscode.l10n.t('Started by {0}', plain(e.email)) : '',
      e.startQueueDateTime ? vscode.l10n.t('Queued {0}', new Date(e.startQueueDateTime).toLocaleString()) : '',
      since ? vscode.l10n.t('In the queue for {0}', since) : '',
    ]
      .filter(Boolean)
      .join('\n');
  }
}
