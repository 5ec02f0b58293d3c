/**
 * The real-VS-Code run: a sandbox for the run, code-server with the packaged .vsix and the sandbox URLs in its
 * user settings, Chromium driven through the journeys, then the integration suite inside code-server's
 * extension host. Writes test-results/e2e/ (screenshots, logs) and test-results/e2e.json, and ends with
 * `e2e: N passed, N failed`.
 *   node out/test/e2e/run.js --vsix .e2e/appcircle.vsix [--only journeys|suite] [--grep text]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { startSandbox } from '../../sandbox/server';
import type { Sandbox } from '../../sandbox/server';
import { CodeServer, freePort } from './codeServer';
import type { Journey, JourneyContext } from './journeys';
import { signInJourneys } from './journeys';
import { buildJourneys } from './buildJourneys';
import { Workbench } from './workbench';
import { startScriptCheck } from './startScript';
import { commitJourneys } from './commitJourneys';
import { createGitWorkspace } from './gitWorkspace';
import { multiRootJourneys } from './multiRootJourney';
import { distributionJourneys } from './distributionJourneys';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RESULTS = path.join(ROOT, 'test-results', 'e2e');
const STATE = path.join(ROOT, '.e2e');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const t0 = Date.now();
const log = (...a: unknown[]) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function launchBrowser(profileDir: string): Promise<BrowserContext> {
  fs.mkdirSync(profileDir, { recursive: true });
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 860 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

interface Outcome {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

/** Our extension's errors in the extension host logs, and the activation time it logged. */
function scanLogs(cs: CodeServer): { errors: string[]; activationMs?: number; files: string[] } {
  const errors: string[] = [];
  let activationMs: number | undefined;
  const files = cs.logFiles();
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    const ours = /Appcircle\.log$/.test(f);
    for (const line of text.split('\n')) {
      const m = /Activated in (\d+) ms/.exec(line);
      if (m && ours) {
        activationMs = Number(m[1]);
      }
      if (ours && /\[error\]/.test(line)) {
        errors.push(`${path.basename(f)}: ${line}`);
      } else if (/exthost/i.test(f) && /\[error\]/.test(line) && /appcircle/i.test(line)) {
        errors.push(`${path.basename(f)}: ${line}`);
      }
    }
  }
  return { errors, activationMs, files };
}

function keepLogs(cs: CodeServer, sb: Sandbox | undefined, tag: string): void {
  const dir = path.join(RESULTS, `logs-${tag}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of cs.logFiles()) {
    const rel = path.relative(cs.userDataDir, f).replace(/[\\/]/g, '__');
    fs.copyFileSync(f, path.join(dir, rel.startsWith('..') ? path.basename(f) : rel));
  }
  if (sb) {
    fs.writeFileSync(path.join(dir, 'sandbox-requests.jsonl'), sb.requests.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
}

async function runJourneys(vsix: string, sb: Sandbox, workspace: string, grep?: string): Promise<Outcome[]> {
  const port = await freePort();
  const cs = new CodeServer({
    stateDir: path.join(STATE, 'cs-journeys'),
    port,
    userSettings: {
      'appcircle.apiUrl': sb.apiUrl,
      'appcircle.authUrl': sb.authUrl,
      // running builds are followed over the hook service's stream, as with Appcircle's own hosts
      'appcircle.hookUrl': sb.hookUrl,
      'appcircle.builds.pollInterval': 2,
      'appcircle.notifications.buildFinished': 'watched',
      'git.autofetch': false,
    },
  });
  fs.rmSync(path.join(STATE, 'cs-journeys'), { recursive: true, force: true });
  fs.mkdirSync(path.join(STATE, 'cs-journeys'), { recursive: true });
  cs.prepare();
  log('installing the .vsix into a throw-away code-server profile');
  await cs.installExtension(vsix);
  await cs.start();
  log(`code-server up at ${cs.url}`);
  const browser = await launchBrowser(path.join(STATE, 'chromium-journeys'));
  const page: Page = browser.pages()[0] ?? (await browser.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const wb = new Workbench(page);
  const outcomes: Outcome[] = [];
  const ctx: JourneyContext = {
    wb,
    sb,
    csUrl: cs.url,
    workspace,
    shot: (name) => wb.screenshot(path.join(RESULTS, `${name}.png`)),
    log,
    restartCodeServer: async () => {
      await cs.stop();
      await cs.start();
      log(`code-server restarted at ${cs.url}`);
    },
    extensionLog: () => {
      const ours = cs
        .logFiles()
        .filter((f) => /Appcircle\.log$/.test(f))
        .sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
      const newest = ours.at(-1);
      return newest ? fs.readFileSync(newest, 'utf8') : '';
    },
  };
  const journeys: Journey[] = [
    ...signInJourneys,
    ...buildJourneys,
    ...commitJourneys,
    ...multiRootJourneys,
    ...distributionJourneys,
  ].filter((j) => !grep || j.name.includes(grep));
  let failed = false;
  try {
    for (const j of journeys) {
      const started = Date.now();
      if (failed) {
        outcomes.push({
          name: j.name,
          ok: false,
          ms: 0,
          error: 'not run: an earlier journey failed and left the workbench in an unknown state',
        });
        log(`✘ ${j.name} (not run)`);
        continue;
      }
      try {
        await j.run(ctx);
        outcomes.push({ name: j.name, ok: true, ms: Date.now() - started });
        log(`✔ ${j.name} (${Date.now() - started} ms)`);
      } catch (e) {
        failed = true;
        const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
        outcomes.push({ name: j.name, ok: false, ms: Date.now() - started, error: msg });
        log(`✘ ${j.name}\n${msg}`);
        await wb.screenshot(path.join(RESULTS, `FAILED-${j.name.replace(/\W+/g, '-')}.png`)).catch(() => undefined);
        // what the notification center holds tells more than the toasts (they hide after a while)
        await wb.runCommand('Notifications: Show Notifications').catch(() => undefined);
        const center = await page
          .locator('.notifications-center')
          .innerText()
          .catch(() => '');
        fs.writeFileSync(path.join(RESULTS, 'FAILED-notification-center.txt'), center);
        await wb.screenshot(path.join(RESULTS, `FAILED-${j.name.replace(/\W+/g, '-')}-notifications.png`)).catch(() => undefined);
      }
    }
  } finally {
    await browser.close().catch(() => undefined);
    await cs.stop();
  }
  const scan = scanLogs(cs);
  log(`activation time reported by the extension: ${scan.activationMs ?? 'not found'} ms`);
  if (scan.activationMs !== undefined) {
    fs.writeFileSync(path.join(RESULTS, 'activation.json'), JSON.stringify({ activationMs: scan.activationMs }));
  }
  outcomes.push(
    scan.errors.length
      ? { name: 'no errors from the extension in the extension host logs', ok: false, ms: 0, error: scan.errors.join('\n') }
      : { name: 'no errors from the extension in the extension host logs', ok: true, ms: 0 },
  );
  if (outcomes.some((o) => !o.ok)) {
    keepLogs(cs, sb, 'journeys');
    if (pageErrors.length) {
      fs.writeFileSync(path.join(RESULTS, 'logs-journeys', 'page-errors.txt'), pageErrors.join('\n'));
    }
  }
  return outcomes;
}

/** Runs the mocha suite inside code-server's extension host (payload URL + smoke-test driver). */
async function runSuite(sb: Sandbox, workspace: string): Promise<Outcome[]> {
  const port = await freePort();
  const stateDir = path.join(STATE, 'cs-suite');
  fs.rmSync(stateDir, { recursive: true, force: true });
  fs.mkdirSync(stateDir, { recursive: true });
  const resultFile = path.join(STATE, 'suite-result.json');
  fs.rmSync(resultFile, { force: true });
  const cs = new CodeServer({
    stateDir,
    port,
    userSettings: { 'appcircle.apiUrl': sb.apiUrl, 'appcircle.authUrl': sb.authUrl, 'appcircle.builds.pollInterval': 2 },
    extraArgs: ['--vscode-option', 'enable-smoke-test-driver'],
    env: { APPCIRCLE_SUITE_RESULT: resultFile, APPCIRCLE_TEST_API: '1' },
  });
  cs.prepare();
  await cs.start();
  const authority = new URL(cs.url).host;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${authority}${ROOT}`],
    ['extensionTestsPath', `vscode-remote://${authority}${path.join(ROOT, 'out', 'test', 'integration', 'suite', 'index')}`],
  ];
  const url = `${cs.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const browser = await launchBrowser(path.join(STATE, 'chromium-suite'));
  const page = browser.pages()[0] ?? (await browser.newPage());
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((r) => (resolveExit = r));
  await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
  page.on('console', (m) => {
    // workbench log lines look like '%c INFO color: #33f <text>'
    const t = m.text().replace(/^%c\s*\w+\s*color:\s*\S+\s*/, '');
    if (/^(✔|✘|suite:)/.test(t)) {
      console.log(`  [ext host] ${t.slice(0, 500)}`);
    }
  });
  const started = Date.now();
  await page.goto(url);
  const code = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(-1), 180_000))]);
  await page.screenshot({ path: path.join(RESULTS, 'suite-final.png') }).catch(() => undefined);
  await browser.close().catch(() => undefined);
  await cs.stop();
  log(`extension-host suite finished with exit code ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const outcomes: Outcome[] = [];
  if (fs.existsSync(resultFile)) {
    const r = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as { tests: { title: string; ok: boolean; error?: string }[] };
    for (const t of r.tests) {
      outcomes.push({ name: `[ext host] ${t.title}`, ok: t.ok, ms: 0, error: t.error });
    }
  }
  if (code !== 0 || outcomes.length === 0) {
    outcomes.push({
      name: '[ext host] suite exit code',
      ok: false,
      ms: 0,
      error: `exit code ${code}${outcomes.length ? '' : ', no results written'}`,
    });
    keepLogs(cs, sb, 'suite');
  }
  return outcomes;
}

async function main(): Promise<void> {
  const vsix = arg('vsix');
  const only = arg('only');
  const grep = arg('grep');
  fs.rmSync(RESULTS, { recursive: true, force: true });
  fs.mkdirSync(RESULTS, { recursive: true });
  const workspace = path.join(STATE, 'workspace');
  fs.rmSync(workspace, { recursive: true, force: true }); // nothing left from an earlier run
  // a git repository whose remote matches a sandbox profile (marked and sorted first in the tree; the commit's build)
  createGitWorkspace(workspace);
  const sb = await startSandbox({
    quiet: true,
    requestLogFile: path.join(RESULTS, 'sandbox-requests.jsonl'),
    builds: { speed: 1, timings: { waitMs: 1500, runMs: 5000, completeMs: 500 } },
  });
  log(`sandbox at ${sb.apiUrl}`);
  const outcomes: Outcome[] = [];
  try {
    if (only !== 'suite') {
      if (!vsix || !fs.existsSync(vsix)) {
        throw new Error('--vsix <file> is required');
      }
      outcomes.push(...(await runJourneys(vsix, sb, workspace, grep)));
    }
    if (only !== 'journeys') {
      outcomes.push(...(await runSuite(sb, workspace)));
    }
    if (!only && !grep && vsix) {
      // `npm start` itself, in a real terminal: password; Ctrl+C, closing the terminal, or stop signals arriving while
      // it stops (what a closed terminal sends, made certain) all stop both servers
      outcomes.push(await startScriptCheck({ vsix, log }));
      outcomes.push(await startScriptCheck({ vsix, log, stop: 'close-terminal' }));
      outcomes.push(await startScriptCheck({ vsix, log, stop: 'signal-storm' }));
    }
  } catch (e) {
    outcomes.push({ name: 'harness', ok: false, ms: 0, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  } finally {
    await sb.stop();
  }
  const passed = outcomes.filter((o) => o.ok).length;
  const failed = outcomes.length - passed;
  fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'test-results', 'e2e.json'), JSON.stringify({ passed, failed, outcomes }, null, 2));
  for (const o of outcomes.filter((x) => !x.ok)) {
    console.log(`\nFAILED: ${o.name}\n${o.error ?? ''}`);
  }
  console.log(`\nscreenshots and logs: ${path.relative(process.cwd(), RESULTS)}`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

void main();
