/** Composition root (ARCHITECTURE.md §2): builds the object graph and returns one Disposable. */
import * as vscode from 'vscode';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, CommandIds, ViewIds } from './constants';
import { createApiFactory } from './core/apiFactory';
import { CredentialStore } from './core/credentialStore';
import { SessionExpiredError } from './core/errors';
import { DisposableBase } from './core/events';
import { OrganizationService } from './core/organizationService';
import { componentLogger, systemClock } from './core/ports';
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
import { BuildService } from './core/buildService';
import { readGitInfo } from './platform/gitInfo';
import { BuildCommands } from './ui/commands/buildCommands';
import { LOG_SCHEME, LogDocumentProvider } from './ui/logDocument';
import { BuildNotifier } from './ui/notifications';
import { ActiveBuildsTreeProvider } from './ui/tree/activeBuildsTree';
import { BuildsTreeProvider } from './ui/tree/buildsTree';
import type { AppcircleNode } from './ui/tree/nodes';
import { LogModels } from './ui/logModels';
import { LogLanguageFeatures } from './ui/logLanguage';
import { BuildDiagnostics } from './ui/buildDiagnostics';
import { VsCodeWorkspaceFiles } from './platform/workspaceFiles';
import { LogCommands } from './ui/commands/logCommands';
import { CommitStatusService } from './core/commitStatus';
import { GitHeadWatcher } from './platform/git';
import { CommitStatusBar } from './ui/commitStatusBar';
import { CommitCommands } from './ui/commands/commitCommands';

/**
 * Set by esbuild's `define`: true only in the test build (`node esbuild.js --test-api`), false in every other
 * bundle, where the test API is dead code and left out. Undeclared in code compiled by tsc alone (unit tests).
 */
declare const __APPCIRCLE_TEST_API__: boolean | undefined;

/** What activate() returns: nothing secret (the test API exists only in the test build, with APPCIRCLE_TEST_API=1). */
export interface ExtensionApi {
  readonly version: 1;
  readonly testApi?: TestApi;
}

/** For the integration suite only (azrg testApi pattern), enabled by an environment flag. */
export interface TestApi {
  storedSessionRaw(): Promise<string | undefined>;
  accessToken(): Promise<string | undefined>;
  accountSessions(): Promise<readonly vscode.AuthenticationSession[]>;
  readonly extension: AppcircleExtension;
}

export class AppcircleExtension extends DisposableBase {
  readonly session: SessionService;
  readonly organizations: OrganizationService;
  readonly logger: OutputLogger;
  readonly builds: BuildService;
  private readonly contextKeys = new ContextKeySetter();
  readonly store: CredentialStore;
  readonly secrets: vscode.SecretStorage;
  readonly authProvider: AppcircleAuthProvider;
  readonly diagnostics: BuildDiagnostics;
  readonly notifier: BuildNotifier;
  readonly commitStatus: CommitStatusService;
  readonly git: GitHeadWatcher;

  constructor(context: vscode.ExtensionContext) {
    super();
    const started = Date.now();
    this.logger = this._register(new OutputLogger());
    const settings = new Settings();
    const workspace = currentWorkspaceId();
    this.secrets = context.secrets;
    const store = (this.store = this._register(new CredentialStore(new VsCodeSecretStore(context.secrets), workspace.id, workspace.name)));
    const api = createApiFactory(() => settings.endpoints(), componentLogger(this.logger, 'http'));
    this.session = this._register(new SessionService(store, api, systemClock, componentLogger(this.logger, 'session')));
    this.organizations = this._register(new OrganizationService(this.session));
    const reporter = new MessageErrorReporter(componentLogger(this.logger, 'ui'));

    this._register(new OrganizationStatusBar(this.session));
    this.authProvider = this._register(new AppcircleAuthProvider(this.session));
    this._register(
      vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, this.authProvider, {
        supportsMultipleAccounts: false,
      }),
    );
    this.builds = this._register(
      new BuildService({
        session: this.session,
        clock: systemClock,
        logger: this.logger,
        pollIntervalMs: () => settings.pollIntervalMs(),
        gitRemotes: () => readGitInfo().then((g) => g.remotes),
      }),
    );
    const buildsTree = this._register(new BuildsTreeProvider(this.builds, this.session));
    buildsTree.onProfilesLoaded = (count, failed) => void this.contextKeys.set('appcircle.noProfiles', !failed && count === 0);
    const activeTree = this._register(new ActiveBuildsTreeProvider(this.builds, this.session));
    const buildsView = this._register(
      vscode.window.createTreeView<AppcircleNode>(ViewIds.builds, { treeDataProvider: buildsTree, showCollapseAll: true }),
    );
    const activeView = this._register(vscode.window.createTreeView<AppcircleNode>(ViewIds.activeBuilds, { treeDataProvider: activeTree }));
    activeTree.view = activeView;
    // slow down when the window is unfocused and no Appcircle view is visible
    const updateBackground = () =>
      this.builds.scheduler.setBackground(!vscode.window.state.focused && !buildsView.visible && !activeView.visible);
    this._register(vscode.window.onDidChangeWindowState(updateBackground));
    this._register(buildsView.onDidChangeVisibility(updateBackground));
    this._register(activeView.onDidChangeVisibility(updateBackground));
    updateBackground();
    this._register(settings.onDidChangePolling(() => this.builds.scheduler.reschedule()));
    const logs = this._register(new LogDocumentProvider(this.builds, componentLogger(this.logger, 'logs')));
    this._register(vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, logs));
    this.notifier = this._register(new BuildNotifier(this.builds, () => settings.notifyMode()));

    const signIn = new SignInCommands(this.session, reporter);
    const orgCommands = new OrganizationCommands(this.session, this.organizations);
    this._register(registerCommand(CommandIds.login, () => signIn.login(), reporter, 'signInPat'));
    this._register(registerCommand(CommandIds.loginWithPat, (a) => signIn.loginWithPat(a as PatArgs | undefined), reporter, 'signInPat'));
    this._register(
      registerCommand(CommandIds.loginWithApiKey, (a) => signIn.loginWithApiKey(a as ApiKeyArgs | undefined), reporter, 'signInApiKey'),
    );
    this._register(registerCommand(CommandIds.logout, () => signOut(this.session), reporter, 'signOut'));
    this._register(
      registerCommand(
        CommandIds.selectOrganization,
        (a) => orgCommands.selectOrganization(a as { organizationId: string } | undefined),
        reporter,
        'switch',
      ),
    );
    this._register(registerCommand(CommandIds.showLog, () => Promise.resolve(this.logger.show()), reporter));
    const bc = new BuildCommands(
      this.builds,
      this.session,
      context.globalState,
      () => settings.endpoints().dashboardUrl,
      () => readGitInfo().then((g) => g.branches),
    );
    this._register(registerCommand(CommandIds.refresh, (n) => Promise.resolve(bc.refresh(n)), reporter, 'load'));
    this._register(registerCommand(CommandIds.startBuild, (n) => bc.startBuild(n), reporter, 'startBuild'));
    this._register(registerCommand(CommandIds.rebuild, (n) => bc.rebuild(n), reporter, 'startBuild'));
    this._register(registerCommand(CommandIds.cancelBuild, (n) => bc.cancel(n), reporter, 'cancelBuild'));
    this._register(registerCommand(CommandIds.showBuildLog, (n) => bc.showLog(n), reporter, 'load'));
    this._register(
      registerCommand(
        CommandIds.downloadArtifacts,
        (n, folder) => bc.downloadArtifacts(n, typeof folder === 'string' ? folder : undefined),
        reporter,
        'download',
      ),
    );
    this._register(registerCommand(CommandIds.openInAppcircle, (n) => bc.openInAppcircle(n), reporter));
    this._register(registerCommand(CommandIds.copyBuildId, (n) => bc.copyBuildId(n), reporter));
    this._register(registerCommand(CommandIds.loadMore, (n) => Promise.resolve(bc.loadMore(n)), reporter, 'load'));
    this._register(registerCommand(CommandIds.retry, (n) => Promise.resolve(bc.retry(n)), reporter, 'load'));
    // logs with structure (steps, Go to First Error) and a failed build's errors in the Problems panel
    const logModels = this._register(new LogModels());
    const logFeatures = this._register(new LogLanguageFeatures(logModels));
    this.diagnostics = this._register(new BuildDiagnostics(logModels, this.builds, this.session, new VsCodeWorkspaceFiles()));
    const logCommands = new LogCommands(this.diagnostics, (n) => bc.logUriFor(n));
    this._register(registerCommand(CommandIds.goToFirstError, (u) => logFeatures.goToFirstError(u), reporter));
    this._register(registerCommand(CommandIds.showBuildProblems, (n) => logCommands.showProblems(n), reporter, 'load'));
    // the build of the commit you are on: a second status-bar item, Build This Commit, a push followed
    const commitStatus = (this.commitStatus = this._register(
      new CommitStatusService({
        builds: this.builds,
        session: this.session,
        clock: systemClock,
        logger: componentLogger(this.logger, 'commit'),
      }),
    ));
    this._register(new CommitStatusBar(commitStatus));
    this.git = this._register(new GitHeadWatcher());
    this._register(this.git.onDidChangeHead((h) => commitStatus.setHead(h)));
    this._register(this.git.onDidPush((h) => commitStatus.pushed(h)));
    void this.git
      .start()
      .catch((e: unknown) =>
        componentLogger(this.logger, 'commit').info(
          `Git is not available for the build of this commit: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
    const commitCommands = new CommitCommands(commitStatus, this.session, (a) => bc.startBuild(a));
    this._register(registerCommand(CommandIds.buildThisCommit, () => commitCommands.buildThisCommit(), reporter, 'startBuild'));

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
        componentLogger(this.logger, 'extension').info('Appcircle URLs changed: dropping tokens and cached data');
        this.session.resetConnection();
        this.organizations.invalidate();
      }),
    );
    void this.updateContext();
    void this.session
      .restore()
      .catch((e: unknown) => void reporter.report(e, 'load'))
      .finally(() => componentLogger(this.logger, 'extension').info(`Activated in ${Date.now() - started} ms`));
  }

  private async updateContext(): Promise<void> {
    const s = this.session.session;
    await this.contextKeys.set('appcircle.signedIn', s !== undefined);
    await this.contextKeys.set('appcircle.canSwitchOrganization', s !== undefined && s.kind !== 'accessToken');
    if (!s) {
      await this.contextKeys.set('appcircle.noProfiles', false);
    }
  }
}

export function createExtension(context: vscode.ExtensionContext): AppcircleExtension {
  return new AppcircleExtension(context);
}

export function apiFor(ext: AppcircleExtension, env: NodeJS.ProcessEnv = process.env): ExtensionApi {
  // `if (false)` in a bundle built without --test-api: the production build (minified) drops the block
  if (typeof __APPCIRCLE_TEST_API__ !== 'undefined' && __APPCIRCLE_TEST_API__ && env.APPCIRCLE_TEST_API === '1') {
    return {
      version: 1,
      testApi: {
        storedSessionRaw: () => Promise.resolve(ext.secrets.get(ext.store.key)),
        accessToken: () => (ext.session.isSignedIn ? ext.session.getAccessToken() : Promise.resolve(undefined)),
        accountSessions: () => ext.authProvider.getSessions(),
        extension: ext,
      },
    };
  }
  return { version: 1 };
}
