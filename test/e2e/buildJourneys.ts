/** Build journeys: tree, start, Active Builds, notification, log document, artifacts, org switch, sign-out. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEMO_PAT, ROOT_ORG_ID } from '../../sandbox/fixtures';
import type { Locator } from 'playwright-core';
import type { Journey, JourneyContext } from './journeys';
import { T } from './journeys';

async function expand(ctx: JourneyContext, name: string | RegExp): Promise<void> {
  const item = ctx.wb.treeItem(name);
  await item.waitFor({ state: 'visible', timeout: T });
  if ((await item.getAttribute('aria-expanded')) !== 'true') {
    await item.click();
  }
}

/**
 * The row of `child` among the rows drawn under the top-level row `parent` in Build Profiles, found by the list's
 * row order (data-index) and tree depth (aria-level), once the workbench has drawn it.
 */
async function childRow(ctx: JourneyContext, parent: string, child: string): Promise<Locator> {
  const pane = ctx.wb.page.locator('.pane', { has: ctx.wb.page.locator('.pane-header', { hasText: 'Build Profiles' }) }).first();
  const end = Date.now() + T;
  for (;;) {
    const rows = await pane
      .locator('[role="treeitem"][data-index]')
      .evaluateAll((els: { getAttribute(name: string): string | null; textContent: string | null }[]) =>
        els.map((el) => ({
          index: Number(el.getAttribute('data-index')),
          level: el.getAttribute('aria-level'),
          expanded: el.getAttribute('aria-expanded'),
          text: (el.textContent ?? '').trim(),
        })),
      );
    rows.sort((x, y) => x.index - y.index);
    const start = rows.findIndex((r) => r.level === '1' && r.text.startsWith(parent));
    const next = rows.findIndex((r, i) => i > start && r.level === '1');
    const under = start >= 0 && rows[start]?.expanded === 'true' ? rows.slice(start + 1, next < 0 ? undefined : next) : [];
    const found = under.find((r) => r.level === '2' && r.text.startsWith(child));
    if (found) {
      return pane.locator(`[role="treeitem"][data-index="${found.index}"]`);
    }
    if (Date.now() > end) {
      throw new Error(`no ${child} row under ${parent}: ${JSON.stringify(rows)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The single-folder workspace's window (opened again after a journey in another), Appcircle open and signed in. */
async function openSignedInDemoWindow(ctx: JourneyContext): Promise<void> {
  if (!ctx.wb.page.url().startsWith(ctx.csUrl)) {
    await ctx.wb.page.goto(`${ctx.csUrl}/?folder=${encodeURIComponent(ctx.workspace)}`, { waitUntil: 'domcontentloaded' });
    await ctx.wb.ready();
  }
  // the Appcircle icon shows once the workbench has read the extension's contributions (its commands too)
  await ctx.wb.openAppcircleView();
  await ctx.wb.ensureSignedIn(DEMO_PAT);
}

/** Starts a build of the demo profile's develop branch from the Command Palette and opens its log from Active Builds. */
async function startDemoBuildAndShowLog(ctx: JourneyContext): Promise<void> {
  await ctx.wb.runCommand('Appcircle: Start Build');
  await ctx.wb.pickRow('Appcircle VS Code Demo');
  await ctx.wb.pickRow(/^\s*develop/);
  await ctx.wb.pickRow('Default Push Workflow');
  await ctx.wb.pickRow('Default Configuration');
  // "Build started" is a status bar message now: the Active Builds row below is what the journey waits for
  const queued = ctx.wb.page.locator('[role="treeitem"]', { hasText: 'Appcircle VS Code Demo · develop' }).first();
  await queued.waitFor({ state: 'visible', timeout: T });
  await ctx.wb.contextMenu(queued, 'Show Build Log');
}

/** Waits until the extension's log, after its first `mark` characters, has a line matching `re`; returns that line. */
async function waitForNewLog(ctx: JourneyContext, mark: number, re: RegExp): Promise<string> {
  const end = Date.now() + T;
  for (;;) {
    const text = ctx.extensionLog();
    const line = (text.length >= mark ? text.slice(mark) : text).split('\n').find((l) => re.test(l));
    if (line !== undefined) {
      return line.trim();
    }
    if (Date.now() > end) {
      throw new Error(`the Appcircle log never matched ${String(re)}:\n${text.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Log reads (plain or Range, queue or commit route) the sandbox's API answered between two instants. */
function logReads(ctx: JourneyContext, from: number, to: number): number {
  return ctx.sb.requests.filter((r) => {
    const t = Date.parse(r.time);
    return r.host === 'api' && r.method === 'GET' && /\/logs(\/|$)/.test(r.path) && t >= from && t <= to;
  }).length;
}

/**
 * A running build's log document grows while the build runs and its editor follows the end; `way` is how the
 * extension must follow it (the hook service's stream, or Range polling when the stream is refused).
 */
async function runningLog(ctx: JourneyContext, way: 'stream' | 'polling'): Promise<void> {
  const mark = ctx.extensionLog().length;
  // a slow build (the run's builds take 7 s): 200 log lines over 24 s, about 12 poll ticks at 2 s
  const before = { ...ctx.sb.world.timings, logLines: ctx.sb.world.logLines };
  ctx.sb.setBuildTimings({ waitMs: 1500, runMs: 24_000, completeMs: 500, logLines: 200 });
  try {
    await openSignedInDemoWindow(ctx);
    await ctx.wb.clearNotifications();
    await startDemoBuildAndShowLog(ctx);
    // the extension's log names the way this build is followed; from then on, count the log requests
    const said = await waitForNewLog(ctx, mark, way === 'stream' ? /is followed over the stream/ : /is followed over polling: /);
    ctx.log(`the Appcircle log: ${said}`);
    const followedSince = Date.now();
    const lines = ctx.wb.page.locator('.editor-instance .view-lines').first();
    // the highest "compiling module N of 200" on screen: the editor follows the end, so N grows with the log
    const shownModule = async () =>
      Math.max(
        0,
        ...[...(await lines.innerText()).replace(/\u00a0/g, ' ').matchAll(/compiling module (\d+) of 200/g)].map((m) => Number(m[1])),
      );
    // waits (on the DOM, no sleep) until a module number above n is on screen (\s: the editor renders spaces as U+00A0)
    const grownPast = (n: number) =>
      ctx.wb.page
        .locator('.editor-instance .view-lines', {
          hasText: new RegExp(`compiling\\smodule\\s(${Array.from({ length: 200 - n }, (_, i) => n + 1 + i).join('|')})\\sof\\s200`),
        })
        .first()
        .waitFor({ state: 'visible', timeout: T });
    await grownPast(0);
    const seen = [await shownModule()];
    for (let i = 0; i < 2; i++) {
      await grownPast(seen[seen.length - 1] ?? 0);
      seen.push(await shownModule());
      assert.doesNotMatch(await lines.innerText(), /Build succeeded\./, 'still running');
    }
    ctx.log(`log grew while the build ran: module ${seen.join(' → ')} of 200 at the end of the editor`);
    assert.ok((seen[2] ?? 0) > (seen[1] ?? 0) && (seen[1] ?? 0) > (seen[0] ?? 0), seen.join(','));
    await ctx.shot(way === 'stream' ? '15a-log-growing' : '15c-log-growing-polled');
    // half the build later (about 6 s, 3 poll ticks at 2 s), still running: how many log reads were made meanwhile
    await grownPast(Math.max(100, seen[2] ?? 0));
    assert.doesNotMatch(await lines.innerText(), /Build succeeded\./, 'still running');
    const reads = logReads(ctx, followedSince, Date.now());
    ctx.log(`log requests while the build ran, followed ${way === 'stream' ? 'over the stream' : 'over polling'}: ${reads}`);
    if (way === 'stream') {
      assert.equal(reads, 0, 'no log request while the stream brings the lines');
    } else {
      assert.ok(reads >= 2, `the log is polled while the stream is refused (${reads} reads)`);
    }
    await ctx.wb.page
      .locator('.editor-instance .view-lines', { hasText: 'Build succeeded.' })
      .first()
      .waitFor({ state: 'visible', timeout: T });
    await ctx.shot(way === 'stream' ? '15b-log-ended' : '15d-log-ended-polled');
    // nothing missing, nothing twice: the document has as many lines as the build's plain log (its last line ends with \n)
    const live = ctx.sb.world.liveBuilds(ROOT_ORG_ID).at(-1);
    assert.ok(live, 'the sandbox has the build');
    const count = ctx.sb.world.log(live).count;
    await lines.click();
    await ctx.wb.page.keyboard.press('Control+End');
    const position = ctx.wb.page.locator('.part.statusbar .statusbar-item', { hasText: `Ln ${count + 1}, Col 1` }).first();
    await position.waitFor({ state: 'visible', timeout: T }).catch(async (e: unknown) => {
      const shown = await ctx.wb.page
        .locator('.part.statusbar .statusbar-item', { hasText: /Ln \d+, Col/ })
        .first()
        .innerText();
      throw new Error(
        `the log document should end at line ${count + 1} (the plain log's ${count} lines), the editor shows ${shown}: ${String(e)}`,
      );
    });
    await ctx.wb.clearNotifications();
  } finally {
    ctx.sb.setBuildTimings(before);
  }
}

export const buildJourneys: Journey[] = [
  {
    name: '9 the tree: profiles (workspace match first) → branches → builds with status icons',
    async run(ctx) {
      await ctx.wb.openAppcircleView();
      const first = ctx.wb.page.locator('.pane-body [role="treeitem"]').first();
      await first.waitFor({ state: 'visible', timeout: T });
      assert.match((await first.innerText()).trim(), /Appcircle VS Code Demo/);
      await ctx.wb.page.locator('[role="treeitem"]', { hasText: 'this workspace' }).first().waitFor({ state: 'visible', timeout: T });
      await expand(ctx, 'Acme iOS');
      await expand(ctx, 'main');
      await ctx.wb.page.locator('[role="treeitem"][aria-label*=", build succeeded"]').first().waitFor({ state: 'visible', timeout: T });
      await ctx.wb.page.locator('[role="treeitem"][aria-label*=", build failed"]').first().waitFor({ state: 'visible', timeout: T });
      const icons = await ctx.wb.page.locator('[role="treeitem"] .codicon-pass-filled, [role="treeitem"] .codicon-error').count();
      assert.ok(icons >= 2, `status icons shown (${icons})`);
      await ctx.shot('09-tree-builds');
    },
  },
  {
    name: '10 start a build from the branch context menu → Active Builds with badge → finishes → notification',
    async run(ctx) {
      await expand(ctx, 'Appcircle VS Code Demo');
      // Acme iOS (open since journey 9) has a develop branch too: take the row drawn under the demo profile
      const branch = await childRow(ctx, 'Appcircle VS Code Demo', 'develop');
      await branch.waitFor({ state: 'visible', timeout: T });
      await ctx.wb.contextMenu(branch, 'Start Build');
      await ctx.wb.pickRow('Default Push Workflow');
      await ctx.wb.pickRow('Default Configuration');
      // "Build started" is a status bar message now: the Active Builds row below is what the journey waits for
      // the finished toast may come while we look at the queue: watch for it from now on
      const finished = ctx.wb.waitToast(/Appcircle build succeeded: Appcircle VS Code Demo \/ develop/);
      finished.catch(() => undefined);
      const queued = ctx.wb.page.locator('[role="treeitem"]', { hasText: 'Appcircle VS Code Demo · develop' }).first();
      await queued.waitFor({ state: 'visible', timeout: T });
      // the running-builds badge shows on the Appcircle activity bar icon
      await ctx.wb.page
        .locator('.part.activitybar [aria-label^="Appcircle"]')
        .locator('xpath=ancestor::li[1]')
        .locator('.badge-content', { hasText: '1' })
        .first()
        .waitFor({ state: 'visible', timeout: 15_000 });
      await ctx.shot('10a-active-builds');
      const toast = await finished;
      assert.match(toast, /Show Log/);
      assert.match(toast, /Download Artifacts/);
      await queued.waitFor({ state: 'hidden', timeout: T });
      await ctx.shot('10b-build-finished');
    },
  },
  {
    name: '11 Show Log from the notification opens the log document with the build lines',
    async run(ctx) {
      await ctx.wb
        .toast(/Appcircle build succeeded/)
        .getByRole('button', { name: 'Show Log' })
        .click();
      const editor = ctx.wb.page.locator('.editor-instance .view-lines');
      await editor.waitFor({ state: 'visible', timeout: T });
      await ctx.wb.page
        .locator('.editor-instance .view-lines', { hasText: 'Appcircle build' })
        .first()
        .waitFor({ state: 'visible', timeout: T });
      await ctx.wb.page
        .locator('.tab', { hasText: /Build .*\.log/ })
        .first()
        .waitFor({ state: 'visible', timeout: T });
      await ctx.shot('11-build-log');
    },
  },
  {
    name: '12 Download Artifacts saves the zip into the picked folder',
    async run(ctx) {
      const folder = path.join(ctx.workspace, 'artifacts');
      fs.mkdirSync(folder, { recursive: true });
      await ctx.wb.runCommand('View: Focus into Primary Side Bar').catch(() => undefined);
      const build = ctx.wb.page.locator('[role="treeitem"][aria-label*=", build succeeded"]').first();
      await ctx.wb.contextMenu(build, 'Download Artifacts');
      // the workbench's own folder dialog (a quick input with a path box)
      const input = ctx.wb.page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible', timeout: T });
      // the dialog fills in its starting folder asynchronously: wait for it, then type ours and check it stuck
      await ctx.wb.page
        .locator('.quick-input-widget .monaco-list-row', { hasText: '..' })
        .first()
        .waitFor({ state: 'visible', timeout: T });
      await input.fill(`${folder}/`);
      await ctx.wb.page
        .locator('.quick-input-widget .monaco-list-row', { hasText: '..' })
        .first()
        .waitFor({ state: 'visible', timeout: T });
      assert.equal(await input.inputValue(), `${folder}/`);
      await ctx.wb.page.locator('.quick-input-widget').getByRole('button', { name: 'Save Artifacts Here' }).click();
      const toast = await ctx.wb.waitToast(/Artifacts saved to/);
      assert.match(toast, /Reveal/);
      const zips = fs.readdirSync(folder).filter((f) => f.endsWith('.zip'));
      assert.equal(zips.length, 1, `one zip in ${folder}`);
      assert.equal(
        fs
          .readFileSync(path.join(folder, zips[0] ?? ''))
          .subarray(0, 2)
          .toString(),
        'PK',
      );
      assert.equal(fs.readdirSync(folder).filter((f) => f.endsWith('.part')).length, 0);
      await ctx.shot('12-artifacts');
      await ctx.wb.clearNotifications();
    },
  },
  {
    name: '13 switching organization empties and refills the tree',
    async run(ctx) {
      await ctx.wb.statusItem('Acme Mobile').click();
      await ctx.wb.pickRow('Acme Europe');
      await ctx.wb.waitStatus('Acme Europe');
      await ctx.wb.page
        .locator('.welcome-view-content', { hasText: 'No build profiles in this organization yet.' })
        .first()
        .waitFor({ state: 'visible', timeout: T });
      assert.equal(await ctx.wb.page.locator('[role="treeitem"]', { hasText: 'Acme iOS' }).count(), 0);
      await ctx.shot('13a-empty-organization');
      await ctx.wb.statusItem('Acme Europe').click();
      await ctx.wb.pickRow('Acme QA');
      await ctx.wb.waitStatus('Acme QA');
      await ctx.wb.treeItem(/QA Regression iOS/).waitFor({ state: 'visible', timeout: T });
      await ctx.shot('13b-refilled');
      await ctx.wb.clearNotifications();
    },
  },
  {
    name: '14 sign-out clears both views',
    async run(ctx) {
      await ctx.wb.runCommand('Appcircle: Sign Out');
      await ctx.wb.page
        .locator('.welcome-view-content', { hasText: 'You are not signed in to Appcircle.' })
        .first()
        .waitFor({ state: 'visible', timeout: T });
      await ctx.wb.page
        .locator('.welcome-view-content', { hasText: 'Sign in to see the build queue' })
        .first()
        .waitFor({ state: 'visible', timeout: T });
      assert.equal(await ctx.wb.page.locator('[role="treeitem"]', { hasText: 'QA Regression iOS' }).count(), 0);
      await ctx.shot('14-signed-out');
    },
  },
  {
    name: '15 the log of a running build grows while it runs over the stream, and its editor follows the end',
    run: (ctx) => runningLog(ctx, 'stream'),
  },
  {
    name: '15b the same log over polling when the hook service refuses the stream, with nothing missing',
    async run(ctx) {
      ctx.sb.setHookFaults({ refuse: 'stream' });
      try {
        await runningLog(ctx, 'polling');
      } finally {
        ctx.sb.hooks.clearFaults();
      }
    },
  },
  {
    name: '16 a running log over 5 MB opens from its temporary file, in front, and keeps growing there',
    async run(ctx) {
      // 200,000 lines over 60 s (about 12 MB): past the 5 MB threshold after about 25 s, then growing on disk
      const before = { ...ctx.sb.world.timings, logLines: ctx.sb.world.logLines };
      const n = 200_000;
      ctx.sb.setBuildTimings({ waitMs: 1500, runMs: 60_000, completeMs: 500, logLines: n });
      try {
        await openSignedInDemoWindow(ctx);
        // an editor left from an earlier journey would hide which tab this one brings to the front
        await ctx.wb.runCommand('View: Close All Editors');
        await ctx.wb.clearNotifications();
        await startDemoBuildAndShowLog(ctx);
        const page = ctx.wb.page;
        // one editor group: only the tab in front has its text rendered
        const lines = page.locator('.editor-instance .view-lines').first();
        await page
          .locator('.editor-instance .view-lines', { hasText: /compiling\smodule/ })
          .first()
          .waitFor({ state: 'visible', timeout: T });
        // past the threshold: the file opens, and stays in front of the appcircle-log: document (which now names it)
        const fileTab = page.locator('.tabs-container .tab.active').filter({ hasText: /Build .*\.log/ });
        const note = /written to a file and opened from disk/;
        await page.locator('.tabs-container .tab').nth(1).waitFor({ state: 'attached', timeout: T });
        await fileTab.first().waitFor({ state: 'visible', timeout: T });
        // wait until the editor in front shows the log from disk (not the note)
        const shownModule = async () =>
          Math.max(
            0,
            ...[...(await lines.innerText()).replace(/\u00a0/g, ' ').matchAll(/compiling module (\d+) of/g)].map((m) => Number(m[1])),
          );
        const atEnd = async () => {
          await lines.click();
          await page.keyboard.press('Control+End');
          await page.waitForTimeout(300);
          return shownModule();
        };
        const deadline = Date.now() + T;
        let first = 0;
        while (Date.now() < deadline && first === 0) {
          assert.doesNotMatch(await lines.innerText(), note, 'the file, not the note, is in front');
          first = await atEnd();
        }
        // from here the build's clock moves only when the journey moves it: growth is waited for, not raced (a loaded
        // machine lagged behind a real-time build until it had ended)
        ctx.sb.clock.setSpeed(0);
        assert.ok(first < n, `the build was still running when its file opened (module ${first} of ${n})`);
        const seen = [first];
        while (Date.now() < deadline && seen.length < 3) {
          ctx.sb.world.advance(2000);
          const last = seen[seen.length - 1] ?? 0;
          let m = await atEnd();
          while (m <= last && Date.now() < deadline) {
            await page.waitForTimeout(500);
            m = await atEnd();
          }
          seen.push(m);
        }
        ctx.log(`the log on disk grew in its editor: module ${seen.join(' → ')} of ${n} at its end`);
        assert.ok(seen.length >= 3 && seen[2] > seen[1] && seen[1] > seen[0], `grew while the build ran: ${seen.join(',')}`);
        ctx.sb.clock.setSpeed(1);
        ctx.sb.world.advance(60_000);
        await ctx.shot('16-log-on-disk-growing');
        // the end of the build reaches the file too (the editor renders spaces as U+00A0)
        const text = async () => (await lines.innerText()).replace(/\u00a0/g, ' ');
        while (Date.now() < deadline + T && !/Build succeeded\./.test(await text())) {
          await page.waitForTimeout(2000);
          await atEnd();
        }
        assert.match(await text(), /Build succeeded\./);
        await ctx.wb.clearNotifications();
        // the finished build's log, opened again from the tree: over the threshold at once, and again the file in front
        await ctx.wb.runCommand('View: Close All Editors');
        await page.locator('.pane-header', { hasText: 'Build Profiles' }).first().hover();
        await page.locator('.pane-header', { hasText: 'Build Profiles' }).locator('[aria-label^="Collapse All"]').first().click();
        await expand(ctx, 'Appcircle VS Code Demo');
        await expand(ctx, /^develop/);
        const newest = page.locator('[role="treeitem"][aria-label*=", build succeeded"]').first();
        await newest.waitFor({ state: 'visible', timeout: T });
        await ctx.wb.contextMenu(newest, 'Show Build Log');
        await page.locator('.tabs-container .tab').nth(1).waitFor({ state: 'attached', timeout: T });
        await page
          .locator('.editor-instance .view-lines', { hasText: 'Appcircle build' })
          .first()
          .waitFor({ state: 'visible', timeout: T });
        await page.waitForTimeout(1500);
        assert.doesNotMatch(await text(), note, 'the file, not the note, is in front');
        assert.match(await text(), /Appcircle build/);
        await ctx.shot('16b-finished-log-from-disk');
      } finally {
        ctx.sb.clock.setSpeed(1);
        ctx.sb.setBuildTimings(before);
      }
    },
  },
];
