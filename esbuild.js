// Bundles src/extension.ts into dist/extension.js and axios into dist/http.js (vscode stays external).
// `--production` minifies without source maps; `--watch` rebuilds on change.
// dist/http.js is loaded on the first request (src/api/lazyAxios.ts requires './axiosEntry', mapped here to the
// separate file), so activation never loads axios. axios's Node build pulls in what this extension never uses;
// those packages are replaced by stubs that throw if they are ever reached (see AXIOS_STUBS).
// `--metafile=<path>` writes esbuild's metafile (bundle composition: npm run bench reports it).
// `--test-api` keeps the test API (src/container.ts apiFor, which can read the stored credential) for the
// integration suite: only scripts/e2e.sh and `npm run test:integration` pass it. Without it the constant
// __APPCIRCLE_TEST_API__ is false and the test API is removed from the bundle as dead code, so `npm run package`
// and vscode:prepublish never ship it. `--outfile=<path>` writes elsewhere than dist/extension.js (tests).
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const testApi = process.argv.includes('--test-api');
const outfile = process.argv.find((a) => a.startsWith('--outfile='))?.slice('--outfile='.length) || 'dist/extension.js';
const metafile = process.argv.find((a) => a.startsWith('--metafile='))?.slice('--metafile='.length);
const path = require('node:path');
const fs = require('node:fs');
/** The HTTP bundle sits next to the extension bundle: the lazy require is './http.js' relative to it. */
const httpOutfile = path.join(path.dirname(outfile), 'http.js');

/**
 * Packages axios's Node build imports but this extension never reaches (src/api/httpClient.ts sends JSON and
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
    // the one lazy require of axios: a separate file at run time, never bundled into extension.js
    build.onResolve({ filter: /^\.\/axiosEntry$/ }, () => ({ path: './http.js', external: true }));
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

/** @type {import('esbuild').Plugin} */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

async function main() {
  const ctx = await esbuild.context({
    entryPoints: [
      { in: 'src/extension.ts', out: path.basename(outfile, '.js') },
      { in: 'src/api/axiosEntry.ts', out: path.basename(httpOutfile, '.js') },
    ],
    bundle: true,
    format: 'cjs',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    platform: 'node',
    target: 'node20',
    outdir: path.dirname(outfile),
    external: ['vscode'],
    define: { __APPCIRCLE_TEST_API__: testApi ? 'true' : 'false' },
    logLevel: 'silent',
    metafile: !!metafile,
    plugins: [leanAxios, l10nWithoutFs, problemMatcher],
  });
  if (watch) {
    await ctx.watch();
  } else {
    const result = await ctx.rebuild();
    if (metafile) {
      fs.writeFileSync(metafile, JSON.stringify(result.metafile));
    }
    await ctx.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
