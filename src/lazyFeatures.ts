/**
 * The features part (src/features.ts), loaded on first use. In the bundle `./features` is the separate file
 * dist/features.js (esbuild.js maps the require below to it); under tsc (tests, bench) it is the compiled module
 * next to this one.
 *
 * The two bundles share modules: whatever dist/extension.js contains (the session, its errors, the events,
 * @vscode/l10n…) dist/features.js does not bundle a second copy of, so one SessionService, one
 * `instanceof SessionExpiredError`. extension.js exports those modules (`sharedModules`) and features.js takes
 * them from it with `require('./extension.js')` (esbuild.js), which Node answers from its module cache.
 */
import type * as FeaturesModule from './features';

let loaded: typeof FeaturesModule | undefined;

export function loadFeaturesModule(): typeof FeaturesModule {
  if (!loaded) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy, synchronous load is the point
    loaded = require('./features') as typeof FeaturesModule;
  }
  return loaded;
}
