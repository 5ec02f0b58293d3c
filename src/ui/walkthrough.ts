/**
 * The Get Started walkthrough (package.json `contributes.walkthroughs`): opened once, on the first activation after
 * install, and by Appcircle: Get Started (the welcome view links to it). Built at activation, so it stays small:
 * nothing here loads the features part.
 */
import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import { errorText } from '../core/errors';

/** `<publisher>.<name>` of package.json (a unit test compares them) and the walkthrough's id there. */
export const EXTENSION_ID = 'appcircle-community.appcircle-vscode';
export const WALKTHROUGH_ID = 'appcircle.getStarted';
/** The globalState flag set once the walkthrough has been opened on a first start. */
export const WALKTHROUGH_SHOWN_KEY = 'appcircle.walkthrough.shown';

/** Opens the Get Started walkthrough in the editor area. */
export function openWalkthrough(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#${WALKTHROUGH_ID}`, false);
}

/**
 * On the first activation after install: sets the flag, then opens the walkthrough (flag first: a host without
 * walkthroughs fails the same way on every start and is not asked again). Never under the test runner (a test
 * that wants it activates in another mode). Activation does not wait for it.
 */
export function openWalkthroughOnce(context: vscode.ExtensionContext, log: Logger): Promise<void> {
  if (context.extensionMode === vscode.ExtensionMode.Test || context.globalState.get<boolean>(WALKTHROUGH_SHOWN_KEY)) {
    return Promise.resolve();
  }
  const open = async () => {
    await context.globalState.update(WALKTHROUGH_SHOWN_KEY, true);
    await openWalkthrough();
    log.info('First start: opened the Get Started walkthrough');
  };
  return open().catch((e: unknown) => log.info(`The Get Started walkthrough was not opened: ${errorText(e)}`));
}
