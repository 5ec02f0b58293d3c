/**
 * The build of the commit you are on and logs that point at the line that broke: the commit's status item through
 * a real commit and push (followed until Appcircle's build of it ends, failed), that build's log with its steps in
 * the Outline and Go to First Error, and its compiler errors in the Problems panel on the workspace's files.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ANDROID_SOURCE_FILES } from '../../sandbox/buildLogs';
import { DEMO_PAT, REPO_NAME } from '../../sandbox/fixtures';
import { WORKSPACE_BRANCH, git } from './gitWorkspace';
import type { Journey, JourneyContext } from './journeys';
import { T } from './journeys';

/** Small JPEG screenshots for the README (test-results/e2e/readme/), optionally a region of the window. */
async function readmeShot(
  ctx: JourneyContext,
  name: string,
  clip?: { x: number; y: number; width: number; height: number },
): Promise<void> {
  const dir = path.resolve(__dirname, '..', '..', '..', 'test-results', 'e2e', 'readme');
  fs.mkdirSync(dir, { recursive: true });
  await ctx.wb.page.screenshot({ path: path.join(dir, `${name}.jpg`), type: 'jpeg', quality: 60, clip });
}

/** The commit these journeys push and Appcircle builds (set by the first one). */
let pushed: { hash: string; short: string } | undefined;

async function ensureSignedIn(ctx: JourneyContext): Promise<void> {
  if (!ctx.wb.page.url().startsWith(ctx.csUrl)) {
    await ctx.wb.page.goto(`${ctx.csUrl}/?folder=${encodeURIComponent(ctx.workspace)}`, { waitUntil: 'domcontentloaded' });
    await ctx.wb.ready();
  }
  await ctx.wb.openAppcircleView();
  await ctx.wb.ensureSignedIn(DEMO_PAT);
}

/** The commit item: the status-bar entry that names the branch and HEAD's short hash. */
function commitItem(ctx: JourneyContext, short: string, more: RegExp | string = '') {
  const extra = typeof more === 'string' ? more : more.source;
  return ctx.wb.page
    .locator('.part.statusbar .statusbar-item', { hasText: new RegExp(`${WORKSPACE_BRANCH}\\s·\\s${short}${extra}`) })
    .first();
}

export const commitJourneys: Journey[] = [
  {
    name: '20 [commit] the commit item: not built → Build This Commit says push first → Git: Push → Appcircle builds it → running → failed',
    async run(ctx) {
      const timings = { ...ctx.sb.world.timings, logLines: ctx.sb.world.logLines };
      try {
        await ensureSignedIn(ctx);
        await ctx.wb.runCommand('View: Close All Editors');
        await ctx.wb.clearNotifications();
        // a new local commit: HEAD is one ahead of origin/develop, and Appcircle has never seen it
        const file = path.join(ctx.workspace, ANDROID_SOURCE_FILES[0]);
        fs.appendFileSync(file, '// calls foo() from onCreate\n');
        git(ctx.workspace, 'commit', '-q', '-am', 'Call foo from MainActivity');
        const hash = git(ctx.workspace, 'rev-parse', 'HEAD');
        const short = hash.slice(0, 7);
        pushed = { hash, short };
        await ctx.wb.runCommand('Git: Refresh').catch(() => undefined);
        const notBuilt = commitItem(ctx, short, '\\snot\\sbuilt');
        await notBuilt.waitFor({ state: 'visible', timeout: T });
        assert.equal(await notBuilt.locator('.codicon-circle-outline').count(), 1, 'the not-built icon');
        await ctx.shot('20a-commit-not-built');
        // the item's click is Build This Commit: HEAD is not pushed, so nothing is built
        await notBuilt.click();
        const toast = await ctx.wb.waitToast(new RegExp(`Push first: commit ${short} is not on the remote yet`));
        assert.match(toast, /Push/);
        await ctx.wb.clearNotifications();
        // push through VS Code's git (the push URL is a local bare repository): the item follows the branch
        ctx.sb.setBuildOutcome({ status: 1 });
        ctx.sb.setBuildTimings({ waitMs: 1500, runMs: 12_000, completeMs: 500, logLines: 60 });
        await ctx.wb.runCommand('Git: Push');
        await commitItem(ctx, short, '\\swaiting\\sfor\\sAppcircle').waitFor({ state: 'visible', timeout: T });
        await ctx.shot('20b-commit-pushed-waiting');
        assert.equal(git(ctx.workspace, 'rev-parse', `origin/${WORKSPACE_BRANCH}`), hash, 'really pushed');
        // Appcircle's webhook delivers the push and it starts a build of the commit
        ctx.sb.world.receivePush({
          repositoryName: REPO_NAME,
          branch: WORKSPACE_BRANCH,
          hash,
          message: 'Call foo from MainActivity',
          build: true,
        });
        const failedToast = ctx.wb.waitToast(/Appcircle build failed: Appcircle VS Code Demo \/ develop\./);
        failedToast.catch(() => undefined);
        const running = commitItem(ctx, short, '\\s·\\s\\d+:\\d\\d');
        await running.waitFor({ state: 'visible', timeout: T });
        assert.equal(await running.locator('.codicon-sync').count(), 1, 'the spinning icon');
        await ctx.shot('20c-commit-running');
        const failed = ctx.wb.page
          .locator('.part.statusbar .statusbar-item', {
            has: ctx.wb.page.locator('.codicon-error'),
            hasText: new RegExp(`${WORKSPACE_BRANCH}\\s·\\s${short}`),
          })
          .first();
        await failed.waitFor({ state: 'visible', timeout: T });
        const text = await failedToast;
        assert.match(text, /Show Problems/);
        await ctx.shot('20d-commit-failed');
        // for the README: the item's tooltip over the status bar, with the failure notification
        await failed.hover();
        await ctx.wb.page
          .locator('.monaco-hover', { hasText: 'Appcircle build of this commit' })
          .first()
          .waitFor({ state: 'visible', timeout: T });
        await readmeShot(ctx, 'commit-build', { x: 0, y: 560, width: 1400, height: 300 });
      } finally {
        ctx.sb.setBuildTimings(timings);
        ctx.sb.setBuildOutcome({ status: 0 }, 'all');
      }
    },
  },
  {
    name: '21 [commit] the failed build’s log: steps in the Outline, a Go to First Error CodeLens that selects the first error',
    async run(ctx) {
      assert.ok(pushed, 'journey 20 ran first');
      await ctx.wb.clearNotifications();
      // the item's click opens the log of its build
      const item = commitItem(ctx, pushed.short);
      await item.click();
      const page = ctx.wb.page;
      await page
        .locator('.tabs-container .tab.active', { hasText: /Build .*\.log/ })
        .first()
        .waitFor({ state: 'visible', timeout: T });
      await page.locator('.editor-instance .view-lines', { hasText: 'Step started' }).first().waitFor({ state: 'visible', timeout: T });
      const lens = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Go to First Error' }).first();
      await lens.waitFor({ state: 'visible', timeout: T });
      await page
        .locator('.contentWidgets .codelens-decoration a', { hasText: /3 compiler errors, 1 warnings: Show Problems/ })
        .first()
        .waitFor({ state: 'visible', timeout: T });
      // the Outline lists the steps by index, the failed one with its errors
      await ctx.wb.runCommand('Explorer: Focus on Outline View');
      for (const step of ['1. Activate SSH Private Key', '2. Git Clone', '3. Android Build']) {
        await page
          .getByRole('treeitem', { name: new RegExp(step.replace('.', '\\.')) })
          .first()
          .waitFor({ state: 'visible', timeout: T });
      }
      const failedStep = page.getByRole('treeitem', { name: /3\. Android Build/ }).first();
      assert.match(await failedStep.innerText(), /failed with 5 errors/);
      await lens.click();
      // the first error's line is selected and on screen; the status bar shows where the cursor is
      await page
        .locator('.editor-instance .view-lines', { hasText: /e:\sfile:\/\/.*MainActivity\.kt:27:5\sUnresolved\sreference/ })
        .first()
        .waitFor({ state: 'visible', timeout: T });
      await page.locator('.editor-instance .selected-text').first().waitFor({ state: 'visible', timeout: T });
      await ctx.shot('21-log-outline-first-error');
      await readmeShot(ctx, 'log-outline-first-error');
    },
  },
  {
    name: '22 [commit] Problems: the build’s errors on the workspace’s files; a click opens MainActivity.kt at line 27; closing the log clears them',
    async run(ctx) {
      const page = ctx.wb.page;
      // the CodeLens sits on the log's first line
      await page.locator('.editor-instance .view-lines').first().click();
      await page.keyboard.press('Control+Home');
      await page
        .locator('.contentWidgets .codelens-decoration a', { hasText: /Show Problems/ })
        .first()
        .click();
      const panel = page.locator('.markers-panel').first();
      await panel.waitFor({ state: 'visible', timeout: T });
      for (const text of [
        'MainActivity.kt',
        'LegacyBridge.java',
        'SettingsFragment.kt',
        'Unresolved reference: foo',
        'DaggerAppComponent.java:31, not in this workspace',
      ]) {
        await panel.locator('.monaco-list-row', { hasText: text }).first().waitFor({ state: 'visible', timeout: T });
      }
      await ctx.shot('22a-problems-panel');
      await panel.locator('.monaco-list-row', { hasText: 'Unresolved reference: foo' }).first().click();
      await page.locator('.tabs-container .tab.active', { hasText: 'MainActivity.kt' }).first().waitFor({ state: 'visible', timeout: T });
      await ctx.wb.statusItem(/Ln 27, Col [56]\b/).waitFor({ state: 'visible', timeout: T });
      await ctx.shot('22b-problem-opens-the-file');
      await readmeShot(ctx, 'problems');
      // closing the log (its tab) clears its problems
      await ctx.wb.runCommand('View: Close All Editors');
      await panel.locator('.monaco-list-row', { hasText: 'Unresolved reference: foo' }).first().waitFor({ state: 'hidden', timeout: T });
      await ctx.wb.clearNotifications();
    },
  },
];
