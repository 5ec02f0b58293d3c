/**
 * The e2e workspace as a real git repository: its `origin` fetch URL matches the sandbox's "Appcircle VS Code
 * Demo" profile (so the tree marks it and the commit's build item finds it), its push URL is a local bare
 * repository (so a journey can really push, offline), and it holds the files the sandbox's failing Android log
 * names, so the Problems panel lands on them.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ANDROID_SOURCE_FILES } from '../../sandbox/buildLogs';

export const WORKSPACE_REMOTE = 'git@github.com:appcircle/appcircle-vscode.git';
export const WORKSPACE_BRANCH = 'develop';

/** Runs git in the folder (no user config, no prompts); returns its trimmed output. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Dev User', '-c', 'user.email=dev@acme.test', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args],
    {
      cwd,
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' },
      encoding: 'utf8',
    },
  ).trim();
}

/** Source files with enough lines that the compiler messages' lines exist (27, 14, 12). */
function sourceText(file: string): string {
  const lines = [`// ${path.basename(file)}: a demo source file of the e2e workspace`];
  for (let i = 2; i <= 60; i++) {
    lines.push(i === 27 ? '    foo(bar) // the sandbox’s failing build reports an unresolved reference here' : `    val line${i} = ${i}`);
  }
  return lines.join('\n') + '\n';
}

/** Creates the repository (branch develop, one commit pushed to the bare repository, upstream set). */
export function createGitWorkspace(workspace: string): { bare: string } {
  const bare = `${workspace}-origin.git`;
  fs.rmSync(bare, { recursive: true, force: true });
  fs.mkdirSync(workspace, { recursive: true });
  git(path.dirname(bare), 'init', '--bare', '-q', bare);
  git(workspace, 'init', '-q', '-b', WORKSPACE_BRANCH);
  git(workspace, 'remote', 'add', 'origin', WORKSPACE_REMOTE);
  git(workspace, 'config', 'remote.origin.pushurl', bare);
  fs.writeFileSync(path.join(workspace, 'README.md'), '# Demo workspace\n');
  for (const f of ANDROID_SOURCE_FILES) {
    fs.mkdirSync(path.join(workspace, path.dirname(f)), { recursive: true });
    fs.writeFileSync(path.join(workspace, f), sourceText(f));
  }
  fs.writeFileSync(path.join(workspace, '.gitignore'), 'artifacts/\n');
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-q', '-m', 'Demo workspace');
  git(workspace, 'push', '-q', '-u', 'origin', WORKSPACE_BRANCH);
  return { bare };
}
