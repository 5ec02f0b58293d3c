import * as assert from 'node:assert/strict';
import { BuildStatus, isActive, isFailure, isTerminal, parseDuration, repoSlug, toBuildStatus } from '../../../src/core/builds/buildModels';
import type { BuildStatusCode } from '../../../src/core/builds/buildModels';
import {
  buildContextValue,
  buildOutcomeWords,
  firstLine,
  formatDuration,
  lastBuildWords,
  relativeTime,
  shortHash,
  spokenDuration,
  spokenRelativeTime,
  statusLook,
} from '../../../src/ui/presentation';

describe('presentation (pure)', () => {
  it('maps every status code to a label, codicon and context word', () => {
    const table: [BuildStatusCode | undefined, boolean, string, string][] = [
      [0, false, 'Succeeded', 'pass-filled'],
      [0, true, 'Succeeded with warnings', 'warning'],
      [1, false, 'Failed', 'error'],
      [2, false, 'Canceled', 'circle-slash'],
      [3, false, 'Timed out', 'watch'],
      [90, false, 'Waiting', 'clock'],
      [91, false, 'Running', 'sync~spin'],
      [92, false, 'Completing', 'loading~spin'],
      [99, false, 'Unknown', 'question'],
      [undefined, false, 'No builds yet', 'circle-outline'],
    ];
    for (const [code, warn, label, icon] of table) {
      const look = statusLook(code, warn);
      assert.equal(look.label, label, String(code));
      assert.equal(look.icon, icon, String(code));
    }
  });

  it('terminal and active sets follow docs/appcircle-api.md §4.4', () => {
    const all = Object.values(BuildStatus);
    assert.deepEqual(all.filter(isTerminal), [0, 1, 2, 3]);
    assert.deepEqual(all.filter(isActive), [90, 91, 92]);
    assert.deepEqual(all.filter(isFailure), [BuildStatus.Failed, BuildStatus.Timeout]);
  });

  it('a status from the wire: known codes kept, anything else (publish steps, null, garbage) is Unknown', () => {
    for (const code of [0, 1, 2, 3, 90, 91, 92, 99]) {
      assert.equal(toBuildStatus(code), code);
    }
    for (const code of [100, 200, 203, -1, 4, 1.5, null, undefined]) {
      assert.equal(toBuildStatus(code), BuildStatus.Unknown, String(code));
    }
  });

  it('contextValue: cancel only while waiting/running, artifacts only when finished', () => {
    assert.match(buildContextValue(91, true), /\bcancelable\b/);
    assert.match(buildContextValue(90, true), /\bcancelable\b/);
    assert.doesNotMatch(buildContextValue(0, true), /\bcancelable\b/);
    assert.match(buildContextValue(1, true), /\bartifacts\b/);
    assert.doesNotMatch(buildContextValue(91, true), /\bartifacts\b/);
    assert.match(buildContextValue(0, true), /^build\b/);
  });

  it('durations, relative times, hashes and first lines', () => {
    assert.equal(parseDuration('00:12:31'), 751);
    assert.equal(parseDuration('1.02:00:00'), 93600);
    assert.equal(parseDuration('PT1H2M3S'), 3723);
    assert.equal(parseDuration('garbage'), undefined);
    assert.equal(formatDuration(751), '12m 31s');
    assert.equal(formatDuration(3723), '1h 2m');
    assert.equal(formatDuration(9), '9s');
    const now = Date.parse('2026-11-22T12:00:00Z');
    assert.equal(relativeTime('2026-11-22T11:59:50Z', now), 'just now');
    assert.equal(relativeTime('2026-11-22T11:30:00Z', now), '30 min ago');
    assert.equal(relativeTime('2026-11-22T09:00:00Z', now), '3 h ago');
    assert.equal(relativeTime('2026-11-21T10:00:00Z', now), 'yesterday');
    assert.equal(shortHash('9f1c2e7d4b3a8c6e'), '9f1c2e7');
    assert.equal(firstLine('Fix login crash\n\nLong body'), 'Fix login crash');
  });

  it('words for a screen reader: durations, times ago, every status as a whole phrase', () => {
    assert.deepEqual(
      [undefined, -1, 1, 45, 60, 61, 179, 3600, 7500].map((s) => spokenDuration(s)),
      [undefined, undefined, '1 second', '45 seconds', '1 minute', '1 minute', '2 minutes', '1 hour 0 minutes', '2 hours 5 minutes'],
    );
    const now = Date.parse('2026-01-01T12:00:00Z');
    const ago = (min: number) => new Date(now - min * 60_000).toISOString();
    assert.deepEqual(
      [ago(0), ago(1), ago(56), ago(60), ago(180), ago(60 * 24 * 3), 'garbage'].map((t) => spokenRelativeTime(t, now)),
      ['just now', '1 minute ago', '56 minutes ago', '1 hour ago', '3 hours ago', '3 days ago', undefined],
    );
    assert.equal(buildOutcomeWords(BuildStatus.Running, false, 180), 'build running for 3 minutes');
    assert.equal(buildOutcomeWords(BuildStatus.Failed, false, 180), 'build failed', 'a finished build has no running time');
    assert.equal(buildOutcomeWords(BuildStatus.Success, true), 'build succeeded with warnings');
    assert.equal(buildOutcomeWords(undefined), 'no builds yet');
    assert.equal(buildOutcomeWords(BuildStatus.Unknown), 'build status unknown');
    assert.equal(lastBuildWords(BuildStatus.Timeout), 'last build timed out');
    assert.equal(lastBuildWords(BuildStatus.Completing), 'last build running');
  });

  it('matches repositories to git remotes in any spelling', () => {
    for (const r of [
      'git@github.com:Appcircle/appcircle-vscode.git',
      'https://github.com/appcircle/appcircle-vscode',
      'ssh://git@gitlab.example.com:2222/appcircle/appcircle-vscode.git',
      'appcircle/appcircle-vscode',
    ]) {
      assert.equal(repoSlug(r), 'appcircle/appcircle-vscode', r);
    }
  });
});
