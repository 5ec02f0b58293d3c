/**
 * A tiny, scriptable stand-in for the `vscode` module, for the ui unit tier only.
 * Tests queue answers for input boxes / quick picks / message buttons and read what was shown.
 */

import { Emitter } from '../../../src/core/events';

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private readonly inner = new Emitter<T>();
  readonly event = this.inner.event;
  fire(e: T): void {
    this.inner.fire(e);
  }
  dispose(): void {
    this.inner.dispose();
  }
}

export class Disposable {
  constructor(private readonly fn: () => void) {}
  static from(...ds: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => ds.forEach((d) => d.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

export class MarkdownString {
  value = '';
  isTrusted?: boolean;
  supportThemeIcons?: boolean;
  constructor(value?: string, supportThemeIcons?: boolean) {
    this.value = value ?? '';
    this.supportThemeIcons = supportThemeIcons;
  }
  appendMarkdown(s: string): this {
    this.value += s;
    return this;
  }
  appendText(s: string): this {
    this.value += s;
    return this;
  }
  appendCodeblock(s: string): this {
    this.value += '\n```\n' + s + '\n```\n';
    return this;
  }
}

export class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}
export class ThemeColor {
  constructor(readonly id: string) {}
}
export class TreeItem {
  id?: string;
  description?: string;
  tooltip?: unknown;
  iconPath?: unknown;
  contextValue?: string;
  command?: unknown;
  resourceUri?: unknown;
  constructor(
    public label: string | { label: string },
    public collapsibleState?: number,
  ) {}
}
export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}
export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}
export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}
export enum QuickPickItemKind {
  Separator = -1,
  Default = 0,
}
export enum ExtensionMode {
  Production = 1,
  Development = 2,
  Test = 3,
}

export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}
export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
    readonly query = '',
  ) {}
  static parse(s: string): Uri {
    const m = /^([a-z-]+):([^?]*)(?:\?(.*))?$/.exec(s);
    return new Uri(m?.[1] ?? 'file', m?.[2] ?? s, m?.[3] ?? '');
  }
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static from(c: { scheme: string; path?: string; query?: string }): Uri {
    return new Uri(c.scheme, c.path ?? '', c.query ?? '');
  }
  with(c: { path?: string }): Uri {
    return new Uri(this.scheme, c.path ?? this.path, this.query);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, [base.path, ...parts].join('/'));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}:${this.path}${this.query ? `?${this.query}` : ''}`;
  }
}

/** As vscode's: name and message are both 'Canceled', which is what the workbench's isCancellationError checks. */
export class CancellationError extends Error {
  constructor() {
    super('Canceled');
    this.name = this.message;
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}
export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(startLine: number, startCharacter: number, endLine: number, endCharacter: number) {
    this.start = new Position(startLine, startCharacter);
    this.end = new Position(endLine, endCharacter);
  }
}
export enum TextEditorRevealType {
  Default = 0,
  InCenter = 1,
  InCenterIfOutsideViewport = 2,
  AtTop = 3,
}

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
}

/** A visible editor: tests set `visibleRanges`; `revealRange` calls are recorded. */
export class FakeTextEditor {
  visibleRanges: Range[] = [];
  readonly revealed: Range[] = [];
  constructor(readonly document: FakeTextDocument) {}
  revealRange(r: Range): void {
    this.revealed.push(r);
    // what the editor then shows: the revealed line at the bottom of a viewport as tall as before
    const height = (this.visibleRanges[0]?.end.line ?? 0) - (this.visibleRanges[0]?.start.line ?? 0);
    this.visibleRanges = [new Range(Math.max(0, r.end.line - height), 0, r.end.line, 0)];
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

export class CancellationTokenSource {
  private readonly em = new EventEmitter<void>();
  token = { isCancellationRequested: false, onCancellationRequested: this.em.event };
  cancel(): void {
    this.token.isCancellationRequested = true;
    this.em.fire();
  }
  dispose(): void {
    this.em.dispose();
  }
}

export interface ShownMessage {
  severity: 'info' | 'warning' | 'error';
  message: string;
  actions: string[];
}

export class FakeStatusBarItem {
  text = '';
  tooltip: unknown;
  command: unknown;
  name?: string;
  accessibilityInformation: unknown;
  visible = false;
  constructor(readonly id: string) {}
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  dispose(): void {
    this.visible = false;
  }
}

export class FakeLogChannel {
  readonly lines: string[] = [];
  constructor(readonly name: string) {}
  trace(m: string): void {
    this.lines.push(`[trace] ${m}`);
  }
  debug(m: string): void {
    this.lines.push(`[debug] ${m}`);
  }
  info(m: string): void {
    this.lines.push(`[info] ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`[warning] ${m}`);
  }
  error(m: string): void {
    this.lines.push(`[error] ${m}`);
  }
  appendLine(m: string): void {
    this.lines.push(m);
  }
  show(): void {}
  dispose(): void {}
}

/** Scripted answers and recorded effects; reset() between tests. */
export const fake = {
  inputAnswers: [] as (string | undefined)[],
  inputRequests: [] as { title?: string; prompt?: string; password?: boolean; validateInput?: (v: string) => unknown }[],
  pickAnswers: [] as ((items: { label: string }[]) => unknown)[],
  pickRequests: [] as { items: { label: string; description?: string }[]; title?: string }[],
  messageAnswers: [] as (string | undefined)[],
  messages: [] as ShownMessage[],
  executed: [] as { id: string; args: unknown[] }[],
  statusBarItems: [] as FakeStatusBarItem[],
  logChannels: [] as FakeLogChannel[],
  contextKeys: new Map<string, unknown>(),
  configuration: new Map<string, unknown>(),
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  treeViews: new Map<string, FakeTreeView>(),
  shownDocuments: [] as unknown[],
  openDialogAnswers: [] as string[],
  contentProviders: new Map<string, unknown>(),
  documents: new Map<string, FakeTextDocument>(),
  documentUpdates: [] as DocumentUpdate[],
  openedExternal: [] as string[],
  reset(): void {
    this.documents.clear();
    this.documentUpdates = [];
    this.openedExternal = [];
    window.visibleTextEditors = [];
    this.treeViews.clear();
    this.shownDocuments = [];
    this.openDialogAnswers = [];
    this.contentProviders.clear();
    this.inputAnswers = [];
    this.inputRequests = [];
    this.pickAnswers = [];
    this.pickRequests = [];
    this.messageAnswers = [];
    this.messages = [];
    this.executed = [];
    this.statusBarItems = [];
    this.logChannels = [];
    this.contextKeys.clear();
    this.configuration.clear();
    this.commands.clear();
  },
};

function message(severity: ShownMessage['severity']) {
  return (msg: string, ...rest: unknown[]): Promise<string | undefined> => {
    const actions = rest.filter((r): r is string => typeof r === 'string');
    fake.messages.push({ severity, message: msg, actions });
    return Promise.resolve(fake.messageAnswers.shift());
  };
}

export const window = {
  showInformationMessage: message('info'),
  showWarningMessage: message('warning'),
  showErrorMessage: message('error'),
  async showInputBox(o: {
    title?: string;
    prompt?: string;
    password?: boolean;
    validateInput?: (v: string) => unknown;
  }): Promise<string | undefined> {
    fake.inputRequests.push(o);
    const answer = fake.inputAnswers.shift();
    if (answer !== undefined && o.validateInput) {
      const problem = await o.validateInput(answer);
      if (problem) {
        // a real input box would keep asking; the test sees the problem and the box "cancels"
        fake.messages.push({
          severity: 'warning',
          message: `validation: ${typeof problem === 'string' ? problem : JSON.stringify(problem)}`,
          actions: [],
        });
        return undefined;
      }
    }
    return answer;
  },
  async showQuickPick<T extends { label: string }>(items: T[] | Promise<T[]>, o?: { title?: string }): Promise<T | undefined> {
    const list = await items;
    fake.pickRequests.push({ items: list, title: o?.title });
    const chooser = fake.pickAnswers.shift();
    return chooser ? (chooser(list) as T | undefined) : undefined;
  },
  async withProgress<R>(_o: unknown, task: (p: { report(v: unknown): void }, token: unknown) => Promise<R>): Promise<R> {
    return task({ report: () => undefined }, new CancellationTokenSource().token);
  },
  createStatusBarItem(id: string): FakeStatusBarItem {
    const item = new FakeStatusBarItem(id);
    fake.statusBarItems.push(item);
    return item;
  },
  createOutputChannel(name: string): FakeLogChannel {
    const ch = new FakeLogChannel(name);
    fake.logChannels.push(ch);
    return ch;
  },
  registerTreeDataProvider(): Disposable {
    return new Disposable(() => undefined);
  },
  createTreeView(id: string, o: { treeDataProvider: unknown }): FakeTreeView {
    const v = new FakeTreeView(id, o.treeDataProvider);
    fake.treeViews.set(id, v);
    return v;
  },
  state: { focused: true },
  onDidChangeWindowState(): Disposable {
    return new Disposable(() => undefined);
  },
  setStatusBarMessage(): Disposable {
    return new Disposable(() => undefined);
  },
  showTextDocument(doc: unknown): Promise<unknown> {
    fake.shownDocuments.push(doc);
    if (doc instanceof FakeTextDocument) {
      const editor = new FakeTextEditor(doc);
      window.visibleTextEditors.push(editor);
      return Promise.resolve(editor);
    }
    return Promise.resolve(doc);
  },
  visibleTextEditors: [] as FakeTextEditor[],
  showOpenDialog(): Promise<Uri[] | undefined> {
    const answer = fake.openDialogAnswers.shift();
    return Promise.resolve(answer ? [Uri.file(answer)] : undefined);
  },
};

export class FakeTreeView {
  visible = true;
  badge: { value: number; tooltip: string } | undefined;
  description: string | undefined;
  private readonly vis = new EventEmitter<{ visible: boolean }>();
  readonly onDidChangeVisibility = this.vis.event;
  constructor(
    readonly id: string,
    readonly provider: unknown,
  ) {}
  dispose(): void {
    this.vis.dispose();
  }
}

export enum FileType {
  Unknown = 0,
  File = 1,
  Directory = 2,
}

export const languages = {
  setTextDocumentLanguage(doc: unknown): Promise<unknown> {
    return Promise.resolve(doc);
  },
};

export const commands = {
  registerCommand(id: string, fn: (...args: unknown[]) => unknown): Disposable {
    fake.commands.set(id, fn);
    return new Disposable(() => fake.commands.delete(id));
  },
  async executeCommand<T>(id: string, ...args: unknown[]): Promise<T | undefined> {
    fake.executed.push({ id, args });
    if (id === 'setContext') {
      fake.contextKeys.set(args[0] as string, args[1]);
      return undefined;
    }
    const fn = fake.commands.get(id);
    return fn ? ((await fn(...args)) as T) : undefined;
  },
};

export const l10n = {
  t(message: string, ...args: unknown[]): string {
    return message.replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)]));
  },
};

interface ContentProvider {
  provideTextDocumentContent(u: Uri, t: unknown): Promise<string> | string;
  onDidChange?: (l: (u: Uri) => unknown) => { dispose(): void };
}

const changeTextDocument = new EventEmitter<{ document: FakeTextDocument }>();

async function refreshDocument(provider: ContentProvider, uri: Uri): Promise<void> {
  const doc = fake.documents.get(uri.toString());
  if (!doc) {
    return;
  }
  const text = await provider.provideTextDocumentContent(uri, new CancellationTokenSource().token);
  fake.documentUpdates.push({
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

export const workspace = {
  workspaceFolders: [{ uri: Uri.file('/work/fake-ws'), name: 'fake-ws', index: 0 }],
  workspaceFile: undefined as Uri | undefined,
  name: 'fake-ws',
  getConfiguration(section: string) {
    return {
      get<T>(key: string, def?: T): T | undefined {
        return (fake.configuration.get(`${section}.${key}`) as T | undefined) ?? def;
      },
      inspect<T>(key: string): { globalValue?: T; defaultValue?: T } | undefined {
        return { globalValue: fake.configuration.get(`${section}.${key}`) as T | undefined };
      },
    };
  },
  onDidChangeConfiguration(_l: Listener<unknown>): Disposable {
    return new Disposable(() => undefined);
  },
  registerTextDocumentContentProvider(scheme: string, provider: ContentProvider): Disposable {
    fake.contentProviders.set(scheme, provider);
    // as VS Code does: a change event makes it ask again for every open document of the scheme and apply the difference
    const sub = provider.onDidChange?.((uri) => void refreshDocument(provider, uri));
    return new Disposable(() => {
      sub?.dispose();
      fake.contentProviders.delete(scheme);
    });
  },
  onDidChangeTextDocument: changeTextDocument.event,
  get textDocuments(): FakeTextDocument[] {
    return [...fake.documents.values()];
  },
  onDidCloseTextDocument(): Disposable {
    return new Disposable(() => undefined);
  },
  async openTextDocument(uri: Uri): Promise<FakeTextDocument> {
    const open = fake.documents.get(uri.toString());
    if (open) {
      return open;
    }
    const provider = fake.contentProviders.get(uri.scheme) as ContentProvider | undefined;
    const text = provider ? await provider.provideTextDocumentContent(uri, new CancellationTokenSource().token) : '';
    const doc = new FakeTextDocument(uri, text);
    fake.documents.set(uri.toString(), doc);
    return doc;
  },
  fs: {
    stat(): Promise<never> {
      return Promise.reject(new Error('ENOENT'));
    },
    readFile(): Promise<never> {
      return Promise.reject(new Error('ENOENT'));
    },
  },
};

export const authentication = {
  registerAuthenticationProvider(): Disposable {
    return new Disposable(() => undefined);
  },
};

export const env = {
  clipboard: {
    text: '',
    writeText(t: string): Promise<void> {
      env.clipboard.text = t;
      return Promise.resolve();
    },
  },
  openExternal(uri: Uri): Promise<boolean> {
    fake.openedExternal.push(uri.toString());
    return Promise.resolve(true);
  },
};

// ---- log language features, diagnostics, git, the commit's build status item --------------------

export class Selection extends Range {
  constructor(anchor: Position, active: Position) {
    super(anchor.line, anchor.character, active.line, active.character);
  }
}
export enum FoldingRangeKind {
  Comment = 1,
  Imports = 2,
  Region = 3,
}
export class FoldingRange {
  constructor(
    readonly start: number,
    readonly end: number,
    readonly kind?: FoldingRangeKind,
  ) {}
}
export enum SymbolKind {
  Function = 11,
  Event = 23,
}
export class DocumentSymbol {
  children: DocumentSymbol[] = [];
  constructor(
    readonly name: string,
    readonly detail: string,
    readonly kind: SymbolKind,
    readonly range: Range,
    readonly selectionRange: Range,
  ) {}
}
export class CodeLens {
  constructor(
    readonly range: Range,
    readonly command?: { title: string; command: string; arguments?: unknown[] },
  ) {}
}
export enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}
export class Location {
  constructor(
    readonly uri: Uri,
    readonly range: Range,
  ) {}
}
export class DiagnosticRelatedInformation {
  constructor(
    readonly location: Location,
    readonly message: string,
  ) {}
}
export class Diagnostic {
  source?: string;
  relatedInformation?: DiagnosticRelatedInformation[];
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity: DiagnosticSeverity,
  ) {}
}
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

export const fake10 = {
  diagnostics: [] as FakeDiagnosticCollection[],
  providers: [] as { kind: 'folding' | 'symbols' | 'codeLens'; provider: unknown }[],
  /** Relative paths of the fake workspace's files (under /work/fake-ws). */
  files: [] as string[],
  /** `vscode.git` extension exports (tests set them), or undefined when the extension is absent. */
  gitExports: undefined as unknown,
  reset(): void {
    this.diagnostics = [];
    this.providers = [];
    this.files = [];
    this.gitExports = undefined;
  },
};

const openTextDocument = new EventEmitter<FakeTextDocument>();
const closeTextDocument = new EventEmitter<FakeTextDocument>();
const activeEditorChange = new EventEmitter<unknown>();
Object.assign(FakeTextDocument.prototype, {
  lineAt(this: FakeTextDocument, line: number) {
    const text = this.text.split('\n')[line] ?? '';
    return { text, range: new Range(line, 0, line, text.length) };
  },
});
Object.defineProperty(FakeTextDocument.prototype, 'languageId', { get: () => 'appcircle-log', configurable: true });
Object.defineProperty(FakeTextDocument.prototype, 'isClosed', { get: () => false, configurable: true });
Object.assign(languages, {
  registerFoldingRangeProvider: (_s: unknown, provider: unknown) => (
    fake10.providers.push({ kind: 'folding', provider }),
    new Disposable(() => undefined)
  ),
  registerDocumentSymbolProvider: (_s: unknown, provider: unknown) => (
    fake10.providers.push({ kind: 'symbols', provider }),
    new Disposable(() => undefined)
  ),
  registerCodeLensProvider: (_s: unknown, provider: unknown) => (
    fake10.providers.push({ kind: 'codeLens', provider }),
    new Disposable(() => undefined)
  ),
  createDiagnosticCollection: (name: string) => {
    const c = new FakeDiagnosticCollection(name);
    fake10.diagnostics.push(c);
    return c;
  },
});
Object.assign(workspace, {
  onDidOpenTextDocument: openTextDocument.event,
  onDidCloseTextDocument: closeTextDocument.event,
  onDidCreateFiles: () => new Disposable(() => undefined),
  onDidRenameFiles: () => new Disposable(() => undefined),
  // `**/name` or `**/{a,b,c}`, `?` for one character (how findByNames asks)
  findFiles: (glob: string) => {
    const body = glob.replace(/^\*\*\//, '');
    const names = body.startsWith('{') && body.endsWith('}') ? body.slice(1, -1).split(',') : [body];
    const like = (n: string, g: string) => n.length === g.length && [...g].every((c, i) => c === '?' || c === n[i]);
    const base = (f: string) => f.slice(f.lastIndexOf('/') + 1);
    return Promise.resolve(fake10.files.filter((f) => names.some((g) => like(base(f), g))).map((f) => Uri.file(`/work/fake-ws/${f}`)));
  },
});
Object.assign(workspace.fs, {
  stat: (uri: Uri) => {
    const rel = uri.path.replace(/^\/work\/fake-ws\//, '');
    return fake10.files.includes(rel) ? Promise.resolve({ type: FileType.File }) : Promise.reject(new Error('ENOENT'));
  },
});
Object.assign(window, {
  activeTextEditor: undefined,
  onDidChangeActiveTextEditor: activeEditorChange.event,
});
export const fakeEvents10 = { openTextDocument, closeTextDocument, activeEditorChange };
export const extensions = {
  getExtension(id: string): unknown {
    return id === 'vscode.git' && fake10.gitExports !== undefined
      ? { isActive: true, exports: fake10.gitExports, activate: () => Promise.resolve(fake10.gitExports) }
      : undefined;
  },
};
const resetBefore10 = fake.reset.bind(fake);
fake.reset = () => {
  resetBefore10();
  fake10.reset();
  Object.assign(window, { activeTextEditor: undefined });
};

// the workspace's folders as the commit's build item sees them
Object.assign(workspace, {
  onDidChangeWorkspaceFolders: () => new Disposable(() => undefined),
  getWorkspaceFolder: () => workspace.workspaceFolders[0],
});

// editor tabs (a log's last tab closing clears its Problems)
export class TabInputText {
  constructor(readonly uri: Uri) {}
}
const tabsChanged = new EventEmitter<{ opened: unknown[]; closed: unknown[]; changed: unknown[] }>();
export const fakeTabs = { groups: [] as { tabs: { input: unknown }[] }[], changed: tabsChanged };
Object.assign(window, {
  tabGroups: {
    get all() {
      return fakeTabs.groups;
    },
    onDidChangeTabs: tabsChanged.event,
  },
});
