/**
 * The expiry notification: when a signing identity has expired or expires within the warning window, one warning
 * a day per organization, naming the most urgent identity, with an action that opens the Signing Identities view.
 * Checked once after sign-in, an organization switch or a restored session (after a delay, never during
 * startup), then every 24 hours while signed in; the daily check re-reads the identities from Appcircle first (a window
 * open for days sees an identity added or renewed meanwhile), the first one reads what the view has.
 *
 * Once a day across VS Code windows: `globalState` (shared by every window of this VS Code) keeps, per
 * organization, the UTC day last notified and which extension instance claimed it. A check reads it; when today is
 * not there it writes its own claim, waits CLAIM_SETTLE_MS, reads again, and notifies only when the claim is still
 * its own. Two windows that check together both write; the last write wins and the other one sees it after the
 * wait and stays quiet. The limit: VS Code propagates a globalState write to other windows asynchronously, so a
 * write that reaches the other window later than the wait can still mean two notifications that day (rare).
 */
import * as vscode from 'vscode';
import { ViewIds } from '../../constants';
import { errorText } from '../../core/errors';
import { DisposableBase } from '../../core/events';
import type { Clock, Logger } from '../../core/ports';
import type { SessionService } from '../../core/session/sessionService';
import { DAY_MS, needsAttention } from '../../core/signing/expiry';
import type { ClassifiedIdentity, SigningService } from '../../core/signing/signingService';
import { expirySentence } from './signingWords';

/** The globalState key: `{ [organizationId]: { day, owner } }`. */
export const NOTICE_STATE_KEY = 'appcircle.signing.expiryNotice';
/** After a restored session: well after startup. */
export const STARTUP_CHECK_DELAY_MS = 20_000;
/** After a sign-in or an organization switch. */
export const SESSION_CHECK_DELAY_MS = 2_000;
/** How long a claim is left to reach the other windows before it is read back. */
export const CLAIM_SETTLE_MS = 1_500;
/** Organizations remembered at most. */
const MAX_ORGANIZATIONS = 20;

type Notices = Record<string, { day: string; owner: string } | undefined>;

export type CheckResult = 'notified' | 'alreadyToday' | 'nothingDue' | 'signedOut' | 'failed' | 'otherWindow';

export interface ExpiryNotifierOptions {
  signing: Pick<SigningService, 'identities' | 'warningDays' | 'refresh'>;
  session: Pick<SessionService, 'isSignedIn' | 'session' | 'onDidChangeSession'>;
  state: vscode.Memento;
  clock: Clock;
  logger: Logger;
  /** This extension instance (tests: two instances sharing one globalState). */
  instanceId?: string;
}

export class ExpiryNotifier extends DisposableBase {
  private timer: unknown;
  private readonly owner: string;
  private running: Promise<CheckResult> | undefined;

  constructor(private readonly o: ExpiryNotifierOptions) {
    super();
    this.owner = o.instanceId ?? `${process.pid}-${Math.random().toString(36).slice(2)}`;
    this._register(
      o.session.onDidChangeSession((e) => {
        if (!e.session) {
          this.stop();
        } else if (e.reason === 'restore') {
          this.schedule(STARTUP_CHECK_DELAY_MS);
        } else if (e.reason === 'signIn' || e.reason === 'switch' || e.reason === 'external') {
          this.schedule(SESSION_CHECK_DELAY_MS);
        }
      }),
    );
    this._register({ dispose: () => this.stop() });
    // loaded in a window that is already signed in: a check once startup is well over
    if (o.session.isSignedIn) {
      this.schedule(STARTUP_CHECK_DELAY_MS);
    }
  }

  /** The next check in `ms` (replacing an armed one). */
  private schedule(ms: number): void {
    this.stop();
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      void this.check(ms === DAY_MS).finally(() => {
        if (this.o.session.isSignedIn && this.timer === undefined) {
          this.schedule(DAY_MS);
        }
      });
    }, ms);
  }

  private stop(): void {
    if (this.timer !== undefined) {
      this.o.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** One check now (one at a time): what it did. `reread`: the lists are read from Appcircle again first. */
  check(reread = false): Promise<CheckResult> {
    this.running ??= this.checkOnce(reread).finally(() => (this.running = undefined));
    return this.running;
  }

  private async checkOnce(reread: boolean): Promise<CheckResult> {
    const org = this.o.session.session?.organizationId;
    if (!this.o.session.isSignedIn || !org) {
      return 'signedOut';
    }
    if (reread) {
      // a day later the cached lists are a day old: an identity added or renewed since is only seen on a re-read
      this.o.signing.refresh();
    }
    let due: ClassifiedIdentity[];
    try {
      due = (await this.o.signing.identities()).identities.filter((i) => needsAttention(i.expiry));
    } catch (e) {
      this.o.logger.info(`Signing identity expiry not checked: ${errorText(e)}`);
      return 'failed';
    }
    if (!due.length) {
      return 'nothingDue';
    }
    const day = new Date(this.o.clock.now()).toISOString().slice(0, 10);
    if (this.notices()[org]?.day === day) {
      return 'alreadyToday';
    }
    await this.claim(org, day);
    await new Promise<void>((r) => this.o.clock.setTimeout(r, CLAIM_SETTLE_MS));
    const now = this.notices()[org];
    if (now?.owner !== this.owner || now.day !== day || this.o.session.session?.organizationId !== org) {
      return 'otherWindow';
    }
    this.o.logger.info(`${due.length} signing identities expired or expire within ${this.o.signing.warningDays} days: notifying`);
    void this.show(due);
    return 'notified';
  }

  private notices(): Notices {
    const v = this.o.state.get<unknown>(NOTICE_STATE_KEY);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Notices) : {};
  }

  private async claim(org: string, day: string): Promise<void> {
    const others = Object.entries(this.notices())
      .filter(([k]) => k !== org)
      .slice(-(MAX_ORGANIZATIONS - 1));
    await this.o.state.update(NOTICE_STATE_KEY, { ...Object.fromEntries(others), [org]: { day, owner: this.owner } });
  }

  private async show(due: readonly ClassifiedIdentity[]): Promise<void> {
    const action = vscode.l10n.t('Show Signing Identities');
    const picked = await vscode.window.showWarningMessage(expiryNotice(due, this.o.signing.warningDays), action);
    if (picked === action) {
      await vscode.commands.executeCommand(`${ViewIds.signingIdentities}.focus`);
    }
  }
}

/** The most urgent identity in a whole sentence, then how many more, each count and window a sentence per plural. */
export function expiryNotice(due: readonly ClassifiedIdentity[], days: number): string {
  const first = expirySentence(due[0]);
  const others = due.length - 1;
  if (others === 0) {
    return first;
  }
  if (others === 1) {
    return days === 1
      ? vscode.l10n.t('{0} One more signing identity has expired or expires within 1 day.', first)
      : vscode.l10n.t('{0} One more signing identity has expired or expires within {1} days.', first, days);
  }
  return days === 1
    ? vscode.l10n.t('{0} {1} more signing identities have expired or expire within 1 day.', first, others)
    : vscode.l10n.t('{0} {1} more signing identities have expired or expire within {2} days.', first, others, days);
}
