// Bundles the extension into two files (vscode stays external):
// - dist/extension.js: activation (src/extension.ts): the session, the status bar, and forwarders for commands,
//   views and log documents;
// - dist/features.js: everything else (src/features.ts), loaded on first use by src/lazyFeatures.ts (its one lazy
//   require, './features', is mapped to that file); with axios, whose module runs at the first request
//   (src/api/http/httpClient.ts requires it then).
// One rule shares modules between them: features.js takes every module extension.js has from extension.js instead of
// bundling a second copy (one SessionService, one SessionExpiredError class). extension.js exports those modules by
// source path (`sharedModules`, see startupEntry), and in features.js each import of one of them becomes
// `require('./extension.js').sharedModules[path]` (see sharedModules).
// axios's Node build pulls in what this extension never uses; those packages are replaced by stubs that throw if
// they are ever reached (see AXIOS_STUBS).
// `--production` minifies without source maps; `--watch` rebuilds on change.
// `--metafile=<path>` writes esbuild's metafile of both bundles (bundle composition: npm run bench reports it).
// `--test-api` keeps the test API (src/container.ts apiFor, which can read the stored credential) for the
// integration suite: only scripts/e2e.sh and `npm run test:integration` pass it. Without it the constant
// __APPCIRCLE_TEST_API__ is false and the test API is removed from the bundle as dead code, so `npm run package`
// and vscode:prepublish never ship it. `--outfile=<path>` writes elsewhere than dist/extension.js (tests); features.js
// goes next to it.
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const testApi = process.argv.includes('--test-api');
const outfile = process.argv.find((a) => a.startsWith('--outfile='))?.slice('--outfile='.length) || 'dist/extension.js';
const metafile = process.argv.find((a) => a.startsWith('--metafile='))?.slice('--metafile='.length);
const path = require('node:path');
const fs = require('node:fs');
const outdir = path.dirname(outfile);
const startupFile = path.basename(outfile);

/**
 * Packages axios's Node build imports but this extension never reaches (src/api/http/httpClient.ts sends JSON and
 * URL-encoded bodies only, sets maxRedirects: 0 and follows redirects itself, and sets proxy: false so VS Code's
 * own proxy support applies to Node's http module). Each stub fails loudly if that changes.
 */
const AXIOS_STUBS = {
  // multipart bodies: form-data → combined-stream, mime-types → mime-db (137 KB)
  'form-data': `module.exports = class FormData { constructor() { throw new Error('multipart/form-data is not bundled: the extension sends URL-encoded forms'); } };`,
  // redirects: httpClient passes maxRedirects: 0, where axios uses Node's http/https directly
  'follow-redirects': `const no = { request() { throw new Error('axios redirects are not bundled: httpClient follows redirects itself (maxRedirects: 0)'); } }; module.exports = { http: no, https: no };`,
  // proxies: httpClient passes proxy: false
  'proxy-from-env': `module.exports = { getProxyForUrl: () => '' };`,
  'https-proxy-agent': `module.exports = class HttpsProxyAgent { constructor() { throw new Error('axios proxies are not bundled (proxy: false)'); } };`,
};

/** @type {import('esbuild').Plugin} */
const leanAxios = {
  name: 'lean-axios',
  setup(build) {
    // the one lazy require of the features part (src/lazyFeatures.ts): a separate file at run time
    build.onResolve({ filter: /^\.\/features$/ }, (args) =>
      args.importer.endsWith(path.join('src', 'lazyFeatures.ts')) ? { path: './features.js', external: true } : undefined,
    );
    const names = Object.keys(AXIOS_STUBS)
      .map((n) => n.replace(/[-/]/g, '\\$&'))
      .join('|');
    build.onResolve({ filter: new RegExp(`^(${names})$`) }, (args) => ({ path: args.path, namespace: 'axios-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'axios-stub' }, (args) => ({ contents: AXIOS_STUBS[args.path], loader: 'js' }));
  },
};

/**
 * @vscode/l10n's Node build requires fs and fs/promises when it loads (fs/promises pulls in readline and more: a
 * few ms of every activation), only to read bundles from a path or URL. The extension hands it the bundle's
 * contents (src/extension.ts), which the package's browser build handles the same way without loading anything.
 * @type {import('esbuild').Plugin}
 */
const l10nWithoutFs = {
  name: 'l10n-without-fs',
  setup(build) {
    build.onResolve({ filter: /^@vscode\/l10n$/ }, () => ({ path: require.resolve('@vscode/l10n/dist/browser.js') }));
  },
};

/**
 * `import * as vscode from 'vscode'` in each of the bundle's modules would otherwise copy every property of the API
 * object into a namespace of its own (esbuild's __toESM, once per importing module: a few hundred properties
 * each, at load time). One ES module re-exports it instead, and every module imports that one.
 * @type {import('esbuild').Plugin}
 */
const oneVscodeNamespace = {
  name: 'one-vscode-namespace',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'vscode-namespace' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-namespace' },
    );
    build.onLoad({ filter: /.*/, namespace: 'vscode-namespace' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
  },
};

/** The source modules of a bundle, from its metafile (relative paths, as esbuild names them). */
function modulesOf(metafile) {
  return Object.keys(metafile.inputs)
    .filter((k) => !k.includes(':'))
    .sort();
}

/**
 * The startup bundle's entry: src/extension.ts's exports, and `sharedModules`, each of the bundle's modules by its
 * path (`shared()`: the modules a build of src/extension.ts alone reached).
 * @type {(shared: () => string[]) => import('esbuild').Plugin}
 */
const startupEntry = (shared) => ({
  name: 'startup-entry',
  setup(build) {
    build.onResolve({ filter: /^appcircle:startup$/ }, () => ({ path: 'startup', namespace: 'startup-entry' }));
    build.onLoad({ filter: /.*/, namespace: 'startup-entry' }, () => {
      const list = shared();
      const contents = [
        "export { activate, deactivate } from './src/extension.ts';",
        ...list.map((m, i) => `import * as m${i} from ${JSON.stringify(`./${m}`)};`),
        `export const sharedModules = { ${list.map((m, i) => `${JSON.stringify(m)}: m${i}`).join(', ')} };`,
      ];
      return { resolveDir: __dirname, loader: 'js', contents: contents.join('\n') };
    });
  },
});

/**
 * In features.js, an import of a module the startup bundle has becomes that module, taken from extension.js.
 * @type {(shared: () => string[]) => import('esbuild').Plugin}
 */
const sharedModules = (shared) => ({
  name: 'shared-modules',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.namespace === 'shared-module') {
        return { path: args.path, external: true }; // the startup bundle, at run time
      }
      if (args.pluginData === 'shared-modules' || args.kind === 'entry-point' || args.path === 'vscode') {
        return undefined;
      }
      const { kind, importer, resolveDir, namespace } = args;
      const r = await build.resolve(args.path, { kind, importer, resolveDir, namespace, pluginData: 'shared-modules' });
      if (r.errors.length > 0 || r.external || r.namespace !== 'file') {
        return undefined;
      }
      const rel = path.relative(__dirname, r.path).split(path.sep).join('/');
      return shared().includes(rel) ? { path: rel, namespace: 'shared-module' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'shared-module' }, (args) => ({
      loader: 'js',
      contents: `module.exports = require(${JSON.stringify(`./${startupFile}`)}).sharedModules[${JSON.stringify(args.path)}];`,
    }));
  },
});

function report(e) {
  for (const { text, location } of e.errors ?? [{ text: String(e) }]) {
    console.error(`✘ [ERROR] ${text}`);
    if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
  }
}

async function main() {
  const common = {
    bundle: true,
    format: 'cjs',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    platform: 'node',
    target: 'node20',
    outdir,
    external: ['vscode'],
    define: { __APPCIRCLE_TEST_API__: testApi ? 'true' : 'false' },
    logLevel: 'silent',
    metafile: true,
  };
  const plugins = [oneVscodeNamespace, leanAxios, l10nWithoutFs];
  let shared = [];
  // what src/extension.ts reaches: the modules the startup bundle has and shares (this build writes nothing)
  const reach = await esbuild.context({ ...common, write: false, entryPoints: ['src/extension.ts'], plugins });
  const startup = await esbuild.context({
    ...common,
    entryPoints: [{ in: 'appcircle:startup', out: path.basename(outfile, '.js') }],
    plugins: [startupEntry(() => shared), ...plugins],
  });
  const features = await esbuild.context({
    ...common,
    entryPoints: [{ in: 'src/features.ts', out: 'features' }],
    plugins: [sharedModules(() => shared), ...plugins],
  });

  const buildAll = async () => {
    console.log('[watch] build started');
    try {
      shared = modulesOf((await reach.rebuild()).metafile);
      const [s, f] = await Promise.all([startup.rebuild(), features.rebuild()]);
      if (modulesOf(s.metafile).join() !== shared.join()) {
        throw new Error('extension.js has modules it does not share: features.js could bundle second copies');
      }
      if (metafile) {
        const merged = {
          inputs: { ...s.metafile.inputs, ...f.metafile.inputs },
          outputs: { ...s.metafile.outputs, ...f.metafile.outputs },
        };
        fs.writeFileSync(metafile, JSON.stringify(merged));
      }
      return true;
    } catch (e) {
      report(e);
      return false;
    } finally {
      console.log('[watch] build finished');
    }
  };

  const ok = await buildAll();
  if (!watch) {
    await Promise.all([reach.dispose(), startup.dispose(), features.dispose()]);
    if (!ok) process.exit(1);
    return;
  }
  // one rebuild of both after a burst of changes under src/
  let timer;
  let running = Promise.resolve(true);
  fs.watch(path.join(__dirname, 'src'), { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => (running = running.then(buildAll)), 100);
  });
}

main().catch((e) => {
  report(e);
  process.exit(1);
});
