/**
 * The Language Model tool part of the vscode fake's `lm` namespace: registerTool, tools, and invokeTool as the
 * workbench runs a call made outside a chat (prepareInvocation first; a confirmation is a dialog, answered by
 * `lmFake.confirmAnswer`, and recorded in `lmFake.confirmations`; declined → CancellationError, as VS Code).
 */
import { CancellationError, CancellationTokenSource, Disposable } from './basics';
import { onReset } from './state';

export class LanguageModelTextPart {
  constructor(public value: string) {}
}

export class LanguageModelToolResult {
  constructor(public content: unknown[]) {}
}

interface FakeTool {
  invoke(options: { input: unknown; toolInvocationToken: undefined }, token: unknown): unknown;
  prepareInvocation?(options: { input: unknown }, token: unknown): unknown;
}

interface Prepared {
  invocationMessage?: unknown;
  confirmationMessages?: { title: string; message: string | { value: string } };
}

const registered = new Map<string, FakeTool>();

export const lmToolsFake = {
  /** What each confirmation asked, in order: its title and its message's text. */
  confirmations: [] as { tool: string; title: string; message: string }[],
  /** How the user answers a confirmation. */
  confirmAnswer: true,
  /** The invocation messages prepareInvocation returned, in order. */
  invocationMessages: [] as string[],
};

export const lmTools = {
  /** The last registration answers (a test may run two windows' extensions in one process). */
  registerTool(name: string, tool: FakeTool): Disposable {
    registered.set(name, tool);
    return new Disposable(() => registered.get(name) === tool && registered.delete(name));
  },
  get tools(): { name: string; description: string; inputSchema: undefined; tags: string[] }[] {
    return [...registered.keys()].map((name) => ({ name, description: '', inputSchema: undefined, tags: [] }));
  },
  async invokeTool(
    name: string,
    options: { input: object; toolInvocationToken?: undefined },
    token?: unknown,
  ): Promise<LanguageModelToolResult> {
    const tool = registered.get(name);
    if (!tool) {
      throw new Error(`Tool ${name} was not contributed`);
    }
    const t = token ?? new CancellationTokenSource().token;
    const prepared = (await tool.prepareInvocation?.({ input: options.input }, t)) as Prepared | undefined;
    const m = prepared?.invocationMessage;
    lmToolsFake.invocationMessages.push(typeof m === 'string' ? m : String((m as { value?: string } | undefined)?.value ?? ''));
    const c = prepared?.confirmationMessages;
    if (c?.title) {
      lmToolsFake.confirmations.push({ tool: name, title: c.title, message: typeof c.message === 'string' ? c.message : c.message.value });
      if (!lmToolsFake.confirmAnswer) {
        throw new CancellationError();
      }
    }
    return (await tool.invoke({ input: options.input, toolInvocationToken: undefined }, t)) as LanguageModelToolResult;
  },
};

onReset(() => {
  registered.clear();
  lmToolsFake.confirmations = [];
  lmToolsFake.invocationMessages = [];
  lmToolsFake.confirmAnswer = true;
});
