/**
 * The build-log grammar (syntaxes/appcircle-log.tmLanguage.json) on hostile lines. VS Code runs it with Oniguruma;
 * vscode-textmate and vscode-oniguruma are not dependencies, so this runs the same patterns as JavaScript regexes
 * (their syntax here is common to both) the way a TextMate tokenizer scans a line: from the current position, the
 * earliest match of any root pattern wins (the first listed on a tie), and scanning resumes at its end. A line has
 * no `\n` inside, so `.` is run with the `s` flag, which makes it match every character, as Oniguruma's `.` does on
 * one line. The patterns must be linear: a 20,000-character line (VS Code's default tokenization limit) and a
 * 100,000-character one (a workspace can raise the limit) each tokenize well within the budget.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { adversarialLines } from '../../../bench/adversarialLog';

interface Rule {
  match?: string;
  name?: string;
  include?: string;
  patterns?: Rule[];
}
interface Grammar {
  patterns: Rule[];
  repository: Record<string, Rule>;
}

/** From out/test/unit/core to the repository root. */
const root = path.resolve(__dirname, '..', '..', '..', '..');
const grammar = JSON.parse(fs.readFileSync(path.join(root, 'syntaxes', 'appcircle-log.tmLanguage.json'), 'utf8')) as Grammar;

function flatten(rules: Rule[], from: string): Array<{ rule: string; re: RegExp }> {
  return rules.flatMap((r, i) => {
    const name = rules.length > 1 && from !== 'root' ? `${from}[${i}]` : from;
    if (r.include) {
      const inc = grammar.repository[r.include.replace(/^#/, '')];
      return inc ? flatten([inc], r.include.replace(/^#/, '')) : [];
    }
    if (r.patterns) {
      return flatten(r.patterns, name);
    }
    return r.match ? [{ rule: name, re: new RegExp(r.match, 'gs') }] : [];
  });
}
const scanners = flatten(grammar.patterns, 'root');

/** The tokens a TextMate tokenizer finds on one line: [rule, matched text, captures]. */
function tokenize(line: string): Array<[string, string, Array<string | undefined>]> {
  const out: Array<[string, string, Array<string | undefined>]> = [];
  let pos = 0;
  while (pos <= line.length) {
    let best: { rule: string; m: RegExpExecArray } | undefined;
    for (const s of scanners) {
      s.re.lastIndex = pos;
      const m = s.re.exec(line);
      if (m && (!best || m.index < best.m.index)) {
        best = { rule: s.rule, m };
      }
    }
    if (!best) {
      break;
    }
    out.push([best.rule, best.m[0], best.m.slice(1)]);
    pos = best.m.index + Math.max(1, best.m[0].length);
  }
  return out;
}

const REPO = '/Users/appcircle/app/workflow_data/3f9a/_appcircle_temp/Repository';

describe('syntaxes/appcircle-log: the grammar tokenizes hostile lines in linear time', () => {
  it('every pattern is tried (the grammar was read)', () => {
    assert.deepEqual(
      scanners.map((s) => s.rule),
      ['timestamp', 'section', 'markerError', 'command', 'kotlin', 'compiler', 'result[0]', 'result[1]', 'plainError', 'plainWarning'],
    );
  });

  it('ordinary lines get the same tokens as before: markers, steps with a phase, compiler and Kotlin messages', () => {
    assert.deepEqual(tokenize('[10:00:00] @@[section:begin] Build Phase Step started: Xcodebuild for Devices'), [
      ['timestamp', '[10:00:00]', []],
      [
        'section',
        '@@[section:begin] Build Phase Step started: Xcodebuild for Devices',
        ['@@[section:begin]', 'Build Phase Step started:', 'Xcodebuild for Devices'],
      ],
    ]);
    assert.deepEqual(tokenize('@@[section:end]Step completed: Git Clone')[0]?.[2], ['@@[section:end]', 'Step completed:', 'Git Clone']);
    const clang = tokenize(`[10:00:01] ${REPO}/App/A.m:3:1: warning: unused variable 'x'`);
    assert.deepEqual(clang[1], [
      'compiler',
      `${REPO}/App/A.m:3:1: warning: unused variable 'x'`,
      [`${REPO}/App/A.m:3:1`, undefined, 'warning', "unused variable 'x'"],
    ]);
    assert.deepEqual(tokenize(`❌ ${REPO}/App/B.h:1:10: fatal error: 'Foo.h' file not found`)[0]?.[2], [
      `${REPO}/App/B.h:1:10`,
      'fatal error',
      undefined,
      "'Foo.h' file not found",
    ]);
    assert.deepEqual(tokenize('src/main/java/Bar.java:3: error: cannot find symbol')[0]?.[2]?.[0], 'src/main/java/Bar.java:3');
    assert.deepEqual(tokenize('e: file:///a/B.kt:27:5 Unresolved reference: foo')[0]?.slice(0, 1), ['kotlin']);
    assert.deepEqual(
      tokenize('@@[error] boom').map((t) => t[0]),
      ['markerError'],
    );
    assert.deepEqual(
      tokenize('** BUILD FAILED **').map((t) => t[0]),
      ['result[1]'],
    );
    assert.deepEqual(tokenize('compiling module 3 of 40'), []);
  });

  for (const size of [20_000, 100_000]) {
    it(`${size.toLocaleString('en-US')}-character hostile lines (a.a.a…, spaces after a marker, tabs, backslashes, ANSI) tokenize in < 200 ms each`, () => {
      const lines = [
        ...adversarialLines(size),
        { kind: 'a.a.a… alone', line: 'a.'.repeat(size / 2) },
        { kind: 'a.a.a… then :1: error', line: `${'a.'.repeat(size / 2)}:1: error` },
        { kind: 'dots and colons', line: 'a.b:1:'.repeat(size / 6) },
        { kind: 'spaces after a section marker, then a verb', line: `@@[section:begin]${' '.repeat(size)}Step` },
        { kind: 'section markers and spaces', line: '@@[section:end] x '.repeat(size / 18) },
        { kind: 'Kotlin with a long path', line: `e: ${'/a'.repeat(size / 2)}:1` },
      ];
      for (const { kind, line } of lines) {
        const t0 = performance.now();
        tokenize(line);
        const ms = performance.now() - t0;
        assert.ok(ms < 200, `${kind}: ${ms.toFixed(0)} ms`);
      }
    });
  }
});
