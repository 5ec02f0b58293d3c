import * as assert from 'node:assert/strict';
import { ANDROID_SOURCE_FILES, IOS_SOURCE_FILES, repositoryDir, seededLogLines, stepsFor } from '../../../sandbox/buildLogs';
import { adversarialLines } from '../../../bench/adversarialLog';
import { cleanLine, lineTimestamp, stripTimestamp } from '../../../src/core/logs/logLines';
import { LogParser, parseIncrementally, parseLog } from '../../../src/core/logs/logParser';
import { parseProblemLine } from '../../../src/core/logs/logProblems';
import type { LineSource } from '../../../src/core/logs/logParser';
import { PathMapper, bestSuffixMatch, commonSuffixLength, repositoryRelative } from '../../../src/core/logs/pathMapper';
import type { WorkspaceFiles } from '../../../src/core/logs/pathMapper';

const REPO = '/Users/appcircle/app/workflow_data/3f9a/_appcircle_temp/Repository';

describe('core/logParser: steps, markers and compiler messages of an Appcircle log', () => {
  it('steps between section markers, with index, result and duration from the timestamps', () => {
    const log = [
      'Appcircle build 1',
      '[10:00:00] @@[section:begin] Step started: Git Clone',
      '[10:00:05] cloning…',
      '[10:00:12] @@[section:end] Step completed: Git Clone',
      '2025-08-20T10:00:12.120Z @@[section:begin] Build Phase Step started: Xcodebuild for Devices',
      '2025-08-20T10:03:00Z @@[section:end] Step completed: Xcodebuild for Devices',
      '[10:03:00] @@[section:begin] Step started: Git Clone',
      '[10:03:01] again',
    ].join('\n');
    const s = parseLog(log);
    assert.deepEqual(
      s.steps.map((x) => [x.index, x.name, x.startLine, x.endLine, x.result, x.durationSec, x.phase]),
      [
        [0, 'Git Clone', 1, 3, 'succeeded', 12, undefined],
        [1, 'Xcodebuild for Devices', 4, 5, 'succeeded', 168, 'Build Phase'],
        [2, 'Git Clone', 6, undefined, 'running', undefined, undefined],
      ],
    );
    assert.equal(parseLog(log, { buildFailed: true }).steps[2]?.result, 'failed', 'the step a failed build stopped in');
    assert.equal(parseLog(log, { buildFailed: false }).steps[2]?.result, 'unfinished');
  });

  it('a step with errors, or a `Step failed` end marker, failed; a begin without an end leaves the previous unfinished', () => {
    const s = parseLog(
      [
        '@@[section:begin] Step started: A',
        '@@[error] A broke',
        '@@[section:end] Step completed: A',
        '@@[section:begin] Step started: B',
        '@@[section:end] Step failed: B',
        '@@[section:begin] Step started: C',
        '@@[section:begin] Step started: D',
        '@@[command] echo hi',
      ].join('\n'),
    );
    assert.deepEqual(
      s.steps.map((x) => [x.name, x.result, x.errorCount]),
      [
        ['A', 'failed', 1],
        ['B', 'failed', 0],
        ['C', 'unfinished', 0],
        ['D', 'running', 0],
      ],
    );
    assert.equal(s.firstErrorLine, 1);
    assert.deepEqual(s.problems[0], { severity: 'error', message: 'A broke', logLine: 1, source: 'marker', stepIndex: 0 });
  });

  it('Xcode / clang / swiftc: file:line:col: error|warning|fatal error, with a leading timestamp or xcpretty mark', () => {
    assert.deepEqual(parseProblemLine(`${REPO}/App/Login/LoginView.swift:42:17: error: cannot find 'foo' in scope`, 7), {
      severity: 'error',
      file: `${REPO}/App/Login/LoginView.swift`,
      line: 42,
      column: 17,
      message: "cannot find 'foo' in scope",
      logLine: 7,
      source: 'clang',
    });
    const w = parseProblemLine(`[10:00:00] ${REPO}/App/A.m:3:1: warning: unused variable 'x' [-Wunused-variable]`, 0);
    assert.deepEqual(
      [w?.severity, w?.file, w?.line, w?.column, w?.message],
      ['warning', `${REPO}/App/A.m`, 3, 1, "unused variable 'x' [-Wunused-variable]"],
    );
    const f = parseProblemLine(`❌ ${REPO}/App/B.h:1:10: fatal error: 'Foo.h' file not found`, 0);
    assert.deepEqual([f?.severity, f?.file, f?.line], ['error', `${REPO}/App/B.h`, 1]);
  });

  it('Gradle / Kotlin: `e: file:///…:27:5 msg` (Kotlin 2), `w: /…: (14, 9): msg` (Kotlin 1)', () => {
    const e = parseProblemLine(`e: file://${REPO}/app/src/main/java/com/acme/MainActivity.kt:27:5 Unresolved reference: foo`, 3);
    assert.deepEqual(
      [e?.severity, e?.file, e?.line, e?.column, e?.message, e?.source],
      ['error', `${REPO}/app/src/main/java/com/acme/MainActivity.kt`, 27, 5, 'Unresolved reference: foo', 'kotlin'],
    );
    const w = parseProblemLine(`w: ${REPO}/app/src/main/java/com/acme/Ui.kt: (14, 9): Variable 'unused' is never used`, 4);
    assert.deepEqual(
      [w?.severity, w?.file, w?.line, w?.column, w?.message],
      ['warning', `${REPO}/app/src/main/java/com/acme/Ui.kt`, 14, 9, "Variable 'unused' is never used"],
    );
    const spaced = parseProblemLine('e: file:///b/My%20App/src/A.kt:1:2 Type mismatch', 0);
    assert.equal(spaced?.file, '/b/My App/src/A.kt', 'file URLs are decoded');
  });

  it('javac: `…/Foo.java:12: error: msg` (no column), warnings too', () => {
    const e = parseProblemLine(`${REPO}/app/src/main/java/com/acme/Foo.java:12: error: cannot find symbol`, 9);
    assert.deepEqual(
      [e?.severity, e?.file, e?.line, e?.column, e?.message],
      ['error', `${REPO}/app/src/main/java/com/acme/Foo.java`, 12, undefined, 'cannot find symbol'],
    );
    const w = parseProblemLine('src/main/java/Bar.java:3: warning: [deprecation] foo() in Bar has been deprecated', 0);
    assert.deepEqual([w?.severity, w?.file, w?.line], ['warning', 'src/main/java/Bar.java', 3]);
  });

  it('plain `error:` / `FAILURE:` lines are errors of the log; ordinary lines (even mentioning errors) are not', () => {
    assert.equal(parseProblemLine('error: the build exceeded its time limit.', 0)?.source, 'plain');
    assert.equal(parseProblemLine('FAILURE: Build failed with an exception.', 0)?.source, 'plain');
    for (const line of [
      '[10:00:00] compiling module 3 of 40',
      'Found 0 errors and 2 warnings',
      'warning count: 0',
      'the error: was here',
      '@@[command] make',
    ]) {
      assert.equal(parseProblemLine(line, 0), undefined, line);
    }
  });

  it('xcodebuild repeats messages: the same file:line:col message is kept once', () => {
    const line = `${REPO}/App/A.swift:1:2: error: x`;
    const s = parseLog([line, line, `${REPO}/App/A.swift:1:3: error: x`].join('\n'));
    assert.equal(s.problems.length, 2);
    assert.equal(s.errorCount, 2);
  });

  it('timestamps: bracketed, bare, ISO with date; stripped from the text', () => {
    assert.equal(lineTimestamp('[01:02:03] x'), 3723);
    assert.equal(lineTimestamp('01:02:03 x'), 3723);
    assert.equal(lineTimestamp('2025-01-01T00:00:10Z x'), Date.parse('2025-01-01T00:00:00Z') / 1000 + 10);
    assert.equal(lineTimestamp('no time'), undefined);
    assert.equal(stripTimestamp('[01:02:03] @@[error] x'), '@@[error] x');
  });

  it('incremental: a log fed in pieces gives what the whole log gives; rollbackTo re-reads a cut last line', () => {
    const lines = seededLogLines(
      { os: 2, buildId: 'abcdef0123', steps: stepsFor(2) },
      ['Appcircle build x'],
      { status: 1, hasWarning: false },
      '2025-08-20T10:00:00Z',
      600,
    );
    const whole = parseLog(lines.join('\n'), { buildFailed: true });
    const p = new LogParser();
    p.feedLines(lines.slice(0, 10));
    // the 11th line arrived cut in two
    const cut = lines[10] ?? '';
    p.feedLine(cut.slice(0, 5));
    p.rollbackTo(10);
    p.feedLines(lines.slice(10));
    p.finish(true);
    assert.deepEqual(p.summary(), whole);
    // rolling back past a step's begin and end restores it as it was
    const q = new LogParser();
    q.feedLines(lines);
    q.rollbackTo(5);
    q.feedLines(lines.slice(5));
    q.finish(true);
    assert.deepEqual(q.summary(), whole);
  });

  it('the sandbox’s failed Android log: steps, the failed build step, Kotlin + javac errors and a warning', () => {
    const lines = seededLogLines(
      { os: 2, buildId: 'abcdef0123', steps: stepsFor(2) },
      ['Appcircle build x'],
      { status: 1, hasWarning: false },
      '2025-08-20T10:00:00Z',
      600,
    );
    const s = parseLog(lines.join('\n'), { buildFailed: true });
    assert.deepEqual(
      s.steps.map((x) => [x.name, x.result]),
      [
        ['Activate SSH Private Key', 'succeeded'],
        ['Git Clone', 'succeeded'],
        ['Android Build', 'failed'],
        ['Completing workflow', 'succeeded'],
      ],
    );
    const repo = repositoryDir(2, 'abcdef0123');
    assert.deepEqual(
      s.problems.filter((p) => p.file).map((p) => [p.severity, p.file, p.line, p.column]),
      [
        ['error', `${repo}/${ANDROID_SOURCE_FILES[0]}`, 27, 5],
        ['warning', `${repo}/${ANDROID_SOURCE_FILES[1]}`, 14, 9],
        ['error', `${repo}/${ANDROID_SOURCE_FILES[2]}`, 12, undefined],
        ['error', `${repo}/app/build/generated/source/kapt/release/com/acme/app/DaggerAppComponent.java`, 31, undefined],
      ],
    );
    assert.ok((s.steps[2]?.durationSec ?? 0) > 0);
    assert.equal(
      s.firstErrorLine,
      lines.findIndex((l) => l.startsWith('e: ')),
    );
  });

  it('the sandbox’s failed iOS log: swiftc / clang errors, the repeated one once, Pods warning kept', () => {
    const lines = seededLogLines(
      { os: 1, buildId: 'abcdef0123', steps: stepsFor(1) },
      [],
      { status: 1, hasWarning: false },
      '2025-08-20T10:00:00Z',
    );
    const s = parseLog(lines.join('\n'), { buildFailed: true });
    const repo = repositoryDir(1, 'abcdef0123');
    assert.deepEqual(
      s.problems.filter((p) => p.file).map((p) => [p.severity, p.file?.slice(repo.length + 1), p.line]),
      [
        ['error', IOS_SOURCE_FILES[0], 42],
        ['warning', IOS_SOURCE_FILES[1], 18],
        ['error', IOS_SOURCE_FILES[2], 77],
        ['warning', 'Pods/Alamofire/Source/Session.swift', 310],
      ],
    );
    assert.equal(s.errorCount, 3, 'two compiler errors and the @@[error] line');
  });

  it('parseIncrementally yields between slices and reaches the same result', async () => {
    const lines = Array.from({ length: 50_000 }, (_, i) =>
      i % 10_000 === 0 ? `@@[section:begin] Step started: S${i}` : `[10:00:00] line ${i}`,
    );
    const src: LineSource = { lineCount: lines.length, lines: (a, b) => lines.slice(a, b) };
    let t = 0;
    let yields = 0;
    const p = new LogParser();
    const done = await parseIncrementally(p, src, {
      batchLines: 1000,
      sliceMs: 5,
      now: () => (t += 1),
      yieldNow: () => Promise.resolve(void yields++),
    });
    assert.equal(done, true);
    assert.ok(yields > 5, `yielded ${yields} times`);
    assert.equal(p.steps.length, 5);
    assert.equal(p.lineCount, 50_000);
    let cancelled = false;
    const q = new LogParser();
    assert.equal(
      await parseIncrementally(q, src, {
        batchLines: 1000,
        sliceMs: 1,
        now: () => (t += 1),
        yieldNow: () => Promise.resolve(void (cancelled = true)),
        cancelled: () => cancelled,
      }),
      false,
    );
  });
});

/** Parses one line alone: what it yields, and how long it took. */
function parseOne(line: string): { steps: string[]; problems: string[]; ms: number } {
  const p = new LogParser();
  const t0 = performance.now();
  p.feedLine(line);
  const ms = performance.now() - t0;
  return {
    steps: p.steps.map((s) => `${s.name}|${s.phase ?? ''}`),
    problems: p.problems.map((x) => `${x.severity}|${x.source}|${x.file ?? ''}|${x.line ?? ''}|${x.column ?? ''}|${x.message}`),
    ms,
  };
}

describe('core/logParser: hostile lines parse in linear time (review N2, N10)', () => {
  const BUDGET_MS = 200;

  for (const n of [10_000, 100_000]) {
    it(`${n.toLocaleString('en-US')} spaces or tabs after @@[section:begin] (cubic before: 2,000 spaces took 3.5 s)`, () => {
      for (const [label, line] of [
        ['spaces', `@@[section:begin]${' '.repeat(n)}`],
        ['tabs', `@@[section:begin]${'\t'.repeat(n)}`],
        ['spaces, then x', `[10:00:00] @@[section:end]${' '.repeat(n)}x`],
        ['words and spaces', `@@[section:begin] ${'x '.repeat(n / 2)}`],
      ] as const) {
        const r = parseOne(line);
        assert.ok(r.ms < BUDGET_MS, `${label}: ${r.ms.toFixed(0)} ms`);
        assert.deepEqual([r.steps, r.problems], [[], []], label);
      }
    });
  }

  it('every 100 KB adversarial line (backslashes, a.a.a…, ::::, /////, digits, ANSI floods) parses within budget, as expected', () => {
    for (const a of adversarialLines(100 * 1024)) {
      const r = parseOne(a.line);
      assert.ok(r.ms < BUDGET_MS, `${a.kind}: ${r.ms.toFixed(0)} ms`);
      const got = r.steps.length ? 'step' : r.problems.length ? 'problem' : 'none';
      assert.equal(got, a.expect, a.kind);
    }
  });

  it('only the first 4,096 characters of a line are read: a long step name and a long message are cut there', () => {
    const name = parseOne(`@@[section:begin] Step started: ${'n'.repeat(10_000)}`).steps[0] ?? '';
    assert.equal(name.length, 4096 - '@@[section:begin] Step started: '.length + 1);
    assert.equal(cleanLine('x'.repeat(100_000)).length, 4096);
    assert.deepEqual(parseOne(`${' '.repeat(5000)}@@[section:begin] Step started: A`).steps, [], 'a marker past the limit');
  });

  it('section lines: phase, any case, no space after the marker, a verb right after a later marker', () => {
    assert.deepEqual(parseOne('@@[section:begin] Build Phase   Step started:   Xcodebuild  ').steps, ['Xcodebuild|Build Phase']);
    assert.deepEqual(parseOne('@@[section:BEGIN] step STARTED Git Clone').steps, ['Git Clone|']);
    assert.deepEqual(parseOne('@@[section:begin]Step started: A').steps, ['A|']);
    assert.deepEqual(parseOne('@@[section:begin] Stepped up Step started: B').steps, ['B|Stepped up']);
    assert.deepEqual(parseOne('@@[section:begin]@@[section:begin]Step started: C').steps, ['C|']);
    assert.deepEqual(parseOne('@@[section:begin] no verb here').steps, []);
    assert.deepEqual(parseOne('@@[section:middle] Step started: D').steps, []);
    const s = parseLog(['[10:00:00] @@[section:begin] Step started: A', '[10:00:07] @@[section:end] Step failed: A'].join('\n'));
    assert.deepEqual(
      s.steps.map((x) => [x.name, x.result, x.durationSec]),
      [['A', 'failed', 7]],
    );
  });
});

describe('core/logParser: ANSI colour codes are stripped before parsing (review N10)', () => {
  const E = '\x1b';

  it('coloured clang and swiftc lines give the file, line, column and message', () => {
    const clang = parseProblemLine(
      `${E}[1m${REPO}/App/A.m:12:5: ${E}[0m${E}[0;1;31merror: ${E}[0m${E}[1muse of undeclared identifier 'foo'${E}[0m`,
      4,
    );
    assert.deepEqual(clang, {
      severity: 'error',
      file: `${REPO}/App/A.m`,
      line: 12,
      column: 5,
      message: "use of undeclared identifier 'foo'",
      logLine: 4,
      source: 'clang',
    });
    const swift = parseProblemLine(
      `${E}[1m${REPO}/App/Login/LoginView.swift:42:17: ${E}[0m${E}[0;1;35mwarning: ${E}[0m${E}[1mvariable 'x' was never used${E}[0m`,
      0,
    );
    assert.deepEqual(
      [swift?.severity, swift?.file, swift?.line, swift?.column, swift?.message],
      ['warning', `${REPO}/App/Login/LoginView.swift`, 42, 17, "variable 'x' was never used"],
    );
  });

  it('coloured Kotlin lines (Gradle rich console), an OSC 8 link around one, and a coloured timestamp', () => {
    const e = parseProblemLine(
      `${E}[31me: ${E}[0m${E}[1mfile://${REPO}/app/src/main/java/com/acme/A.kt:10:5 ${E}[0mUnresolved reference: foo`,
      2,
    );
    assert.deepEqual(
      [e?.severity, e?.file, e?.line, e?.column, e?.message, e?.source],
      ['error', `${REPO}/app/src/main/java/com/acme/A.kt`, 10, 5, 'Unresolved reference: foo', 'kotlin'],
    );
    const w = parseProblemLine(`${E}[33mw: ${E}[39m${REPO}/app/Ui.kt: (14, 9): ${E}[1mVariable 'unused' is never used${E}[22m`, 0);
    assert.deepEqual(
      [w?.severity, w?.file, w?.line, w?.column, w?.message],
      ['warning', `${REPO}/app/Ui.kt`, 14, 9, "Variable 'unused' is never used"],
    );
    const linked = parseProblemLine(`${E}]8;;file:///a/B.kt${E}\\e: file:///a/B.kt:1:2 Type mismatch${E}]8;;${E}\\`, 0);
    assert.deepEqual([linked?.file, linked?.line, linked?.message], ['/a/B.kt', 1, 'Type mismatch']);
    const titled = parseProblemLine(`${E}]0;gradle\x07e: /a/C.kt:3:4 boom`, 0);
    assert.deepEqual([titled?.file, titled?.message], ['/a/C.kt', 'boom']);
    const s = parseLog(`${E}[90m[10:00:00]${E}[0m ${E}[1m@@[section:begin]${E}[0m Step started: ${E}[36mBuild${E}[0m`);
    assert.deepEqual(
      s.steps.map((x) => x.name),
      ['Build'],
    );
  });

  it('coloured xcpretty / xcbeautify lines, with and without clang’s error: / warning:', () => {
    const f = parseProblemLine(`${E}[31m❌ ${E}[0m${REPO}/App/B.h:1:10: ${E}[31mfatal error: 'Foo.h' file not found${E}[0m`, 0);
    assert.deepEqual([f?.severity, f?.file, f?.line, f?.column, f?.message], ['error', `${REPO}/App/B.h`, 1, 10, "'Foo.h' file not found"]);
    const x = parseProblemLine(`${E}[31m❌  ${E}[0m${REPO}/App/Login/LoginView.swift:42:17: ${E}[31mcannot find 'foo' in scope${E}[0m`, 3);
    assert.deepEqual(x, {
      severity: 'error',
      file: `${REPO}/App/Login/LoginView.swift`,
      line: 42,
      column: 17,
      message: "cannot find 'foo' in scope",
      logLine: 3,
      source: 'clang',
    });
    const w = parseProblemLine(`${E}[33m⚠️  ${E}[0m${REPO}/App/A.swift:18:9: ${E}[33mvariable 'x' was never used${E}[0m`, 0);
    assert.deepEqual([w?.severity, w?.file, w?.line, w?.column], ['warning', `${REPO}/App/A.swift`, 18, 9]);
    const ascii = parseProblemLine(`[x] ${REPO}/App/C.swift:7:1: expected '}'`, 0);
    assert.deepEqual([ascii?.severity, ascii?.file, ascii?.line], ['error', `${REPO}/App/C.swift`, 7]);
    assert.equal(parseProblemLine('[!] Unable to find a specification for `Foo`', 0), undefined, 'CocoaPods, no file');
  });

  it('no escape code is left in a message; an unfinished sequence is kept as text', () => {
    assert.equal(cleanLine(`${E}[0;1;31merror: ${E}[0mboom${E}[K`), 'error: boom');
    assert.equal(cleanLine(`a${E}[?25lb${E}[2J`), 'ab');
    assert.equal(cleanLine(`a${E}]0;title`), `a${E}]0;title`);
    assert.equal(parseProblemLine(`${E}[31merror:${E}[0m the build ${E}[1mfailed${E}[0m`, 0)?.message, 'the build failed');
  });
});

describe('core/pathMapper: build-machine paths → workspace files', () => {
  const files = (existing: string[]): WorkspaceFiles & { calls: string[] } => {
    const calls: string[] = [];
    return {
      calls,
      exists: (rel) => {
        calls.push(`exists ${rel}`);
        return Promise.resolve(existing.includes(rel) ? `/ws/${rel}` : undefined);
      },
      findByName: (name) => {
        calls.push(`find ${name}`);
        return Promise.resolve(existing.filter((f) => f.endsWith(`/${name}`) || f === name).map((f) => `/ws/${f}`));
      },
    };
  };

  it('strips up to Repository/ when that file exists', async () => {
    const ws = files(['App/Login/LoginView.swift']);
    assert.equal(repositoryRelative(`${REPO}/App/Login/LoginView.swift`), 'App/Login/LoginView.swift');
    assert.equal(await new PathMapper(ws).map(`${REPO}/App/Login/LoginView.swift`), '/ws/App/Login/LoginView.swift');
    assert.deepEqual(ws.calls, ['exists App/Login/LoginView.swift']);
  });

  it('else the longest existing suffix; a tie or no file maps to nothing', async () => {
    const ws = files(['ios/App/Login/LoginView.swift', 'ios/Other/LoginView.swift', 'a/Util.kt', 'b/Util.kt']);
    const m = new PathMapper(ws);
    assert.equal(
      await m.map(`${REPO}/App/Login/LoginView.swift`),
      '/ws/ios/App/Login/LoginView.swift',
      'the repository is a subfolder of the workspace',
    );
    assert.equal(await m.map('/opt/build/x/App/Login/LoginView.swift'), '/ws/ios/App/Login/LoginView.swift', 'no Repository/ in the path');
    assert.equal(await m.map('/opt/build/c/Util.kt'), undefined, 'two files share only the name');
    assert.equal(await m.map(`${REPO}/Nowhere.swift`), undefined);
    const before = ws.calls.length;
    await m.map(`${REPO}/App/Login/LoginView.swift`);
    assert.equal(ws.calls.length, before, 'answers are remembered');
  });

  it('suffix helpers', () => {
    assert.equal(commonSuffixLength('/a/b/c/d.kt', 'x/c/d.kt'), 2);
    assert.equal(commonSuffixLength('/a/b.kt', '/a/c.kt'), 0);
    assert.equal(bestSuffixMatch('/r/a/b.kt', ['/w/a/b.kt', '/w/z/b.kt']), '/w/a/b.kt');
    assert.equal(bestSuffixMatch('/r/q/b.kt', ['/w/a/b.kt', '/w/z/b.kt']), undefined);
    assert.equal(repositoryRelative('/home/x/y.kt'), undefined);
  });
});
