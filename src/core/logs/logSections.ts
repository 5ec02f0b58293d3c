/**
 * The steps of an Appcircle build log (docs/appcircle-api.md §10): a step runs between
 * `@@[section:begin] [<Phase>] Step started: X` and `@@[section:end] Step completed: X`. Here are a step's shape
 * and the reading of one marker line (parseSection); LogParser pairs the markers into steps.
 */

export type StepResult = 'running' | 'succeeded' | 'failed' | 'unfinished';

export interface LogStep {
  /** 0-based position in the log: names repeat (two "Xcodebuild" steps), the index does not. */
  index: number;
  name: string;
  /** The phase before "Step started" (`@@[section:begin] <Phase> Step started: <Name>`), when present. */
  phase?: string;
  /** 0-based log line of the begin marker. */
  startLine: number;
  /** 0-based log line of the end marker; undefined while the step runs (or when the log ended inside it). */
  endLine?: number;
  result: StepResult;
  /** Seconds between the begin and end markers' timestamps, when both carry one. */
  durationSec?: number;
  errorCount: number;
  warningCount: number;
}

export const SECTION_MARK = '@@[section:';
/** `Step <verb>` right where the text after a section marker starts (sticky: tried at one position). */
const STEP_AT = /Step\s+(started|completed|failed|finished|ended)/iy;
/** ` Step <verb>` after a phase (`@@[section:begin] Build Phase Step started: X`). */
const STEP_AFTER_PHASE = /\sStep\s+(started|completed|failed|finished|ended)/gi;

export interface SectionLine {
  begin: boolean;
  name: string;
  phase?: string;
  verb: string;
}

/** Whitespace from lastIndex on (sticky: one pass over the run, no search). */
const SPACES = /\s*/y;

/**
 * `@@[section:begin|end] [<Phase>] Step <verb>[:] <Name>` (marker and verb in any case), on a cleaned line. The
 * marker is found with indexOf, the verb with two patterns that cannot overlap; one pass over the line.
 */
export function parseSection(s: string): SectionLine | undefined {
  let searched = false;
  for (let i = s.indexOf(SECTION_MARK); i >= 0; i = s.indexOf(SECTION_MARK, i + 1)) {
    const kind = s.slice(i + SECTION_MARK.length, i + SECTION_MARK.length + 6).toLowerCase();
    const begin = kind.startsWith('begin]');
    if (!begin && !kind.startsWith('end]')) {
      continue;
    }
    SPACES.lastIndex = i + SECTION_MARK.length + (begin ? 6 : 4);
    SPACES.exec(s);
    const p = SPACES.lastIndex;
    STEP_AT.lastIndex = p;
    let m = STEP_AT.exec(s);
    let phase: string | undefined;
    if (!m && !searched) {
      // a phase before the verb; a later marker can only add a verb right after itself (every other one is seen here)
      searched = true;
      STEP_AFTER_PHASE.lastIndex = p;
      m = STEP_AFTER_PHASE.exec(s);
      phase = m ? s.slice(p, m.index).trim() || undefined : undefined;
    }
    if (m) {
      let rest = s.slice(m.index + m[0].length).trimStart();
      if (rest.startsWith(':')) {
        rest = rest.slice(1);
      }
      return { begin, name: rest.trim(), phase, verb: (m[1] ?? '').toLowerCase() };
    }
  }
  return undefined;
}
