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
    languages: { id: string }[];
  };
}

const root = path.resolve(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const KNOWN_CONTEXT: (keyof ContextKeys)[] = [
  'appcircle.signedIn',
  'appcircle.canSwitchOrganization',
  'appcircle.noProfiles',
  'appcircle.noSigningIdentities',
];
/** The built-in context keys the when clauses use, by name: a misspelt one is unknown, not "some lowercase word". */
const BUILTIN_KEYS = new Set(['view', 'viewItem', 'editorLangId', 'resourceScheme', 'resourceExtname']);
const LITERALS = new Set(['true', 'false']);

interface KnownValues {
  views: Set<string>;
  languages: Set<string>;
}

/**
 * What is wrong in one when clause: a context key that is neither ours nor a built-in one in use, or a view or
 * language id compared with that is not contributed. The right side of `=~` (a regex over contextValue words) and of
 * `viewItem ==` is a value, not a key.
 */
function whenProblems(when: string, known: KnownValues): string[] {
  const problems: string[] = [];
  const key = (k: string) => {
    const ok = k.startsWith('appcircle.') ? (KNOWN_CONTEXT as string[]).includes(k) : BUILTIN_KEYS.has(k) || LITERALS.has(k);
    if (!ok) {
      problems.push(`unknown context key ${k} in "${when}"`);
    }
  };
  const rest = when
    .replace(/([\w.]+)\s*=~\s*\/(?:\\.|[^\\/])*\/\w*/g, (_, k: string) => {
      key(k);
      return ' ';
    })
    .replace(/([\w.]+)\s*(?:==|!=)\s*([\w.-]+)/g, (_, k: string, v: string) => {
      key(k);
      const values = k === 'view' ? known.views : k === 'editorLangId' ? known.languages : undefined;
      if (values && !values.has(v)) {
        problems.push(`unknown ${k} ${v} in "${when}"`);
      }
      return ' ';
    });
  for (const k of rest.match(/[A-Za-z][\w.-]*/g) ?? []) {
    key(k);
  }
  return problems;
}

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
    const viewIds = new Set<string>([ViewIds.builds, ViewIds.activeBuilds, ViewIds.distribution, ViewIds.signingIdentities]);
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
    const languages = new Set(manifest.contributes.languages.map((l) => l.id));
    assert.ok(whens.length >= 20, `${whens.length} when clauses checked`);
    assert.deepEqual(
      whens.flatMap((w) => whenProblems(w, { views: viewIds, languages })),
      [],
    );
  });

  it('the when-clause check catches a misspelt key, view or language (and passes the real clauses)', () => {
    const known = { views: new Set<string>([ViewIds.builds, ViewIds.activeBuilds]), languages: new Set(['appcircle-log']) };
    assert.deepEqual(whenProblems('(view == appcircle.builds || view == appcircle.activeBuilds) && viewItem =~ /\\bretry\\b/', known), []);
    assert.deepEqual(whenProblems('!appcircle.signedIn || editorLangId == appcircle-log && false', known), []);
    const typos: [string, string][] = [
      ['viewItm =~ /\\bbuild\\b/', 'unknown context key viewItm'],
      ['view == appcircle.builds && viewitem == branch', 'unknown context key viewitem'],
      ['editorLangid == appcircle-log', 'unknown context key editorLangid'],
      ['resourcescheme == file', 'unknown context key resourcescheme'],
      ['appcircle.signedin', 'unknown context key appcircle.signedin'],
      ['view == appcircle.build', 'unknown view appcircle.build'],
      ['editorLangId == appcircle-logs', 'unknown editorLangId appcircle-logs'],
    ];
    for (const [when, problem] of typos) {
      assert.deepEqual(whenProblems(when, known), [`${problem} in "${when}"`], when);
    }
  });

  it("every view menu names Appcircle's views (a bare viewItem test also matches other extensions' tree items)", () => {
    const viewIds = new Set<string>([ViewIds.builds, ViewIds.activeBuilds, ViewIds.distribution, ViewIds.signingIdentities]);
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
    };
    const u = m.capabilities?.untrustedWorkspaces;
    // 'limited' is what VS Code calls "works, with these workspace settings ignored"
    assert.equal(u?.supported, 'limited');
    // an untrusted workspace cannot widen build notifications to every build of the organization (N15)
    assert.deepEqual(u?.restrictedConfigurations, ['appcircle.builds.pollInterval', 'appcircle.notifications.buildFinished']);
    assert.ok(u?.description && u.description.length > 20);
    // (that every setting a workspace could use to move the credential is application-scoped: "endpoint settings …" above)
  });
});
