/**
 * The `workspace` namespace of the vscode fake: one folder (/work/fake-ws) whose files a test lists in
 * `fake10.files` (findFiles and fs.stat see them), settings from `fake.configuration` ('section.key' → value), and
 * the document half from documents.ts.
 */
import type { Uri as UriType } from './basics';
import { FileType, Uri } from './basics';
import { documents } from './documents';
import { noop, onReset } from './state';

export const workspaceFake = {
  configuration: new Map<string, unknown>(),
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
        return (workspaceFake.configuration.get(`${section}.${key}`) as T | undefined) ?? def;
      },
      inspect<T>(key: string): { globalValue?: T; defaultValue?: T } | undefined {
        return { globalValue: workspaceFake.configuration.get(`${section}.${key}`) as T | undefined };
      },
    };
  },
  onDidChangeConfiguration: noop,
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

onReset(() => workspaceFake.configuration.clear());
export const resetFiles = onReset(() => (filesFake.files = []));
