/**
 * The agent's reads of a build log: a failed build's errors (its steps with results, the first error, compiler
 * errors and warnings on workspace files: the parser and the path mapping of the Problems panel) and a bounded
 * excerpt (one step, the lines around the first error, or the tail). The log is read once, as a stream, in bounded
 * memory (src/core/agent/logScan.ts); the cancellation token aborts the read.
 */
import * as vscode from 'vscode';
import { scanLog } from '../../core/agent/logScan';
import type { ExcerptMode, LogScan, LogScanOptions } from '../../core/agent/logScan';
import type { ReadLog } from '../../core/logs/logFollower';
import type { LogProblem } from '../../core/logs/logProblems';
import type { LogStep } from '../../core/logs/logSections';
import { plain } from '../../core/plainText';
import { buildOf, ToolRefusal } from './toolLookups';
import type { AgentTool, BuildTarget, ToolInput, ToolServices } from './toolLookups';
import { answer, data, intField, MAX_RESULT_BYTES, textField } from './toolText';

/** Errors and warnings listed at most (the Problems panel has them all, up to its own bound). */
export const MAX_TOOL_ERRORS = 40;
export const MAX_TOOL_WARNINGS = 15;
export const MAX_TOOL_STEPS = 60;
/** The excerpt of the build log tool, in UTF-8 bytes (the rest of its answer fits in what is left of 16 KB). */
export const LOG_EXCERPT_BYTES = MAX_RESULT_BYTES - 3 * 1024;

type LogSource = Parameters<ReadLog>[0];

const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function idsOf(input: ToolInput): { buildId?: string; commitId?: string; queueItemId?: string } {
  return {
    buildId: textField(input, 'buildId', 100),
    commitId: textField(input, 'commitId', 100),
    queueItemId: textField(input, 'queueItemId', 100),
  };
}

function sourceOf(t: BuildTarget): LogSource {
  if (t.buildId && t.commitId && !t.active) {
    return { commitId: t.commitId, buildId: t.buildId };
  }
  if (t.queueItemId) {
    return { queueItemId: t.queueItemId };
  }
  if (t.buildId && t.commitId) {
    return { commitId: t.commitId, buildId: t.buildId };
  }
  throw new ToolRefusal(vscode.l10n.t('This build has no log yet: it has not started. Ask again once it runs.'));
}

/** Reads the build's log once, aborted when the token is. */
async function scan(s: ToolServices, t: BuildTarget, token: vscode.CancellationToken, opts: LogScanOptions): Promise<LogScan> {
  const ac = new AbortController();
  const sub = token.onCancellationRequested(() => ac.abort());
  try {
    const r = await scanLog((src, from, sig) => s.builds.readLog(src, from, sig), sourceOf(t), { ...opts, signal: ac.signal });
    if (r.notReady) {
      throw new ToolRefusal(
        vscode.l10n.t('The log of this build is not ready yet (Appcircle writes it once the build runs). Ask again in a moment.'),
      );
    }
    return r;
  } finally {
    sub.dispose();
  }
}

function buildIds(t: BuildTarget): Record<string, unknown> {
  return {
    buildId: t.buildId,
    commitId: t.commitId,
    queueItemId: t.active ? t.queueItemId : undefined,
    profile: t.profile ? data(t.profile.name) : undefined,
    branch: t.branch ? data(t.branch.name) : undefined,
  };
}

function stepData(st: LogStep): Record<string, unknown> {
  return {
    step: st.index + 1,
    name: data(st.name),
    result: st.result,
    durationSec: st.durationSec,
    errors: st.errorCount || undefined,
    warnings: st.warningCount || undefined,
  };
}

/** The problems with a file, errors first, as workspace files when the Problems panel's mapping finds them. */
async function problemsData(
  s: ToolServices,
  problems: readonly LogProblem[],
  steps: readonly LogStep[],
): Promise<Record<string, unknown>[]> {
  const errors = problems.filter((p) => p.severity === 'error').slice(0, MAX_TOOL_ERRORS);
  const warnings = problems.filter((p) => p.severity !== 'error').slice(0, MAX_TOOL_WARNINGS);
  const listed = [...errors, ...warnings];
  const mapped = await s.diagnostics.resolvePaths([...new Set(listed.map((p) => p.file).filter((f): f is string => !!f))]);
  return listed.map((p) => {
    const target = p.file ? mapped.get(p.file) : undefined;
    return {
      severity: p.severity,
      file: target ? vscode.workspace.asRelativePath(vscode.Uri.parse(target)) : undefined,
      buildMachinePath: p.file && !target ? data(p.file, 300) : undefined,
      line: p.line,
      column: p.column,
      message: data(p.message, 300),
      step: p.stepIndex !== undefined ? data(steps[p.stepIndex]?.name) : undefined,
      logLine: p.logLine + 1,
    };
  });
}

function excerptBlock(r: LogScan): string {
  return (r.excerpt?.text ?? '').replace(BIDI, '');
}

export function buildErrorsTool(s: ToolServices): AgentTool {
  return {
    op: 'load',
    invocation: () => vscode.l10n.t('Reading the errors of an Appcircle build'),
    async invoke(input, token) {
      const t = await buildOf(s, idsOf(input));
      const r = await scan(s, t, token, {
        buildFailed: t.failed,
        excerpt: { kind: 'firstError', before: 8, after: 8 },
        excerptMaxBytes: 3 * 1024,
      });
      const sum = r.summary;
      const problems = await problemsData(s, sum.problems, sum.steps);
      const failedStep = sum.steps.find((st) => st.result === 'failed');
      const first = sum.problems.find((p) => p.severity === 'error');
      const inWorkspace = problems.filter((p) => p.severity === 'error' && p.file).length;
      const sentence =
        sum.errorCount === 0
          ? vscode.l10n.t(
              'The build log has no errors the extension recognises ({0} warnings). The build log tool shows its tail.',
              sum.warningCount,
            )
          : vscode.l10n.t(
              'The build log has {0} errors and {1} warnings{2}; {3} of the errors listed are in files of this workspace (file, line, column).',
              sum.errorCount,
              sum.warningCount,
              failedStep ? vscode.l10n.t(' (the step "{0}" failed)', plain(failedStep.name)) : '',
              inWorkspace,
            );
      return answer(
        sentence +
          (r.complete ? '' : ` ${vscode.l10n.t('Only the first {0} MB of the log were read.', Math.round(r.bytesRead / 1048576))}`),
        {
          build: buildIds(t),
          steps: sum.steps.slice(0, MAX_TOOL_STEPS).map(stepData),
          firstError: first
            ? {
                message: data(first.message, 300),
                step: first.stepIndex !== undefined ? data(sum.steps[first.stepIndex]?.name) : undefined,
                logLine: first.logLine + 1,
              }
            : undefined,
          problems,
          omitted: sum.problems.length > problems.length ? sum.problems.length - problems.length : undefined,
        },
        r.excerpt?.found ? excerptBlock(r) : undefined,
      );
    },
  };
}

/** A step by 0-based index or by name without case, as logScan matches it. */
function stepNamed(steps: readonly LogStep[], step: string | number): LogStep | undefined {
  return typeof step === 'number' ? steps[step] : steps.find((st) => st.name.toLowerCase() === step.toLowerCase());
}

function excerptOf(input: ToolInput, failed: boolean | undefined): ExcerptMode {
  const lines = intField(input, 'lines', 1, 400, 0);
  const part = textField(input, 'part', 20) ?? (failed === false ? 'tail' : 'firstError');
  if (part === 'step') {
    const step = textField(input, 'step', 200);
    if (!step) {
      throw new ToolRefusal(vscode.l10n.t("Say which step: its name, or its number in the build errors tool's list of steps."));
    }
    return { kind: 'step', step: /^\d+$/.test(step) ? Math.max(0, Number(step) - 1) : step };
  }
  if (part === 'tail') {
    return { kind: 'tail', lines: lines || 200 };
  }
  const half = lines ? Math.max(1, Math.floor(lines / 2)) : 30;
  return { kind: 'firstError', before: half, after: half };
}

export function buildLogTool(s: ToolServices): AgentTool {
  return {
    op: 'load',
    invocation: () => vscode.l10n.t('Reading an Appcircle build log'),
    async invoke(input, token) {
      const t = await buildOf(s, idsOf(input));
      const mode = excerptOf(input, t.failed);
      const r = await scan(s, t, token, { buildFailed: t.failed, excerpt: mode, excerptMaxBytes: LOG_EXCERPT_BYTES });
      const x = r.excerpt;
      if (!x || (mode.kind === 'step' && !x.found)) {
        throw new ToolRefusal(
          vscode.l10n.t(
            'The log has no step "{0}". Its steps: {1}.',
            plain(String(mode.kind === 'step' ? mode.step : '')),
            r.summary.steps
              .map((st) => `${st.index + 1} ${plain(st.name)}`)
              .slice(0, 40)
              .join(', '),
          ),
        );
      }
      const what =
        mode.kind === 'step'
          ? vscode.l10n.t('the step "{0}"', plain(stepNamed(r.summary.steps, mode.step)?.name ?? String(mode.step)))
          : mode.kind === 'tail' || !x.found
            ? vscode.l10n.t('the end of the log')
            : vscode.l10n.t('around the first error');
      const sentence = vscode.l10n.t('Lines {0}–{1} of {2} of the build log: {3}.', x.fromLine, x.toLine, r.summary.lines, what);
      const cuts = [
        x.cutBefore ? vscode.l10n.t('{0} earlier lines left out.', x.cutBefore) : '',
        x.cutAfter ? vscode.l10n.t('{0} later lines left out.', x.cutAfter) : '',
        r.complete ? '' : vscode.l10n.t('Only the first {0} MB of the log were read.', Math.round(r.bytesRead / 1048576)),
      ].filter(Boolean);
      return answer(
        [sentence, ...cuts].join(' '),
        { build: buildIds(t), part: x.mode, fromLine: x.fromLine, toLine: x.toLine, found: x.found },
        excerptBlock(r),
      );
    },
  };
}
