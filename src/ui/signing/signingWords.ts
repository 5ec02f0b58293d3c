/**
 * Signing identities in words: the kind, the expiry ("expired 3 days ago", "expires in 10 days", "expires on
 * 2027-01-15") and the state, for the tree, the notification and the agent tool. The state is always said in
 * words as well as shown by an icon's colour.
 */
import * as vscode from 'vscode';
import type { Expiry, ExpiryState } from '../../core/signing/expiry';
import { plain } from '../../core/plainText';
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

/** Which sentence an expiry takes: its state, and 0, 1 or many days (a plural is a sentence of its own). */
type ExpiryCase =
  'expiredToday' | 'expiredOneDay' | 'expiredDays' | 'expiresToday' | 'expiresOneDay' | 'expiresDays' | 'expiresOn' | 'noDate';

function expiryCase(e: Expiry): { c: ExpiryCase; n: string } {
  const d = e.daysLeft ?? 0;
  switch (e.state) {
    case 'expired':
      return { c: d === 0 ? 'expiredToday' : d === -1 ? 'expiredOneDay' : 'expiredDays', n: String(-d) };
    case 'expiring':
      return { c: d === 0 ? 'expiresToday' : d === 1 ? 'expiresOneDay' : 'expiresDays', n: String(d) };
    case 'ok':
      return { c: 'expiresOn', n: e.date ?? '' };
    case 'unknown':
      return { c: 'noDate', n: '' };
  }
}

/**
 * One whole sentence per kind and case: 'The iOS certificate "Acme" expired 3 days ago.' (never the kind, the name
 * and the expiry stitched from pieces). The name and bundle id are made inert here.
 */
export function expirySentence(i: { kind: IdentityKind; name: string; bundleId?: string; expiry: Expiry }): string {
  const { c, n } = expiryCase(i.expiry);
  const name = plain(i.name);
  switch (i.kind) {
    case 'certificate':
      return certificateSentence(c, name, n);
    case 'csr':
      return csrSentence(c, name, n);
    case 'provisioningProfile':
      return i.bundleId ? profileBundleSentence(c, name, plain(i.bundleId), n) : profileSentence(c, name, n);
    case 'keystore':
      return keystoreSentence(c, name, n);
  }
}

function certificateSentence(c: ExpiryCase, name: string, n: string): string {
  switch (c) {
    case 'expiredToday':
      return vscode.l10n.t('The iOS certificate "{0}" expired today.', name);
    case 'expiredOneDay':
      return vscode.l10n.t('The iOS certificate "{0}" expired 1 day ago.', name);
    case 'expiredDays':
      return vscode.l10n.t('The iOS certificate "{0}" expired {1} days ago.', name, n);
    case 'expiresToday':
      return vscode.l10n.t('The iOS certificate "{0}" expires today.', name);
    case 'expiresOneDay':
      return vscode.l10n.t('The iOS certificate "{0}" expires in 1 day.', name);
    case 'expiresDays':
      return vscode.l10n.t('The iOS certificate "{0}" expires in {1} days.', name, n);
    case 'expiresOn':
      return vscode.l10n.t('The iOS certificate "{0}" expires on {1}.', name, n);
    case 'noDate':
      return vscode.l10n.t('The iOS certificate "{0}" has no expiry date.', name);
  }
}

function csrSentence(c: ExpiryCase, name: string, n: string): string {
  switch (c) {
    case 'expiredToday':
      return vscode.l10n.t('The certificate signing request "{0}" expired today.', name);
    case 'expiredOneDay':
      return vscode.l10n.t('The certificate signing request "{0}" expired 1 day ago.', name);
    case 'expiredDays':
      return vscode.l10n.t('The certificate signing request "{0}" expired {1} days ago.', name, n);
    case 'expiresToday':
      return vscode.l10n.t('The certificate signing request "{0}" expires today.', name);
    case 'expiresOneDay':
      return vscode.l10n.t('The certificate signing request "{0}" expires in 1 day.', name);
    case 'expiresDays':
      return vscode.l10n.t('The certificate signing request "{0}" expires in {1} days.', name, n);
    case 'expiresOn':
      return vscode.l10n.t('The certificate signing request "{0}" expires on {1}.', name, n);
    case 'noDate':
      return vscode.l10n.t('The certificate signing request "{0}" has no expiry date.', name);
  }
}

function profileSentence(c: ExpiryCase, name: string, n: string): string {
  switch (c) {
    case 'expiredToday':
      return vscode.l10n.t('The provisioning profile "{0}" expired today.', name);
    case 'expiredOneDay':
      return vscode.l10n.t('The provisioning profile "{0}" expired 1 day ago.', name);
    case 'expiredDays':
      return vscode.l10n.t('The provisioning profile "{0}" expired {1} days ago.', name, n);
    case 'expiresToday':
      return vscode.l10n.t('The provisioning profile "{0}" expires today.', name);
    case 'expiresOneDay':
      return vscode.l10n.t('The provisioning profile "{0}" expires in 1 day.', name);
    case 'expiresDays':
      return vscode.l10n.t('The provisioning profile "{0}" expires in {1} days.', name, n);
    case 'expiresOn':
      return vscode.l10n.t('The provisioning profile "{0}" expires on {1}.', name, n);
    case 'noDate':
      return vscode.l10n.t('The provisioning profile "{0}" has no expiry date.', name);
  }
}

function profileBundleSentence(c: ExpiryCase, name: string, bundle: string, n: string): string {
  switch (c) {
    case 'expiredToday':
      return vscode.l10n.t('The provisioning profile "{0}" ({1}) expired today.', name, bundle);
    case 'expiredOneDay':
      return vscode.l10n.t('The provisioning profile "{0}" ({1}) expired 1 day ago.', name, bundle);
    case 'expiredDays':
      return vscode.l10n.t('The provisioning profile "{0}" ({1}) expired {2} days ago.', name, bundle, n);
    case 'expiresToday':
      return vscode.l10n.t('The provisioning profile "{0}" ({1}) expires today.', name, bundle);
    case 'expiresOneDay':
      return vscode.l10n.t('The provisioning profile "{0}" ({1}) expires in 1 day.', name, bundle);
    case 'expiresDays':
      return vscode.l10n.t('The provisioning profile "{0}" ({1}) expires in {2} days.', name, bundle, n);
    case 'expiresOn':
      return vscode.l10n.t('The provisioning profile "{0}" ({1}) expires on {2}.', name, bundle, n);
    case 'noDate':
      return vscode.l10n.t('The provisioning profile "{0}" ({1}) has no expiry date.', name, bundle);
  }
}

function keystoreSentence(c: ExpiryCase, name: string, n: string): string {
  switch (c) {
    case 'expiredToday':
      return vscode.l10n.t('The Android keystore "{0}" expired today.', name);
    case 'expiredOneDay':
      return vscode.l10n.t('The Android keystore "{0}" expired 1 day ago.', name);
    case 'expiredDays':
      return vscode.l10n.t('The Android keystore "{0}" expired {1} days ago.', name, n);
    case 'expiresToday':
      return vscode.l10n.t('The Android keystore "{0}" expires today.', name);
    case 'expiresOneDay':
      return vscode.l10n.t('The Android keystore "{0}" expires in 1 day.', name);
    case 'expiresDays':
      return vscode.l10n.t('The Android keystore "{0}" expires in {1} days.', name, n);
    case 'expiresOn':
      return vscode.l10n.t('The Android keystore "{0}" expires on {1}.', name, n);
    case 'noDate':
      return vscode.l10n.t('The Android keystore "{0}" has no expiry date.', name);
  }
}
