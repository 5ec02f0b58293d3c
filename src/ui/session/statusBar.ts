/**
 * The organization status bar item (ARCHITECTURE.md §3), driven by session events. A status bar item has no
 * hover hook, so while a token's expiry is shown the tooltip is rebuilt every 30 s (local, no request): its
 * "in N min" is current when hovered.
 */
import * as vscode from 'vscode';
import { CommandIds, STATUS_BAR_ID } from '../../constants';
import { DisposableBase } from '../../core/events';
import { plain, plainCode, plainMarkdown } from '../../core/plainText';
import type { SessionService } from '../../core/session/sessionService';

export class OrganizationStatusBar extends DisposableBase {
  private readonly item: vscode.StatusBarItem;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly session: SessionService,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem(STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 10));
    this.item.name = vscode.l10n.t('Appcircle Organization');
    this._register(session.onDidChangeSession(() => this.update()));
    this._register(session.onDidChangeBusy(() => this.update()));
    this._register(session.onDidChangeToken(() => this.update()));
    this._register({ dispose: () => this.setTicking(false) });
    this.update();
    this.item.show();
  }

  update(): void {
    const s = this.session.session;
    this.setTicking(s?.tokenExpiresAt !== undefined);
    if (!s) {
      this.item.text = this.session.busy ? '$(loading~spin) Appcircle' : '$(sign-in) Appcircle';
      this.item.tooltip = vscode.l10n.t('Appcircle: not signed in. Click to sign in.');
      this.item.command = CommandIds.login;
      // busy without a session: a sign-in is minting its first token
      this.item.accessibilityInformation = {
        label: this.session.busy ? vscode.l10n.t('Appcircle: signing in…') : vscode.l10n.t('Appcircle, not signed in. Sign in.'),
      };
      return;
    }
    // the organization name comes from the server: no `$(icon)` of its own in the text, no links in the tooltip (N13)
    this.item.text = `${this.session.busy ? '$(loading~spin)' : '$(organization)'} ${plain(s.organizationName)}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${vscode.l10n.t('Appcircle')}**\n\n`);
    md.appendMarkdown(
      `${vscode.l10n.t('Signed in as: {0} ({1})', plainMarkdown(s.account), s.kind === 'pat' ? vscode.l10n.t('Personal Access Key') : s.kind === 'apiKey' ? vscode.l10n.t('API key') : vscode.l10n.t('access token'))}\n\n`,
    );
    md.appendMarkdown(
      `${vscode.l10n.t('Organization: {0} ({1})', plainMarkdown(s.organizationName), s.isRootOrganization ? vscode.l10n.t('root organization') : vscode.l10n.t('sub-organization'))}\n\n`,
    );
    md.appendMarkdown(`${vscode.l10n.t('Organization id: `{0}`', plainCode(s.organizationId))}\n\n`);
    md.appendMarkdown(`${vscode.l10n.t('Access token: {0}', expiryText(s.tokenExpiresAt, this.now()))}\n\n`);
    md.appendMarkdown(s.kind === 'accessToken' ? vscode.l10n.t('Click for actions.') : vscode.l10n.t('Click to switch organization.'));
    this.item.tooltip = md;
    this.item.command = CommandIds.selectOrganization;
    // busy with a session: the access token is being renewed (or minted for a switch)
    this.item.accessibilityInformation = {
      label: this.session.busy
        ? vscode.l10n.t('Appcircle organization {0}: renewing the access token…', plain(s.organizationName))
        : vscode.l10n.t('Appcircle organization {0}. Switch organization.', plain(s.organizationName)),
    };
  }

  private setTicking(on: boolean): void {
    if (on && !this.ticker) {
      this.ticker = setInterval(() => this.update(), TOOLTIP_TICK_MS);
      // a status bar's clock keeps no test runner (or extension host shutdown) waiting
      this.ticker.unref?.();
    } else if (!on && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }
}

/** How often the tooltip's "expires in N min" is rebuilt while signed in. */
export const TOOLTIP_TICK_MS = 30_000;

export function expiryText(expiresAt: number | undefined, now: number): string {
  if (expiresAt === undefined) {
    return vscode.l10n.t('not requested yet');
  }
  const mins = Math.round((expiresAt - now) / 60_000);
  const at = new Date(expiresAt).toLocaleTimeString();
  if (mins <= 0) {
    return vscode.l10n.t('expired at {0} (renewed on next use)', at);
  }
  return mins < 120 ? vscode.l10n.t('expires at {0} (in {1} min)', at, mins) : vscode.l10n.t('expires at {0}', at);
}
