/**
 * The `commands` namespace of the vscode fake: registered commands run when executed, `setContext` lands in
 * `contextKeys`, and `executeCommand` is a sinon spy (`executed` lists its calls as { id, args }).
 */
import * as sinon from 'sinon';
import { Disposable } from './basics';
import { onReset } from './state';

async function executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
  if (id === 'setContext') {
    commandsFake.contextKeys.set(args[0] as string, args[1]);
    return undefined;
  }
  const fn = commandsFake.commands.get(id);
  return fn ? await fn(...args) : undefined;
}

export const commands = {
  registerCommand(id: string, fn: (...args: unknown[]) => unknown): Disposable {
    commandsFake.commands.set(id, fn);
    return new Disposable(() => commandsFake.commands.delete(id));
  },
  executeCommand: sinon.spy(executeCommand),
};

export const commandsFake = {
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  contextKeys: new Map<string, unknown>(),
  get executed(): { id: string; args: unknown[] }[] {
    return commands.executeCommand.args.map(([id, ...args]) => ({ id, args }));
  },
};

onReset(() => {
  commandsFake.commands.clear();
  commandsFake.contextKeys.clear();
  commands.executeCommand.resetHistory();
});
