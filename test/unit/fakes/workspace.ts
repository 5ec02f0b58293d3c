/**
 * The `workspace` namespace of the vscode fake: one folder (/work/fake-ws) whose files a test lists in
 * `fake10.files` (findFiles and fs.stat see them), settings from `fake.configuration` ('section.key' → value; a
 * workspace's own values in `fake.workspaceConfiguration`, `fake.changeConfiguration(...keys)` announces a change),
 * and the document half from documents.ts.
 */
import type { Uri as UriType } from './basics';
import { EventEmitter, FileType, Uri } from './basics';
import { documents } from './documents';
import { noop, onReset } from './state';

const configurationChanges = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();

export const workspaceFake = {
  /** User values. */
  configuration: new Map<string, unknown>(),
  /** Workspace values: `get` returns them first, `inspect` as `workspaceValue`. */
  workspaceConfiguration: new Map<string, unknown>(),
  /** onDidChangeConfiguration for these 'section.key's (a section containing one is affected too). */
  changeConfiguration(...keys: string[]): void {
    configurationChanges.fire({ affectsConfiguration: (s) => keys.some((k) => k === s || k.startsWith(`${s}.`)) });
  },
};
export const filesFake = {
  /** Relative paths of the fake workspace's files (under /work/fake-ws). */
  files: [] as string[],
};

/** `**\/name` or `**\/{a,b,c}`, `?` for one character (how findByNames asks). */
function findFiles(glob: string): Promise<UriType[]> {
  const body = glob.replace(/^\*\*\//, '');
  const names = body.startsWith('{') && body.endsWith('}') ? body.slice(1, -1).split(',') : [body];
  const like = (n: string, g: string) => n.length === g.length && [...g].every((c, i) => c === '?' || c === n[i]);
  const base = (f: string) => f.slice(f.lastIndexOf('/') + 1);
  return Promise.resolve(filesFake.files.filter((f) => names.some((g) => like(base(f), g))).map((f) => Uri.file(`/work/fake-ws/${f}`)));
}

export const workspace = {
  workspaceFolders: [{ uri: Uri.file('/work/fake-ws'), name: 'fake-ws', index: 0 }],
  workspaceFile: undefined as UriType | undefined,
  name: 'fake-ws',
  getConfiguration(section: string) {
    return {
      get<T>(key: string, def?: T): T | undefined {
        const k = `${section}.${key}`;
        return (
          (workspaceFake.workspaceConfiguration.get(k) as T | undefined) ?? (workspaceFake.configuration.get(k) as T | undefined) ?? def
        );
      },
      inspect<T>(key: string): { globalValue?: T; workspaceValue?: T; defaultValue?: T } | undefined {
        const k = `${section}.${key}`;
        return {
          globalValue: workspaceFake.configuration.get(k) as T | undefined,
          workspaceValue: workspaceFake.workspaceConfiguration.get(k) as T | undefined,
        };
      },
    };
  },
  onDidChangeConfiguration: configurationChanges.event,
  registerTextDocumentContentProvider: documents.registerTextDocumentContentProvider,
  onDidChangeTextDocument: documents.onDidChangeTextDocument,
  onDidOpenTextDocument: documents.onDidOpenTextDocument,
  onDidCloseTextDocument: documents.onDidCloseTextDocument,
  get textDocuments() {
    return documents.textDocuments;
  },
  openTextDocument: documents.openTextDocument,
  onDidCreateFiles: noop,
  onDidRenameFiles: noop,
  findFiles,
  asRelativePath(pathOrUri: string | UriType): string {
    const p = typeof pathOrUri === 'string' ? pathOrUri : pathOrUri.path;
    return p.startsWith('/work/fake-ws/') ? p.slice('/work/fake-ws/'.length) : p;
  },
  fs: {
    stat: (uri: UriType): Promise<{ type: FileType }> => {
      const rel = uri.path.replace(/^\/work\/fake-ws\//, '');
      return filesFake.files.includes(rel) ? Promise.resolve({ type: FileType.File }) : Promise.reject(new Error('ENOENT'));
    },
    readFile: (): Promise<never> => Promise.reject(new Error('ENOENT')),
  },
  // the workspace's folders as the commit's build item sees them
  onDidChangeWorkspaceFolders: noop,
  getWorkspaceFolder: () => workspace.workspaceFolders[0],
};

onReset(() => {
  workspaceFake.configuration.clear();
  workspaceFake.workspaceConfiguration.clear();
});
export const resetFiles = onReset(() => (filesFake.files = []));
