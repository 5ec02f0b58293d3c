// Bundles src/extension.ts into dist/extension.js (vscode stays external).
// `--production` minifies without source maps; `--watch` rebuilds on change.
// `--test-api` keeps the test API (src/container.ts apiFor, which can read the stored credential) for the
// integration suite: only scripts/e2e.sh and `npm run test:integration` pass it. Without it the constant
// __APPCIRCLE_TEST_API__ is false and the test API is removed from the bundle as dead code, so `npm run package`
// and vscode:prepublish never ship it. `--outfile=<path>` writes elsewhere than dist/extension.js (tests).
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const testApi = process.argv.includes('--test-api');
const outfile = process.argv.find((a) => a.startsWith('--outfile='))?.slice('--outfile='.length) || 'dist/extension.js';

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
    entryPoints: ['src/extension.ts'],
    bundle: true,
    format: 'cjs',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    platform: 'node',
    target: 'node20',
    outfile,
    external: ['vscode'],
    define: { __APPCIRCLE_TEST_API__: testApi ? 'true' : 'false' },
    logLevel: 'silent',
    plugins: [problemMatcher],
  });
  if (watch) {
    await ctx.watch();
  } else {
    await ctx.rebuild();
    await ctx.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
