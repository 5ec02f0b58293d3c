/**
 * Pure presentation: status → label, codicon, theme color, contextValue; relative times and durations.
 * No vscode values (the plain-Node tier tests it), so its words go through @vscode/l10n, which reads the same
 * bundle as vscode.l10n once activation has loaded it (src/extension.ts).
 */
import * as l10n from '@vscode/l10n';
import { BuildStatus, isActive, isTerminal } from '../core/builds/buildModels';
import type { BuildStatusCode } from '../core/builds/buildModels';

export interface StatusLook {
  label: string;
  icon: string;
  color?: string;
  /** Word for contextValue lists, e.g. "running". */
  word: string;
}

export function statusLook(status: BuildStatusCode | undefined, hasWarning = false): StatusLook {
  switch (status) {
    case BuildStatus.Success:
      return hasWarning
        ? { label: l10n.t('Succeeded with warnings'), icon: 'warning', color: 'problemsWarningIcon.foreground', word: 'succeeded warning' }
        : { label: l10n.t('Succeeded'), icon: 'pass-filled', color: 'testing.iconPassed', word: 'succeeded' };
    case BuildStatus.Failed:
      return { label: l10n.t('Failed'), icon: 'error', color: 'testing.iconFailed', word: 'failed' };
    case BuildStatus.Canceled:
      return { label: l10n.t('Canceled'), icon: 'circle-slash', color: 'disabledForeground', word: 'canceled' };
    case BuildStatus.Timeout:
      return { label: l10n.t('Timed out'), icon: 'watch', color: 'testing.iconErrored', word: 'timeout' };
    case BuildStatus.Waiting:
      return { label: l10n.t('Waiting'), icon: 'clock', color: 'charts.yellow', word: 'waiting' };
    case BuildStatus.Running:
      return { label: l10n.t('Running'), icon: 'sync~spin', color: 'charts.blue', word: 'running' };
    case BuildStatus.Completing:
      return { label: l10n.t('Completing'), icon: 'loading~spin', color: 'charts.blue', word: 'running completing' };
    case undefined:
      return { label: l10n.t('No builds yet'), icon: 'circle-outline', word: 'none' };
    default:
      return { label: l10n.t('Unknown'), icon: 'question', word: 'unknown' };
  }
}

/** contextValue word list for a build node: `build running cancelable`, `build failed hasLog rebuildable`, … */
export function buildContextValue(status: BuildStatusCode, hasId: boolean): string {
  const words = ['build', statusLook(status).word];
  if (isActive(status)) {
    words.push('cancelable');
  }
  if (isTerminal(status) && hasId) {
    words.push('finished', 'artifacts');
  }
  if (hasId) {
    words.push('hasLog', 'rebuildable');
  }
  return words.join(' ');
}

export function formatDuration(totalSec: number | undefined): string | undefined {
  if (totalSec === undefined || !Number.isFinite(totalSec) || totalSec < 0) {
    return undefined;
  }
  const s = Math.round(totalSec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) {
    return l10n.t('{0}h {1}m', h, m);
  }
  if (m > 0) {
    return l10n.t('{0}m {1}s', m, sec);
  }
  return l10n.t('{0}s', sec);
}

export function relativeTime(iso: string | undefined, now: number): string | undefined {
  if (!iso) {
    return undefined;
  }
  const t = Date.parse(iso);
  if (Number.isNaN(t)) {
    return undefined;
  }
  const diff = Math.round((now - t) / 1000);
  if (diff < 45) {
    return l10n.t('just now');
  }
  const mins = Math.round(diff / 60);
  if (mins < 60) {
    return l10n.t('{0} min ago', mins);
  }
  const hours = Math.round(mins / 60);
  if (hours < 24) {
    return l10n.t('{0} h ago', hours);
  }
  const days = Math.round(hours / 24);
  if (days < 30) {
    return days === 1 ? l10n.t('yesterday') : l10n.t('{0} days ago', days);
  }
  return new Date(t).toISOString().slice(0, 10);
}

export function shortHash(hash: string | undefined): string | undefined {
  return hash ? hash.slice(0, 7) : undefined;
}

export function firstLine(text: string | undefined): string | undefined {
  const line = text?.split(/\r?\n/)[0]?.trim();
  return line ? line : undefined;
}
