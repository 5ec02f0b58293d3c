/**
 * Build logs as Appcircle writes them (docs/appcircle-api.md §10): each step between `@@[section:begin] Step started:
 * <Name>` and `@@[section:end] Step completed: <Name>`, `@@[command]` and `@@[error]` lines, and for failing or
 * warning builds the compiler output of the real tools (xcodebuild / swiftc / clang for iOS, Gradle / Kotlin /
 * javac for Android) under a build-machine repository path (`…/_appcircle_temp/Repository/`). Lines are made
 * on demand (a 20 MB log never exists whole on the server).
 */

/** The build machine's clone of the repository (`AC_REPOSITORY_DIR`), as Appcircle agents lay it out. */
export function repositoryDir(os: number, buildId: string): string {
  const home = os === 1 ? '/Users/appcircle' : '/root';
  return `${home}/app/workflow_data/${buildId.slice(0, 8)}/_appcircle_temp/Repository`;
}

export interface LogShape {
  os: number;
  buildId: string;
  /** Step names, in order; the build step is the third. */
  steps: string[];
}

/** Workspace-relative files the failing logs name (the e2e workspace creates them so diagnostics land on them). */
export const ANDROID_SOURCE_FILES = [
  'app/src/main/java/com/acme/app/MainActivity.kt',
  'app/src/main/java/com/acme/app/ui/SettingsFragment.kt',
  'app/src/main/java/com/acme/app/legacy/LegacyBridge.java',
] as const;
export const IOS_SOURCE_FILES = ['App/Login/LoginView.swift', 'App/Settings/SettingsViewModel.swift', 'App/Network/APIClient.m'] as const;

export function stepsFor(os: number): string[] {
  return [
    'Activate SSH Private Key',
    'Git Clone',
    os === 1 ? 'Xcodebuild for Devices' : 'Android Build',
    'Test Reports',
    'Export Build Artifacts',
  ];
}

const begin = (ts: string, name: string) => `[${ts}] @@[section:begin] Step started: ${name}`;
const end = (ts: string, name: string) => `[${ts}] @@[section:end] Step completed: ${name}`;

/** Compiler errors (and a warning) of a failed build step, as the tool prints them. */
export function compilerErrors(s: LogShape): string[] {
  const repo = repositoryDir(s.os, s.buildId);
  if (s.os === 1) {
    return [
      `@@[command] xcodebuild -workspace AcmeApp.xcworkspace -scheme AcmeApp -configuration Release archive`,
      `CompileSwift normal arm64 ${repo}/${IOS_SOURCE_FILES[0]} (in target 'AcmeApp' from project 'AcmeApp')`,
      `${repo}/${IOS_SOURCE_FILES[0]}:42:17: error: cannot find 'foo' in scope`,
      `        let session = foo(credentials)`,
      `                      ^~~`,
      `${repo}/${IOS_SOURCE_FILES[1]}:18:9: warning: variable 'theme' was never mutated; consider changing to 'let' constant`,
      `CompileC ${repo}/build/AcmeApp.build/Objects-normal/arm64/APIClient.o ${repo}/${IOS_SOURCE_FILES[2]} normal arm64 objective-c`,
      `${repo}/${IOS_SOURCE_FILES[2]}:77:5: error: use of undeclared identifier 'session'`,
      `${repo}/Pods/Alamofire/Source/Session.swift:310:14: warning: 'init(configuration:)' is deprecated`,
      `${repo}/${IOS_SOURCE_FILES[0]}:42:17: error: cannot find 'foo' in scope`,
      `** ARCHIVE FAILED **`,
      `@@[error] Xcodebuild for Devices failed: xcodebuild exited with code 65`,
    ];
  }
  return [
    `@@[command] ./gradlew assembleRelease --stacktrace`,
    `> Task :app:compileReleaseKotlin FAILED`,
    `e: file://${repo}/${ANDROID_SOURCE_FILES[0]}:27:5 Unresolved reference: foo`,
    `w: file://${repo}/${ANDROID_SOURCE_FILES[1]}:14:9 Variable 'unused' is never used`,
    `> Task :app:compileReleaseJavaWithJavac FAILED`,
    `${repo}/${ANDROID_SOURCE_FILES[2]}:12: error: cannot find symbol`,
    `    Foo bar = new Foo();`,
    `    ^`,
    `${repo}/app/build/generated/source/kapt/release/com/acme/app/DaggerAppComponent.java:31: error: cannot find symbol`,
    `FAILURE: Build failed with an exception.`,
    `@@[error] Android Build failed: Gradle exited with code 1`,
  ];
}

/** Warnings of a build that succeeded with warnings. */
export function compilerWarnings(s: LogShape): string[] {
  const repo = repositoryDir(s.os, s.buildId);
  return s.os === 1
    ? [`${repo}/${IOS_SOURCE_FILES[1]}:18:9: warning: variable 'theme' was never mutated; consider changing to 'let' constant`]
    : [`w: file://${repo}/${ANDROID_SOURCE_FILES[1]}:14:9 Variable 'unused' is never used`];
}

/**
 * Lines written when the build step is over (the Completing phase): the rest of the build step and the steps
 * after it, up to the line before the final one(s).
 */
export function completionLines(s: LogShape, outcome: { status: number; hasWarning: boolean }, ts: string): string[] {
  const [, , buildStep = 'Build', tests = 'Test Reports', exportStep = 'Export Build Artifacts'] = s.steps;
  switch (outcome.status) {
    case 1:
      return [...compilerErrors(s), end(ts, buildStep)];
    case 3:
      return [end(ts, buildStep), begin(ts, tests), `[${ts}] Waiting for the test results…`];
    default:
      return [
        ...(outcome.hasWarning ? compilerWarnings(s) : []),
        end(ts, buildStep),
        begin(ts, tests),
        `[${ts}] 42 tests passed, 0 failed.`,
        end(ts, tests),
        begin(ts, exportStep),
        'Exporting build artifacts…',
      ];
  }
}

/** The step Appcircle ends every build with; the hook stream stops after its section end (docs/appcircle-api.md §11.5). */
export const COMPLETING_STEP = 'Completing workflow';
export const COMPLETING_BEGIN = `@@[section:begin] Build Phase Step started: ${COMPLETING_STEP}`;
export const COMPLETING_END = `@@[section:end] Build Phase Step completed: ${COMPLETING_STEP}, Ver: 1.0`;

/** The last lines, once the build has its final status: the outcome, then the `Completing workflow` step. */
export function finalLines(s: LogShape, outcome: { status: number; hasWarning: boolean }, ts: string, canceled?: string): string[] {
  return [...outcomeLines(s, outcome, ts, canceled), COMPLETING_BEGIN, COMPLETING_END];
}

function outcomeLines(s: LogShape, outcome: { status: number; hasWarning: boolean }, ts: string, canceled?: string): string[] {
  const exportStep = s.steps[4] ?? 'Export Build Artifacts';
  switch (outcome.status) {
    case 0:
      return outcome.hasWarning
        ? [end(ts, exportStep), 'warning: 3 deprecated APIs are in use (see the build step output).', 'Build succeeded with warnings.']
        : [end(ts, exportStep), 'Build succeeded.'];
    case 1:
      return ['Build failed.'];
    case 2:
      return [canceled ?? 'Build canceled.'];
    default:
      return [`@@[error] The build exceeded its time limit.`, 'error: the build exceeded its time limit.', 'Build timed out.'];
  }
}

/**
 * Body line `j` of `n` while the steps before the build's end run: the first three steps share the lines; a
 * step's first line is its begin marker, its last its end marker (the third stays open: completionLines ends it).
 */
export function bodyLine(s: LogShape, j: number, n: number, ts: string, tool: string): string {
  const running = s.steps.slice(0, 3);
  const per = Math.max(1, Math.ceil(n / running.length));
  const k = Math.min(running.length - 1, Math.floor(j / per));
  const name = running[k] ?? 'Build';
  const first = k * per;
  const last = Math.min(n, (k + 1) * per) - 1;
  if (j === first) {
    return begin(ts, name);
  }
  if (j === last && k < running.length - 1) {
    return end(ts, name);
  }
  return `[${ts}] [${name}] ${tool}: compiling module ${j + 1} of ${n}`;
}

/** The whole log of a seeded (finished, historical) build; timestamps spread over its duration. */
export function seededLogLines(
  s: LogShape,
  head: string[],
  outcome: { status: number; hasWarning: boolean },
  startIso: string,
  durationSec = 600,
): string[] {
  const tool = s.os === 1 ? 'xcodebuild' : 'gradle';
  const n = 12;
  const t0 = Date.parse(startIso) || 0;
  const stamp = (j: number) => new Date(t0 + Math.round((j / n) * durationSec * 1000)).toISOString().slice(11, 19);
  const body: string[] = [];
  const canceled = outcome.status === 2;
  const bodyCount = canceled ? 7 : n;
  for (let j = 0; j < bodyCount; j++) {
    body.push(bodyLine(s, j, n, stamp(j), tool));
  }
  return [...head, ...body, ...(canceled ? [] : completionLines(s, outcome, stamp(n))), ...finalLines(s, outcome, stamp(n))];
}
