/**
 * The `window` namespace of the vscode fake, put together from its parts (prompts, views, editors) plus the
 * window's own state: focus, the visible and active editors, and `showTextDocument` (a sinon spy: `shownDocuments`).
 */
import * as sinon from 'sinon';
import { FakeTextDocument, FakeTextEditor, editors } from './documents';
import { prompts } from './prompts';
import { forget, noop, onReset } from './state';
import { views } from './views';

function showTextDocument(doc: unknown): Promise<unknown> {
  if (doc instanceof FakeTextDocument) {
    const editor = new FakeTextEditor(doc);
    window.visibleTextEditors.push(editor);
    return Promise.resolve(editor);
  }
  return Promise.resolve(doc);
}

export const window = {
  ...prompts,
  ...views,
  ...editors,
  registerTreeDataProvider: noop,
  state: { focused: true },
  onDidChangeWindowState: noop,
  setStatusBarMessage: sinon.spy((_text: string, _ms?: number) => ({ dispose: () => undefined })),
  showTextDocument: sinon.spy(showTextDocument),
  visibleTextEditors: [] as FakeTextEditor[],
  activeTextEditor: undefined as FakeTextEditor | undefined,
};

export const windowFake = {
  /** What showTextDocument was given (documents or URIs), in order. */
  get shownDocuments(): unknown[] {
    return window.showTextDocument.args.map(([d]) => d);
  },
  set shownDocuments(none: unknown[]) {
    forget(none, window.showTextDocument);
  },
  /** The texts setStatusBarMessage showed, in order. */
  get statusBarMessages(): string[] {
    return window.setStatusBarMessage.args.map(([t]) => t);
  },
  set statusBarMessages(none: string[]) {
    forget(none, window.setStatusBarMessage);
  },
};

onReset(() => {
  window.visibleTextEditors = [];
  window.activeTextEditor = undefined;
  windowFake.shownDocuments = [];
  windowFake.statusBarMessages = [];
});
