/**
 * Appcircle's hosted MCP server (docs: appcircle-api-next §8) offered to the editor's agent through an MCP server
 * definition provider, when appcircle.mcp.enabled is on and a session is signed in. Registered at activation
 * (src/container.ts), because VS Code asks for the definitions eagerly: it imports nothing of the features part.
 *
 * No secret is ever in a definition that is provided: VS Code may keep those. The access token is added only when
 * the editor starts the server (resolveMcpServerDefinition), fresh from the session, and is written nowhere.
 */
import type * as Crypto from 'node:crypto';
import * as vscode from 'vscode';
import { CommandIds } from '../../constants';
import { NotSignedInError, SessionExpiredError, errorText, isApiError } from '../../core/errors';
import { DisposableBase } from '../../core/events';
import type { Logger } from '../../core/ports';
import type { SessionInfo } from '../../core/session/models';
import type { SessionService } from '../../core/session/sessionService';
import type { Settings } from '../../platform/settings';

export const MCP_PROVIDER_ID = 'appcircle.mcpServer';
const LABEL = 'Appcircle';

type McpSession = Pick<SessionService, 'session' | 'getAccessToken' | 'onDidChangeSession'>;
type McpSettingsSource = Pick<Settings, 'mcp' | 'onDidChangeMcp'>;

export class AppcircleMcpProvider extends DisposableBase implements vscode.McpServerDefinitionProvider<vscode.McpHttpServerDefinition> {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** Sign-in, sign-out, a switch of organization, another window's change, a change of the settings. */
  readonly onDidChangeMcpServerDefinitions = this._onDidChange.event;
  /** The last URL problem written to the log (once per problem, not on every ask). */
  private loggedProblem: string | undefined;

  constructor(
    private readonly session: McpSession,
    private readonly settings: McpSettingsSource,
    private readonly logger: Logger,
  ) {
    super();
    this._register(session.onDidChangeSession(() => this._onDidChange.fire()));
    this._register(settings.onDidChangeMcp(() => this._onDidChange.fire()));
  }

  /** One definition while enabled and signed in, with no secret in it; none otherwise. */
  provideMcpServerDefinitions(): vscode.McpHttpServerDefinition[] {
    const offered = this.offered();
    return offered ? [new vscode.McpHttpServerDefinition(LABEL, vscode.Uri.parse(offered.url), {}, offered.version)] : [];
  }

  /**
   * The editor starts the server: the definition with `Authorization: Bearer <a fresh access token>`, sent to the
   * URL the settings name now. Signed out: a message with Sign In, and undefined (the server does not start).
   */
  async resolveMcpServerDefinition(
    server: vscode.McpHttpServerDefinition,
    token: vscode.CancellationToken,
  ): Promise<vscode.McpHttpServerDefinition | undefined> {
    const offered = this.offered();
    if (!offered) {
      if (!this.session.session) {
        this.askToSignIn();
      } else {
        this.logger.info("Appcircle's MCP server was not started: appcircle.mcp.enabled is off or it has no URL");
      }
      return undefined;
    }
    let accessToken: string;
    try {
      accessToken = await this.session.getAccessToken();
    } catch (e) {
      if (token.isCancellationRequested) {
        return undefined;
      }
      this.logger.warn(`No access token for Appcircle's MCP server: ${errorText(e)}`);
      throw new Error(tokenFailureText(e));
    }
    if (token.isCancellationRequested) {
      return undefined;
    }
    const now = this.offered();
    if (!now || now.version !== offered.version || now.url !== offered.url) {
      // signed out, switched or reconfigured while the token was minted: the editor asks again after the change
      this.logger.info("Appcircle's MCP server was not started: the session or its settings changed meanwhile");
      return undefined;
    }
    const headers = { ...server.headers, Authorization: `Bearer ${accessToken}` };
    return new vscode.McpHttpServerDefinition(server.label, vscode.Uri.parse(now.url), headers, server.version);
  }

  /** The URL and version of the server offered now, if any; a URL problem is logged once. */
  private offered(): { url: string; version: string } | undefined {
    const m = this.settings.mcp();
    if (!m.enabled) {
      return undefined;
    }
    if (m.problem !== this.loggedProblem) {
      this.loggedProblem = m.problem;
      if (m.problem) {
        this.logger.warn(`Appcircle's MCP server is not offered: ${m.problem}`);
      }
    }
    const s = this.session.session;
    return s && m.url ? { url: m.url, version: versionOf(s) } : undefined;
  }

  /** Not awaited: the editor is told "not started" at once, the message stays until it is closed. */
  private askToSignIn(): void {
    const signIn = vscode.l10n.t('Sign In');
    void vscode.window
      .showInformationMessage(vscode.l10n.t("Sign in to Appcircle to use Appcircle's MCP server."), signIn)
      .then((choice) => (choice === signIn ? vscode.commands.executeCommand(CommandIds.login) : undefined));
  }
}

/**
 * Changes with the account and the organization, so the editor refreshes the tools after a switch. A short hash:
 * no account name or id in what VS Code keeps of the definition (neither is secret, but neither is needed).
 */
function versionOf(s: SessionInfo): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- node:crypto on first use, not at activation
  const { createHash } = require('node:crypto') as typeof Crypto;
  return createHash('sha256').update(`${s.accountId}\n${s.organizationId}`).digest('hex').slice(0, 12);
}

/**
 * Why no token could be had, in words (the editor shows the message). Kept here rather than through
 * src/ui/errors/, which belongs to the features part: this file is loaded at activation.
 */
function tokenFailureText(e: unknown): string {
  if (e instanceof SessionExpiredError) {
    return vscode.l10n.t("Your Appcircle session has ended. Sign in again to use Appcircle's MCP server.");
  }
  if (e instanceof NotSignedInError) {
    return vscode.l10n.t("Sign in to Appcircle to use Appcircle's MCP server.");
  }
  if (isApiError(e) && ['timeout', 'connectionRefused', 'dns', 'tls', 'network'].includes(e.kind)) {
    return vscode.l10n.t('Appcircle could not be reached for an access token for its MCP server. Check your connection and try again.');
  }
  return vscode.l10n.t('Appcircle did not give an access token for its MCP server. The Appcircle output has the details.');
}

/** Registers the provider where the host has the API (VS Code 1.101+); elsewhere logs it and does nothing. */
export function registerMcpProvider(
  session: McpSession,
  settings: McpSettingsSource,
  logger: Logger,
): vscode.Disposable & { readonly provider?: AppcircleMcpProvider } {
  const lm = (vscode as { lm?: Partial<typeof vscode.lm> }).lm;
  if (typeof lm?.registerMcpServerDefinitionProvider !== 'function') {
    logger.info("This editor has no MCP server definition API: Appcircle's MCP server is not offered");
    return { dispose: () => undefined };
  }
  const provider = new AppcircleMcpProvider(session, settings, logger);
  const registration = lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, provider);
  return {
    provider,
    dispose: () => {
      vscode.Disposable.from(registration, provider).dispose();
    },
  };
}
