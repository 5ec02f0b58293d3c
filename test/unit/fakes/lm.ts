/**
 * The `lm` namespace of the vscode fake and its classes: `registerMcpServerDefinitionProvider` is a sinon spy, read
 * back as `fake.mcpProviders` (in registration order). A test takes the API away by setting the function to
 * undefined (a host without it) and puts it back after. The Language Model tool half is lmTools.ts; vscodeFake.ts joins both
 * into one `lm`.
 */
import * as sinon from 'sinon';
import type { Uri } from './basics';
import { noop, onReset } from './state';

export class McpHttpServerDefinition {
  constructor(
    readonly label: string,
    public uri: Uri,
    public headers: Record<string, string> = {},
    public version?: string,
  ) {}
}

export const lm: { registerMcpServerDefinitionProvider?: sinon.SinonSpy<[string, unknown], { dispose(): void }> } = {
  registerMcpServerDefinitionProvider: sinon.spy((_id: string, _provider: unknown) => noop()),
};
const registerMcp = lm.registerMcpServerDefinitionProvider;

export const lmFake = {
  /** Every MCP server definition provider registered since the last reset: `{ id, provider }`. */
  get mcpProviders(): { id: string; provider: unknown }[] {
    return (registerMcp?.args ?? []).map(([id, provider]) => ({ id, provider }));
  },
};

export const resetLm = onReset(() => {
  lm.registerMcpServerDefinitionProvider = registerMcp;
  registerMcp?.resetHistory();
});
