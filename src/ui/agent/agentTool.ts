/**
 * The Language Model tools (package.json contributes.languageModelTools), as VS Code's agent calls them: the startup
 * part registers one forwarder per tool (src/container.ts) and this part answers. An agent is a user too:
 * signed out, it is told to sign in; an error is put in the words a command would show; a write asks
 * first (prepare's confirmation); cancelling stops the work. Nothing here throws but a cancellation.
 */
import * as vscode from 'vscode';
import type { ToolName } from '../../constants';
import { ToolNames } from '../../constants';
import { NotSignedInError, UserCancelledError, errorText } from '../../core/errors';
import type { Logger } from '../../core/ports';
import { describeError } from '../errors/errorMessages';
import { buildErrorsTool, buildLogTool } from './logTools';
import { buildsTool, commitBuildTool, profilesTool } from './readTools';
import { signingIdentitiesTool } from './signingTool';
import { distributionTool, sendToTestingTool } from './distributionTools';
import { ToolRefusal } from './toolLookups';
import type { AgentTool, ToolServices } from './toolLookups';
import { answer, inputOf } from './toolText';
import { cancelBuildTool, startBuildTool } from './writeTools';

/** `p`, or a CancellationError as soon as the token is cancelled. */
export function untilCancelled<T>(p: Promise<T>, token: vscode.CancellationToken): Promise<T> {
  if (token.isCancellationRequested) {
    p.catch(() => undefined); // what it ends with is not wanted any more
    return Promise.reject(new vscode.CancellationError());
  }
  return new Promise<T>((resolve, reject) => {
    const sub = token.onCancellationRequested(() => reject(new vscode.CancellationError()));
    void p.then(resolve, reject).finally(() => {
      sub.dispose();
    });
  });
}

export class AgentTools {
  private readonly tools: ReadonlyMap<string, AgentTool>;

  constructor(
    private readonly services: ToolServices,
    private readonly logger: Logger,
  ) {
    const s = services;
    this.tools = new Map<ToolName, AgentTool>([
      [ToolNames.profiles, profilesTool(s)],
      [ToolNames.builds, buildsTool(s)],
      [ToolNames.commitBuild, commitBuildTool(s)],
      [ToolNames.buildErrors, buildErrorsTool(s)],
      [ToolNames.buildLog, buildLogTool(s)],
      [ToolNames.startBuild, startBuildTool(s)],
      [ToolNames.cancelBuild, cancelBuildTool(s)],
      [ToolNames.signingIdentities, signingIdentitiesTool(s)],
      [ToolNames.distribution, distributionTool(s)],
      [ToolNames.sendToTesting, sendToTestingTool(s)],
    ]);
  }

  get names(): string[] {
    return [...this.tools.keys()];
  }

  /** The invocation message, and a write's confirmation; signed out there is nothing to confirm (invoke says why). */
  async prepare(name: string, rawInput: unknown, token: vscode.CancellationToken): Promise<vscode.PreparedToolInvocation> {
    const tool = this.tool(name);
    const input = inputOf(rawInput);
    const invocationMessage = tool.invocation(input);
    if (!tool.confirm || !this.services.session.isSignedIn) {
      return { invocationMessage };
    }
    try {
      const confirmationMessages = await untilCancelled(tool.confirm(input, token), token);
      this.logger.info(`${name}: asking the user to confirm`);
      return { invocationMessage, confirmationMessages };
    } catch (e) {
      if (e instanceof vscode.CancellationError) {
        throw e;
      }
      // nothing can be confirmed (an unknown profile, offline): invoke answers with the reason, and writes nothing
      this.logger.info(`${name}: nothing to confirm (${errorText(e)})`);
      return { invocationMessage };
    }
  }

  /** The tool's answer; only a cancellation is thrown (the editor reports it as such). */
  async invoke(name: string, rawInput: unknown, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const tool = this.tool(name);
    try {
      if (token.isCancellationRequested) {
        throw new vscode.CancellationError();
      }
      if (!this.services.session.isSignedIn) {
        throw new NotSignedInError();
      }
      return await untilCancelled(tool.invoke(inputOf(rawInput), token), token);
    } catch (e) {
      if (e instanceof vscode.CancellationError || token.isCancellationRequested) {
        throw e instanceof vscode.CancellationError ? e : new vscode.CancellationError();
      }
      return this.failed(name, tool, e);
    }
  }

  private failed(name: string, tool: AgentTool, e: unknown): vscode.LanguageModelToolResult {
    if (e instanceof ToolRefusal) {
      return answer(e.message);
    }
    if (e instanceof NotSignedInError) {
      return answer(
        vscode.l10n.t('You are not signed in to Appcircle. Run "Appcircle: Sign In" from the Command Palette, then ask again.'),
      );
    }
    if (e instanceof UserCancelledError) {
      return answer(vscode.l10n.t('Nothing was done: the user declined.'));
    }
    this.logger.warn(`${name}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    const d = describeError(e, tool.op);
    return answer(d?.message ?? vscode.l10n.t('The Appcircle tool failed: {0}', errorText(e)));
  }

  private tool(name: string): AgentTool {
    const t = this.tools.get(name);
    if (!t) {
      throw new Error(`Appcircle has no tool ${name}`);
    }
    return t;
  }
}
