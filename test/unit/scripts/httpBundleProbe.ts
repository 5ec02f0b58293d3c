/**
 * Run by httpBundle.test.ts in a fresh Node process: `node httpBundleProbe.js <dir>/http.js`. Points
 * src/api/http/lazyAxios at the production axios bundle (dist/http.js, with its stubbed form-data, redirects and
 * proxy packages) and drives every kind of request the extension sends through the real api and core code
 * against the sandbox: URL-encoded form POSTs (token), JSON GETs, a form POST that starts a build, a streamed
 * download (artifacts) and a Range read of a log. Prints one JSON line with what happened.
 */
import Module from 'node:module';
import * as path from 'node:path';
import type * as SandboxServer from '../../../sandbox/server';
import type * as CoreHelpers from '../core/helpers';
import type * as BuildServiceModule from '../../../src/core/builds/buildService';
import type * as Ports from '../../../src/core/ports';

const bundle = path.resolve(process.argv[2] ?? '');
type Resolve = (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;
const mod = Module as unknown as { _resolveFilename: Resolve };
const original = mod._resolveFilename;
mod._resolveFilename = function (request, parent, ...rest) {
  if (request === './axiosEntry' && parent?.filename?.endsWith(`${path.sep}lazyAxios.js`)) {
    return bundle;
  }
  return original.call(this, request, parent, ...rest);
};

async function main(): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded after the resolver hook above */
  const { startSandbox } = require('../../../sandbox/server') as typeof SandboxServer;
  const { makeHarness, PAT } = require('../core/helpers') as typeof CoreHelpers;
  const { BuildService } = require('../../../src/core/builds/buildService') as typeof BuildServiceModule;
  const { nullLogger } = require('../../../src/core/ports') as typeof Ports;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sb = await startSandbox({ quiet: true, builds: { speed: 0 } });
  const h = makeHarness(sb);
  const clock = { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => undefined };
  const builds = new BuildService({
    session: h.session,
    clock,
    logger: nullLogger,
    pollIntervalMs: () => 5000,
    gitRemotes: () => Promise.resolve([]),
  });
  const out: Record<string, unknown> = {};
  try {
    await h.session.signIn({ kind: 'pat', pat: PAT }); // form POST (token) + JSON GETs
    out.signedIn = h.session.isSignedIn;
    const profiles = (await builds.profiles()).value;
    out.profiles = profiles.length;
    const p = profiles.find((x) => x.name === 'Acme Android') ?? profiles[0];
    const [wf] = await builds.workflows(p?.id ?? '');
    const [cfg] = await builds.configurations(p?.id ?? '');
    const [br] = (await builds.branches(p?.id ?? '')).value;
    const [c] = await builds.commits(br?.id ?? '');
    const started = await builds.startBuild({
      profileId: p?.id ?? '',
      branchId: br?.id ?? '',
      commitId: c?.id ?? '',
      workflowId: wf?.id ?? '',
      configurationId: cfg?.id ?? '',
    });
    out.startedBuild = !!started.queueItemId;
    sb.world.advance(120_000);
    const q = await builds.queueItem(started.queueItemId);
    const source = { commitId: q.commitId ?? '', buildId: q.buildId ?? '' };
    const whole = await builds.readLog(source, 0);
    const wholeBytes = whole.kind === 'bytes' ? (await collect(whole.stream)).length : 0;
    const tail = await builds.readLog(source, 10);
    out.rangeStart = tail.kind === 'bytes' ? tail.start : tail.kind;
    out.rangeBytes = tail.kind === 'bytes' ? (await collect(tail.stream)).length : 0;
    out.wholeLogBytes = wholeBytes;
    const zip = await builds.artifacts(source.commitId, source.buildId);
    const zipBytes = zip ? await collect(zip.stream) : Buffer.alloc(0);
    out.artifactZip = zipBytes.subarray(0, 2).toString('latin1') === 'PK' && zipBytes.length > 0;
    out.loadedBundle = Object.keys(require.cache).includes(bundle);
    out.loadedNodeModulesAxios = Object.keys(require.cache).some((k) => k.includes(`${path.sep}node_modules${path.sep}axios${path.sep}`));
  } catch (e) {
    out.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } finally {
    builds.dispose();
    h.dispose();
    await sb.stop();
  }
  console.log(JSON.stringify(out));
}

async function collect(s: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer>) {
    parts.push(c);
  }
  return Buffer.concat(parts);
}

void main();
