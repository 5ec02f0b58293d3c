import * as vscode from 'vscode';
import type { SessionService } from '../../core/session/sessionService';

/** Sign Out: works offline; clears the secret, tokens, caches and every surface. */
export async function signOut(session: SessionService): Promise<void> {
  if (!session.isSignedIn) {
    void vscode.window.showInformationMessage(vscode.l10n.t('You are not signed in to Appcircle.'));
    await session.signOut(); // still clears any leftover secret
    return;
  }
  await session.signOut();
  void vscode.window.showInformationMessage(vscode.l10n.t('Signed out of Appcircle.'));
}
