/**
 * Signing identities in words: the kind, the expiry ("expired 3 days ago", "expires in 10 days", "expires on
 * 2027-01-15") and the state, for the tree, the notification and the agent tool. The state is always said in
 * words as well as shown by an icon's colour.
 */
import * as vscode from 'vscode';
import type { Expiry, ExpiryState } from '../../core/signing/expiry';
import type { IdentityKind } from '../../core/signing/signingService';

export function kindWords(kind: IdentityKind): string {
  switch (kind) {
    case 'certificate':
      return vscode.l10n.t('iOS certificate');
    case 'csr':
      return vscode.l10n.t('certificate signing request');
    case 'provisioningProfile':
      return vscode.l10n.t('provisioning profile');
    case 'keystore':
      return vscode.l10n.t('Android keystore');
  }
}

export function stateWords(state: ExpiryState): string {
  switch (state) {
    case 'expired':
      return vscode.l10n.t('expired');
    case 'expiring':
      return vscode.l10n.t('expiring soon');
    case 'ok':
      return vscode.l10n.t('valid');
    case 'unknown':
      return vscode.l10n.t('expiry unknown');
  }
}

/** When it expires or expired, relative within the window or after it, else the date. */
export function expiryWords(e: Expiry): string {
  const d = e.daysLeft ?? 0;
  switch (e.state) {
    case 'expired':
      return d === 0
        ? vscode.l10n.t('expired today')
        : d === -1
          ? vscode.l10n.t('expired 1 day ago')
          : vscode.l10n.t('expired {0} days ago', -d);
    case 'expiring':
      return d === 0
        ? vscode.l10n.t('expires today')
        : d === 1
          ? vscode.l10n.t('expires in 1 day')
          : vscode.l10n.t('expires in {0} days', d);
    case 'ok':
      return vscode.l10n.t('expires on {0}', e.date ?? '');
    case 'unknown':
      return vscode.l10n.t('no expiry date');
  }
}

/** The theme icon and colour of a state; undefined for a valid or unknown one (the kind's icon is shown). */
export function stateLook(state: ExpiryState): { icon: string; color: string } | undefined {
  if (state === 'expired') {
    return { icon: 'error', color: 'list.errorForeground' };
  }
  if (state === 'expiring') {
    return { icon: 'warning', color: 'list.warningForeground' };
  }
  return undefined;
}

export function kindIcon(kind: IdentityKind): string {
  return kind === 'keystore' ? 'key' : kind === 'provisioningProfile' ? 'file-code' : kind === 'csr' ? 'file' : 'shield';
}
