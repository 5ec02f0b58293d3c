/**
 * The `languages` namespace of the vscode fake, for the log language features: the register functions and
 * createDiagnosticCollection are sinon spies, read back as `fake10.providers` (in registration order, with their
 * kind) and `fake10.diagnostics`.
 */
import * as sinon from 'sinon';
import type { Uri } from './basics';
import type { Diagnostic } from './shapes';
import { noop, onReset } from './state';

export class FakeDiagnosticCollection {
  readonly entries = new Map<string, { uri: Uri; list: Diagnostic[] }>();
  constructor(readonly name: string) {}
  set(uri: Uri, list: Diagnostic[]): void {
    this.entries.set(uri.toString(), { uri, list });
  }
  clear(): void {
    this.entries.clear();
  }
  forEach(fn: (uri: Uri, list: Diagnostic[]) => void): void {
    for (const e of this.entries.values()) {
      fn(e.uri, e.list);
    }
  }
  dispose(): void {
    this.entries.clear();
  }
}

type ProviderKind = 'folding' | 'symbols' | 'codeLens';
const register = () => sinon.spy((_selector: unknown, _provider: unknown) => noop());
const registered: Record<ProviderKind, ReturnType<typeof register>> = {
  folding: register(),
  symbols: register(),
  codeLens: register(),
};

export const languages = {
  setTextDocumentLanguage(doc: unknown): Promise<unknown> {
    return Promise.resolve(doc);
  },
  registerFoldingRangeProvider: registered.folding,
  registerDocumentSymbolProvider: registered.symbols,
  registerCodeLensProvider: registered.codeLens,
  createDiagnosticCollection: sinon.spy((name: string) => new FakeDiagnosticCollection(name)),
};

export const languagesFake = {
  get diagnostics(): FakeDiagnosticCollection[] {
    return [...languages.createDiagnosticCollection.returnValues];
  },
  get providers(): { kind: ProviderKind; provider: unknown }[] {
    return (Object.keys(registered) as ProviderKind[])
      .flatMap((kind) => registered[kind].getCalls().map((call) => ({ kind, call })))
      .sort((a, b) => (a.call.calledBefore(b.call) ? -1 : 1))
      .map(({ kind, call }) => ({ kind, provider: call.args[1] }));
  },
};

export const resetLanguages = onReset(() => {
  Object.values(registered).forEach((s) => s.resetHistory());
  languages.createDiagnosticCollection.resetHistory();
});
