/**
 * From a build to testers: a finished build sent to Testing Distribution and found first in the
 * Distribution view; a local .apk uploaded to the Enterprise App Store and published to Beta; a certificate that
 * expires in 10 days, its warning, and the Signing Identities view it opens.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { DEMO_PAT, EU_ORG_ID, ROOT_ORG_ID } from '../../sandbox/fixtures';
import type { Journey, JourneyContext } from './journeys';
import { T } from './journeys';

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function ensureSignedIn(ctx: JourneyContext): Promise<void> {
  if (!ctx.wb.page.url().startsWith(ctx.csUrl)) {
    await ctx.wb.page.goto(`${ctx.csUrl}/?folder=${encodeURIComponent(ctx.workspace)}`, { waitUntil: 'domcontentloaded' });
    await ctx.wb.ready();
    // a fresh profile (these journeys run alone): the first activation opens the walkthrough, which takes the
    // focus from a palette opened meanwhile; wait for activation, then for the walkthrough if it said so
    const end = Date.now() + T;
    while (!/Activated in \d+ ms/.test(ctx.extensionLog()) && Date.now() < end) {
      await ctx.wb.page.waitForTimeout(100);
    }
    if (/First start/.test(ctx.extensionLog())) {
      await ctx.wb.page.locator('.gettingStartedContainer').first().waitFor({ state: 'visible', timeout: T });
      await ctx.wb.runCommand('View: Close All Editors');
    }
  }
  await ctx.wb.openAppcircleView();
  await ctx.wb.ensureSignedIn(DEMO_PAT);
}

/** A view's pane in the Appcircle container, by its exact title. */
function pane(ctx: JourneyContext, title: string): Locator {
  return ctx.wb.page
    .locator('.pane')
    .filter({ has: ctx.wb.page.locator('.pane-header .title', { hasText: new RegExp(`^\\s*${esc(title)}\\s*$`) }) })
    .first();
}

/** Expands or collapses a view's pane (its header), waiting until it is. */
async function setPane(ctx: JourneyContext, title: string, expanded: boolean): Promise<void> {
  const header = pane(ctx, title).locator('.pane-header').first();
  await header.waitFor({ state: 'visible', timeout: T });
  if ((await header.getAttribute('aria-expanded')) !== String(expanded)) {
    await header.click();
  }
  await pane(ctx, title).locator(`.pane-header[aria-expanded="${expanded}"]`).first().waitFor({ state: 'visible', timeout: T });
}

/** A row of a view whose label is exactly `label`. */
function row(ctx: JourneyContext, view: Locator, label: string | RegExp): Locator {
  const re = typeof label === 'string' ? new RegExp(`^\\s*${esc(label)}\\s*$`) : label;
  return view
    .locator('[role="treeitem"]')
    .filter({ has: ctx.wb.page.locator('.label-name', { hasText: re }) })
    .first();
}

async function expandRow(r: Locator): Promise<void> {
  await r.waitFor({ state: 'visible', timeout: T });
  if ((await r.getAttribute('aria-expanded')) !== 'true') {
    await r.click();
  }
  await r.and(r.page().locator('[aria-expanded="true"]')).waitFor({ state: 'visible', timeout: T });
}

/** Picks the quick-pick row whose label is exactly `label`. */
async function pickExact(ctx: JourneyContext, label: string): Promise<void> {
  const r = ctx.wb.page
    .locator('.quick-input-widget .monaco-list-row')
    .filter({ has: ctx.wb.page.locator('.label-name', { hasText: new RegExp(`^\\s*${esc(label)}\\s*$`) }) })
    .first();
  await r.waitFor({ state: 'visible', timeout: T });
  await r.click();
}

const STORE_FILE = 'Acme Field-3.2.0 (311).apk';
const NOTES = 'Dark mode polish; sent from VS Code.';

export const distributionJourneys: Journey[] = [
  {
    name: '25 [distribution] a finished build → Send to Testing Distribution… → progress → the version first in the Distribution view with its testing groups',
    async run(ctx) {
      const page = ctx.wb.page;
      await ensureSignedIn(ctx);
      await ctx.wb.runCommand('View: Close All Editors');
      await ctx.wb.clearNotifications();
      const builds = pane(ctx, 'Build Profiles');
      await setPane(ctx, 'Build Profiles', true);
      await builds.locator('.pane-header').first().hover();
      await builds.locator('.pane-header [aria-label^="Collapse All"]').first().click();
      await expandRow(row(ctx, builds, 'Acme Android'));
      await expandRow(row(ctx, builds, 'main'));
      const build = builds.locator('[role="treeitem"][aria-label*=", build succeeded"]').first();
      await build.waitFor({ state: 'visible', timeout: T });
      const before = ctx.sb.distribution.tdProfilesOf(ROOT_ORG_ID).find((p) => p.name === 'Acme Android Beta');
      assert.ok(before, 'the sandbox has Acme Android Beta');
      const versionsBefore = before.appVersions.length;
      await ctx.wb.contextMenu(build, 'Send to Testing Distribution…');
      await pickExact(ctx, 'Acme Android Beta');
      await ctx.wb.typeInInput(NOTES, { prompt: /Release notes for Acme Android Beta/ });
      // both from now on: the progress notification (bytes, then Appcircle's processing) and the message after it
      const done = ctx.wb.waitToast(/is in Acme Android Beta; it goes to the testing groups QA Team, Beta Testers\./);
      done.catch(() => undefined);
      await ctx.wb.toast(/Uploading .*\.apk to Acme Android Beta/).waitFor({ state: 'visible', timeout: T });
      const message = await done;
      const after = ctx.sb.distribution.tdProfilesOf(ROOT_ORG_ID).find((p) => p.name === 'Acme Android Beta');
      const newest = after?.appVersions[0];
      assert.ok(newest && after.appVersions.length === versionsBefore + 1, 'one new version in the sandbox');
      assert.equal(newest.message, NOTES);
      const label = `${newest.version} (${newest.versionCode})`;
      assert.match(message, new RegExp(`^${esc(label)} is in Acme Android Beta`));
      ctx.log(`sent: ${label} (${newest.fileName}, ${newest.fileSize} bytes)`);
      // the Distribution view (collapsed in the container): Testing Distribution → Acme Android Beta → the new one first
      await setPane(ctx, 'Active Builds', false);
      await setPane(ctx, 'Build Profiles', false);
      await setPane(ctx, 'Distribution', true);
      const dist = pane(ctx, 'Distribution');
      await expandRow(row(ctx, dist, 'Testing Distribution'));
      const profile = row(ctx, dist, 'Acme Android Beta');
      await expandRow(profile);
      const first = row(ctx, dist, label);
      await first.waitFor({ state: 'visible', timeout: T });
      const labels = await dist.locator('[role="treeitem"] .label-name').allInnerTexts();
      const at = labels.findIndex((l) => l.trim() === 'Acme Android Beta');
      assert.equal(labels[at + 1]?.trim(), label, `the new version is the profile's first row (${labels.join(' | ')})`);
      assert.match(await first.locator('.label-description').innerText(), new RegExp(esc(NOTES.split(';')[0] ?? '')));
      await first.hover();
      await page
        .locator('.monaco-hover', { hasText: `Release notes: ${NOTES}` })
        .first()
        .waitFor({ state: 'visible', timeout: T });
      await ctx.shot('25-send-to-testing');
      await page.keyboard.press('Escape');
      await ctx.wb.clearNotifications();
    },
  },
  {
    name: '26 [distribution] upload a local .apk to the Enterprise App Store and publish it to Beta',
    async run(ctx) {
      const page = ctx.wb.page;
      const file = path.join(ctx.workspace, STORE_FILE);
      fs.writeFileSync(file, Buffer.alloc(256 * 1024, 'sandbox apk\n'));
      try {
        await ensureSignedIn(ctx);
        await ctx.wb.clearNotifications();
        await ctx.wb.runCommand('View: Show Explorer');
        const explorer = page.locator('.explorer-folders-view').first();
        await explorer.waitFor({ state: 'visible', timeout: T });
        const entry = explorer.locator('[role="treeitem"]', { hasText: STORE_FILE }).first();
        // the Explorer's file watcher shows the new file
        await entry.waitFor({ state: 'visible', timeout: T });
        await ctx.wb.contextMenu(entry, 'Upload to Enterprise App Store…');
        await pickExact(ctx, 'Acme Field');
        const done = ctx.wb.waitToast('3.2.0 (311) is in the Enterprise App Store, not published yet');
        done.catch(() => undefined);
        await ctx.wb.toast(`Uploading ${STORE_FILE} to Acme Field`).waitFor({ state: 'visible', timeout: T });
        await done;
        const version = () =>
          ctx.sb.distribution
            .storeProfilesOf(ROOT_ORG_ID)
            .find((p) => p.name === 'Acme Field')
            ?.appVersions.find((v) => v.version === '3.2.0' && v.versionCode === '311');
        assert.equal(version()?.publishType, 0, 'in the store, not published');
        await ctx.wb.openAppcircleView();
        await setPane(ctx, 'Distribution', true);
        const dist = pane(ctx, 'Distribution');
        // the Testing Distribution section open from journey 25 pushes the store down: close it
        const testing = row(ctx, dist, 'Testing Distribution');
        await testing.waitFor({ state: 'visible', timeout: T });
        if ((await testing.getAttribute('aria-expanded')) === 'true') {
          await testing.click();
        }
        await expandRow(row(ctx, dist, 'Enterprise App Store'));
        await expandRow(row(ctx, dist, 'Acme Field'));
        const v = row(ctx, dist, '3.2.0 (311)');
        await v.waitFor({ state: 'visible', timeout: T });
        assert.match((await v.getAttribute('aria-label')) ?? '', /not published/);
        await ctx.wb.contextMenu(v, 'Publish to Beta');
        await ctx.wb.waitToast('Acme Field 3.2.0 (311) is on Beta.');
        await dist.getByRole('treeitem', { name: '3.2.0 (311), Beta' }).first().waitFor({ state: 'visible', timeout: T });
        assert.match(await row(ctx, dist, '3.2.0 (311)').locator('.label-description').innerText(), /^Beta\b/);
        assert.equal(version()?.publishType, 1, 'published to Beta in the sandbox');
        await ctx.shot('26-store-beta');
        await ctx.wb.clearNotifications();
      } finally {
        fs.rmSync(file, { force: true });
      }
    },
  },
  {
    name: '27 [distribution] a certificate expiring in 10 days → the warning → the Signing Identities view',
    async run(ctx) {
      // The warning comes once a day per organization (kept in VS Code's globalState), and Acme Mobile was warned
      // today when this run signed in to it (its seed has expired items). Acme Europe never was: it had nothing due.
      // It gets a certificate, expiring in 10 days (from the real clock: the sandbox's may have been paused).
      const source = ctx.sb.distribution.signingOf(ROOT_ORG_ID, 'certificates').find((s) => s.name === 'Acme Development');
      assert.ok(source, 'the sandbox has Acme Development');
      const id = ctx.sb.distribution.newId('cert');
      ctx.sb.distribution.data.signing.push({ ...source, orgId: EU_ORG_ID, id });
      try {
        const at = new Date(Date.now() + 10 * 86_400_000 + 6 * 3_600_000).toISOString();
        ctx.sb.setSigningExpiry('certificates', id, at, EU_ORG_ID);
        await ensureSignedIn(ctx);
        await ctx.wb.runCommand('View: Close All Editors');
        await ctx.wb.clearNotifications();
        await ctx.wb.switchOrganization('Acme Mobile', 'Acme Europe');
        const warning = await ctx.wb.waitToast('The iOS certificate "Acme Development" expires in 10 days.');
        assert.match(warning, /Show Signing Identities/);
        await ctx.wb.toast('The iOS certificate "Acme Development"').getByRole('button', { name: 'Show Signing Identities' }).click();
        const signing = pane(ctx, 'Signing Identities');
        await signing.locator('.pane-header[aria-expanded="true"]').first().waitFor({ state: 'visible', timeout: T });
        const cert = row(ctx, signing, 'Acme Development');
        await cert.waitFor({ state: 'visible', timeout: T });
        assert.match((await cert.getAttribute('aria-label')) ?? '', /expiring soon, expires in 10 days/);
        assert.match(await cert.locator('.label-description').innerText(), /expires in 10 days/);
        await cert.locator('.codicon-warning').first().waitFor({ state: 'visible', timeout: T });
        await ctx.shot('27-signing-expiry');
        await ctx.wb.clearNotifications();
        // back to Acme Mobile, the Appcircle container as the other journeys expect it
        await ctx.wb.switchOrganization('Acme Europe', 'Acme Mobile');
        await setPane(ctx, 'Signing Identities', false);
        await setPane(ctx, 'Distribution', false);
        await setPane(ctx, 'Build Profiles', true);
        await setPane(ctx, 'Active Builds', true);
        await ctx.wb.clearNotifications();
      } finally {
        ctx.sb.distribution.data.signing = ctx.sb.distribution.data.signing.filter((s) => s.id !== id);
      }
    },
  },
];
