// One-off helper kept for contributors: moves every user-visible text of package.json (contributed titles, names,
// descriptions, welcome texts, setting descriptions) into package.nls.json as a %key%, leaving existing %key%s
// alone. Run it after adding a command, view or setting: `node scripts/l10n-package.mjs` (idempotent).
import * as fs from 'node:fs';

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const nlsPath = 'package.nls.json';
const nls = fs.existsSync(nlsPath) ? JSON.parse(fs.readFileSync(nlsPath, 'utf8')) : {};
const short = (id) => id.replace(/^appcircle\./, '');

function put(key, value) {
  if (typeof value !== 'string' || /^%[^%]+%$/.test(value)) {
    return value;
  }
  if (key in nls && nls[key] !== value) {
    throw new Error(`${key} is already in package.nls.json with another text`);
  }
  nls[key] = value;
  return `%${key}%`;
}

pkg.displayName = put('displayName', pkg.displayName);
pkg.description = put('description', pkg.description);
const untrusted = pkg.capabilities?.untrustedWorkspaces;
if (untrusted) {
  untrusted.description = put('capabilities.untrustedWorkspaces.description', untrusted.description);
}
const c = pkg.contributes;
for (const cmd of c.commands ?? []) {
  cmd.title = put(`command.${short(cmd.command)}.title`, cmd.title);
  if (cmd.shortTitle) {
    cmd.shortTitle = put(`command.${short(cmd.command)}.shortTitle`, cmd.shortTitle);
  }
}
for (const [where, list] of Object.entries(c.viewsContainers ?? {})) {
  for (const v of list) {
    v.title = put(`viewsContainers.${where}.${v.id}.title`, v.title);
  }
}
for (const list of Object.values(c.views ?? {})) {
  for (const v of list) {
    v.name = put(`view.${short(v.id)}.name`, v.name);
    if (v.contextualTitle) {
      v.contextualTitle = put(`view.${short(v.id)}.contextualTitle`, v.contextualTitle);
    }
  }
}
for (const w of c.viewsWelcome ?? []) {
  // the welcome text of a view in one state: its key names the view and the `when` clause's context keys
  const state = (w.when ?? 'always')
    .replace(/appcircle\./g, '')
    .replace(/!(\w+)/g, 'not-$1')
    .replace(/[^\w-]+/g, '.')
    .replace(/^\.|\.$/g, '');
  w.contents = put(`viewsWelcome.${short(w.view)}.${state}`, w.contents);
}
for (const a of c.authentication ?? []) {
  a.label = put(`authentication.${a.id}.label`, a.label);
}
if (c.configuration) {
  c.configuration.title = put('configuration.title', c.configuration.title);
  for (const [id, p] of Object.entries(c.configuration.properties ?? {})) {
    for (const k of ['description', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage']) {
      if (p[k]) {
        p[k] = put(`config.${short(id)}.${k}`, p[k]);
      }
    }
    for (const k of ['enumDescriptions', 'markdownEnumDescriptions']) {
      if (Array.isArray(p[k])) {
        p[k] = p[k].map((d, i) => put(`config.${short(id)}.${k}.${p.enum?.[i] ?? i}`, d));
      }
    }
  }
}
for (const l of c.languages ?? []) {
  if (Array.isArray(l.aliases) && l.aliases[0]) {
    l.aliases[0] = put(`language.${l.id}.alias`, l.aliases[0]);
  }
}

// "l10n" right after "main": where VS Code finds l10n/bundle.l10n.<language>.json
const out = {};
for (const [k, v] of Object.entries(pkg)) {
  if (k !== 'l10n') {
    out[k] = v;
  }
  if (k === 'main') {
    out.l10n = './l10n';
  }
}
fs.writeFileSync('package.json', `${JSON.stringify(out, null, 2)}\n`);
fs.writeFileSync(nlsPath, `${JSON.stringify(nls, null, 2)}\n`);
console.log(`package.nls.json: ${Object.keys(nls).length} keys`);
