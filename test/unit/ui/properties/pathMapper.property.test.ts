import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fc from 'fast-check';
import * as vscode from 'vscode';
import { PathMapper } from '../../../../src/core/logs/pathMapper';
import { VsCodeWorkspaceFiles } from '../../../../src/platform/workspaceFiles';
import { NUM_RUNS } from '../../properties';

/** Two workspace folders, and a sibling whose name starts like one of them (a prefix check would let it in). */
const FOLDERS = ['/ws/app', '/ws/lib'];
const INSIDE = ['/ws/app/App/Login/LoginView.swift', '/ws/app/app/src/main/B.kt', '/ws/lib/Util.kt', '/ws/app/passwd', '/ws/lib/x/id_rsa'];
const OUTSIDE = [
  '/etc/passwd',
  '/home/u/.ssh/id_rsa',
  '/ws/app2/Secret.swift',
  '/ws/Util.kt',
  '/Util.kt',
  '/ws/app/../app2/LoginView.swift',
];
/** What the disk holds: the workspace's files and files outside it that a hostile path would like to reach. */
const DISK = new Set([...INSIDE, ...OUTSIDE].map((p) => path.posix.normalize(p)));

const inWorkspace = (p: string) => FOLDERS.some((f) => path.posix.normalize(p).startsWith(`${f}/`));
/** A folder itself may be looked at (a path that resolves to it); it is not a file, so it maps to nothing. */
const inOrAtWorkspace = (p: string) => inWorkspace(p) || FOLDERS.includes(path.posix.normalize(p));

/** vscode.Uri.joinPath as VS Code's: `..` and `.` are resolved (posix.join), which the plain fake does not do. */
function joinPath(base: vscode.Uri, ...parts: string[]): vscode.Uri {
  return vscode.Uri.file(path.posix.join(base.path, ...parts));
}

/** Segments a hostile or odd build path is made of. */
const segment = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      '..',
      '.',
      '',
      '...',
      '%2e%2e',
      '%2E%2E',
      '.%2e',
      '..%2f..',
      '..\\..',
      '．．',
      '\u0000',
      '~',
      'C:',
      'c:',
      '\\\\?',
    ),
  },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'App',
      'Login',
      'LoginView.swift',
      'etc',
      'passwd',
      'home',
      'u',
      '.ssh',
      'id_rsa',
      'ws',
      'app',
      'app2',
      'lib',
      'Util.kt',
      'Secret.swift',
      'B.kt',
      'src',
      'main',
    ),
  },
  { weight: 3, arbitrary: fc.constantFrom('Repository', '_appcircle_temp', 'workflow_data', 'Users', 'agent') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
);
const buildPath = fc
  .tuple(
    fc.constantFrom(
      '',
      '/',
      '//',
      '\\',
      'C:\\',
      'c:/',
      'file://',
      'file:///',
      '/Users/agent/app/workflow_data/x1/_appcircle_temp/Repository/',
      '/Repository/',
      'Repository/',
    ),
    fc.array(fc.tuple(segment, fc.constantFrom('/', '\\', '//', '/./')), { maxLength: 8 }),
  )
  .map(
    ([start, parts]) =>
      start +
      parts
        .map(([s, sep]) => s + sep)
        .join('')
        .replace(/[/\\]+$/, ''),
  );

describe('ui/platform path mapping properties (fast-check)', () => {
  const savedJoinPath = Object.getOwnPropertyDescriptor(vscode.Uri, 'joinPath');
  const savedFs = { ...vscode.workspace.fs };
  const savedFindFiles = Object.getOwnPropertyDescriptor(vscode.workspace, 'findFiles');
  const stats: string[] = [];

  before(() => {
    Object.assign(vscode.Uri, { joinPath });
    Object.assign(vscode.workspace.fs, {
      stat: (uri: vscode.Uri) => {
        stats.push(uri.path);
        return DISK.has(path.posix.normalize(uri.path))
          ? Promise.resolve({ type: vscode.FileType.File })
          : Promise.reject(new Error('ENOENT'));
      },
    });
    Object.assign(vscode.workspace, {
      // findFiles searches the workspace folders only, as VS Code's does
      findFiles: (glob: string) => {
        const name = glob.replace(/^\*\*\//, '');
        return Promise.resolve(INSIDE.filter((f) => path.posix.basename(f) === name).map((f) => vscode.Uri.file(f)));
      },
    });
  });

  after(() => {
    if (savedJoinPath) {
      Object.defineProperty(vscode.Uri, 'joinPath', savedJoinPath);
    }
    Object.assign(vscode.workspace.fs, savedFs);
    if (savedFindFiles) {
      Object.defineProperty(vscode.workspace, 'findFiles', savedFindFiles);
    }
  });

  it('every mapped path, of any build path however hostile, is a file inside a workspace folder; no stat outside one', async () => {
    const folders = FOLDERS.map((f, index) => ({ uri: vscode.Uri.file(f), name: path.posix.basename(f), index }));
    await fc.assert(
      fc.asyncProperty(buildPath, async (p) => {
        stats.length = 0;
        const mapper = new PathMapper(new VsCodeWorkspaceFiles(() => folders));
        const r = await mapper.map(p);
        for (const s of stats) {
          assert.ok(inOrAtWorkspace(s), `stat outside the workspace: ${s} for ${JSON.stringify(p)}`);
        }
        if (r !== undefined) {
          const u = vscode.Uri.parse(r);
          assert.ok(inWorkspace(u.path) && DISK.has(path.posix.normalize(u.path)), `${JSON.stringify(p)} → ${r}`);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
