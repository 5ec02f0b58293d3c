/** The sign-in journeys, each ending with a screenshot and assertions on visible text. */
import * as assert from 'node:assert/strict';
import type { Sandbox } from '../../sandbox/server';
import { DEMO_API_KEY, DEMO_PAT } from '../../sandbox/fixtures';
import type { Workbench } from './workbench';
import { T } from './workbench';

export { T };

export interface JourneyContext {
  wb: Workbench;
  sb: Sandbox;
  csUrl: string;
  workspace: string;
  shot(name: string): Promise<void>;
  log(...a: unknown[]): void;
  /** Stops code-server (its whole process group) and starts it again on the same port and profile. */
  restartCodeServer(): Promise<void>;
  /** The text of the extension's newest log file (its "Appcircle" output channel). */
  extensionLog(): string;
}

export interface Journey {
  name: string;
  run(ctx: JourneyContext): Promise<void>;
}

const SIGNED_OUT = /^\s*Appcircle\s*$/;

async function reload(ctx: JourneyContext): Promise<void> {
  await ctx.wb.page.reload({ waitUntil: 'domcontentloaded' });
  await ctx.wb.ready();
}

/** Waits until the extension's log has a line matching `re` (the log file is written as the extension logs). */
async function waitForLog(ctx: JourneyContext, re: RegExp, what: string): Promise<string> {
  const end = Date.now() + T;
  for (;;) {
    const text = ctx.extensionLog();
    if (re.test(text)) {
      return text;
    }
    if (Date.now() > end) {
      throw new Error(`the Appcircle log never said ${what}:\n${text.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The Appcircle views are not on screen (so nothing but activation on startup can have drawn the status bar). */
async function assertAppcircleViewClosed(ctx: JourneyContext): Promise<void> {
  assert.equal(
    await ctx.wb.page.locator('.pane-header', { hasText: 'Build Profiles' }).count(),
    0,
    'the Build Profiles view is not rendered',
  );
  assert.equal(
    await ctx.wb.page.locator('.pane-header', { hasText: 'Active Builds' }).count(),
    0,
    'the Active Builds view is not rendered',
  );
}

/** Waits until a walkthrough step's picture (an SVG drawn in a webview's frame) shows the text. */
async function stepPicture(ctx: JourneyContext, text: string): Promise<void> {
  const end = Date.now() + T;
  while (Date.now() < end) {
    for (const f of ctx.wb.page.frames()) {
      if (
        (await f
          .locator('svg text', { hasText: text })
          .count()
          .catch(() => 0)) > 0
      ) {
        return;
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no walkthrough picture showed "${text}"`);
}

export const signInJourneys: Journey[] = [
  {
    name: '0 the first start opens the Get Started walkthrough by itself; closed, a reload does not open it again',
    async run(ctx) {
      await ctx.wb.page.goto(`${ctx.csUrl}/?folder=${encodeURIComponent(ctx.workspace)}`, { waitUntil: 'domcontentloaded' });
      await ctx.wb.ready();
      // opened by the first activation after install: nothing here opens it (and no key is pressed before the
      // screenshot: Escape in the walkthrough goes back to the Welcome page's list)
      const walkthrough = ctx.wb.page
        .locator('.gettingStarted.showDetails .gettingStartedSlideDetails', { hasText: 'Get Started with Appcircle' })
        .first();
      await walkthrough.waitFor({ state: 'visible', timeout: T });
      for (const step of ['Sign in to Appcircle', 'See and switch your organization', 'Choose your notifications']) {
        await walkthrough.locator('.getting-started-step', { hasText: step }).first().waitFor({ state: 'visible', timeout: T });
      }
      await walkthrough.getByRole('button', { name: 'Sign In' }).first().waitFor({ state: 'visible', timeout: T });
      await waitForLog(ctx, /First start: opened the Get Started walkthrough/, 'that it opened the walkthrough');
      await ctx.wb.waitStatus(SIGNED_OUT);
      // wider for the screenshot: an editor up to 950 px wide shows the steps without their pictures
      const viewport = ctx.wb.page.viewportSize();
      await ctx.wb.page.setViewportSize({ width: 1760, height: viewport?.height ?? 860 });
      await stepPicture(ctx, 'Sign In');
      await ctx.shot('23-walkthrough');
      if (viewport) {
        await ctx.wb.page.setViewportSize(viewport);
      }
      await ctx.wb.runCommand('View: Close All Editors');
      await ctx.wb.page.locator('.gettingStartedContainer').first().waitFor({ state: 'hidden', timeout: T });
      await reload(ctx);
      await ctx.wb.waitStatus(SIGNED_OUT);
      // the reloaded window's own log (a new file): it activated, and did not open the walkthrough. (VS Code may
      // restore the editor closed just before the reload: that is its editor state, not an opening; the log says.)
      await waitForLog(ctx, /^(?![\s\S]*First start)[\s\S]*Activated in \d+ ms/, 'that the reloaded window activated');
      await new Promise((r) => setTimeout(r, 3000));
      assert.doesNotMatch(ctx.extensionLog(), /First start/, 'the walkthrough is not opened again');
      await ctx.wb.runCommand('View: Close All Editors');
    },
  },
  {
    name: '1 a fresh window, Appcircle never opened: the sign-in item from startup; then the welcome view',
    async run(ctx) {
      await ctx.wb.page.goto(`${ctx.csUrl}/?folder=${encodeURIComponent(ctx.workspace)}`, { waitUntil: 'domcontentloaded' });
      await ctx.wb.ready();
      // a fresh window in which the Appcircle view was never opened: the sign-in item is there from startup
      await ctx.wb.waitStatus(SIGNED_OUT);
      await assertAppcircleViewClosed(ctx);
      await ctx.shot('01a-startup-signed-out');
      // activation built the session and the status bar only: dist/features.js is loaded on first use
      const atStartup = await waitForLog(ctx, /Activated in \d+ ms/, 'that it activated');
      assert.doesNotMatch(atStartup, /Loaded builds, logs and commands/, 'the features part is not loaded at startup');
      await ctx.wb.openAppcircleView();
      await waitForLog(ctx, /Loaded builds, logs and commands/, 'that opening the view loaded the features part');
      const welcome = ctx.wb.page.locator('.welcome-view-content', { hasText: 'You are not signed in to Appcircle.' }).first();
      await welcome.waitFor({ state: 'visible', timeout: T });
      await ctx.wb.page.getByRole('button', { name: 'Sign In' }).first().waitFor({ state: 'visible', timeout: T });
      await ctx.wb.waitStatus(SIGNED_OUT);
      await ctx.shot('01-signed-out');
    },
  },
  {
    name: '2 sign in with a PAT from the Command Palette; the Accounts menu lists the session',
    async run(ctx) {
      await ctx.wb.runCommand('Appcircle: Sign In with Personal Access Key (Personal API Token)');
      await ctx.wb.typeInInput(DEMO_PAT, { password: true, prompt: /Personal API Token/ });
      await ctx.wb.waitStatus('Acme Mobile');
      await ctx.wb.waitToast('Signed in to Appcircle as dev@acme.test (Acme Mobile).');
      await ctx.shot('02-signed-in');
      const accounts = ctx.wb.page.locator('.part.activitybar [aria-label^="Accounts"]').first();
      await accounts.click();
      const entry = ctx.wb.page.locator('.monaco-menu .action-label', { hasText: 'dev@acme.test (Appcircle)' }).first();
      await entry.waitFor({ state: 'visible', timeout: T });
      await ctx.shot('02b-accounts-menu');
      await ctx.wb.page.keyboard.press('Escape');
      await ctx.wb.clearNotifications();
    },
  },
  {
    name: '2b signed in, sidebar on the Explorer and closed, reload: the organization shows without opening Appcircle',
    async run(ctx) {
      await ctx.wb.runCommand('View: Show Explorer');
      await ctx.wb.page
        .locator('.part.sidebar .composite.title', { hasText: /Explorer/i })
        .first()
        .waitFor({ state: 'visible', timeout: T });
      await ctx.wb.runCommand('View: Close Primary Side Bar');
      await ctx.wb.page.locator('.part.sidebar').first().waitFor({ state: 'hidden', timeout: T });
      await reload(ctx);
      await ctx.wb.waitStatus('Acme Mobile');
      await assertAppcircleViewClosed(ctx);
      await ctx.shot('02c-reload-sidebar-closed');
    },
  },
  {
    name: '2c the same after a full code-server restart',
    async run(ctx) {
      // the secret is written to the browser's storage before the server goes away
      await ctx.wb.page.waitForFunction("localStorage.getItem('secrets.provider') !== null", undefined, { timeout: T });
      await ctx.restartCodeServer();
      await reload(ctx);
      await ctx.wb.waitStatus('Acme Mobile');
      await assertAppcircleViewClosed(ctx);
      await ctx.shot('02d-after-code-server-restart');
    },
  },
  {
    name: '3 signing in again says "already signed in"',
    async run(ctx) {
      await ctx.wb.runCommand('Appcircle: Sign In');
      const text = await ctx.wb.waitToast('You are already signed in to Appcircle as dev@acme.test (organization Acme Mobile).');
      assert.match(text, /Sign Out/);
      assert.match(text, /Switch Organization/);
      await ctx.shot('03-already-signed-in');
      await ctx.wb.clearNotifications();
    },
  },
  {
    name: '4 click the status bar, pick a sub-organization, the status bar follows',
    async run(ctx) {
      await ctx.wb.statusItem('Acme Mobile').click();
      await ctx.wb.page
        .locator('.quick-input-widget .monaco-list-row', { hasText: 'Acme QA' })
        .first()
        .waitFor({ state: 'visible', timeout: T });
      const current = await ctx.wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Acme Mobile' }).first().innerText();
      assert.match(current, /current/);
      await ctx.shot('04a-switch-organization');
      await ctx.wb.pickRow('Acme QA');
      await ctx.wb.waitStatus('Acme QA');
      await ctx.wb.waitToast('Switched to Acme QA.');
      await ctx.shot('04b-switched');
      await ctx.wb.clearNotifications();
    },
  },
  {
    name: '5 reload the window: still signed in, same sub-organization, before any Appcircle view is opened',
    async run(ctx) {
      await reload(ctx);
      await ctx.wb.waitStatus('Acme QA');
      await assertAppcircleViewClosed(ctx);
      await ctx.shot('05-after-reload');
    },
  },
  {
    name: '6 sign out: signed-out state, and still after a reload',
    async run(ctx) {
      await ctx.wb.runCommand('Appcircle: Sign Out');
      await ctx.wb.waitToast('Signed out of Appcircle.');
      await ctx.wb.waitStatus(SIGNED_OUT);
      await ctx.wb.openAppcircleView();
      await ctx.wb.page
        .locator('.welcome-view-content', { hasText: 'You are not signed in to Appcircle.' })
        .first()
        .waitFor({ state: 'visible', timeout: T });
      await ctx.shot('06a-signed-out');
      await reload(ctx);
      await ctx.wb.waitStatus(SIGNED_OUT);
      assert.equal(await ctx.wb.statusItem('Acme').count(), 0);
      await ctx.wb.openAppcircleView();
      await ctx.wb.page
        .locator('.welcome-view-content', { hasText: 'You are not signed in to Appcircle.' })
        .first()
        .waitFor({ state: 'visible', timeout: T });
      await ctx.shot('06b-signed-out-after-reload');
    },
  },
  {
    name: '7 a wrong PAT gives a clear error and stays signed out',
    async run(ctx) {
      await ctx.wb.runCommand('Appcircle: Sign In with Personal Access Key (Personal API Token)');
      await ctx.wb.typeInInput('acpat_wrong_0000000000', { password: true, prompt: /Personal API Token/ });
      const text = await ctx.wb.waitToast(/Appcircle rejected the Personal Access Key \(Personal API Token\)\./);
      assert.match(text, /not revoked/);
      await ctx.wb.waitStatus(SIGNED_OUT);
      await ctx.shot('07-wrong-pat');
      await ctx.wb.clearNotifications();
    },
  },
  {
    name: '8 sign in with an API key: organization shown',
    async run(ctx) {
      await ctx.wb.runCommand('Appcircle: Sign In with API Key');
      await ctx.wb.typeInInput(DEMO_API_KEY.name, { prompt: /API key name/ });
      await ctx.wb.typeInInput(DEMO_API_KEY.secret, { password: true, prompt: /API key secret/ });
      await ctx.wb.typeInInput('', { prompt: /Organization id/ });
      await ctx.wb.waitStatus('Acme Mobile');
      await ctx.wb.waitToast('Signed in to Appcircle as ci-bot (Acme Mobile).');
      await ctx.shot('08-api-key');
      await ctx.wb.clearNotifications();
    },
  },
];
