import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CommandIds, ViewIds } from '../../../src/constants';
import type { ContextKeys } from '../../../src/constants';
import { fake } from '../fakes/vscodeFake';
import { bootExtension } from './harness';

interface Manifest {
  activationEvents: string[];
  main: string;
  contributes: {
    commands: { command: string; title: string; category: string }[];
    menus: Record<string, { command?: string; when?: string }[]>;
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; when?: string; contents: string }[];
    configuration: { properties: Record<string, { scope?: string }> };
    authentication: { id: string }[];
  };
}

const root = path.resolve(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const KNOWN_CONTEXT: (keyof ContextKeys)[] = ['appcircle.signedIn', 'appcircle.canSwitchOrganization', 'appcircle.noProfiles'];
const BUILTIN = new Set(['view', 'viewItem', 'false', 'true', 'editorLangId', 'resourceScheme', 'isWeb']);

describe('package.json consistency', () => {
  it('activates after startup (the status bar shows from the start) but never eagerly ("*"); main points at the bundle', () => {
    assert.deepEqual(manifest.activationEvents, ['onStartupFinished']);
    assert.equal(manifest.main, './dist/extension.js');
  });

  it('every command id in constants is contributed with the Appcircle category, and vice versa', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(CommandIds).sort());
    for (const c of manifest.contributes.commands) {
      assert.equal(c.category, 'Appcircle', c.command);
    }
  });

  it('every contributed command is registered at activation', async () => {
    const h = await bootExtension();
    try {
      for (const id of Object.values(CommandIds)) {
        assert.ok(fake.commands.has(id), `${id} registered`);
      }
    } finally {
      await h.dispose();
    }
  });

  it('menus and welcome views reference known commands, views and context keys', () => {
    const commandIds = new Set<string>(Object.values(CommandIds));
    const viewIds = new Set<string>([ViewIds.builds, ViewIds.activeBuilds]);
    const whens: string[] = [];
    for (const entries of Object.values(manifest.contributes.menus)) {
      for (const m of entries) {
        if (m.command) {
          assert.ok(commandIds.has(m.command), `menu command ${m.command}`);
        }
        if (m.when) {
          whens.push(m.when);
        }
      }
    }
    for (const w of manifest.contributes.viewsWelcome) {
      assert.ok(viewIds.has(w.view), w.view);
      if (w.when) {
        whens.push(w.when);
      }
      for (const m of w.contents.matchAll(/command:([\w.]+)/g)) {
        assert.ok(commandIds.has(m[1] ?? ''), `welcome link ${m[1]}`);
      }
    }
    const views = manifest.contributes.views.appcircle?.map((v) => v.id) ?? [];
    assert.deepEqual(views.sort(), [...viewIds].sort());
    for (const when of whens) {
      for (const token of when.match(/[A-Za-z][\w.]*/g) ?? []) {
        if (token.startsWith('appcircle.')) {
          if (!viewIds.has(token) && !commandIds.has(token)) {
            assert.ok((KNOWN_CONTEXT as string[]).includes(token), `unknown context key ${token} in "${when}"`);
          }
        } else {
          assert.ok(BUILTIN.has(token) || /^[a-z]+$/.test(token), `unknown token ${token} in "${when}"`);
        }
      }
    }
  });

  it("every view menu names Appcircle's views (a bare viewItem test also matches other extensions' tree items)", () => {
    const viewIds = new Set<string>([ViewIds.builds, ViewIds.activeBuilds]);
    // the when clause must start with `view == X &&` or `(view == X || view == Y) &&`: a conjunct, not one side of an `||`
    const viewClause = /^(?:view == ([\w.]+)|\((view == [\w.]+(?: \|\| view == [\w.]+)+)\))(?: && |$)/;
    let checked = 0;
    for (const menu of ['view/item/context', 'view/title']) {
      for (const m of manifest.contributes.menus[menu] ?? []) {
        const when = m.when ?? '';
        const match = viewClause.exec(when);
        assert.ok(match, `${menu} ${m.command ?? '?'}: "${when}" has no view condition`);
        const named = match[1] ? [match[1]] : [...(match[2] ?? '').matchAll(/view == ([\w.]+)/g)].map((v) => v[1] ?? '');
        for (const v of named) {
          assert.ok(viewIds.has(v), `${menu} ${m.command ?? '?'}: unknown view ${v}`);
        }
        checked++;
      }
    }
    assert.ok(checked >= 18, `${checked} view menu entries checked`);
    // the check itself catches the bug it is for
    assert.equal(viewClause.exec('viewItem =~ /\\bbuild\\b/'), null);
    assert.equal(viewClause.exec('view == appcircle.builds || viewItem =~ /\\bbuild\\b/'), null);
  });

  it('endpoint settings are application-scoped (a workspace cannot redirect the credential)', () => {
    for (const key of ['appcircle.apiUrl', 'appcircle.authUrl', 'appcircle.dashboardUrl', 'appcircle.allowInsecureHttp']) {
      assert.equal(manifest.contributes.configuration.properties[key]?.scope, 'application', key);
    }
  });

  it('contributes the Appcircle authentication provider', () => {
    assert.deepEqual(
      manifest.contributes.authentication.map((a) => a.id),
      ['appcircle'],
    );
  });
});

describe('package.json capabilities', () => {
  it('works in restricted mode (untrusted workspaces), ignoring the workspace poll interval and notification mode there', () => {
    const m = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      capabilities?: { untrustedWorkspaces?: { supported?: boolean | string; restrictedConfigurations?: string[]; description?: string } };
      contributes: { configuration: { properties: Record<string, { scope?: string }> } };
    };
    const u = m.capabilities?.untrustedWorkspaces;
    // 'limited' is what VS Code calls "works, with these workspace settings ignored"
    assert.equal(u?.supported, 'limited');
    // an untrusted workspace cannot widen build notifications to every build of the organization (N15)
    assert.deepEqual(u?.restrictedConfigurations, ['appcircle.builds.pollInterval', 'appcircle.notifications.buildFinished']);
    assert.ok(u?.description && u.description.length > 20);
    // every setting a workspace could use to move the credential is application-scoped
    const props = m.contributes.configuration.properties;
    for (const k of ['appcircle.apiUrl', 'appcircle.authUrl', 'appcircle.dashboardUrl', 'appcircle.allowInsecureHttp']) {
      assert.equal(props[k]?.scope, 'application', k);
    }
  });
});
