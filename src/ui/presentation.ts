/** Pure presentation: status → label, codicon, theme color, contextValue; relative times and durations. */
import { isActive, isTerminal } from '../core/buildModels';
import type { BuildStatusCode } from '../core/buildModels';

export interface StatusLook {
  label: string;
  icon: string;
  color?: string;
  /** Word for contextValue lists, e.g. "running". */
  word: string;
}

export function statusLook(status: BuildStatusCode | undefined, hasWarning = false): StatusLook {
  switch (status) {
    case 0:
      return hasWarning
        ? { label: 'Succeeded with warnings', icon: 'warning', color: 'problemsWarningIcon.foreground', word: 'succeeded warning' }
        : { label: 'Succeeded', icon: 'pass-filled', color: 'testing.iconPassed', word: 'succeeded' };
    case 1:
      return { label: 'Failed', icon: 'error', color: 'testing.iconFailed', word: 'failed' };
    case 2:
      return { label: 'Canceled', icon: 'circle-slash', color: 'disabledForeground', word: 'canceled' };
    case 3:
      return { label: 'Timed out', icon: 'watch', color: 'testing.iconErrored', word: 'timeout' };
    case 90:
      return { label: 'Waiting', icon: 'clock', color: 'charts.yellow', word: 'waiting' };
    case 91:
      return { label: 'Running', icon: 'sync~spin', color: 'charts.blue', word: 'running' };
    case 92:
      return { label: 'Completing', icon: 'loading~spin', color: 'charts.blue', word: 'running completing' };
    case undefined:
      return { label: 'No builds yet', icon: 'circle-outline', word: 'none' };
    default:
      return { label: 'Unknown', icon: 'question', word: 'unknown' };
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
    return `${h}h ${m}m`;
  }
  if (m > 0) {
    return `${m}m ${sec}s`;
  }
  return `${sec}s`;
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
    return 'just now';
  }
  const mins = Math.round(diff / 60);
  if (mins < 60) {
    return `${mins} min ago`;
  }
  const hours = Math.round(mins / 60);
  if (hours < 24) {
    return `${hours} h ago`;
  }
  const days = Math.round(hours / 24);
  if (days < 30) {
    return days === 1 ? 'yesterday' : `${days} days ago`;
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
