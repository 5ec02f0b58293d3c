import * as assert from 'node:assert/strict';
import { ANDROID_SOURCE_FILES, IOS_SOURCE_FILES, repositoryDir, seededLogLines, stepsFor } from '../../../sandbox/buildLogs';
import { LogParser, lineTimestamp, parseIncrementally, parseLog, parseProblemLine, stripTimestamp } from '../../../src/core/logParser';
import type { LineSource } from '../../../src/core/logParser';
import { PathMapper, bestSuffixMatch, commonSuffixLength, repositoryRelative } from '../../../src/core/pathMapper';
import type { WorkspaceFiles } from '../../../src/core/pathMapper';

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
