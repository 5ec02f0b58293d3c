/**
 * A tiny, scriptable stand-in for the `vscode` module, for the ui unit tier only (installVscodeFake.ts makes
 * `require('vscode')` return this module). Tests queue answers for input boxes / quick picks / message buttons and
 * read what was shown through `fake` (and `fake10` for the log language features, files and git); `fake.reset()`
 * between tests. Each namespace lives in its own file; this one only joins them.
 */
import { documentsFake } from './documents';
import { envFake, gitFake, resetGit } from './env';
import { commandsFake } from './commands';
import { languagesFake, resetLanguages } from './languages';
import { lm as mcpLm, lmFake } from './lm';
import { promptsFake } from './prompts';
import { facade, resetAll } from './state';
import { viewsFake } from './views';
import { windowFake } from './window';
import { filesFake, resetFiles, workspaceFake } from './workspace';
import { lmTools, lmToolsFake } from './lmTools';

export * from './basics';
export * from './shapes';
export type { ShownMessage } from './prompts';
export { FakeLogChannel, FakeStatusBarItem, FakeTreeView } from './views';
export type { DocumentUpdate } from './documents';
export { FakeTextDocument, FakeTextEditor, fakeEvents10, fakeTabs } from './documents';
export { window } from './window';
export { workspace } from './workspace';
export { commands } from './commands';
export { FakeDiagnosticCollection, languages } from './languages';
export { authentication, env, extensions, fakeGitRepository } from './env';
export { McpHttpServerDefinition } from './lm';
export { LanguageModelTextPart, LanguageModelToolResult } from './lmTools';
/** The `lm` namespace: the MCP provider registration (lm.ts) and the Language Model tools (lmTools.ts), one object. */
export const lm = Object.defineProperties(mcpLm, Object.getOwnPropertyDescriptors(lmTools)) as typeof mcpLm & typeof lmTools;

/** Scripted answers and recorded effects; reset() between tests. */
export const fake = facade(promptsFake, viewsFake, windowFake, documentsFake, commandsFake, workspaceFake, envFake, lmFake, lmToolsFake, {
  reset: resetAll,
});

/** The log language features' registrations, the workspace's files and the git extension; fake.reset() resets them too. */
export const fake10 = facade(languagesFake, filesFake, gitFake, {
  reset(): void {
    resetLanguages();
    resetFiles();
    resetGit();
  },
});
