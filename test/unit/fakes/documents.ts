/**
 * Open documents and editors as the log views see them: text documents of a content provider (re-read when the
 * provider fires onDidChange, as VS Code does, each re-read recorded in `documentUpdates`), visible editors whose
 * `revealRange` is a sinon spy, editor tabs, and the document/editor events a test fires (`fakeEvents10`).
 */
import * as sinon from 'sinon';
import type { Uri } from './basics';
import { CancellationTokenSource, Disposable, EventEmitter } from './basics';
import { Range } from './shapes';
import { onReset } from './state';

/** An open document of a content provider, kept up to date as VS Code does (onDidChange → provide again). */
export class FakeTextDocument {
  version = 1;
  constructor(
    readonly uri: Uri,
    public text: string,
  ) {}
  getText(): string {
    return this.text;
  }
  get lineCount(): number {
    return this.text.split('\n').length;
  }
  get languageId(): string {
    return 'appcircle-log';
  }
  get isClosed(): boolean {
    return false;
  }
  lineAt(line: number): { text: string; range: Range } {
    const text = this.text.split('\n')[line] ?? '';
    return { text, range: new Range(line, 0, line, text.length) };
  }
}

/** A visible editor: tests set `visibleRanges`; `revealed` lists what `revealRange` was asked to show. */
export class FakeTextEditor {
  visibleRanges: Range[] = [];
  readonly revealRange = sinon.spy((r: Range): void => {
    // what the editor then shows: the revealed line at the bottom of a viewport as tall as before
    const height = (this.visibleRanges[0]?.end.line ?? 0) - (this.visibleRanges[0]?.start.line ?? 0);
    this.visibleRanges = [new Range(Math.max(0, r.end.line - height), 0, r.end.line, 0)];
  });
  constructor(readonly document: FakeTextDocument) {}
  get revealed(): Range[] {
    return this.revealRange.args.map(([r]) => r);
  }
}

/** One re-read of an open document after its provider fired onDidChange. */
export interface DocumentUpdate {
  uri: string;
  /** The new text starts with the old one: the change is an append at the end. */
  appended: boolean;
  oldLength: number;
  newLength: number;
}

interface ContentProvider {
  provideTextDocumentContent(u: Uri, t: unknown): Promise<string> | string;
  onDidChange?: (l: (u: Uri) => unknown) => { dispose(): void };
}

const changeTextDocument = new EventEmitter<{ document: FakeTextDocument }>();
const opened = new EventEmitter<FakeTextDocument>();
const closed = new EventEmitter<FakeTextDocument>();
const activeEditorChange = new EventEmitter<unknown>();
export const fakeEvents10 = { openTextDocument: opened, closeTextDocument: closed, activeEditorChange };

const tabsChanged = new EventEmitter<{ opened: unknown[]; closed: unknown[]; changed: unknown[] }>();
export const fakeTabs = { groups: [] as { tabs: { input: unknown }[] }[], changed: tabsChanged };

export const documentsFake = {
  contentProviders: new Map<string, unknown>(),
  documents: new Map<string, FakeTextDocument>(),
  documentUpdates: [] as DocumentUpdate[],
};

async function refreshDocument(provider: ContentProvider, uri: Uri): Promise<void> {
  const doc = documentsFake.documents.get(uri.toString());
  if (!doc) {
    return;
  }
  const text = await provider.provideTextDocumentContent(uri, new CancellationTokenSource().token);
  documentsFake.documentUpdates.push({
    uri: uri.toString(),
    appended: text.startsWith(doc.text),
    oldLength: doc.text.length,
    newLength: text.length,
  });
  if (text !== doc.text) {
    doc.text = text;
    doc.version++;
    changeTextDocument.fire({ document: doc });
  }
}

function registerTextDocumentContentProvider(scheme: string, provider: ContentProvider): Disposable {
  documentsFake.contentProviders.set(scheme, provider);
  // as VS Code does: a change event makes it ask again for every open document of the scheme and apply the difference
  const sub = provider.onDidChange?.((uri) => void refreshDocument(provider, uri));
  return new Disposable(() => {
    sub?.dispose();
    documentsFake.contentProviders.delete(scheme);
  });
}

async function openTextDocument(uri: Uri): Promise<FakeTextDocument> {
  const open = documentsFake.documents.get(uri.toString());
  if (open) {
    return open;
  }
  const provider = documentsFake.contentProviders.get(uri.scheme) as ContentProvider | undefined;
  const text = provider ? await provider.provideTextDocumentContent(uri, new CancellationTokenSource().token) : '';
  const doc = new FakeTextDocument(uri, text);
  documentsFake.documents.set(uri.toString(), doc);
  return doc;
}

/** The workspace's document half. */
export const documents = {
  registerTextDocumentContentProvider,
  onDidChangeTextDocument: changeTextDocument.event,
  onDidOpenTextDocument: opened.event,
  onDidCloseTextDocument: closed.event,
  get textDocuments(): FakeTextDocument[] {
    return [...documentsFake.documents.values()];
  },
  openTextDocument,
};

/** The window's editor half. */
export const editors = {
  onDidChangeActiveTextEditor: activeEditorChange.event,
  tabGroups: {
    get all() {
      return fakeTabs.groups;
    },
    onDidChangeTabs: tabsChanged.event,
  },
};

onReset(() => {
  documentsFake.documents.clear();
  documentsFake.documentUpdates = [];
  documentsFake.contentProviders.clear();
});
