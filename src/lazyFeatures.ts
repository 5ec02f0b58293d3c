/**
 * The features part (src/features.ts), loaded on first use. In the bundle `./features` is the separate file
 * dist/features.js (esbuild.js maps the require below to it); under tsc (tests, bench) it is the compiled module
 * next to this one.
 *
 * The two bundles share modules: whatever dist/extension.js contains (the session, its errors, the events,
 * @vscode/l10n…) dist/features.js does not bundle a second copy of, so one SessionService, one
 * `instanceof SessionExpiredError`. extension.js exports those modules (`sharedModules`) and features.js takes
 * them from it with `require('./extension.js')` (esbuild.js), which Node answers from its module cache.
 *
 * features.js can be gone when it is needed: an update installed while the window was open, and another window's
 * start deleted the old version's folder. Nothing but a reload helps then, and offerReload asks for one.
 */
import * as vscode from 'vscode';
import type * as FeaturesModule from './features';

let loaded: typeof FeaturesModule | undefined;

export function loadFeaturesModule(): typeof FeaturesModule {
  if (!loaded) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy, synchronous load is the point
    loaded = require('./features') as typeof FeaturesModule;
  }
  return loaded;
}

/** Whether `e` is require()'s "Cannot find module": features.js (or a file it needs) is not there any more. */
export function isMissingModule(e: unknown): boolean {
  return e instanceof Error && (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';
}

/** Says that Appcircle was updated under this window and offers the reload that finishes it. */
export async function offerReload(): Promise<void> {
  const reload = vscode.l10n.t('Reload Window');
  const answer = await vscode.window.showErrorMessage(
    vscode.l10n.t('Appcircle was updated while this window was open. Reload the window to use it.'),
    reload,
  );
  if (answer === reload) {
    await vscode.commands.executeCommand('workbench.action.reloadWindow');
  }
}
