/**
 * The `env`, `authentication` and `extensions` namespaces of the vscode fake: the clipboard, openExternal (a sinon
 * spy: `openedExternal` lists the addresses), and the `vscode.git` extension whose exports a test sets in
 * `fake10.gitExports` (undefined: the extension is absent).
 */
import * as sinon from 'sinon';
import { Uri } from './basics';
import { forget, noop, onReset } from './state';

export const env = {
  clipboard: {
    text: '',
    writeText(t: string): Promise<void> {
      env.clipboard.text = t;
      return Promise.resolve();
    },
  },
  openExternal: sinon.spy((_uri: Uri): Promise<boolean> => Promise.resolve(true)),
};

export const authentication = {
  registerAuthenticationProvider: noop,
};

export const envFake = {
  /** The addresses openExternal was given, in order. */
  get openedExternal(): string[] {
    return env.openExternal.args.map(([u]) => u.toString());
  },
  set openedExternal(none: string[]) {
    forget(none, env.openExternal);
  },
};
export const gitFake = {
  /** `vscode.git` extension exports (tests set them), or undefined when the extension is absent. */
  gitExports: undefined as unknown,
};

/**
 * One repository at the fake workspace's folder, as the git extension's API reports it (`state` is read on each
 * look, so a test changes HEAD by changing it and firing its onDidChange).
 */
export function fakeGitRepository(state: object): void {
  const repo = { rootUri: Uri.file('/work/fake-ws'), state };
  const none = () => ({ dispose: () => undefined });
  gitFake.gitExports = {
    getAPI: () => ({ repositories: [repo], onDidOpenRepository: none, onDidCloseRepository: none, getRepository: () => repo }),
  };
}

export const extensions = {
  getExtension(id: string): unknown {
    return id === 'vscode.git' && gitFake.gitExports !== undefined
      ? { isActive: true, exports: gitFake.gitExports, activate: () => Promise.resolve(gitFake.gitExports) }
      : undefined;
  },
};

onReset(() => (envFake.openedExternal = []));
export const resetGit = onReset(() => (gitFake.gitExports = undefined));
