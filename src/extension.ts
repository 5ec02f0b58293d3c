import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import type { AppcircleExtension, ExtensionApi } from './container';
import { apiFor, createExtension } from './container';
import { componentLogger } from './core/ports';
import type { Logger } from './core/ports';
import { deletionsDone, sweepStaleSpillFolders } from './core/logs/spillFolders';
import type { SweepOptions } from './core/logs/spillFolders';

/** The temp folder is swept for leftover log files this long after activation, off the startup path. */
export const SPILL_SWEEP_DELAY_MS = 30_000;
/** `deactivate()` waits at most this long for the log files to be deleted. */
export const DEACTIVATE_CLEANUP_MS = 3_000;

let running: AppcircleExtension | undefined;
let sweep: ReturnType<typeof setTimeout> | undefined;

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  // src/core and src/ui/presentation.ts (no vscode values) translate through @vscode/l10n: hand it the bundle that
  // VS Code loaded for the display language (none for English)
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
  const ext = createExtension(context);
  running = ext;
  context.subscriptions.push(ext);
  // build logs that a killed or crashed extension host left in the temp folder (N7): deleted a while after start
  sweep = scheduleSpillSweep(componentLogger(ext.logger, 'logs'));
  context.subscriptions.push({ dispose: () => clearTimeout(sweep) });
  return apiFor(ext);
}

/** Sweeps the temp folder for leftover log folders once, `delayMs` from now (off the startup path); clearTimeout stops it. */
export function scheduleSpillSweep(
  logger: Logger,
  delayMs = SPILL_SWEEP_DELAY_MS,
  options: SweepOptions = {},
): ReturnType<typeof setTimeout> {
  return setTimeout(() => {
    void sweepStaleSpillFolders(options).then(({ removed }) => {
      if (removed.length) {
        logger.info(`Deleted ${removed.length} log folders left in the temp folder for over a day`);
      }
    });
  }, delayMs);
}

/**
 * Stops the extension (everything else is disposed through context.subscriptions too) and waits, at most
 * DEACTIVATE_CLEANUP_MS, until the temporary log files are deleted: VS Code may end the process right after.
 */
export async function deactivate(): Promise<void> {
  const ext = running;
  running = undefined;
  clearTimeout(sweep);
  ext?.dispose();
  await deletionsDone(DEACTIVATE_CLEANUP_MS);
}
