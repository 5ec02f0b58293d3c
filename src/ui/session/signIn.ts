/** Sign In (chooser), Sign In with Personal Access Key (Personal API Token), Sign In with API Key; the one-session guard. */
import * as vscode from 'vscode';
import { CommandIds, ENV_TOKEN_VARIABLES } from '../../constants';
import { UserCancelledError } from '../../core/errors';
import type { Credential, OtherWorkspaceSession, SessionInfo } from '../../core/session/models';
import { plain } from '../../core/plainText';
import type { SessionService } from '../../core/session/sessionService';
import { requireCredentialValue, requireOrganizationId } from '../../core/session/validation';
import type { Operation } from '../errors/errorMessages';
import { askInput, pick } from '../prompts';
import type { ErrorReporter } from '../runCommand';
import { commandHandler } from '../runCommand';

export interface PatArgs {
  pat: string;
}
export interface ApiKeyArgs {
  name: string;
  secret: string;
  organizationId?: string;
}

type ChooserItem = vscode.QuickPickItem & { run: () => Promise<SessionInfo | undefined> };

export class SignInCommands {
  constructor(
    private readonly session: SessionService,
    private readonly reporter: ErrorReporter,
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** The extension's mode: only under the test runner is a credential argument taken without asking (S17). */
    private readonly mode: vscode.ExtensionMode | undefined = undefined,
  ) {}

  /** `Appcircle: Sign In`: the chooser. */
  async login(): Promise<SessionInfo | undefined> {
    if (await this.guardSignedIn()) {
      return undefined;
    }
    const items: ChooserItem[] = [
      {
        label: `$(key) ${vscode.l10n.t('Personal Access Key (Personal API Token)')}`,
        detail: vscode.l10n.t('Your personal key from the Appcircle dashboard (My Organization → Security → Personal Access Key).'),
        run: () => Promise.resolve(vscode.commands.executeCommand<SessionInfo | undefined>(CommandIds.loginWithPat)),
      },
      {
        label: `$(organization) ${vscode.l10n.t('API Key')}`,
        detail: vscode.l10n.t('An organization API key: name and secret, optionally an organization id.'),
        run: () => Promise.resolve(vscode.commands.executeCommand<SessionInfo | undefined>(CommandIds.loginWithApiKey)),
      },
    ];
    const others = await this.session.listOtherSessions().catch((): OtherWorkspaceSession[] => []);
    if (others.length) {
      items.push({
        label: vscode.l10n.t('From another workspace'),
        kind: vscode.QuickPickItemKind.Separator,
        run: () => Promise.resolve(undefined),
      });
      for (const o of others) {
        items.push({
          label: `$(account) ${vscode.l10n.t('Use {0}, {1}', plain(o.account), plain(o.organizationName))}`,
          description: vscode.l10n.t('signed in in {0}', plain(o.workspaceName)),
          run: () =>
            this.reported(o.kind === 'apiKey' ? 'signInApiKey' : o.kind === 'pat' ? 'signInPat' : 'signInToken', () =>
              this.session.signInWithOtherSession(o),
            ),
        });
      }
    }
    for (const variable of ENV_TOKEN_VARIABLES) {
      const token = this.env[variable];
      if (token && token.trim()) {
        items.push({
          label: `$(terminal) ${vscode.l10n.t('Use {0} from the environment', variable)}`,
          detail: vscode.l10n.t('A ready-made access token; it cannot be renewed or switched to another organization.'),
          run: () => this.reported('signInToken', () => this.signIn({ kind: 'accessToken', token, source: variable })),
        });
      }
    }
    const chosen = await pick(items, {
      title: vscode.l10n.t('Appcircle: Sign In'),
      placeHolder: vscode.l10n.t('How do you want to sign in to Appcircle?'),
    });
    return chosen.run();
  }

  /**
   * `Appcircle: Sign In with Personal Access Key (Personal API Token)`; `args.pat` (tests, automation) replaces the
   * prompt only after the user confirms it in a modal dialog, or under the test runner.
   */
  async loginWithPat(args?: PatArgs): Promise<SessionInfo | undefined> {
    if (await this.guardSignedIn()) {
      return undefined;
    }
    const fromArgs = args !== undefined;
    if (fromArgs) {
      await this.confirmCredentialArgs(
        vscode.l10n.t(
          'A link or another extension asks to sign you in to Appcircle with a Personal Access Key it supplies. Continue only if you started this sign-in yourself: you would work in the account that key belongs to.',
        ),
      );
    }
    const pat = fromArgs
      ? requireCredentialValue('pat', args.pat)
      : await askInput({
          field: 'pat',
          title: vscode.l10n.t('Appcircle: Sign In with Personal Access Key (Personal API Token)'),
          prompt: vscode.l10n.t(
            "Paste your Appcircle Personal Access Key, formerly Personal API Token (Appcircle dashboard → My Organization → Security → Personal Access Key). It is kept in VS Code's secret storage for this workspace.",
          ),
          password: true,
        });
    return this.signIn({ kind: 'pat', pat });
  }

  /** `Appcircle: Sign In with API Key`; `args` replace the prompts once the user confirms (or under the test runner). */
  async loginWithApiKey(args?: ApiKeyArgs): Promise<SessionInfo | undefined> {
    if (await this.guardSignedIn()) {
      return undefined;
    }
    let name: string;
    let secret: string;
    let organizationId: string | undefined;
    if (args) {
      await this.confirmCredentialArgs(
        vscode.l10n.t(
          'A link or another extension asks to sign you in to Appcircle with an API key it supplies. Continue only if you started this sign-in yourself: you would work in the organization that key belongs to.',
        ),
      );
      name = requireCredentialValue('apiKeyName', args.name);
      secret = requireCredentialValue('apiKeySecret', args.secret);
      organizationId = requireOrganizationId(args.organizationId);
    } else {
      const title = vscode.l10n.t('Appcircle: Sign In with API Key');
      name = await askInput({
        field: 'apiKeyName',
        title,
        step: 1,
        totalSteps: 3,
        prompt: vscode.l10n.t('API key name, as shown in Organization → API Keys.'),
      });
      secret = await askInput({
        field: 'apiKeySecret',
        title,
        step: 2,
        totalSteps: 3,
        prompt: vscode.l10n.t('API key secret.'),
        password: true,
      });
      const org = await askInput({
        field: 'organizationId',
        title,
        step: 3,
        totalSteps: 3,
        optional: true,
        prompt: vscode.l10n.t("Organization id (optional): press Enter to use the key's own organization."),
        placeHolder: vscode.l10n.t('Organization id (optional)'),
      });
      organizationId = requireOrganizationId(org);
    }
    return this.signIn({ kind: 'apiKey', name, secret, ...(organizationId ? { organizationId } : {}) });
  }

  /**
   * A credential that arrives as a command argument is never taken silently (security review S17): any command link
   * or extension can pass one. The user confirms in a modal dialog; otherwise nothing is signed in.
   */
  private async confirmCredentialArgs(message: string): Promise<void> {
    if (this.mode === vscode.ExtensionMode.Test) {
      return;
    }
    const signIn = vscode.l10n.t('Sign In With It');
    const answer = await vscode.window.showWarningMessage(message, { modal: true }, signIn);
    if (answer !== signIn) {
      throw new UserCancelledError();
    }
  }

  private async signIn(credential: Credential): Promise<SessionInfo> {
    const info = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Signing in to Appcircle…') },
      () => this.session.signIn(credential),
    );
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Signed in to Appcircle as {0} ({1}).', plain(info.account), plain(info.organizationName)),
    );
    return info;
  }

  /** One session per workspace: says so and offers Sign Out / Switch Organization. Returns true when signed in. */
  guardSignedIn(): Promise<boolean> {
    const s = this.session.session;
    if (!s) {
      return Promise.resolve(false);
    }
    const signOut = vscode.l10n.t('Sign Out');
    const switchOrg = vscode.l10n.t('Switch Organization');
    const actions = s.kind === 'accessToken' ? [signOut] : [signOut, switchOrg];
    void vscode.window
      .showWarningMessage(
        vscode.l10n.t(
          'You are already signed in to Appcircle as {0} (organization {1}). Sign out first to use another account.',
          plain(s.account),
          plain(s.organizationName),
        ),
        ...actions,
      )
      .then((picked) => {
        if (picked === signOut) {
          return vscode.commands.executeCommand(CommandIds.logout);
        }
        if (picked === switchOrg) {
          return vscode.commands.executeCommand(CommandIds.selectOrganization);
        }
        return undefined;
      });
    return Promise.resolve(true);
  }

  /** A sign-in run from the chooser: its errors reported by the one command wrapper, as the command's own would be. */
  private reported<T>(op: Operation, fn: () => Promise<T>): Promise<T | undefined> {
    return commandHandler(fn, this.reporter, op)();
  }
}

/** A command argument that carries a Personal Access Key (still confirmed by the user before it is used). */
export function isPatArgs(a: unknown): a is PatArgs {
  return !!a && typeof a === 'object' && typeof (a as PatArgs).pat === 'string';
}

/** A command argument that carries an API key name and secret (still confirmed by the user before it is used). */
export function isApiKeyArgs(a: unknown): a is ApiKeyArgs {
  return !!a && typeof a === 'object' && typeof (a as ApiKeyArgs).name === 'string' && typeof (a as ApiKeyArgs).secret === 'string';
}
