/**
 * `npm run sandbox`: starts the sandbox as a process, prints the demo credentials and the settings to use, and a
 * `SANDBOX_READY <apiUrl> <authUrl>` line that scripts wait for. Stops cleanly on SIGINT / SIGTERM.
 *   --port N (default 8787, env SANDBOX_PORT)   --auth-port N (env SANDBOX_AUTH_PORT; default: same port)
 *   --prefix /p   --token-lifetime SEC   --speed X (build clock; 0 = frozen)   --request-log FILE
 *   --large-seed PROFILES:BUILDS
 */
import { startSandbox } from './server';
import { DEMO_API_KEY, DEMO_PAT, QA_API_KEY } from './fixtures';

function arg(name: string, env?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i > 0) {
    return process.argv[i + 1];
  }
  return env ? process.env[env] : undefined;
}

async function main(): Promise<void> {
  const port = Number(arg('port', 'SANDBOX_PORT') ?? 8787);
  const authPortArg = arg('auth-port', 'SANDBOX_AUTH_PORT');
  const large = arg('large-seed')?.split(':').map(Number);
  let sb;
  try {
    sb = await startSandbox({
      port,
      authPort: authPortArg !== undefined ? Number(authPortArg) : undefined,
      prefix: arg('prefix'),
      tokenLifetimeSec: arg('token-lifetime') ? Number(arg('token-lifetime')) : undefined,
      requestLogFile: arg('request-log', 'SANDBOX_REQUEST_LOG'),
      quiet: true,
      builds: { speed: arg('speed') !== undefined ? Number(arg('speed')) : 1, largeSeed: large ? { profiles: large[0], buildsOnBranch: large[1] } : undefined },
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    console.error(code === 'EADDRINUSE' ? `sandbox: port ${port} is already in use. Stop what runs there or pass --port.` : `sandbox: ${String(e)}`);
    process.exit(1);
  }
  console.log(`Appcircle sandbox listening
  API:  ${sb.apiUrl}
  Auth: ${sb.authUrl}

User settings for the extension:
  "appcircle.apiUrl": "${sb.apiUrl}",
  "appcircle.authUrl": "${sb.authUrl}"

Demo credentials:
  Personal API Token:  ${DEMO_PAT}   (dev@acme.test)
  API key:             name ${DEMO_API_KEY.name}, secret ${DEMO_API_KEY.secret}
  API key (Acme QA):   name ${QA_API_KEY.name}, secret ${QA_API_KEY.secret}
SANDBOX_READY ${sb.apiUrl} ${sb.authUrl}`);
  const stop = () => {
    void sb.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
