/**
 * The features part (src/features.ts), loaded on first use. In the bundle `./features` is the separate file
 * dist/features.js (esbuild.js maps the require below to it); under tsc (tests, bench) it is the compiled module
 * next to this one.
 *
 * The two bundles share modules: whatever dist/extension.js contains (the session, its errors, the events,
 * @vscode/l10n…) dist/features.js does not bundle a second copy of, so one SessionService, one
 * `instanceof SessionExpiredError`. esbuild.js builds the startup bundle with an entry that hands every one of its
 * modules to setSharedModules, and builds features.js with each of those imports replaced by a lookup in the table
 * this file publishes (on a symbol of globalThis) for the duration of the synchronous require only.
 *
 * features.js can be gone when it is needed: an update installed while the window was open, and another window's
 * start deleted the old version's folder. Nothing but a reload helps then, and offerReload asks for one.
 */
import * as vscode from 'vscode';
import type * as FeaturesModule from './features';

/** The key the features bundle's shared-module stubs read (esbuild.js SHARED_MODULES_KEY). */
const SHARED_MODULES = Symbol.for('appcircle-vscode.sharedModules');

let shared: Readonly<Record<string, unknown>> | undefined;
let loaded: typeof FeaturesModule | undefined;

/**
 * Called once by the startup bundle's generated entry (esbuild.js) with its modules by source path.
 * @public
 */
export function setSharedModules(modules: Readonly<Record<string, unknown>>): void {
  shared = modules;
}

export function loadFeaturesModule(): typeof FeaturesModule {
  if (!loaded) {
    const g = globalThis as Record<symbol, unknown>;
    g[SHARED_MODULES] = shared;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy, synchronous load is the point
      loaded = require('./features') as typeof FeaturesModule;
    } finally {
      delete g[SHARED_MODULES];
    }
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
