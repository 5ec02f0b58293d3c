/**
 * Composition root (ARCHITECTURE.md §2): what activation builds. Only what restoring the session and drawing the
 * status bar need is built here; the rest (src/features.ts) is loaded on first use through the getters below, and
 * VS Code's entry points into it (commands, the two views, the log documents) are registered here as forwarders.
 */
import * as vscode from 'vscode';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, CommandIds, LOG_LANGUAGE, LOG_SCHEME, ViewIds } from './constants';
import { originOf } from './api/http/origin';
import type { ApiFactory } from './core/apiFactory';
import type { GitHead } from './core/commit/commitStatus';
import { CredentialStore } from './core/session/credentialStore';
import { SessionExpiredError, errorText } from './core/errors';
import { DisposableBase, setListenerErrorReporter } from './core/events';
import { OrganizationService } from './core/session/organizationService';
import { componentLogger, systemClock } from './core/ports';
import { SessionService } from './core/session/sessionService';
import type { BuildService } from './core/builds/buildService';
import type { CommitStatusService } from './core/commit/commitStatus';
import type { Features, FeatureHost } from './features';
import { loadFeaturesModule } from './lazyFeatures';
import { ContextKeySetter } from './platform/contextKeys';
import { GitHeadWatcher } from './platform/git/headWatcher';
import { OutputLogger } from './platform/logger';
import { VsCodeSecretStore } from './platform/secretStore';
import { Settings } from './platform/settings';
import { currentWorkspaceId } from './platform/workspace';
import { AppcircleAuthProvider } from './ui/session/authProvider';
import type { BuildDiagnostics } from './ui/logs/buildDiagnostics';
import type { Operation } from './ui/errors/errorMessages';
import { LazyContentProvider, LazyTreeDataProvider } from './ui/lazyProviders';
import type { BuildNotifier } from './ui/builds/notifications';
import { OrganizationStatusBar } from './ui/session/statusBar';
import type { AppcircleNode } from './ui/tree/nodes';

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
  private readonly contextKeys = new ContextKeySetter();
  readonly store: CredentialStore;
  readonly secrets: vscode.SecretStorage;
  readonly authProvider: AppcircleAuthProvider;
  readonly git: GitHeadWatcher;
  private readonly host: FeatureHost;
  private loaded: Features | undefined;
  private disposed = false;
  /** What git last reported, for the commit's build once the features part is loaded. */
  private head: GitHead | undefined;

  constructor(context: vscode.ExtensionContext) {
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
    // the HTTP layer is built in the features part: restoring the session and drawing the status bar never load it
    let api: ApiFactory | undefined;
    const lazyApi = (): ApiFactory =>
      (api ??= loadFeaturesModule().apiFactory(() => settings.endpoints(), componentLogger(this.logger, 'http')));
    // the auth origin a restored session is checked against comes from the settings alone (S16): no HTTP layer
    const apiFactory: ApiFactory = {
      auth: () => lazyApi().auth(),
      authOrigin: () => originOf(settings.endpoints().authUrl),
      client: (getToken) => lazyApi().client(getToken),
    };
    this.session = this._register(new SessionService(store, apiFactory, systemClock, componentLogger(this.logger, 'session')));
    this.organizations = this._register(new OrganizationService(this.session));
    // the messages live in the features part (an error to report means it is needed anyway)
    const report = (e: unknown, op: Operation) => (this.disposed ? Promise.resolve() : this.features.reporter.report(e, op));

    this._register(new OrganizationStatusBar(this.session));
    this.authProvider = this._register(new AppcircleAuthProvider(this.session));
    this._register(
      vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, this.authProvider, {
        supportsMultipleAccounts: false,
      }),
    );

    // VS Code's ways into the features part, registered now and loading it on first use
    const buildsTree = this._register(new LazyTreeDataProvider<AppcircleNode>(() => this.features.buildsTree));
    const activeTree = this._register(new LazyTreeDataProvider<AppcircleNode>(() => this.features.activeTree));
    const buildsView = this._register(
      vscode.window.createTreeView<AppcircleNode>(ViewIds.builds, { treeDataProvider: buildsTree, showCollapseAll: true }),
    );
    const activeView = this._register(vscode.window.createTreeView<AppcircleNode>(ViewIds.activeBuilds, { treeDataProvider: activeTree }));
    // slow down when the window is unfocused and no Appcircle view is visible
    const isBackground = () => !vscode.window.state.focused && !buildsView.visible && !activeView.visible;
    const updateBackground = () => this.loaded?.builds.setBackground(isBackground());
    this._register(vscode.window.onDidChangeWindowState(updateBackground));
    this._register(buildsView.onDidChangeVisibility(updateBackground));
    this._register(activeView.onDidChangeVisibility(updateBackground));
    const logs = this._register(new LazyContentProvider(() => this.features.logs));
    this._register(vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, logs));
    for (const id of Object.values(CommandIds)) {
      this._register(vscode.commands.registerCommand(id, (...args: unknown[]) => this.features.run(id, args)));
    }
    this.host = {
      context,
      session: this.session,
      organizations: this.organizations,
      logger: this.logger,
      settings,
      contextKeys: this.contextKeys,
      buildsView,
      activeView,
      isBackground,
    };
    // a log (a build's, or one saved to disk) open in an editor: its outline, folding and lenses are there
    const isLog = (d: vscode.TextDocument) => d.languageId === LOG_LANGUAGE || d.uri.scheme === LOG_SCHEME;
    this._register(vscode.workspace.onDidOpenTextDocument((d) => isLog(d) && this.loadSoon()));
    if (vscode.workspace.textDocuments.some(isLog)) {
      this.loadSoon();
    }

    // the build of the commit you are on: looked up once git reports HEAD in a signed-in window
    this.git = this._register(new GitHeadWatcher());
    this._register(
      this.git.onDidChangeHead((h) => {
        this.head = h;
        // no repository, or signed out: nothing to look up until the features part is there anyway
        if (this.loaded || (h?.commit && this.session.isSignedIn)) {
          this.features.commitStatus.setHead(h);
        }
      }),
    );
    this._register(
      this.git.onDidPush((h) => {
        this.head = h;
        if (this.loaded || this.session.isSignedIn) {
          this.features.commitStatus.pushed(h);
        }
      }),
    );
    const startGit = setTimeout(() => {
      void this.git
        .start()
        .catch((e: unknown) =>
          componentLogger(this.logger, 'commit').info(`Git is not available for the build of this commit: ${errorText(e)}`),
        );
    }, 0);
    this._register({ dispose: () => clearTimeout(startGit) });

    this._register(
      this.session.onDidChangeSession((e) => {
        void this.updateContext();
        if (e.reason === 'expired') {
          void report(e.cause instanceof SessionExpiredError ? e.cause : new SessionExpiredError(e.cause), 'load');
        }
        if (e.session && this.head?.commit && !this.loaded) {
          // signed in (in this window or another) with HEAD known: the features part looks the commit up
          void this.features;
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
      .catch((e: unknown) => void report(e, 'load'))
      .finally(() => componentLogger(this.logger, 'extension').info(`Activated in ${Date.now() - started} ms`));
  }

  /** The features part (src/features.ts), loaded and built on first use. */
  get features(): Features {
    if (!this.loaded) {
      if (this.disposed) {
        throw new Error('The Appcircle extension has been deactivated.');
      }
      const started = Date.now();
      const { Features } = loadFeaturesModule();
      this.loaded = this._register(new Features(this.host));
      componentLogger(this.logger, 'extension').info(`Loaded builds, logs and commands in ${Date.now() - started} ms`);
      if (this.head) {
        this.loaded.commitStatus.setHead(this.head);
      }
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

  /** Loads the features part after activation returns (a log editor restored or opened). */
  private loadSoon(): void {
    if (this.loaded) {
      return;
    }
    const t = setTimeout(() => {
      if (!this.disposed) {
        void this.features;
      }
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
