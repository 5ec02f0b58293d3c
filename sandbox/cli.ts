/**
 * `npm run sandbox` (node out/sandbox/cli.js): starts the sandbox as a process, prints the demo credentials, the
 * settings to paste, and a `SANDBOX_READY <apiUrl> <authUrl> <hookUrl>` line that scripts wait for. Stops cleanly on
 * SIGINT / SIGTERM. Exits 1 when a port is taken.
 */
import { DEMO_API_KEY, DEMO_PAT, QA_API_KEY, USER } from './fixtures';
import type { Sandbox, SandboxOptions } from './server';
import { SandboxListenError, startSandbox } from './server';

export const USAGE = `Usage: npm run sandbox -- [options]      (or: node out/sandbox/cli.js [options])

  --port N              API port, and auth port in one-port mode (default 8787; 0 = any free port)   env SANDBOX_PORT
  --auth-port N         serve the auth host on a second port N                                        env SANDBOX_AUTH_PORT
  --two-ports           serve the auth host on a second port, 8788 by default
  --upload-port N       the storage origin of signed uploads (default 0: any free port; U1 names it)  env SANDBOX_UPLOAD_PORT
  --hook-port N         the hook service, SSE build logs (default 0: any free port; printed below)    env SANDBOX_HOOK_PORT
  --prefix /p           base-path prefix on both hosts                                                env SANDBOX_PREFIX
  --token-lifetime SEC  access-token lifetime (default 3600)                                          env SANDBOX_TOKEN_LIFETIME
  --speed X             build clock: 1 real time (default), 0 frozen, 10 ten times faster             env SANDBOX_SPEED
  --request-log FILE    append every request as a JSON line                                           env SANDBOX_REQUEST_LOG
  --large-seed P:B      benchmarks: P extra profiles and a branch with B builds                      env SANDBOX_LARGE_SEED
  --help                this text`;

export interface CliArgs {
  options: SandboxOptions;
  help: boolean;
}

/** Parses argv (after `node cli.js`) and the environment; throws an Error with a user-facing message. */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliArgs {
  const known = [
    'help',
    'two-ports',
    'port',
    'auth-port',
    'upload-port',
    'hook-port',
    'prefix',
    'token-lifetime',
    'speed',
    'request-log',
    'large-seed',
  ];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (!a.startsWith('--')) {
      throw new Error(`unexpected argument '${a}'`);
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (!known.includes(name)) {
      throw new Error(`unknown option --${name}`);
    }
    if (['help', 'two-ports'].includes(name)) {
      flags.set(name, true);
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) {
      throw new Error(`--${name} needs a value`);
    }
    flags.set(name, value);
  }
  const str = (flag: string, envName: string): string | undefined => {
    const v = flags.get(flag);
    return typeof v === 'string' ? v : env[envName] || undefined;
  };
  const num = (flag: string, envName: string, check: (n: number) => boolean, what: string): number | undefined => {
    const v = str(flag, envName);
    if (v === undefined) {
      return undefined;
    }
    const n = Number(v);
    if (!v.trim() || !Number.isFinite(n) || !check(n)) {
      throw new Error(`--${flag} must be ${what}, not '${v}'`);
    }
    return n;
  };
  const isPort = (n: number) => Number.isInteger(n) && n >= 0 && n <= 65535;
  const port = num('port', 'SANDBOX_PORT', isPort, 'a port number (0-65535)') ?? 8787;
  const authPort = num('auth-port', 'SANDBOX_AUTH_PORT', isPort, 'a port number (0-65535)') ?? (flags.has('two-ports') ? 8788 : undefined);
  const uploadPort = num('upload-port', 'SANDBOX_UPLOAD_PORT', isPort, 'a port number (0-65535)') ?? 0;
  const hookPort = num('hook-port', 'SANDBOX_HOOK_PORT', isPort, 'a port number (0-65535)') ?? 0;
  const largeRaw = str('large-seed', 'SANDBOX_LARGE_SEED');
  let largeSeed: SandboxOptions['largeSeed'];
  if (largeRaw !== undefined) {
    const m = /^(\d+):(\d+)$/.exec(largeRaw.trim());
    if (!m) {
      throw new Error(`--large-seed must be PROFILES:BUILDS, e.g. 1000:10000, not '${largeRaw}'`);
    }
    largeSeed = { profiles: Number(m[1]), buildsOnBranch: Number(m[2]) };
  }
  return {
    help: flags.has('help'),
    options: {
      port,
      authPort,
      uploadPort,
      hookPort,
      prefix: str('prefix', 'SANDBOX_PREFIX'),
      tokenLifetimeSec: num('token-lifetime', 'SANDBOX_TOKEN_LIFETIME', (n) => n > 0, 'a number of seconds > 0'),
      speed: num('speed', 'SANDBOX_SPEED', (n) => n >= 0, 'a number ≥ 0') ?? 1,
      requestLogFile: str('request-log', 'SANDBOX_REQUEST_LOG'),
      largeSeed,
      quiet: true,
    },
  };
}

export function banner(sb: Sandbox): string {
  return `Appcircle sandbox (not the real Appcircle) on 127.0.0.1
  API host:  ${sb.apiUrl}
  Auth host: ${sb.authUrl}
  Uploads:   ${sb.uploadUrl}   (signed-URL storage origin; refuses Authorization)
  Hooks:     ${sb.hookUrl}   (live build logs over Server-Sent Events, L1-L4)

VS Code user settings (Preferences: Open User Settings (JSON)):
  "appcircle.apiUrl": "${sb.apiUrl}",
  "appcircle.authUrl": "${sb.authUrl}",
  "appcircle.hookUrl": "${sb.hookUrl}"
  (plain http is allowed for 127.0.0.1: "appcircle.allowInsecureHttp" is not needed)

Demo credentials (${USER.email}, organization "Acme Mobile" with sub-organizations "Acme QA" and "Acme Europe"):
  Personal Access Key:  ${DEMO_PAT}   (Personal API Token)
  API key:              name ${DEMO_API_KEY.name}   secret ${DEMO_API_KEY.secret}   (root organization, reaches its sub-organizations)
  API key (Acme QA):    name ${QA_API_KEY.name}   secret ${QA_API_KEY.secret}

Official Appcircle CLI:  appcircle config add sandbox && appcircle config set API_HOSTNAME ${sb.apiUrl}
                         && appcircle config set AUTH_HOSTNAME ${sb.authUrl}   (use a separate HOME)
Control routes for tests: ${sb.apiUrl}/__sandbox/{health,faults,clock,build-outcome,uploads,hooks,signing-expiry,requests,reset}
Build clock speed: ${sb.clock.speed}. Press Ctrl+C to stop.
SANDBOX_READY ${sb.apiUrl} ${sb.authUrl} ${sb.hookUrl}`;
}

async function main(): Promise<void> {
  let args: CliArgs;
  try {
    args = parseCliArgs(process.argv.slice(2), process.env);
  } catch (e) {
    console.error(`sandbox: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  let sb: Sandbox;
  try {
    sb = await startSandbox(args.options);
  } catch (e) {
    if (e instanceof SandboxListenError && e.code === 'EADDRINUSE') {
      console.error(
        `sandbox: port ${e.port} on 127.0.0.1 is already in use. Stop what runs there, or pick another port (--port N / --auth-port N).`,
      );
    } else {
      console.error(`sandbox: could not start: ${e instanceof Error ? e.message : String(e)}`);
    }
    process.exit(1);
  }
  console.log(banner(sb));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.exit(130); // a second Ctrl+C: do not wait
    }
    stopping = true;
    console.log(`sandbox: ${signal}, stopping`);
    sb.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  void main();
}
