/** Composition root (STYLE.md P1): builds the object graph and returns one Disposable. */
import * as vscode from 'vscode';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, CommandIds, ViewIds } from './constants';
import { createApiFactory } from './core/apiFactory';
import { CredentialStore } from './core/credentialStore';
import { SessionExpiredError } from './core/errors';
import { DisposableBase } from './core/events';
import { OrganizationService } from './core/organizationService';
import { systemClock } from './core/ports';
import { SessionService } from './core/sessionService';
import { ContextKeySetter } from './platform/contextKeys';
import { OutputLogger } from './platform/logger';
import { VsCodeSecretStore } from './platform/secretStore';
import { Settings } from './platform/settings';
import { currentWorkspaceId } from './platform/workspace';
import { AppcircleAuthProvider } from './ui/authProvider';
import { OrganizationCommands } from './ui/commands/organization';
import { MessageErrorReporter, registerCommand } from './ui/commands/runCommand';
import type { ApiKeyArgs, PatArgs } from './ui/commands/signIn';
import { SignInCommands } from './ui/commands/signIn';
import { signOut } from './ui/commands/signOut';
import { OrganizationStatusBar } from './ui/statusBar';
import { EmptyTreeProvider } from './ui/tree/placeholderTree';

/** What activate() returns: nothing secret. */
export interface ExtensionApi {
  readonly version: 1;
}

export class Extension extends DisposableBase {
  readonly session: SessionService;
  readonly organizations: OrganizationService;
  readonly logger: OutputLogger;
  private readonly contextKeys = new ContextKeySetter();

  constructor(context: vscode.ExtensionContext) {
    super();
    const started = Date.now();
    this.logger = this._register(new OutputLogger());
    const settings = new Settings();
    const workspace = currentWorkspaceId();
    const store = this._register(new CredentialStore(new VsCodeSecretStore(context.secrets), workspace.id, workspace.name));
    const api = createApiFactory(() => settings.endpoints(), this.logger);
    this.session = this._register(new SessionService(store, api, systemClock, this.logger));
    this.organizations = this._register(new OrganizationService(this.session));
    const reporter = new MessageErrorReporter(this.logger);

    this._register(new OrganizationStatusBar(this.session));
    this._register(vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, this._register(new AppcircleAuthProvider(this.session)), { supportsMultipleAccounts: false }));
    this._register(vscode.window.registerTreeDataProvider(ViewIds.builds, new EmptyTreeProvider()));
    this._register(vscode.window.registerTreeDataProvider(ViewIds.activeBuilds, new EmptyTreeProvider()));

    const signIn = new SignInCommands(this.session, reporter);
    const orgCommands = new OrganizationCommands(this.session, this.organizations);
    this._register(registerCommand(CommandIds.login, () => signIn.login(), reporter, 'signInPat'));
    this._register(registerCommand(CommandIds.loginWithPat, (a) => signIn.loginWithPat(a as PatArgs | undefined), reporter, 'signInPat'));
    this._register(registerCommand(CommandIds.loginWithApiKey, (a) => signIn.loginWithApiKey(a as ApiKeyArgs | undefined), reporter, 'signInApiKey'));
    this._register(registerCommand(CommandIds.logout, () => signOut(this.session), reporter, 'signOut'));
    this._register(registerCommand(CommandIds.selectOrganization, (a) => orgCommands.selectOrganization(a as { organizationId: string } | undefined), reporter, 'switch'));
    this._register(registerCommand(CommandIds.showLog, () => Promise.resolve(this.logger.show()), reporter));

    this._register(
      this.session.onDidChangeSession((e) => {
        void this.updateContext();
        if (e.reason === 'expired') {
          void reporter.report(e.cause instanceof SessionExpiredError ? e.cause : new SessionExpiredError(e.cause), 'load');
        }
      }),
    );
    this._register(
      settings.onDidChangeEndpoints(() => {
        this.logger.info('Appcircle URLs changed: dropping tokens and cached data');
        this.session.resetConnection();
        this.organizations.invalidate();
      }),
    );
    void this.updateContext();
    void this.session
      .restore()
      .catch((e: unknown) => void reporter.report(e, 'load'))
      .finally(() => this.logger.info(`Activated in ${Date.now() - started} ms`));
  }

  private async updateContext(): Promise<void> {
    const s = this.session.session;
    await this.contextKeys.set('appcircle.signedIn', s !== undefined);
    await this.contextKeys.set('appcircle.canSwitchOrganization', s !== undefined && s.kind !== 'accessToken');
    await this.contextKeys.set('appcircle.noProfiles', s !== undefined);
  }
}

export function createExtension(context: vscode.ExtensionContext): Extension {
  return new Extension(context);
}
