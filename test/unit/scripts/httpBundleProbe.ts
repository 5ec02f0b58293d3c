/**
 * Run by httpBundle.test.ts in a fresh Node process: `node httpBundleProbe.js <dir>`. Loads the production bundles
 * from <dir> (extension.js, then features.js, which holds the HTTP layer and axios with its stubbed form-data,
 * redirects and proxy packages) and drives every kind of request the extension sends through the bundle's own
 * AuthApi and ApiClient (features.js's apiFactory) against the sandbox: a URL-encoded form POST (token), JSON GETs,
 * a form POST that starts a build, a Range read of a log and a streamed download (artifacts). The request
 * methods come from src/api/buildsApi.ts (compiled), which only calls the client it is given. Prints one JSON line
 * with what happened.
 */
import * as path from 'node:path';
import '../fakes/installVscodeFake';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import { startSandbox } from '../../../sandbox/server';
import { BuildsApi } from '../../../src/api/buildsApi';
import type { ApiClient } from '../../../src/api/http/httpClient';
import type { AuthApi } from '../../../src/api/authApi';
import { OrganizationsApi } from '../../../src/api/organizationsApi';
import { nullLogger } from '../../../src/core/ports';
import type * as FeaturesModule from '../../../src/features';

const dir = path.resolve(process.argv[2] ?? '');

async function main(): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports -- the bundles, as VS Code and then extension.js load them */
  require(path.join(dir, 'extension.js'));
  const { apiFactory } = require(path.join(dir, 'features.js')) as typeof FeaturesModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sb = await startSandbox({ quiet: true, builds: { speed: 0 } });
  const factory = apiFactory(
    () => ({ apiUrl: sb.apiUrl, authUrl: sb.authUrl, dashboardUrl: 'http://127.0.0.1/dash', allowInsecureHttp: false }),
    nullLogger,
  );
  const out: Record<string, unknown> = {};
  try {
    const auth: AuthApi = factory.auth();
    const token = await auth.tokenWithPat(DEMO_PAT); // form POST
    out.signedIn = token.accessToken.split('.').length === 3;
    const client: ApiClient = factory.client(() => Promise.resolve(token.accessToken));
    out.organizations = (await new OrganizationsApi(client).list()).length; // JSON GET
    const builds = new BuildsApi(client);
    const profiles = await builds.profiles();
    out.profiles = profiles.length;
    const p = profiles.find((x) => x.name === 'Acme Android') ?? profiles[0];
    const [wf] = await builds.workflows(p?.id ?? '');
    const [cfg] = await builds.configurations(p?.id ?? '');
    const [br] = (await builds.profile(p?.id ?? '')).branches ?? [];
    const [c] = await builds.commits(br?.id ?? '');
    const started = await builds.startBuild(c?.id ?? '', wf?.id ?? '', cfg?.item1.id ?? ''); // form POST with a query
    out.startedBuild = !!started.queueItemId;
    sb.world.advance(120_000);
    const q = await builds.queueItem(started.queueItemId);
    const source = { commitId: q.commitId ?? '', buildId: q.buildId ?? '' };
    const whole = await builds.readLog(source, 0);
    out.wholeLogBytes = whole.kind === 'bytes' ? (await collect(whole.stream)).length : 0;
    const tail = await builds.readLog(source, 10); // Range
    out.rangeStart = tail.kind === 'bytes' ? tail.start : tail.kind;
    out.rangeBytes = tail.kind === 'bytes' ? (await collect(tail.stream)).length : 0;
    const zip = await builds.artifacts(source.commitId, source.buildId); // streamed download
    const zipBytes = zip ? await collect(zip.stream) : Buffer.alloc(0);
    out.artifactZip = zipBytes.subarray(0, 2).toString('latin1') === 'PK' && zipBytes.length > 0;
    out.loadedBundle = Object.keys(require.cache).includes(path.join(dir, 'features.js'));
    out.loadedNodeModulesAxios = Object.keys(require.cache).some((k) => k.includes(`${path.sep}node_modules${path.sep}axios${path.sep}`));
  } catch (e) {
    out.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } finally {
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
