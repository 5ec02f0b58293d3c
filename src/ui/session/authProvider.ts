/** Thin AuthenticationProvider over the session service (ARCHITECTURE.md §3): the Accounts menu shows the session. */
import * as vscode from 'vscode';
import { CommandIds } from '../../constants';
import { DisposableBase } from '../../core/events';
import type { SessionInfo } from '../../core/session/models';
import type { SessionService } from '../../core/session/sessionService';

export class AppcircleAuthProvider extends DisposableBase implements vscode.AuthenticationProvider {
  private readonly _onDidChangeSessions = this._register(
    new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>(),
  );
  readonly onDidChangeSessions = this._onDidChangeSessions.event;
  private last: vscode.AuthenticationSession | undefined;

  constructor(private readonly session: SessionService) {
    super();
    this._register(
      session.onDidChangeSession(() => {
        const prev = this.last;
        const next = this.toSession(session.session, '');
        this.last = next;
        if (prev && (!next || prev.id !== next.id)) {
          this._onDidChangeSessions.fire({ added: next ? [next] : [], removed: [prev], changed: [] });
        } else if (!prev && next) {
          this._onDidChangeSessions.fire({ added: [next], removed: [], changed: [] });
        } else if (prev && next) {
          this._onDidChangeSessions.fire({ added: [], removed: [], changed: [next] });
        }
      }),
    );
    this.last = this.toSession(session.session, '');
  }

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    const info = this.session.session;
    if (!info) {
      return [];
    }
    // hand out a token only when one is at hand or can be minted; the Accounts menu must not fail offline
    const token = await this.session.getAccessToken().catch(() => '');
    const s = this.toSession(this.session.session, token);
    return s ? [s] : [];
  }

  /**
   * The Accounts menu's sign-in. When it ends without a session (Escape, or a failure the Sign In command has
   * already reported), reject with a CancellationError: VS Code shows no notification for one (its menus skip
   * `isCancellationError`), while any other rejection would pop up a second, bare error message.
   */
  async createSession(): Promise<vscode.AuthenticationSession> {
    await vscode.commands.executeCommand(CommandIds.login);
    if (!this.session.session) {
      throw new vscode.CancellationError();
    }
    const token = await this.session.getAccessToken();
    const s = this.toSession(this.session.session, token);
    if (!s) {
      throw new vscode.CancellationError();
    }
    return s;
  }

  async removeSession(): Promise<void> {
    await vscode.commands.executeCommand(CommandIds.logout);
  }

  private toSession(info: SessionInfo | undefined, accessToken: string): vscode.AuthenticationSession | undefined {
    if (!info) {
      return undefined;
    }
    return {
      id: `${info.accountId}@${info.organizationId}`,
      accessToken,
      account: { id: info.accountId, label: info.account },
      scopes: [],
    };
  }
}
