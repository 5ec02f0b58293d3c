/**
 * Localization a translator can use:
 *  - `@vscode/l10n-dev`'s extractor, run over src/ as `npm run l10n` runs it, finds exactly the keys of the
 *    committed l10n/bundle.l10n.json (a stale bundle fails: run `npm run l10n`);
 *  - every user-visible string literal in src/ui and src/platform goes through `l10n.t(...)` called directly (the
 *    extractor sees `vscode.l10n.t(`, `l10n.t(`, but no alias such as `const l = vscode.l10n.t`), with a literal
 *    message rather than a variable or a template with `${…}`;
 *  - every title, name, description and welcome text that package.json contributes is a `%key%` of
 *    package.nls.json, and package.nls.json has no key that package.json does not use.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getL10nJson } from '@vscode/l10n-dev';

const root = path.resolve(__dirname, '..', '..', '..', '..');

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      out.push(...tsFiles(rel));
    } else if (e.name.endsWith('.ts')) {
      out.push(rel);
    }
  }
  return out.sort();
}

/** Source with comments blanked (same length per line, so line numbers stay), strings kept. */
function withoutComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\/|(?<![:'"`\\])\/\/[^\n]*/g, (m) => m.replace(/[^\n]/g, ' '));
}

interface Finding {
  file: string;
  line: number;
  text: string;
}

function findAll(files: string[], test: RegExp | ((line: string) => boolean)): Finding[] {
  const found: Finding[] = [];
  for (const file of files) {
    const lines = withoutComments(fs.readFileSync(path.join(root, file), 'utf8')).split('\n');
    lines.forEach((text, i) => {
      if (typeof test === 'function' ? test(text) : test.test(text)) {
        found.push({ file, line: i + 1, text: text.trim() });
      }
    });
  }
  return found;
}

const show = (f: Finding[]): string => f.map((x) => `${x.file}:${x.line}: ${x.text}`).join('\n');

/** Messages, quick picks, input boxes, tree items, status bar items, notifications: where users read text. */
const VISIBLE =
  /(?:show(?:Information|Warning|Error)Message|showQuickPick|setStatusBarMessage|createOutputChannel|showInputBox)\(\s*|(?:\b|\.)(?:title|placeHolder|placeholder|prompt|label|tooltip|description|detail|message|validationMessage|name|text|contextualTitle)\s*[:=]\s*/g;
/** Brand names and error class names: not translated. */
const NOT_WORDS = /^(?:Appcircle|[A-Z]\w*Error)$/;

/**
 * The text a user would read in the literal that starts at `rest` (quotes or a template), outside `${…}` and
 * codicons `$(…)`; undefined when `rest` does not start with a literal.
 */
function literalText(rest: string): string | undefined {
  const q = rest[0];
  if (q === "'" || q === '"') {
    const end = rest.indexOf(q, 1);
    return end < 0 ? undefined : rest.slice(1, end);
  }
  if (q !== '`') {
    return undefined;
  }
  let out = '';
  let depth = 0;
  for (let i = 1; i < rest.length; i++) {
    const c = rest[i];
    if (depth === 0 && c === '`') {
      return out;
    }
    if (c === '$' && rest[i + 1] === '{') {
      depth++;
      i++;
    } else if (depth > 0 && c === '{') {
      depth++;
    } else if (depth > 0 && c === '}') {
      depth--;
    } else if (depth === 0) {
      out += c;
    }
  }
  return out;
}

/** True when the line hands a user-visible API or field a literal with words in it. */
function bareVisibleString(line: string): boolean {
  for (const m of line.matchAll(VISIBLE)) {
    const text = literalText(line.slice((m.index ?? 0) + m[0].length));
    if (text === undefined || /\bthis\.name\s*=\s*$/.test(line.slice(0, (m.index ?? 0) + m[0].length))) {
      continue;
    }
    const words = text.replace(/\$\([\w~-]+\)/g, '').trim();
    // ids ('appcircle.builds', 'build:123'), separators and placeholders carry no words
    if (/[A-Za-z]{2}/.test(words) && !/^[a-z][\w.:-]*$/.test(words) && !NOT_WORDS.test(words)) {
      return true;
    }
  }
  return false;
}

describe('scripts: localization', function () {
  this.timeout(120_000);
  const uiFiles = [...tsFiles('src/ui'), ...tsFiles('src/platform')];
  const allFiles = tsFiles('src');

  it('the committed l10n/bundle.l10n.json has exactly the keys the extractor finds in src/ (else: npm run l10n)', async () => {
    const extracted = await getL10nJson(allFiles.map((f) => ({ extension: '.ts', contents: fs.readFileSync(path.join(root, f), 'utf8') })));
    const committed = JSON.parse(fs.readFileSync(path.join(root, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, unknown>;
    const want = Object.keys(extracted).sort();
    const have = Object.keys(committed).sort();
    assert.deepEqual(
      { missingFromBundle: want.filter((k) => !(k in committed)), notInSource: have.filter((k) => !(k in extracted)) },
      { missingFromBundle: [], notInSource: [] },
      'l10n/bundle.l10n.json is stale: run `npm run l10n` and commit it',
    );
    assert.deepEqual(committed, extracted, 'l10n/bundle.l10n.json differs from the extractor output: run `npm run l10n`');
    assert.ok(want.length > 200, `only ${want.length} strings extracted`);
  });

  it('no alias of l10n.t: the extractor only sees vscode.l10n.t(…) and l10n.t(…)', () => {
    const alias = findAll(
      allFiles,
      /=\s*(?:vscode\.)?l10n\.t\b(?!\s*\()|\{\s*t\b[^}]*\}\s*=\s*(?:vscode\.)?l10n\b|import\s*\{[^}]*\bt\b[^}]*\}\s*from\s*'@vscode\/l10n'|\bl10n\.t\.(?:bind|call|apply)\b/,
    );
    assert.equal(show(alias), '', 'call l10n.t(…) directly');
  });

  it('every l10n.t(…) gets a literal message the extractor can read (no variable, no ${…})', () => {
    const notLiteral = findAll(allFiles, /\bl10n\.t\(\s*(?!['"`{]|$)|\bl10n\.t\(\s*`[^`]*\$\{/);
    assert.equal(show(notLiteral), '', 'pass the message as a string literal with {0} placeholders');
  });

  it('no user-visible string literal in src/ui or src/platform bypasses l10n.t', () => {
    const bare = findAll(uiFiles, bareVisibleString);
    assert.equal(show(bare), '', 'wrap it in vscode.l10n.t(…) (or l10n.t from @vscode/l10n where vscode is not available)');
  });

  it('the scan catches what it should (self-check)', () => {
    for (const bad of [
      "void vscode.window.showErrorMessage('Something broke');",
      'item.tooltip = `Build ${id} failed`;',
      "{ label: 'Sign In', description: 'with a token' }",
      "placeHolder: 'Pick a branch',",
      'item.text = `$(sync~spin) Loading ${n}`;',
      "label: 'Refresh'",
    ]) {
      assert.ok(bareVisibleString(bad), bad);
    }
    for (const ok of [
      "{ label: vscode.l10n.t('Sign In') }",
      "label: '$(sign-in)'",
      "name: 'appcircle.builds'",
      'description: `${a} · ${b}`',
      "label: `$(key) ${vscode.l10n.t('API Key')}`",
      "this.name = 'NotAZipError';",
      "text: ''",
    ]) {
      assert.ok(!bareVisibleString(ok), ok);
    }
  });

  it('package.json: every contributed title, name, description and welcome text is a %key% of package.nls.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const LOCALIZED = new Set([
      'title',
      'name',
      'description',
      'markdownDescription',
      'enumDescriptions',
      'markdownEnumDescriptions',
      'contents',
      'contextualTitle',
      'deprecationMessage',
      'markdownDeprecationMessage',
      'label',
      'shortTitle',
      'displayName',
      'userDescription',
    ]);
    const bad: string[] = [];
    const used = new Set<string>();
    const check = (where: string, v: unknown): void => {
      if (typeof v !== 'string') {
        return;
      }
      const m = /^%([^%]+)%$/.exec(v);
      if (!m) {
        bad.push(`${where}: "${v}" is not a %key%`);
      } else if (!(m[1] in nls)) {
        bad.push(`${where}: ${v} is not in package.nls.json`);
      } else {
        used.add(m[1]);
      }
    };
    const walk = (where: string, v: unknown): void => {
      if (Array.isArray(v)) {
        v.forEach((x, i) => walk(`${where}[${i}]`, x));
      } else if (v && typeof v === 'object') {
        // a Language Model tool's name is an id (as a command's is), and its modelDescription and inputSchema are
        // read by models, never shown to people: the names people see are displayName and userDescription
        const tool = /^contributes\.languageModelTools\[\d+\]$/.test(where);
        for (const [k, x] of Object.entries(v)) {
          if (tool && (k === 'name' || k === 'inputSchema')) {
            continue;
          }
          if (LOCALIZED.has(k)) {
            if (Array.isArray(x)) {
              x.forEach((s, i) => check(`${where}.${k}[${i}]`, s));
            } else {
              check(`${where}.${k}`, x);
            }
          }
          walk(`${where}.${k}`, x);
        }
      }
    };
    walk('contributes', pkg.contributes);
    check('displayName', pkg.displayName);
    check('description', pkg.description);
    walk('capabilities', pkg.capabilities);
    assert.equal(bad.join('\n'), '');
    const unused = Object.keys(nls).filter((k) => !used.has(k) && !JSON.stringify(pkg).includes(`%${k}%`));
    assert.deepEqual(unused, [], 'package.nls.json keys that package.json does not use');
    assert.equal(pkg.l10n, './l10n', 'package.json "l10n" points at the bundle folder');
  });

  it('the .vsix ships l10n/ and package.nls.json', () => {
    const ignore = fs
      .readFileSync(path.join(root, '.vscodeignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const shipped of ['l10n/bundle.l10n.json', 'package.nls.json']) {
      const excluded = ignore.some(
        (p) =>
          p &&
          !p.startsWith('#') &&
          !p.startsWith('!') &&
          (p === shipped || (p.endsWith('/**') && shipped.startsWith(p.slice(0, -2))) || (p === '**/*.json' && shipped.endsWith('.json'))),
      );
      assert.ok(!excluded, `${shipped} is excluded by .vscodeignore`);
    }
  });
});
