/**
 * The agent's read of the signing identities: iOS certificates and CSRs, provisioning profiles and Android keystores,
 * each with its kind, name, bundle id, expiry date, state and days left; expired and expiring first, at most
 * MAX_IDENTITIES (or the `limit` asked for), with how many were left out.
 */
import * as vscode from 'vscode';
import { plain } from '../../core/plainText';
import type { ClassifiedIdentity } from '../../core/signing/signingService';
import { asError } from './toolLookups';
import type { AgentTool, ToolServices } from './toolLookups';
import { answer, data, intField } from './toolText';

/** Identities listed at most. */
export const MAX_IDENTITIES = 50;

function identityData(i: ClassifiedIdentity): Record<string, unknown> {
  return {
    kind: i.kind,
    id: data(i.id),
    name: data(i.name),
    bundleId: data(i.bundleId),
    expiryDate: i.expiry.date,
    state: i.expiry.state,
    daysLeft: i.expiry.daysLeft,
    store: i.storeType,
  };
}

export function signingIdentitiesTool(s: ToolServices): AgentTool {
  return {
    op: 'load',
    invocation: () => vscode.l10n.t('Listing the Appcircle signing identities'),
    async invoke(input) {
      const snap = await s.signing.identities();
      if (snap.error && snap.identities.length === 0) {
        throw asError(snap.error);
      }
      const limit = intField(input, 'limit', 1, MAX_IDENTITIES, MAX_IDENTITIES);
      const all = snap.identities;
      const shown = all.slice(0, limit);
      const expired = all.filter((i) => i.expiry.state === 'expired').length;
      const expiring = all.filter((i) => i.expiry.state === 'expiring').length;
      const org = plain(s.session.session?.organizationName);
      const days = s.signing.warningDays;
      const sentence =
        all.length === 0
          ? vscode.l10n.t('The organization {0} has no signing identities.', org)
          : vscode.l10n.t(
              'The organization {0} has {1} signing identities: {2} expired, {3} expire within {4} days. Most urgent first; daysLeft is negative for days since expiry.',
              org,
              all.length,
              expired,
              expiring,
              days,
            );
      return answer(sentence, {
        warningDays: days,
        identities: shown.map(identityData),
        omitted: all.length > shown.length ? all.length - shown.length : undefined,
        unreadKinds: snap.failed.length ? snap.failed : undefined,
        stale: snap.error ? true : undefined,
      });
    },
  };
}
