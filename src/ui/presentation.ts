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

/** A duration in words for a screen reader: "45 seconds", "1 minute", "3 minutes", "2 hours 5 minutes". */
export function spokenDuration(totalSec: number | undefined): string | undefined {
  if (totalSec === undefined || !Number.isFinite(totalSec) || totalSec < 0) {
    return undefined;
  }
  const s = Math.floor(totalSec);
  if (s < 60) {
    return s === 1 ? l10n.t('1 second') : l10n.t('{0} seconds', s);
  }
  const m = Math.floor(s / 60);
  if (m < 60) {
    return m === 1 ? l10n.t('1 minute') : l10n.t('{0} minutes', m);
  }
  const h = Math.floor(m / 60);
  return h === 1 ? l10n.t('1 hour {0} minutes', m % 60) : l10n.t('{0} hours {1} minutes', h, m % 60);
}

/** relativeTime in whole words for a screen reader: "just now", "56 minutes ago", "3 hours ago". */
export function spokenRelativeTime(iso: string | undefined, now: number): string | undefined {
  const t = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(t)) {
    return undefined;
  }
  const mins = Math.round((now - t) / 60_000);
  if (mins < 1) {
    return l10n.t('just now');
  }
  if (mins < 60) {
    return mins === 1 ? l10n.t('1 minute ago') : l10n.t('{0} minutes ago', mins);
  }
  const hours = Math.round(mins / 60);
  if (hours < 24) {
    return hours === 1 ? l10n.t('1 hour ago') : l10n.t('{0} hours ago', hours);
  }
  return relativeTime(iso, now);
}

/**
 * A build's outcome in words, one whole phrase per status (no status word spliced into a sentence): "build
 * failed", "build running for 3 minutes" (with the elapsed time of an active build), "no builds yet".
 */
export function buildOutcomeWords(status: BuildStatusCode | undefined, hasWarning = false, elapsedSec?: number): string {
  const elapsed = isActive(status) ? spokenDuration(elapsedSec) : undefined;
  switch (status) {
    case BuildStatus.Success:
      return hasWarning ? l10n.t('build succeeded with warnings') : l10n.t('build succeeded');
    case BuildStatus.Failed:
      return l10n.t('build failed');
    case BuildStatus.Canceled:
      return l10n.t('build canceled');
    case BuildStatus.Timeout:
      return l10n.t('build timed out');
    case BuildStatus.Waiting:
      return elapsed ? l10n.t('build waiting for {0}', elapsed) : l10n.t('build waiting');
    case BuildStatus.Running:
      return elapsed ? l10n.t('build running for {0}', elapsed) : l10n.t('build running');
    case BuildStatus.Completing:
      return l10n.t('build completing');
    case undefined:
      return l10n.t('no builds yet');
    default:
      return l10n.t('build status unknown');
  }
}

/** A branch's last build in words: "last build succeeded", "no builds yet". */
export function lastBuildWords(status: BuildStatusCode | undefined, hasWarning = false): string {
  switch (status) {
    case BuildStatus.Success:
      return hasWarning ? l10n.t('last build succeeded with warnings') : l10n.t('last build succeeded');
    case BuildStatus.Failed:
      return l10n.t('last build failed');
    case BuildStatus.Canceled:
      return l10n.t('last build canceled');
    case BuildStatus.Timeout:
      return l10n.t('last build timed out');
    case BuildStatus.Waiting:
      return l10n.t('last build waiting');
    case BuildStatus.Running:
    case BuildStatus.Completing:
      return l10n.t('last build running');
    case undefined:
      return l10n.t('no builds yet');
    default:
      return l10n.t('last build status unknown');
  }
}

/** A profile's platform in words. */
export function platformWords(platform: string | undefined): string {
  return platform === 'ios' ? l10n.t('iOS') : platform === 'android' ? l10n.t('Android') : l10n.t('unknown platform');
}
