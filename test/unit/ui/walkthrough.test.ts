/**
 * The Get Started walkthrough: its contribution is well-formed (media that ships, completion events and command
 * links that name real commands, views, context keys and settings), it opens once on the first activation after
 * install and never again, never under the test runner, and Appcircle: Get Started opens it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startSandbox } from '../../../sandbox/server';
import type { Sandbox } from '../../../sandbox/server';
import { CommandIds, ViewIds } from '../../../src/constants';
import type { ContextKeys } from '../../../src/constants';
import { AppcircleExtension } from '../../../src/container';
import { EXTENSION_ID, WALKTHROUGH_ID, WALKTHROUGH_SHOWN_KEY } from '../../../src/ui/walkthrough';
import { InMemorySecretStore } from '../fakes/inMemorySecretStore';
import { fake } from '../fakes/vscodeFake';
import { bootExtension, fakeContext, waitUntil } from './harness';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { svg?: string; image?: string; markdown?: string; altText?: string };
  completionEvents?: string[];
  when?: string;
}

interface Manifest {
  publisher: string;
  name: string;
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; when?: string; contents: string }[];
    configuration: { properties: Record<string, unknown> };
    walkthroughs: { id: string; title: string; description: string; steps: Step[] }[];
  };
}

const root = path.resolve(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
const KNOWN_CONTEXT: (keyof ContextKeys)[] = ['appcircle.signedIn', 'appcircle.canSwitchOrganization', 'appcircle.noProfiles'];
/** VS Code's own commands a step may link to. */
const BUILTIN_COMMANDS = new Set(['workbench.action.openSettings']);
const OPEN_WALKTHROUGH = 'workbench.action.openWalkthrough';

/** A `%key%` of package.nls.json, resolved (fails on a missing key or a bare string). */
function text(v: string): string {
  const m = /^%([^%]+)%$/.exec(v);
  assert.ok(m, `"${v}" is a %key%`);
  const t = nls[m[1] ?? ''];
  assert.ok(t, `${v} is in package.nls.json`);
  return t;
}

const commands = new Set(manifest.contributes.commands.map((c) => c.command));
const views = new Set(Object.values(manifest.contributes.views).flatMap((l) => l.map((v) => v.id)));
const settings = new Set(Object.keys(manifest.contributes.configuration.properties));

/** What is wrong with one command link's target: an unknown command, view or setting. */
function linkProblems(target: string): string[] {
  const [id = '', query] = target.split('?');
  if (commands.has(id)) {
    return [];
  }
  const view = /^(.+)\.focus$/.exec(id)?.[1];
  if (view !== undefined) {
    return views.has(view) ? [] : [`${target}: no view ${view}`];
  }
  if (!BUILTIN_COMMANDS.has(id)) {
    return [`${target}: no command ${id}`];
  }
  const args = query === undefined ? [] : (JSON.parse(decodeURIComponent(query)) as unknown[]);
  return args.filter((a) => typeof a !== 'string' || !settings.has(a)).map((a) => `${target}: no setting ${String(a)}`);
}

function eventProblems(event: string): string[] {
  const [kind = '', arg = ''] = event.split(/:(.*)/s);
  const ok: Record<string, (a: string) => boolean> = {
    onCommand: (a) => commands.has(a) || BUILTIN_COMMANDS.has(a),
    onView: (a) => views.has(a),
    onContext: (a) => (KNOWN_CONTEXT as string[]).includes(a),
    onSettingChanged: (a) => settings.has(a),
  };
  return ok[kind]?.(arg) ? [] : [`unknown completion event ${event}`];
}

describe('ui: the Get Started walkthrough contribution', () => {
  const walkthroughs = manifest.contributes.walkthroughs;
  const w = walkthroughs[0];

  it('one walkthrough, under the id the extension opens (package.json publisher.name#id)', () => {
    assert.equal(walkthroughs.length, 1);
    assert.equal(w?.id, WALKTHROUGH_ID);
    assert.equal(`${manifest.publisher}.${manifest.name}`, EXTENSION_ID);
    assert.equal(text(w.title), 'Get Started with Appcircle');
    assert.ok(text(w.description).length > 20);
  });

  it('the steps: sign in, the organization, Build Profiles, a build, its log, notifications', () => {
    assert.deepEqual(
      w?.steps.map((s) => s.id),
      ['signIn', 'organization', 'buildProfiles', 'startBuild', 'followLog', 'notifications'],
    );
  });

  it('every step has a title, a description with a command button, a completion event; every link and event is real', () => {
    const problems: string[] = [];
    for (const s of w?.steps ?? []) {
      assert.ok(text(s.title).length > 5, s.id);
      const description = text(s.description);
      // a link alone on its line is drawn as a button
      const buttons = [...description.matchAll(/^\[[^\]]+\]\(command:([^)]+)\)$/gm)].map((m) => m[1] ?? '');
      assert.ok(buttons.length > 0, `${s.id} has a command button`);
      const links = [...description.matchAll(/\(command:([^)]+)\)/g)].map((m) => m[1] ?? '');
      problems.push(...links.flatMap(linkProblems).map((p) => `${s.id}: ${p}`));
      assert.ok(s.completionEvents?.length, `${s.id} has a completion event`);
      problems.push(...(s.completionEvents ?? []).flatMap(eventProblems).map((p) => `${s.id}: ${p}`));
      assert.equal(s.when, undefined, `${s.id}: every step is shown signed out too (its command says what to do)`);
    }
    assert.deepEqual(problems, []);
  });

  it('the link and event checks catch a misspelt command, view, setting or context key', () => {
    assert.deepEqual(linkProblems('appcircle.startBuild'), []);
    assert.deepEqual(linkProblems('appcircle.startbuild'), ['appcircle.startbuild: no command appcircle.startbuild']);
    assert.deepEqual(linkProblems('appcircle.build.focus'), ['appcircle.build.focus: no view appcircle.build']);
    assert.deepEqual(linkProblems('workbench.action.openSettings?%5B%22appcircle.notify%22%5D'), [
      'workbench.action.openSettings?%5B%22appcircle.notify%22%5D: no setting appcircle.notify',
    ]);
    assert.deepEqual(eventProblems('onContext:appcircle.signedin'), ['unknown completion event onContext:appcircle.signedin']);
    assert.deepEqual(eventProblems('onView:appcircle.active'), ['unknown completion event onView:appcircle.active']);
    assert.deepEqual(eventProblems('onSettingChanged:appcircle.notifications'), [
      'unknown completion event onSettingChanged:appcircle.notifications',
    ]);
    assert.deepEqual(eventProblems('onLink:https://appcircle.io'), ['unknown completion event onLink:https://appcircle.io']);
  });

  it("every step's media is a small theme-aware SVG that ships (under media/walkthrough, with alt text)", () => {
    let total = 0;
    for (const s of w?.steps ?? []) {
      const file = s.media.svg ?? '';
      assert.ok(file.startsWith('media/walkthrough/') && file.endsWith('.svg'), `${s.id}: ${file || 'no svg'}`);
      const svg = fs.readFileSync(path.join(root, file), 'utf8');
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="[\d ]+"[^>]*>/, file);
      assert.match(svg, /<\/svg>\s*$/, file);
      assert.match(svg, /fill="var\(--vscode-[\w-]+, #[\da-f]+\)"/, `${file} follows the color theme`);
      // the walkthrough's webview allows only its own styles (CSP): colours are presentation attributes, not CSS
      assert.doesNotMatch(svg, /<style|style=|class=/, `${file} has no style sheet, style or class attribute`);
      assert.doesNotMatch(svg, /<script|href=|url\(/i, `${file} has no script and loads nothing`);
      assert.ok(text(s.media.altText ?? '').length > 20, `${s.id} alt text`);
      total += svg.length;
    }
    assert.ok(total < 30_000, `${total} bytes of walkthrough media`);
    const vscodeignore = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8');
    assert.doesNotMatch(vscodeignore, /^media\/(\*\*|walkthrough)/m, 'the .vsix ships media/walkthrough');
  });

  it('the signed-out Build Profiles welcome view links to Get Started', () => {
    const welcome = manifest.contributes.viewsWelcome.find((v) => v.view === ViewIds.builds && v.when === '!appcircle.signedIn');
    assert.match(text(welcome?.contents ?? ''), /\[Get Started\]\(command:appcircle\.openWalkthrough\)/);
    assert.ok(commands.has(CommandIds.openWalkthrough));
  });
});

describe('ui: the Get Started walkthrough opens', function () {
  this.timeout(20_000);
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox({ quiet: true, builds: { speed: 0 } });
  });
  after(async () => {
    await sb.stop();
  });

  const opened = () => fake.executed.filter((c) => c.id === OPEN_WALKTHROUGH);
  const logLines = () => fake.logChannels.flatMap((c) => c.lines);

  /** Activates on `context` (a window started in that profile) and waits until activation returned. */
  async function activate(context: vscode.ExtensionContext): Promise<AppcircleExtension> {
    const before = logLines().filter((l) => l.includes('Activated in')).length;
    fake.configuration.set('appcircle.apiUrl', sb.apiUrl);
    fake.configuration.set('appcircle.authUrl', sb.authUrl);
    const ext = new AppcircleExtension(context);
    await waitUntil(() => logLines().filter((l) => l.includes('Activated in')).length > before, 5000, 'activation');
    return ext;
  }

  beforeEach(() => fake.reset());

  it('on the first activation after install, once: not on the next one; the features part is not loaded for it', async () => {
    const context = fakeContext(new InMemorySecretStore(), vscode.ExtensionMode.Production);
    const first = await activate(context);
    await waitUntil(() => opened().length === 1, 5000, 'the walkthrough opened');
    assert.deepEqual(opened()[0]?.args, [`${EXTENSION_ID}#${WALKTHROUGH_ID}`, false]);
    assert.equal(context.globalState.get(WALKTHROUGH_SHOWN_KEY), true);
    assert.equal(first.featuresLoaded, false, 'opening it does not load the features part');
    assert.ok(logLines().some((l) => l.includes('First start: opened the Get Started walkthrough')));
    first.dispose();

    const second = await activate(context);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(opened().length, 1, 'not opened again');
    second.dispose();
  });

  it('never under the test runner', async () => {
    const context = fakeContext(new InMemorySecretStore(), vscode.ExtensionMode.Test);
    const ext = await activate(context);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(opened().length, 0);
    assert.equal(context.globalState.get(WALKTHROUGH_SHOWN_KEY), undefined);
    ext.dispose();
  });

  it('a host without walkthroughs: logged, activation goes on, and it is not tried again', async () => {
    fake.commands.set(OPEN_WALKTHROUGH, () => Promise.reject(new Error("command 'workbench.action.openWalkthrough' not found")));
    const context = fakeContext(new InMemorySecretStore(), vscode.ExtensionMode.Production);
    const ext = await activate(context);
    await waitUntil(() => logLines().some((l) => l.includes('The Get Started walkthrough was not opened')), 5000, 'the log line');
    assert.equal(context.globalState.get(WALKTHROUGH_SHOWN_KEY), true);
    assert.equal(fake.statusBarItems.length > 0, true, 'the status bar is drawn');
    ext.dispose();
  });

  it('Appcircle: Get Started opens it (and Test mode does not stop a command)', async () => {
    const h = await bootExtension({ keepFake: true, sb });
    try {
      assert.equal(opened().length, 0);
      await h.run(CommandIds.openWalkthrough);
      assert.deepEqual(
        opened().map((c) => c.args),
        [[`${EXTENSION_ID}#${WALKTHROUGH_ID}`, false]],
      );
    } finally {
      await h.dispose();
    }
  });
});
