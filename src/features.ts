/**
 * Everything the extension does beyond its startup (ARCHITECTURE.md §2): builds, trees, logs, notifications, the
 * Problems panel, the build of the commit you are on, and every command's implementation. In the bundle this is
 * dist/features.js, loaded (src/lazyFeatures.ts) on first use: the startup part (src/container.ts, whose loadWhen
 * lists the triggers) decides when, builds Features with a FeatureHost, and forwards VS Code's calls to it. This
 * part owns what happens and reaches the startup part only through that host.
 */
import type * as vscode from 'vscode';
import { CommandIds } from './constants';
import type { ApiFactory } from './core/apiFactory';
import { createApiFactory } from './core/apiFactory';
import { BuildService } from './core/builds/buildService';
import { CommitStatusService } from './core/commit/commitStatus';
import { BuildLogStream } from './core/logs/logStream';
import { DisposableBase } from './core/events';
import type { OrganizationService } from './core/session/organizationService';
import type { Endpoints, Logger } from './core/ports';
import { componentLogger, systemClock } from './core/ports';
import type { SessionService } from './core/session/sessionService';
import type { ContextKeySetter } from './platform/contextKeys';
import type { GitHeadWatcher } from './platform/git/headWatcher';
import { readGitInfo } from './platform/git/gitFiles';
import type { OutputLogger } from './platform/logger';
import type { Settings } from './platform/settings';
import { VsCodeWorkspaceFiles } from './platform/workspaceFiles';
import { BuildDiagnostics } from './ui/logs/buildDiagnostics';
import { BuildCommands } from './ui/builds/buildCommands';
import type { BuildRef } from './ui/builds/buildRef';
import { buildRefOf, toBuildRef } from './ui/builds/buildRef';
import { StartBuildWizard } from './ui/builds/startBuild';
import { CommitCommands } from './ui/commit/commitCommands';
import { LogCommands } from './ui/logs/logCommands';
import { OrganizationCommands } from './ui/session/organization';
import type { ErrorReporter } from './ui/runCommand';
import { MessageErrorReporter, commandHandler } from './ui/runCommand';
import { SignInCommands, isApiKeyArgs, isPatArgs } from './ui/session/signIn';
import { signOut } from './ui/session/signOut';
import { CommitStatusBar } from './ui/commit/commitStatusBar';
import type { Operation } from './ui/errors/errorMessages';
import { LogDocumentProvider } from './ui/logs/logDocument';
import { LogLanguageFeatures } from './ui/logs/logLanguage';
import { LogModels } from './ui/logs/logModels';
import { BuildNotifier } from './ui/builds/notifications';
import { ActiveBuildsTreeProvider } from './ui/tree/activeBuildsTree';
import { BuildsTreeProvider } from './ui/tree/buildsTree';
import type { AppcircleNode } from './ui/tree/nodes';
import { openWalkthrough } from './ui/walkthrough';
import { AgentTools } from './ui/agent/agentTool';
import { SigningService } from './core/signing/signingService';
import { ExpiryNotifier } from './ui/signing/expiryNotifier';
import { SigningTreeProvider } from './ui/signing/signingTree';
import { DistributionFeature } from './ui/distribution/distributionFeature';

/** Git's HEAD as the startup part watches it (it decides when this part loads): src/platform/git/headWatcher.ts. */
export type GitReports = Pick<GitHeadWatcher, 'head' | 'pushing' | 'onDidChangeHead' | 'onDidPush' | 'remotes'>;

/** The views, created at activation with forwarding providers (src/ui/lazyProviders.ts LazyTreeViews). */
export interface FeatureViews {
  readonly active: vscode.TreeView<AppcircleNode>;
  /** Whether polling should slow down now (window unfocused, no Appcircle view visible); fired on each change. */
  readonly isBackground: boolean;
  readonly onDidChangeBackground: vscode.Event<boolean>;
}

/**
 * What the startup part hands over, and all this part knows of it: its services, git's HEAD and the views. This
 * part never calls back into the startup part.
 */
export interface FeatureHost {
  readonly context: vscode.ExtensionContext;
  readonly session: SessionService;
  readonly organizations: OrganizationService;
  readonly logger: OutputLogger;
  readonly settings: Settings;
  readonly contextKeys: ContextKeySetter;
  readonly git: GitReports;
  readonly views: FeatureViews;
}

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];

/** The HTTP layer, built here so that activation never loads it (see AppcircleExtension's api factory). */
export function apiFactory(getEndpoints: () => Endpoints, logger: Logger): ApiFactory {
  return createApiFactory(getEndpoints, logger);
}

export class Features extends DisposableBase {
  readonly builds: BuildService;
  readonly buildsTree: BuildsTreeProvider;
  readonly activeTree: ActiveBuildsTreeProvider;
  readonly logs: LogDocumentProvider;
  /** The hook service's stream of running builds' logs (src/core/logs/logStream.ts). */
  readonly logStream: BuildLogStream;
  readonly notifier: BuildNotifier;
  readonly diagnostics: BuildDiagnostics;
  readonly commitStatus: CommitStatusService;
  readonly reporter: ErrorReporter;
  /** The Language Model tools' answers (src/container.ts registers the tools and forwards here). */
  readonly tools: AgentTools;
  /** Signing identities: the service, its view and the daily expiry notification (src/ui/signing/). */
  readonly signing: SigningService;
  readonly signingTree: SigningTreeProvider;
  /** Testing Distribution and the Enterprise App Store: services, the Distribution view, sends (src/ui/distribution/). */
  readonly distribution: DistributionFeature;
  /** The Distribution view's provider (LazyTreeViews asks for it by this name). */
  get distributionTree(): DistributionFeature['tree'] {
    return this.distribution.tree;
  }
  readonly expiryNotifier: ExpiryNotifier;
  private readonly starts: StartBuildWizard;
  private readonly commands = new Map<string, (...args: unknown[]) => Promise<unknown>>();

  constructor(host: FeatureHost) {
    super();
    const { session, settings, logger } = host;
    const dashboardUrl = () => settings.endpoints().dashboardUrl;
    this.reporter = new MessageErrorReporter(componentLogger(logger, 'ui'));
    this.builds = this._register(
      new BuildService({
        session,
        clock: systemClock,
        logger,
        pollIntervalMs: () => settings.pollIntervalMs(),
        gitRemotes: () => host.git.remotes(),
      }),
    );
    // slower in the background (the startup part tells when: it has the window and the views)
    this.builds.setBackground(host.views.isBackground);
    this._register(host.views.onDidChangeBackground((b) => this.builds.setBackground(b)));
    this._register(settings.onDidChangePolling(() => this.builds.pollIntervalChanged()));
    this.buildsTree = this._register(new BuildsTreeProvider(this.builds, session));
    this._register(
      this.buildsTree.onDidLoadProfiles(({ count, failed }) => void host.contextKeys.set('appcircle.noProfiles', !failed && count === 0)),
    );
    this.activeTree = this._register(new ActiveBuildsTreeProvider(this.builds, session, host.views.active));
    // running builds' logs over the hook service's stream (one connection), polled when it is not there
    const logsLog = componentLogger(logger, 'logs');
    this.logStream = this._register(new BuildLogStream({ session, endpoint: () => settings.hook(), clock: systemClock, logger: logsLog }));
    this._register(settings.onDidChangeHook(() => this.logStream.restart()));
    this.logs = this._register(new LogDocumentProvider(this.builds, logsLog, undefined, undefined, this.logStream));
    this.notifier = this._register(new BuildNotifier(this.builds, () => settings.notifyMode()));

    // logs with structure (steps, Go to First Error) and a failed build's errors in the Problems panel
    const logModels = this._register(new LogModels());
    const logFeatures = this._register(new LogLanguageFeatures(logModels));
    this.diagnostics = this._register(new BuildDiagnostics(logModels, this.builds, session, new VsCodeWorkspaceFiles()));

    // the build of the commit you are on: a second status-bar item, Build This Commit, a push followed
    this.commitStatus = this._register(
      new CommitStatusService({ builds: this.builds, session, clock: systemClock, logger: componentLogger(logger, 'commit') }),
    );
    this._register(new CommitStatusBar(this.commitStatus));
    this.followGit(host.git);
    this.starts = new StartBuildWizard(this.builds, session, host.context.globalState, () => readGitInfo().then((g) => g.branches));
    const signing = (this.signing = this._register(
      new SigningService({ session, clock: systemClock, logger, warningDays: () => settings.expiryWarningDays() }),
    ));
    this._register(settings.onDidChangeExpiryWarningDays(() => signing.warningDaysChanged()));
    this.signingTree = this._register(
      new SigningTreeProvider(signing, (empty) => void host.contextKeys.set('appcircle.noSigningIdentities', empty), dashboardUrl),
    );
    const state = host.context.globalState;
    const notifierLog = componentLogger(logger, 'signing');
    this.expiryNotifier = this._register(new ExpiryNotifier({ signing, session, state, clock: systemClock, logger: notifierLog }));
    this.distribution = this._register(
      new DistributionFeature({
        session,
        builds: this.builds,
        state,
        dashboardUrl,
        commitBuild: () => {
          const s = this.commitStatus.state;
          return s.kind === 'build' ? buildRefOf(s.build, s.profile, s.branch) : undefined;
        },
      }),
    );
    this.tools = new AgentTools(
      {
        session,
        builds: this.builds,
        commitStatus: this.commitStatus,
        diagnostics: this.diagnostics,
        starts: this.starts,
        signing,
        distribution: this.distribution,
      },
      componentLogger(logger, 'agent'),
    );
    this.addCommands(host, logFeatures);
  }

  /** HEAD from git's last report on (it may be the report that loaded this part), and its pushes. */
  private followGit(git: GitReports): void {
    this._register(git.onDidChangeHead((h) => this.commitStatus.setHead(h)));
    this._register(git.onDidPush((h) => this.commitStatus.pushed(h)));
    if (git.head) {
      this.commitStatus.setHead(git.head);
    }
    if (git.pushing) {
      // a push being reported loaded this part: onDidPush has no more listeners to call this time
      this.commitStatus.pushed(git.pushing);
    }
  }

  /** The command table: every command VS Code forwards here (run), with the operation its errors are reported as. */
  private addCommands(host: FeatureHost, logFeatures: LogLanguageFeatures): void {
    const { session, settings, logger } = host;
    const reporter = this.reporter;
    const add = (id: CommandId, handler: (...args: unknown[]) => Promise<unknown>, op?: Operation) =>
      this.commands.set(id, commandHandler(handler, reporter, op));
    // a build command's argument, whoever invoked it, is resolved here and only here (src/ui/builds/buildRef.ts)
    const addBuild = (id: CommandId, handler: (ref: BuildRef | undefined) => Promise<unknown>, op?: Operation) =>
      add(id, (a) => handler(toBuildRef(a)), op);
    const signIn = new SignInCommands(session, reporter, process.env, host.context.extensionMode);
    const orgCommands = new OrganizationCommands(session, host.organizations);
    add(CommandIds.login, () => signIn.login(), 'signInPat');
    add(CommandIds.loginWithPat, (a) => signIn.loginWithPat(isPatArgs(a) ? a : undefined), 'signInPat');
    add(CommandIds.loginWithApiKey, (a) => signIn.loginWithApiKey(isApiKeyArgs(a) ? a : undefined), 'signInApiKey');
    add(CommandIds.logout, () => signOut(session), 'signOut');
    add(CommandIds.selectOrganization, (a) => orgCommands.selectOrganization(a), 'switch');
    add(CommandIds.showLog, () => Promise.resolve(logger.show()));
    const starts = this.starts;
    const bc = new BuildCommands(
      this.builds,
      host.context.globalState,
      () => settings.endpoints().dashboardUrl,
      () => settings.endpoints().allowInsecureHttp,
    );
    add(CommandIds.refresh, (n) => Promise.resolve(bc.refresh(n)), 'load');
    addBuild(CommandIds.startBuild, (r) => starts.start(r), 'startBuild');
    addBuild(CommandIds.rebuild, (r) => starts.rebuild(r), 'startBuild');
    addBuild(CommandIds.cancelBuild, (r) => bc.cancel(r), 'cancelBuild');
    addBuild(CommandIds.showBuildLog, (r) => bc.showLog(r), 'load');
    // the folder is never an argument: the dialog asks (S17)
    addBuild(CommandIds.downloadArtifacts, (r) => bc.downloadArtifacts(r), 'download');
    addBuild(CommandIds.openInAppcircle, (r) => bc.openInAppcircle(r));
    addBuild(CommandIds.copyBuildId, (r) => bc.copyBuildId(r));
    add(CommandIds.loadMore, (n) => Promise.resolve(bc.loadMore(n)), 'load');
    add(CommandIds.retry, (n) => Promise.resolve(bc.retry(n)), 'load');
    const logCommands = new LogCommands(this.diagnostics, (n) => bc.logUriFor(toBuildRef(n)));
    add(CommandIds.goToFirstError, (u) => logFeatures.goToFirstError(u));
    add(CommandIds.showBuildProblems, (n) => logCommands.showProblems(n), 'load');
    const commitCommands = new CommitCommands(this.commitStatus, session, (r) => starts.start(r));
    add(CommandIds.buildThisCommit, () => commitCommands.buildThisCommit(), 'startBuild');
    add(CommandIds.openWalkthrough, () => Promise.resolve(openWalkthrough()));
    add(CommandIds.refreshSigningIdentities, () => Promise.resolve(this.signing.refresh()), 'load');
    this.distribution.addCommands(add, addBuild);
  }

  /** Runs a command registered at activation (src/container.ts); its errors are reported, never thrown. */
  run(id: string, args: readonly unknown[]): Promise<unknown> {
    const handler = this.commands.get(id);
    if (!handler) {
      return Promise.reject(new Error(`Appcircle has no command ${id}`));
    }
    return handler(...args);
  }

  /** Which commands this part implements (a unit test compares them with package.json). */
  get commandIds(): string[] {
    return [...this.commands.keys()];
  }
}
