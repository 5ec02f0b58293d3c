/** The sign-in journeys of issue 2, each ending with a screenshot and assertions on visible text. */
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

export const signInJourneys: Journey[] = [
  {
    name: '1 signed out: welcome view and sign-in status item',
    async run(ctx) {
      await ctx.wb.page.goto(`${ctx.csUrl}/?folder=${encodeURIComponent(ctx.workspace)}`, { waitUntil: 'domcontentloaded' });
      await ctx.wb.ready();
      await ctx.wb.openAppcircleView();
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
      await ctx.wb.runCommand('Appcircle: Sign In with Personal API Token');
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
      await ctx.wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Acme QA' }).first().waitFor({ state: 'visible', timeout: T });
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
    name: '5 reload the window: still signed in, same organization',
    async run(ctx) {
      await reload(ctx);
      await ctx.wb.openAppcircleView();
      await ctx.wb.waitStatus('Acme QA');
      await ctx.shot('05-after-reload');
    },
  },
  {
    name: '6 sign out: signed-out state, and still after a reload',
    async run(ctx) {
      await ctx.wb.runCommand('Appcircle: Sign Out');
      await ctx.wb.waitToast('Signed out of Appcircle.');
      await ctx.wb.waitStatus(SIGNED_OUT);
      await ctx.wb.page.locator('.welcome-view-content', { hasText: 'You are not signed in to Appcircle.' }).first().waitFor({ state: 'visible', timeout: T });
      await ctx.shot('06a-signed-out');
      await reload(ctx);
      await ctx.wb.openAppcircleView();
      await ctx.wb.page.locator('.welcome-view-content', { hasText: 'You are not signed in to Appcircle.' }).first().waitFor({ state: 'visible', timeout: T });
      await ctx.wb.waitStatus(SIGNED_OUT);
      assert.equal(await ctx.wb.statusItem('Acme').count(), 0);
      await ctx.shot('06b-signed-out-after-reload');
    },
  },
  {
    name: '7 a wrong PAT gives a clear error and stays signed out',
    async run(ctx) {
      await ctx.wb.runCommand('Appcircle: Sign In with Personal API Token');
      await ctx.wb.typeInInput('acpat_wrong_0000000000', { password: true, prompt: /Personal API Token/ });
      const text = await ctx.wb.waitToast(/Appcircle rejected the Personal API Token\./);
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
