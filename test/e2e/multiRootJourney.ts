/**
 * A multi-root workspace with two real repositories: the e2e workspace (its remote is the "Appcircle VS Code Demo"
 * profile's repository) and a second one beside it whose remote is `acme/android-app` (the "Acme Android"
 * profile's), opened through a `.code-workspace` file. The commit item follows the repository of the active editor.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEMO_PAT } from '../../sandbox/fixtures';
import { WORKSPACE_BRANCH, git } from './gitWorkspace';
import type { Journey, JourneyContext } from './journeys';
import { T } from './journeys';

const SECOND_REMOTE = 'https://github.com/acme/android-app.git';
const SECOND_BRANCH = 'main';
const SECOND_FILE = 'HomeScreen.kt';

/** The second repository (branch main, one commit pushed to its own bare repository) and the workspace file. */
function createSecondRepository(first: string): { folder: string; workspaceFile: string } {
  const parent = path.dirname(first);
  const folder = path.join(parent, 'android-app');
  const bare = `${folder}-origin.git`;
  const workspaceFile = path.join(parent, 'multi-root.code-workspace');
  fs.rmSync(folder, { recursive: true, force: true });
  fs.rmSync(bare, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  git(parent, 'init', '--bare', '-q', bare);
  git(folder, 'init', '-q', '-b', SECOND_BRANCH);
  git(folder, 'remote', 'add', 'origin', SECOND_REMOTE);
  git(folder, 'config', 'remote.origin.pushurl', bare);
  fs.writeFileSync(path.join(folder, SECOND_FILE), '// HomeScreen.kt: the second repository of the multi-root workspace\n');
  git(folder, 'add', '-A');
  git(folder, 'commit', '-q', '-m', 'Android app');
  git(folder, 'push', '-q', '-u', 'origin', SECOND_BRANCH);
  const folders = [{ path: path.relative(parent, first) }, { path: path.relative(parent, folder) }];
  fs.writeFileSync(workspaceFile, JSON.stringify({ folders, settings: {} }, null, 2));
  return { folder, workspaceFile };
}

/** Opens a file through Go to File (its row named by the file name, in the workspace folder given). */
async function openFile(ctx: JourneyContext, name: string, folder: string): Promise<void> {
  await ctx.wb.runCommand('Go to File...');
  const input = ctx.wb.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: T });
  await input.fill(name);
  await ctx.wb.pickRow(new RegExp(`${name.replace('.', '\\.')}[\\s\\S]*${folder}`));
  await ctx.wb.page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor({ state: 'visible', timeout: T });
}

/** The commit item showing the branch and short hash, and its tooltip naming the profile. */
async function expectCommitItem(ctx: JourneyContext, branch: string, short: string, profile: string): Promise<void> {
  const item = ctx.wb.page
    .locator('.part.statusbar .statusbar-item', { hasText: new RegExp(`${branch.replace('/', '\\/')}\\s·\\s${short}`) })
    .first();
  await item.waitFor({ state: 'visible', timeout: T });
  await item.hover();
  await ctx.wb.page
    .locator('.monaco-hover', { hasText: `Profile: ${profile}` })
    .first()
    .waitFor({ state: 'visible', timeout: T });
}

export const multiRootJourneys: Journey[] = [
  {
    name: '24 [commit] a multi-root workspace with two repositories: the commit item follows the active editor’s repository',
    async run(ctx) {
      const second = createSecondRepository(ctx.workspace);
      const shortA = git(ctx.workspace, 'rev-parse', '--short=7', 'HEAD');
      const shortB = git(second.folder, 'rev-parse', '--short=7', 'HEAD');
      const page = ctx.wb.page;
      await page.goto(`${ctx.csUrl}/?workspace=${encodeURIComponent(second.workspaceFile)}`, { waitUntil: 'domcontentloaded' });
      await ctx.wb.ready();
      await ctx.wb.openAppcircleView();
      await ctx.wb.ensureSignedIn(DEMO_PAT);
      await ctx.wb.runCommand('View: Close All Editors');
      await ctx.wb.clearNotifications();
      // a file of the first repository: its branch and commit, its profile
      await openFile(ctx, 'README.md', path.basename(ctx.workspace));
      await expectCommitItem(ctx, WORKSPACE_BRANCH, shortA, 'Appcircle VS Code Demo');
      await ctx.shot('24a-multi-root-first');
      // a file of the second: the item follows the active editor's repository
      await openFile(ctx, SECOND_FILE, path.basename(second.folder));
      await expectCommitItem(ctx, SECOND_BRANCH, shortB, 'Acme Android');
      assert.equal(
        await page.locator('.part.statusbar .statusbar-item', { hasText: new RegExp(`${WORKSPACE_BRANCH}\\s·\\s${shortA}`) }).count(),
        0,
        'the first repository’s commit is no longer shown',
      );
      await ctx.shot('24b-multi-root-second');
      // and back
      await openFile(ctx, 'README.md', path.basename(ctx.workspace));
      await expectCommitItem(ctx, WORKSPACE_BRANCH, shortA, 'Appcircle VS Code Demo');
      await ctx.wb.runCommand('View: Close All Editors');
      // the journeys after this one run in the single-folder workspace (after a failure none runs: its window stays)
      await page.goto(`${ctx.csUrl}/?folder=${encodeURIComponent(ctx.workspace)}`, { waitUntil: 'domcontentloaded' });
      await ctx.wb.ready();
    },
  },
];
