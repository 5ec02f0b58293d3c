/**
 * The build of the commit you are on, beside the organization in the status bar: `$(pass-filled) main · abc1234`
 * (succeeded), `$(sync~spin)` with the elapsed time (running), `$(error)` (failed), `$(circle-outline) not built`,
 * and no item when the workspace has no matching build profile. Click: the build's log (its `BuildRef`), or Build
 * This Commit.
 * The elapsed time ticks on a local one-second timer while the build runs (no request).
 */
import * as vscode from 'vscode';
import { COMMIT_STATUS_BAR_ID, CommandIds } from '../../constants';
import { BuildStatus, isActive, isTerminal } from '../../core/builds/buildModels';
import type { Build } from '../../core/builds/buildModels';
import type { CommitBuildState, CommitStatusService } from '../../core/commit/commitStatus';
import { DisposableBase } from '../../core/events';
import { MAX_MESSAGE_LENGTH, plain } from '../../core/plainText';
import { describeError } from '../errors/errorMessages';
import { buildOutcomeWords, formatDuration, shortHash, statusLook } from '../presentation';
import { buildRefOf } from '../builds/buildRef';

export interface CommitItemView {
  text: string;
  tooltip: string;
  /** What a screen reader says, in words (the text's icon is the outcome): "main, abc1234: build failed". */
  label: string;
  /** The command and its arguments; undefined when clicking does nothing. */
  command?: { command: string; title: string; arguments?: unknown[] };
  visible: boolean;
}

function icon(b: Build): string {
  if (!isTerminal(b.status)) {
    return '$(sync~spin)';
  }
  switch (b.status) {
    case BuildStatus.Success:
      return b.hasWarning ? '$(warning)' : '$(pass-filled)';
    case BuildStatus.Failed:
    case BuildStatus.Timeout:
      return '$(error)';
    case BuildStatus.Canceled:
      return '$(circle-slash)';
    default:
      return '$(question)';
  }
}

function elapsedText(b: Build, now: number): string | undefined {
  if (isActive(b.status)) {
    const start = Date.parse(b.startDate ?? '');
    return Number.isNaN(start) ? undefined : clock(Math.max(0, (now - start) / 1000));
  }
  return formatDuration(b.durationSec);
}

/** `m:ss` (or `h:mm:ss`) for a running build: it changes every second without the text jumping around. */
function clock(sec: number): string {
  const s = Math.floor(sec);
  const pad = (n: number) => String(n).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}` : `${Math.floor(s / 60)}:${pad(s % 60)}`;
}

type Shown = Exclude<CommitBuildState, { kind: 'none' }>;

/** The tooltip's first lines, the same in every state. */
interface Where {
  /** `main · abc1234` */
  where: string;
  branch: string;
  hash: string;
  lines: string[];
}

function whereOf(s: Shown): Where {
  const head = s.head;
  // the branch is the repository's (git allows `$(…)` in a branch name) and the rest the server's: all made inert (N13)
  // a detached HEAD (a tag, a bisect): the branch its build was found on, when it was
  const foundOn = 'branch' in s && s.branch ? plain(s.branch.name) : undefined;
  const branchName = plain(head.branch) || (foundOn ? vscode.l10n.t('detached HEAD, on {0}', foundOn) : vscode.l10n.t('detached HEAD'));
  return {
    where: `${branchName} · ${plain(shortHash(head.commit))}`,
    branch: branchName,
    hash: plain(shortHash(head.commit)),
    lines: [
      vscode.l10n.t('Appcircle build of this commit'),
      '',
      vscode.l10n.t('Profile: {0}', plain(s.profile.name)),
      vscode.l10n.t('Branch: {0}', branchName),
      vscode.l10n.t('Commit: {0}', plain(shortHash(head.commit))),
    ],
  };
}

function notBuiltView(s: Extract<CommitBuildState, { kind: 'notBuilt' }>, { where, lines, branch, hash }: Where): CommitItemView {
  if (s.following) {
    return {
      label: vscode.l10n.t('{0}, {1}: pushed, waiting for Appcircle to start a build', branch, hash),
      text: `$(loading~spin) ${vscode.l10n.t('{0} waiting for Appcircle', where)}`,
      tooltip: [
        ...lines,
        '',
        vscode.l10n.t('Pushed: waiting for Appcircle to start a build of this commit (it learns of pushes through its webhook).'),
      ].join('\n'),
      visible: true,
    };
  }
  return {
    text: `$(circle-outline) ${vscode.l10n.t('{0} not built', where)}`,
    label: s.branch
      ? vscode.l10n.t('{0}, {1}: not built yet. Build this commit.', branch, hash)
      : vscode.l10n.t('{0}, {1}: not built; Appcircle has no such branch in this profile yet', branch, hash),
    tooltip: [
      ...lines,
      '',
      s.branch
        ? vscode.l10n.t('No Appcircle build of this commit yet. Click to build it.')
        : s.head.branch
          ? vscode.l10n.t('Appcircle has no branch {0} in this profile yet. Push the branch first.', plain(s.head.branch))
          : vscode.l10n.t('No Appcircle build of this commit on the profile’s recent branches.'),
    ].join('\n'),
    command: { command: CommandIds.buildThisCommit, title: vscode.l10n.t('Build This Commit') },
    visible: true,
  };
}

function buildView(s: Extract<CommitBuildState, { kind: 'build' }>, { where, lines, branch, hash }: Where, now: number): CommitItemView {
  const b = s.build;
  const look = statusLook(b.status, b.hasWarning);
  const time = elapsedText(b, now);
  const running = isActive(b.status);
  const text = `${icon(b)} ${where}${running && time ? ` · ${time}` : ''}`;
  const details = [
    vscode.l10n.t('Build: {0}', look.label),
    time ? (running ? vscode.l10n.t('Running for {0}', time) : vscode.l10n.t('Duration: {0}', time)) : undefined,
    b.author ? vscode.l10n.t('Author: {0}', plain(b.author)) : undefined,
    b.workflowName ? vscode.l10n.t('Workflow: {0}', plain(b.workflowName)) : undefined,
    '',
    vscode.l10n.t('Click to open the build log.'),
    b.status === BuildStatus.Success
      ? vscode.l10n.t('To send it to testers: "Appcircle: Send to Testing Distribution…" in the Command Palette.')
      : undefined,
  ].filter((x): x is string => x !== undefined);
  const start = Date.parse(b.startDate ?? '');
  const elapsedSec = Number.isNaN(start) ? undefined : Math.max(0, (now - start) / 1000);
  return {
    text,
    // "main, abc1234: build failed", "main, abc1234: build running for 3 minutes"
    label: vscode.l10n.t('{0}, {1}: {2}', branch, hash, buildOutcomeWords(b.status, b.hasWarning, elapsedSec)),
    tooltip: [...lines, ...details].join('\n'),
    command: {
      command: CommandIds.showBuildLog,
      title: vscode.l10n.t('Show Build Log'),
      arguments: [buildRefOf(b, s.profile, s.branch)],
    },
    visible: true,
  };
}

/** What the item shows for a state (pure, for tests). */
export function commitItemView(s: CommitBuildState, now: number): CommitItemView {
  if (s.kind === 'none') {
    return { text: '', tooltip: '', label: '', visible: false };
  }
  const w = whereOf(s);
  switch (s.kind) {
    case 'loading':
      return {
        text: `$(loading~spin) ${w.where}`,
        label: vscode.l10n.t('{0}, {1}: looking for the Appcircle build of this commit', w.branch, w.hash),
        tooltip: [...w.lines, '', vscode.l10n.t('Looking for the build of this commit…')].join('\n'),
        visible: true,
      };
    case 'error': {
      const why = describeError(s.error, 'load')?.message ?? plain(String(s.error), MAX_MESSAGE_LENGTH);
      return {
        text: `$(warning) ${w.where}`,
        label: vscode.l10n.t('{0}, {1}: the Appcircle build of this commit could not be looked up', w.branch, w.hash),
        tooltip: [...w.lines, '', vscode.l10n.t('The build of this commit could not be looked up: {0}', why)].join('\n'),
        visible: true,
      };
    }
    case 'notBuilt':
      return notBuiltView(s, w);
    case 'build':
      return buildView(s, w, now);
  }
}

export class CommitStatusBar extends DisposableBase {
  readonly item: vscode.StatusBarItem;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly status: CommitStatusService,
    private readonly now: () => number = Date.now,
  ) {
    super();
    // beside the organization item (priority 10), to its right
    this.item = this._register(vscode.window.createStatusBarItem(COMMIT_STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 9));
    this.item.name = vscode.l10n.t('Appcircle Build of This Commit');
    this._register(status.onDidChange(() => this.update()));
    this._register({ dispose: () => this.setTicking(false) });
    this.update();
  }

  update(): void {
    const s = this.status.state;
    const v = commitItemView(s, this.now());
    this.setTicking(s.kind === 'build' && isActive(s.build.status));
    if (!v.visible) {
      this.item.hide();
      return;
    }
    this.item.text = v.text;
    this.item.tooltip = v.tooltip;
    this.item.command = v.command;
    this.item.accessibilityInformation = { label: v.label };
    this.item.show();
  }

  private setTicking(on: boolean): void {
    if (on && !this.ticker) {
      this.ticker = setInterval(() => this.update(), 1000);
    } else if (!on && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }
}
