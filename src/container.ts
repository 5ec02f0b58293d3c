/**
 * Composition root (ARCHITECTURE.md §2): what activation builds. Only what restoring the session and drawing the
 * status bar need is built here, plus git's HEAD watcher (whether a signed-in window is in a repository decides a
 * load). The rest (src/features.ts) is loaded on first use: this part decides *when* (loadWhen lists every trigger,
 * among them VS Code's entry points, registered here as forwarders) and hands it a FeatureHost; the features part
 * owns *what* and never calls back.
 */
import * as vscode from 'vscode';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, CommandIds, LOG_LANGUAGE, LOG_SCHEME, ToolNames } from './constants';
import { originOf } from './api/http/origin';
import type { ApiFactory } from './core/apiFactory';
import { CredentialStore } from './core/session/credentialStore';
import { SessionExpiredError, errorText } from './core/errors';
import { DisposableBase, setListenerErrorReporter } from './core/events';
import { OrganizationService } from './core/session/organizationService';
import { componentLogger, systemClock } from './core/ports';
import { SessionService } from './core/session/sessionService';
import type { BuildService } from './core/builds/buildService';
import type { CommitStatusService } from './core/commit/commitStatus';
import type * as FeaturesModule from './features';
import type { Features, FeatureHost } from './features';
import { isMissingModule, loadFeaturesModule, offerReload } from './lazyFeatures';
import { ContextKeySetter } from './platform/contextKeys';
import { GitHeadWatcher } from './platform/git/headWatcher';
import { OutputLogger } from './platform/logger';
import { VsCodeSecretStore } from './platform/secretStore';
import { Settings } from './platform/settings';
import { currentWorkspaceId } from './platform/workspace';
import { AppcircleAuthProvider } from './ui/session/authProvider';
import type { BuildDiagnostics } from './ui/logs/buildDiagnostics';
import type { Operation } from './ui/errors/errorMessages';
import { LazyContentProvider, LazyTreeViews } from './ui/lazyProviders';
import type { BuildNotifier } from './ui/builds/notifications';
import { OrganizationStatusBar } from './ui/session/statusBar';
import { openWalkthroughOnce } from './ui/walkthrough';
import { registerMcpProvider } from './ui/agent/mcpServer';
import type { AppcircleMcpProvider } from './ui/agent/mcpServer';

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

/**
 * For the integration suite only, enabled by an environment flag: what a test needs to look inside the running
 * extension (as other extensions export a test-only API from activate()).
 */
export interface TestApi {
  storedSessionRaw(): Promise<string | undefined>;
  accessToken(): Promise<string | undefined>;
  accountSessions(): Promise<readonly vscode.AuthenticationSession[]>;
  readonly extension: AppcircleExtension;
}

const NOTHING: vscode.Disposable = { dispose: () => undefined };

export class AppcircleExtension extends DisposableBase {
  readonly session: SessionService;
  readonly organizations: OrganizationService;
  readonly logger: OutputLogger;
  private readonly contextKeys = new ContextKeySetter();
  readonly store: CredentialStore;
  readonly secrets: vscode.SecretStorage;
  readonly authProvider: AppcircleAuthProvider;
  readonly git: GitHeadWatcher;
  /** The MCP server definition provider (undefined in a host without the API). */
  readonly mcp: AppcircleMcpProvider | undefined;
  private readonly host: FeatureHost;
  private loaded: Features | undefined;
  private disposed = false;
  /** features.js was not there (an update under this window): only VS Code's entry points try again. */
  private moduleMissing = false;
  private reloadPrompt: Promise<void> | undefined;
  /** Settles once the stored session has been read (an agent's tool call at startup waits for it). */
  private readonly restored: Promise<void>;

  /** `loadModule` (tests: one that fails) loads src/features.ts; the HTTP layer comes from it too. */
  constructor(
    context: vscode.ExtensionContext,
    private readonly loadModule: () => typeof FeaturesModule = loadFeaturesModule,
  ) {
    super();
    const started = Date.now();
    this.logger = this._register(new OutputLogger());
    const eventsLog = componentLogger(this.logger, 'events');
    const previousReporter = setListenerErrorReporter((what, e) => eventsLog.error(`${what}: ${errorText(e)}`));
    this._register({ dispose: () => setListenerErrorReporter(previousReporter) });
    const settings = new Settings();
    const workspace = currentWorkspaceId();
    this.secrets = context.secrets;
    const store = (this.store = this._register(new CredentialStore(new VsCodeSecretStore(context.secrets), workspace.id, workspace.name)));
    const apiFactory = this.apiFactory(settings);
    this.session = this._register(new SessionService(store, apiFactory, systemClock, componentLogger(this.logger, 'session')));
    this.organizations = this._register(new OrganizationService(this.session));
    this._register(new OrganizationStatusBar(this.session));
    this.authProvider = this._register(new AppcircleAuthProvider(this.session));
    // Appcircle's MCP server, offered to the editor's agent: asked for eagerly, so registered here
    this.mcp = this._register(registerMcpProvider(this.session, settings, componentLogger(this.logger, 'extension'))).provider;
    this._register(
      vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, this.authProvider, {
        supportsMultipleAccounts: false,
      }),
    );
    this.git = this._register(new GitHeadWatcher());
    const views = new LazyTreeViews(() => this.features);
    const { session, organizations, logger, contextKeys, git } = this;
    this.host = { context, session, organizations, logger, settings, contextKeys, git, views };
    this._register(
      this.session.onDidChangeSession((e) => {
        void this.updateContext();
        if (e.reason === 'expired') {
          void this.report(e.cause instanceof SessionExpiredError ? e.cause : new SessionExpiredError(e.cause), 'load');
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
    this.loadWhen(views);
    this.startGit();
    void openWalkthroughOnce(context, componentLogger(this.logger, 'extension')); // the first start after install: Get Started
    void this.updateContext();
    this.restored = this.session
      .restore()
      .catch((e: unknown) => void this.report(e, 'load'))
      .finally(() => componentLogger(this.logger, 'extension').info(`Activated in ${Date.now() - started} ms`));
  }

  /**
   * Everything that loads the features part, registered at activation; the first to happen loads it. Besides
   * these, inside the startup part: the first HTTP request (apiFactory) and an error to put into words (report).
   */
  private loadWhen(views: LazyTreeViews): void {
    const isLog = (d: vscode.TextDocument) => d.languageId === LOG_LANGUAGE || d.uri.scheme === LOG_SCHEME;
    const logs = new LazyContentProvider(() => this.features.logs);
    const triggers: vscode.Disposable[] = [
      // VS Code asks for something only the features part has: loaded then and there
      ...Object.values(CommandIds).map((id) => vscode.commands.registerCommand(id, (...args: unknown[]) => this.run(id, args))),
      views, // Build Profiles or Active Builds asked for its items (as soon as one is open)
      logs,
      vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, logs), // a build's log document read
      // a log (a build's, or one saved to disk) in an editor, for its outline, folding and lenses: once activation returns
      vscode.workspace.onDidOpenTextDocument((d) => isLog(d) && this._register(this.loadSoon())), // opened
      vscode.workspace.textDocuments.some(isLog) ? this.loadSoon() : NOTHING, // restored with the window
      // the build of the commit you are on, in a signed-in window: at once
      this.git.onDidChangeHead((h) => h?.commit && this.session.isSignedIn && this.load()), // git reported HEAD
      this.git.onDidPush(() => this.session.isSignedIn && this.load()), // a push
      this.session.onDidChangeSession((e) => e.session && this.git.head?.commit && this.load()), // signed in, HEAD known
      ...this.registerTools(), // the editor's agent called an Appcircle tool
    ];
    triggers.forEach((t) => this._register(t));
  }

  /**
   * The Language Model tools (package.json languageModelTools), forwarded to the features part once the stored
   * session is read: a call at startup is not answered "signed out" by a session still being restored.
   */
  private registerTools(): vscode.Disposable[] {
    if (typeof vscode.lm?.registerTool !== 'function') {
      return []; // a host without the tool API (the manifest asks for 1.101, which has it)
    }
    const updated = () =>
      new vscode.LanguageModelToolResult([
        new vscode.LanguageModelTextPart(vscode.l10n.t('Appcircle was updated while this window was open. Reload the window to use it.')),
      ]);
    return Object.values(ToolNames).map((name) =>
      vscode.lm.registerTool<unknown>(name, {
        prepareInvocation: async (o, token) => {
          await this.restored;
          return this.available()?.tools.prepare(name, o.input, token);
        },
        invoke: async (o, token) => {
          await this.restored;
          return (await this.available()?.tools.invoke(name, o.input, token)) ?? updated();
        },
      }),
    );
  }

  /** The features part (src/features.ts), loaded and built on first use. */
  get features(): Features {
    if (!this.loaded) {
      if (this.disposed) {
        throw new Error('The Appcircle extension has been deactivated.');
      }
      const started = Date.now();
      const { Features } = this.module();
      this.loaded = this._register(new Features(this.host));
      componentLogger(this.logger, 'extension').info(`Loaded builds, logs and commands in ${Date.now() - started} ms`);
    }
    return this.loaded;
  }

  /** Whether the features part has been built (tests: activation must not). */
  get featuresLoaded(): boolean {
    return this.loaded !== undefined;
  }

  get builds(): BuildService {
    return this.features.builds;
  }

  get diagnostics(): BuildDiagnostics {
    return this.features.diagnostics;
  }

  get notifier(): BuildNotifier {
    return this.features.notifier;
  }

  get commitStatus(): CommitStatusService {
    return this.features.commitStatus;
  }

  override dispose(): void {
    this.disposed = true;
    super.dispose();
  }

  /** The features module. When its file is gone (an update under this window) a reload is offered instead of an error. */
  private module(): typeof FeaturesModule {
    try {
      return this.loadModule();
    } catch (e) {
      if (isMissingModule(e)) {
        this.moduleMissing = true;
        this.reloadPrompt ??= offerReload().finally(() => (this.reloadPrompt = undefined));
      }
      throw e;
    }
  }

  /** The features part, or undefined when its file is missing (the reload prompt says so). */
  private available(): Features | undefined {
    try {
      return this.features;
    } catch (e) {
      if (isMissingModule(e)) {
        return undefined;
      }
      throw e;
    }
  }

  /** A command, forwarded to the features part; its errors are reported there, never thrown. */
  private run(id: string, args: readonly unknown[]): Promise<unknown> {
    return this.available()?.run(id, args) ?? Promise.resolve(undefined);
  }

  /** The messages live in the features part: an error to report means it is needed anyway. */
  private report(e: unknown, op: Operation): Promise<void> {
    if (this.disposed || isMissingModule(e)) {
      return Promise.resolve();
    }
    return this.available()?.reporter.report(e, op) ?? Promise.resolve();
  }

  /** The HTTP layer is built in the features part: restoring the session and drawing the status bar never load it. */
  private apiFactory(settings: Settings): ApiFactory {
    let api: ApiFactory | undefined;
    const lazyApi = (): ApiFactory => (api ??= this.module().apiFactory(() => settings.endpoints(), componentLogger(this.logger, 'http')));
    // the auth origin a restored session is checked against comes from the settings alone (S16): no HTTP layer
    return {
      auth: () => lazyApi().auth(),
      authOrigin: () => originOf(settings.endpoints().authUrl),
      client: (getToken) => lazyApi().client(getToken),
    };
  }

  /** Loads the features part now (an event that needs it); after its file was found missing, only VS Code's entry points retry. */
  private load(): void {
    if (!this.loaded && !this.disposed && !this.moduleMissing) {
      void this.features;
    }
  }

  /** Loads the features part once activation has returned (a log editor restored or opened); clearTimeout on dispose. */
  private loadSoon(): vscode.Disposable {
    if (this.loaded) {
      return NOTHING;
    }
    const t = setTimeout(() => this.load(), 0);
    return { dispose: () => clearTimeout(t) };
  }

  /** Git's HEAD from the git extension, asked once activation has returned (activating it takes a while). */
  private startGit(): void {
    const t = setTimeout(() => {
      void this.git
        .start()
        .catch((e: unknown) =>
          componentLogger(this.logger, 'commit').info(`Git is not available for the build of this commit: ${errorText(e)}`),
        );
    }, 0);
    this._register({ dispose: () => clearTimeout(t) });
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
