/**
 * `npm start` in a real terminal (tmux): it prints the URL and a password, code-server asks for that password,
 * and Ctrl+C stops both servers: both ports free again and no process of the run left.
 *
 *   import { startScriptCheck } from './startScript';
 *   outcomes.push(await startScriptCheck({ vsix }));          // from the e2e runner, with the packaged .vsix
 *   node out/test/e2e/startScript.js --vsix .e2e/appcircle-vscode.vsix   // alone; exit code 0 = passed
 *
 * It runs on its own ports, state folder and workspace folder (APPCIRCLE_PORT, SANDBOX_PORT, APPCIRCLE_START_*),
 * with the given .vsix (no build: dist/ is left alone), so a developer's own `npm start` is not disturbed. Every
 * process of the run carries a marker variable in its environment, which is how the check finds them all, including
 * the servers that start.sh runs in their own sessions (setsid).
 */
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { freePort, portInUse } from './codeServer';

export interface StartScriptOutcome {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

export interface StartScriptOptions {
  /** The packaged extension start.sh installs (APPCIRCLE_START_VSIX). */
  vsix: string;
  /** Folder for code-server's state and the opened workspace (emptied first); default .e2e/start-check. */
  stateDir?: string;
  /** How long `npm start` may take until it prints the URL (a cold install takes minutes). */
  readyTimeoutMs?: number;
  log?: (...a: unknown[]) => void;
  /**
   * How it is stopped: Ctrl+C in the terminal (default); closing the terminal (SIGHUP to npm start); or a storm of
   * stop signals sent to start.sh while it stops (HUP, TERM, INT back to back): a closed terminal sends SIGHUP twice,
   * and a second signal that lands inside the first one's cleanup once made start.sh exit halfway, leaving
   * code-server running. The storm makes that timing certain instead of a matter of load.
   */
  stop?: 'ctrl-c' | 'close-terminal' | 'signal-storm';
}

const ROOT = path.resolve(__dirname, '..', '..', '..');
const NAMES = {
  'ctrl-c': 'npm start in a terminal: a password is required, Ctrl+C stops both servers and leaves nothing',
  'close-terminal': 'npm start in a terminal: closing the terminal stops both servers and leaves nothing',
  'signal-storm': 'npm start: stop signals arriving while it stops still stop both servers and leave nothing',
};
const run = promisify(execFile);

/** The environment without what an outer `npm run` exported (the terminal is a fresh shell, as a developer's). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_|init_cwd$)/i.test(k)) {
      env[k] = v;
    }
  }
  env.PATH = (process.env.PATH ?? '')
    .split(':')
    .filter((d) => d && !d.endsWith('/node_modules/.bin') && !d.endsWith('/node-gyp-bin'))
    .join(':');
  return env;
}

/** pid → process group of every process whose environment carries `marker`. */
function processesWith(marker: string): Map<number, number> {
  const found = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (!environ.split('\0').includes(marker)) {
        continue;
      }
      // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may contain spaces or parentheses
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      found.set(Number(entry), Number(fields[2]));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** "pid (command line) state S, blocked/ignored signals": what a leftover process was doing, for the failure report. */
function describeProcess(pid: number): string {
  try {
    const cmd = commandLine(pid).slice(0, 80);
    const status = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
    const field = (k: string) => new RegExp(`^${k}:\\s*(\\S+)`, 'm').exec(status)?.[1] ?? '?';
    return `${pid} (${cmd}) state ${field('State')} blocked ${field('SigBlk')} ignored ${field('SigIgn')} caught ${field('SigCgt')}`;
  } catch {
    return `${pid} (gone)`;
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) {
      return v;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Reply {
  status: number;
  location: string;
  cookies: string[];
}

async function get(url: string, cookie?: string): Promise<Reply> {
  const r = await fetch(url, { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
  await r.arrayBuffer();
  return { status: r.status, location: r.headers.get('location') ?? '', cookies: r.headers.getSetCookie() };
}

async function login(base: string, password: string): Promise<Reply> {
  const r = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ password, base: '.', href: `${base}/login` }).toString(),
  });
  await r.arrayBuffer();
  return { status: r.status, location: r.headers.get('location') ?? '', cookies: r.headers.getSetCookie() };
}

export async function startScriptCheck(opts: StartScriptOptions): Promise<StartScriptOutcome> {
  const started = Date.now();
  const stop = opts.stop ?? 'ctrl-c';
  const NAME = NAMES[stop];
  const log = opts.log ?? (() => undefined);
  const state = path.resolve(opts.stateDir ?? path.join(ROOT, '.e2e', 'start-check'));
  const id = crypto.randomBytes(6).toString('hex');
  const socket = `appcircle-start-${id}`;
  const marker = `APPCIRCLE_START_CHECK=${id}`;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args], { env: cleanEnv() });
  const pane = async () => (await tmux('capture-pane', '-p', '-J', '-S', '-500', '-t', 'start')).stdout;
  /** The terminal's foreground command: the shell again once npm start has ended. */
  const foreground = async () => (await tmux('display-message', '-p', '-t', 'start', '#{pane_current_command}')).stdout.trim();
  let screen = '';
  let step = 'setting up';
  const stopLog = () => {
    try {
      return fs.readFileSync(path.join(state, 'run', 'stop.log'), 'utf8').trim() || '(empty)';
    } catch {
      return '(none)';
    }
  };
  try {
    const vsix = path.resolve(opts.vsix);
    if (!fs.existsSync(vsix)) {
      throw new Error(`no .vsix at ${vsix}`);
    }
    const [csPort, sbPort] = [await freePort(), await freePort()];
    fs.rmSync(state, { recursive: true, force: true });
    const folder = path.join(state, 'workspace');
    fs.mkdirSync(folder, { recursive: true });

    step = 'starting a terminal (tmux)';
    // its own tmux server (-L): nothing of a developer's tmux is touched; a plain interactive bash, no rc files.
    // The echo runs only when npm start ends by itself (an interrupted command line is dropped by the shell).
    await tmux('new-session', '-d', '-s', 'start', '-x', '200', '-y', '50', '-c', ROOT, 'bash --norc --noprofile');
    const command =
      `env ${marker} APPCIRCLE_PORT=${csPort} SANDBOX_PORT=${sbPort} APPCIRCLE_START_STATE='${path.join(state, 'run')}' ` +
      `APPCIRCLE_START_FOLDER='${folder}' APPCIRCLE_START_VSIX='${vsix}' npm start; echo "START_EXITED=$?"`;
    await tmux('send-keys', '-t', 'start', '-l', command);
    await tmux('send-keys', '-t', 'start', 'Enter');

    step = 'waiting for npm start to print the URL and the password';
    const printed = await until('the URL and the password', opts.readyTimeoutMs ?? 240_000, async () => {
      screen = await pane();
      if (/START_EXITED=\d+/.test(screen)) {
        throw new Error('npm start ended before it was ready');
      }
      const url = /Open:\s+(http:\/\/127\.0\.0\.1:(\d+)\/\?folder=(\S+))/.exec(screen);
      const password = /Password:\s+(\S+)/.exec(screen);
      return url && password ? { url: url[1] ?? '', port: Number(url[2]), folder: url[3] ?? '', password: password[1] ?? '' } : undefined;
    });
    log(`npm start ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const base = `http://127.0.0.1:${csPort}`;
    const problems: string[] = [];
    const expect = (ok: boolean, what: string) => {
      if (!ok) {
        problems.push(what);
      }
    };
    expect(
      printed.port === csPort && printed.folder === folder,
      `the printed URL names port ${csPort} and folder ${folder}: ${printed.url}`,
    );
    expect(printed.password.length >= 20, 'the printed password has at least 20 characters');

    step = 'checking that code-server asks for the password';
    const anonymous = await get(`${base}/?folder=${encodeURIComponent(folder)}`);
    expect(
      anonymous.status === 302 && /login/.test(anonymous.location),
      `an unauthenticated GET / redirects to the login page (got ${anonymous.status} → "${anonymous.location}")`,
    );
    const wrong = await login(base, `${printed.password}x`);
    expect(!wrong.cookies.some((c) => /session/i.test(c)), 'a wrong password gets no session cookie');
    const right = await login(base, printed.password);
    const session = right.cookies.find((c) => /session/i.test(c))?.split(';')[0];
    expect(
      right.status === 302 && session !== undefined,
      `the printed password logs in (got ${right.status}, ${session ? 'a' : 'no'} session cookie)`,
    );
    if (session) {
      const page = await get(`${base}/?folder=${encodeURIComponent(folder)}`, session);
      expect(page.status === 200, `with the session cookie the workbench loads (got ${page.status})`);
    }
    expect((await get(`http://127.0.0.1:${sbPort}/__sandbox/health`)).status === 200, 'the sandbox answers');

    const running = processesWith(marker);
    const groups = new Set(running.values());
    // npm, start.sh, and the sandbox and code-server in their own process groups
    expect(running.size >= 4 && groups.size >= 3, `the run's processes are found (${running.size} processes in ${groups.size} groups)`);

    if (stop === 'ctrl-c') {
      step = 'pressing Ctrl+C';
      await tmux('send-keys', '-t', 'start', 'C-c');
      await until('npm start to end (the shell in the foreground again)', 20_000, async () =>
        (await foreground()) === 'bash' ? true : undefined,
      );
      screen = await pane();
    } else if (stop === 'close-terminal') {
      step = 'closing the terminal';
      await tmux('kill-session', '-t', 'start');
    } else {
      step = 'sending stop signals to start.sh while it stops';
      const script = [...running.keys()].find(
        (pid) => commandLine(pid).includes('scripts/start.sh') && commandLine(pid).startsWith('bash'),
      );
      if (script === undefined) {
        throw new Error("start.sh not found among the run's processes");
      }
      // the first stop signal, then, as soon as the stop has begun, more of them back to back for half a second: one
      // is pending at every command boundary of the cleanup, so a handler that a signal can re-enter is cut short
      process.kill(script, 'SIGHUP');
      const begunBy = Date.now() + 10_000;
      while (!/\[start\] stopping/.test(await pane())) {
        if (Date.now() > begunBy) {
          throw new Error('start.sh did not say "stopping" within 10 s of SIGHUP');
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      const signals: NodeJS.Signals[] = ['SIGHUP', 'SIGTERM', 'SIGINT'];
      const stormEnd = Date.now() + 500;
      for (let i = 0; Date.now() < stormEnd; i++) {
        try {
          process.kill(script, signals[i % signals.length]);
        } catch {
          break; // start.sh has ended
        }
      }
      await until('start.sh to end', 20_000, () => (commandLine(script) === '' ? true : undefined));
      screen = await pane();
    }
    // start.sh gives the groups 5 s to stop, then SIGKILLs them; on a loaded machine its 0.1 s polls take longer: wait up to 30 s
    const left = await until('every process of the run to end and both ports to be free', 30_000, async () => {
      const procs = processesWith(marker);
      const aliveGroups = [...groups].filter(groupAlive);
      const busy: number[] = [];
      for (const p of [csPort, sbPort]) {
        if (await portInUse(p)) {
          busy.push(p);
        }
      }
      return procs.size === 0 && aliveGroups.length === 0 && busy.length === 0 ? { procs, aliveGroups, busy } : undefined;
    }).catch((e: unknown) => {
      const procs = processesWith(marker);
      problems.push(
        `${e instanceof Error ? e.message : String(e)}: processes ${[...procs.keys()].map(describeProcess).join(', ') || 'none'}, groups ${[...groups].filter(groupAlive).join(', ') || 'none'}, ` +
          `ports in use ${[csPort, sbPort].join(', ')}?`,
      );
      return undefined;
    });
    expect(left !== undefined, `nothing left after stopping (${stop})`);
    if (stop !== 'close-terminal') {
      expect(/\[start\] stopped/.test(screen), 'start.sh says it stopped (its cleanup ran to its end)');
    }
    if (problems.length) {
      return {
        name: NAME,
        ok: false,
        ms: Date.now() - started,
        error: `${problems.join('\n')}\n--- start.sh's stop log ---\n${stopLog()}\n--- terminal ---\n${screen.replace(/Password:\s+\S+/, 'Password: <redacted>').trim()}`,
      };
    }
    return { name: NAME, ok: true, ms: Date.now() - started };
  } catch (e) {
    return {
      name: NAME,
      ok: false,
      ms: Date.now() - started,
      error: `${step}: ${e instanceof Error ? e.message : String(e)}\n--- start.sh's stop log ---\n${stopLog()}\n--- terminal ---\n${screen.replace(/Password:\s+\S+/, 'Password: <redacted>').trim()}`,
    };
  } finally {
    // whatever the outcome: stop what this check started (found by its marker), then its tmux server
    for (const pgid of new Set(processesWith(marker).values())) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await tmux('kill-server').catch(() => undefined);
  }
}

if (require.main === module) {
  const i = process.argv.indexOf('--vsix');
  const vsix = i > 0 ? process.argv[i + 1] : undefined;
  if (!vsix) {
    console.error('usage: node out/test/e2e/startScript.js --vsix <file.vsix>');
    process.exit(2);
  }
  void startScriptCheck({ vsix, log: (...a: unknown[]) => console.log('[start check]', ...a) }).then((o) => {
    console.log(`${o.ok ? 'ok' : 'FAILED'}: ${o.name} (${(o.ms / 1000).toFixed(1)} s)${o.error ? `\n${o.error}` : ''}`);
    process.exit(o.ok ? 0 : 1);
  });
}
