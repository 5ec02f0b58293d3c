/**
 * Fault-matrix cells for Testing Distribution, the Enterprise App Store and uploads: each cell injects one
 * fault (an API fault switch on the operation's path, or an upload fault: the body cut mid-way, the signed URL
 * refused, the commit failing, the task failing or never ending, a duplicate version) into one operation run
 * through the real services against a sandbox of its own, then asserts what the matrix asserts for every cell:
 * a typed error put into words by describeError (no "[object Object]", no stack), the session kept, no secret in
 * the log, the error or its words, no bearer token sent to the storage origin, nothing half-made (the sandbox's
 * TD and store data as before), no artifacts temp folder left, and the same operation succeeding once the fault
 * clears. Group "distribution", columns TD1, TD2, E2, TD4, E3, E4, E7, UTD, UST, SEND.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { Readable } from 'node:stream';
import * as util from 'node:util';
import { DIST_SEED, seedId } from '../../sandbox/distributionSeed';
import { DEMO_PAT, ROOT_ORG_ID } from '../../sandbox/fixtures';
import type { FaultSpec, Sandbox, UploadFaults } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import { isApiError } from '../../src/api/http/errors';
import { createApiFactory } from '../../src/core/apiFactory';
import { BuildService } from '../../src/core/builds/buildService';
import { ArtifactsZip, ArtifactsZipError } from '../../src/core/distribution/artifactBinaries';
import {
  DuplicateVersionError,
  UploadInterruptedError,
  UploadCommitUncertainError,
  UploadTaskFailedError,
  UploadTaskTimeoutError,
  UploadUrlRefusedError,
  WriteNotAppliedError,
} from '../../src/core/distribution/distributionErrors';
import { distributionRequest } from '../../src/core/distribution/distributionRequest';
import { DistributionService, StoreService } from '../../src/core/distribution/distributionService';
import { UploadService } from '../../src/core/distribution/uploadService';
import type { UploadRequest } from '../../src/core/distribution/uploadService';
import { systemClock } from '../../src/core/ports';
import { CredentialStore } from '../../src/core/session/credentialStore';
import { SessionService } from '../../src/core/session/sessionService';
import { describeError } from '../../src/ui/errors/errorMessages';
import type { Operation } from '../../src/ui/errors/errorMessages';
import { RecordingLogger } from '../unit/core/helpers';
import { InMemorySecretStore } from '../unit/fakes/inMemorySecretStore';
import type { LocalCell } from './localCells';

const GROUP = 'distribution';
const TIMEOUT_MS = 400;
const LIMITS = { deadlineMs: 1200, streamDeadlineMs: 1500, maxJsonBytes: 1024 * 1024, maxTextBytes: 2 * 1024 * 1024 };
const IOS = seedId('td', ROOT_ORG_ID, DIST_SEED.td.ios);
const FIELD = seedId('store', ROOT_ORG_ID, DIST_SEED.store.android);
const GROUPS = [DIST_SEED.groups.qa, DIST_SEED.groups.beta, DIST_SEED.groups.stakeholders].map((n) => seedId('group', ROOT_ORG_ID, n));
const BYTES = Buffer.alloc(120_000, 7);

// ---- one sandbox for the group (started at the first cell; the runner exits the process at the end) ----

let shared: Promise<Sandbox> | undefined;
const sandbox = () => (shared ??= startSandbox({ quiet: true, realTime: false }));

interface X {
  sb: Sandbox;
  session: SessionService;
  logger: RecordingLogger;
  td: DistributionService;
  store: StoreService;
  uploads: UploadService;
  builds?: BuildService;
  dispose(): void;
}

async function world(): Promise<X> {
  const sb = await sandbox();
  sb.reset();
  const logger = new RecordingLogger();
  const store = new CredentialStore(new InMemorySecretStore(), 'file:///faults/dist', 'dist', 300);
  const api = createApiFactory(
    () => ({ apiUrl: sb.apiUrl, authUrl: sb.authUrl, dashboardUrl: 'http://127.0.0.1/dash', allowInsecureHttp: false }),
    logger,
    TIMEOUT_MS,
    LIMITS,
  );
  const session = new SessionService(store, api, systemClock, logger);
  await session.signIn({ kind: 'pat', pat: DEMO_PAT });
  const request = distributionRequest(session);
  const x: X = {
    sb,
    session,
    logger,
    td: new DistributionService(request),
    store: new StoreService(request),
    uploads: new UploadService(request, { pollMs: 5, maxWaitMs: 300, retryDelayMs: () => 1 }),
    dispose: () => {
      x.builds?.dispose();
      session.dispose();
      store.dispose();
    },
  };
  return x;
}

/** The TD and store data of the organization: what "nothing half-made" compares. */
function dataOf(sb: Sandbox): string {
  const d = sb.distribution;
  return JSON.stringify({
    td: d
      .tdProfilesOf(ROOT_ORG_ID)
      .map((p) => ({ id: p.id, groups: [...(p.testingGroupIds ?? [])].sort(), v: p.appVersions.map((v) => v.id) })),
    store: d.storeProfilesOf(ROOT_ORG_ID).map((p) => ({ id: p.id, v: p.appVersions.map((v) => `${v.id}:${v.publishType}`) })),
  });
}

const tdVersions = (sb: Sandbox) => sb.distribution.tdProfile(IOS, ROOT_ORG_ID)?.appVersions.length ?? -1;
const storeVersions = (sb: Sandbox) => sb.distribution.storeProfile(FIELD, ROOT_ORG_ID)?.appVersions ?? [];

function uploadReq(over: Partial<UploadRequest> = {}): UploadRequest {
  return {
    target: { kind: 'testing', profileId: IOS },
    fileName: 'Acme 9.9.ipa',
    size: BYTES.length,
    open: () => Readable.from([BYTES.subarray(0, 60_000), BYTES.subarray(60_000)]),
    ...over,
  };
}

// ---- the operations (columns) ------------------------------------------------------------------------

interface Op {
  code: string;
  op: Operation;
  /** The API path a network fault is set on (pathIncludes). */
  path: string;
  /** A write: faults that let the real handler run (stall, cut) are not applied (the write may well be made). */
  write?: boolean;
  /** Reads what the operation needs before any fault; returns the operation. */
  prepare(x: X): Promise<() => Promise<unknown>>;
  /** After the retry: its effect is there. */
  verify(x: X, value: unknown, before: string): void;
}

const unchanged = (x: X, _v: unknown, before: string) => assert.equal(dataOf(x.sb), before, 'a read changed the data');

async function sendFromBuild(x: X): Promise<() => Promise<unknown>> {
  const builds = new BuildService({
    session: x.session,
    clock: systemClock,
    logger: x.logger,
    pollIntervalMs: () => 60_000,
    gitRemotes: () => Promise.resolve([]),
  });
  x.builds?.dispose();
  x.builds = builds;
  builds.scheduler.stop();
  const profile = (await builds.profiles()).value.find((p) => p.name === 'Acme iOS');
  const branch = profile && (await builds.branches(profile.id)).value.find((b) => b.name === 'main');
  const build = profile && branch && (await builds.builds(profile.id, branch.id)).items.find((b) => b.status === 0);
  if (!build) {
    throw new Error('no finished Acme iOS build in the seed');
  }
  builds.scheduler.stop();
  return async () => {
    const zip = await ArtifactsZip.download(builds, build.commitId, build.id);
    try {
      const bin = zip.binaries()[0];
      if (!bin) {
        throw new Error('the artifacts hold no binary');
      }
      return await x.uploads.upload({
        target: { kind: 'testing', profileId: IOS },
        fileName: bin.name,
        size: bin.size,
        open: () => zip.openBinary(bin.path),
      });
    } finally {
      await zip.dispose();
    }
  };
}

const OPS: Op[] = [
  {
    code: 'TD1',
    op: 'load',
    path: 'distribution/v2/profiles',
    prepare: (x) => Promise.resolve(() => x.td.profiles()),
    verify: (x, v, b) => (assert.ok((v as { id: string }[]).some((p) => p.id === IOS)), unchanged(x, v, b)),
  },
  {
    code: 'TD2',
    op: 'load',
    path: `distribution/v2/profiles/${IOS}`,
    prepare: (x) => Promise.resolve(() => x.td.versions(IOS)),
    verify: (x, v, b) => (assert.equal((v as unknown[]).length, tdVersions(x.sb)), unchanged(x, v, b)),
  },
  {
    code: 'E2',
    op: 'load',
    path: `store/v2/profiles/${FIELD}/app-versions`,
    prepare: (x) => Promise.resolve(() => x.store.versions(FIELD)),
    verify: (x, v, b) => (assert.equal((v as unknown[]).length, storeVersions(x.sb).length), unchanged(x, v, b)),
  },
  {
    code: 'TD4',
    op: 'other',
    path: `distribution/v2/profiles/${IOS}`,
    write: true,
    prepare: (x) => {
      const now = [...(x.sb.distribution.tdProfile(IOS, ROOT_ORG_ID)?.testingGroupIds ?? [])].sort();
      const wanted = JSON.stringify(now) === JSON.stringify([...GROUPS].sort()) ? GROUPS.slice(0, 1) : GROUPS;
      return Promise.resolve(() => x.td.setTestingGroups(IOS, wanted));
    },
    verify: (x) => assert.ok((x.sb.distribution.tdProfile(IOS, ROOT_ORG_ID)?.testingGroupIds ?? []).length > 0),
  },
  {
    code: 'E3',
    op: 'other',
    path: `store/v2/profiles/${FIELD}/app-versions/`,
    write: true,
    prepare: (x) => {
      const v = storeVersions(x.sb).find((s) => s.publishType !== 1);
      assert.ok(v, 'a store version not on Beta');
      return Promise.resolve(() => x.store.publish(FIELD, v.id, 'Beta'));
    },
    verify: (x, v) => assert.equal(storeVersions(x.sb).find((s) => s.id === (v as { id: string }).id)?.publishType, 1),
  },
  {
    code: 'E4',
    op: 'other',
    path: `store/v2/profiles/${FIELD}/app-versions/`,
    write: true,
    prepare: (x) => {
      const v = storeVersions(x.sb).find((s) => s.publishType !== 0);
      assert.ok(v, 'a published store version');
      return Promise.resolve(() => x.store.unpublish(FIELD, v.id));
    },
    verify: (x, v) => assert.equal(storeVersions(x.sb).find((s) => s.id === (v as { id: string }).id)?.publishType, 0),
  },
  {
    code: 'E7',
    op: 'other',
    path: `store/v2/profiles/${FIELD}/app-versions/`,
    prepare: (x) => {
      const v = storeVersions(x.sb)[0];
      assert.ok(v, 'a store version');
      return Promise.resolve(() => x.store.downloadLink(FIELD, v.id));
    },
    verify: (x, v, b) => (assert.match(String(v), /^https?:\/\/127\.0\.0\.1/), unchanged(x, v, b)),
  },
  {
    code: 'UTD',
    op: 'upload',
    path: `distribution/v1/profiles/${IOS}/app-versions`,
    write: true,
    prepare: (x) => Promise.resolve(() => x.uploads.upload(uploadReq())),
    verify: (x, _v, b) =>
      assert.equal(tdVersions(x.sb), (JSON.parse(b) as { td: { id: string; v: string[] }[] }).td.find((p) => p.id === IOS)!.v.length + 1),
  },
  {
    code: 'UST',
    op: 'upload',
    path: 'store/v1/profiles/app-versions',
    write: true,
    prepare: (x) =>
      Promise.resolve(() =>
        x.uploads.upload(
          uploadReq({ target: { kind: 'store', createNewProfile: false, profileId: FIELD }, fileName: 'Acme Field 9.9.apk' }),
        ),
      ),
    verify: (x, _v, b) =>
      assert.equal(
        storeVersions(x.sb).length,
        (JSON.parse(b) as { store: { id: string; v: string[] }[] }).store.find((p) => p.id === FIELD)!.v.length + 1,
      ),
  },
  {
    code: 'SEND',
    op: 'upload',
    path: 'build/v1/commits/',
    prepare: sendFromBuild,
    verify: (x, _v, b) =>
      assert.equal(tdVersions(x.sb), (JSON.parse(b) as { td: { id: string; v: string[] }[] }).td.find((p) => p.id === IOS)!.v.length + 1),
  },
];

// ---- the faults (rows) -------------------------------------------------------------------------------

interface Fault {
  label: string;
  /** A network fault on the operation's path (and only its first matching request when `once`). */
  net?: FaultSpec;
  /** An upload fault (upload columns only). */
  upload?: UploadFaults | 'duplicate';
  /** Where it applies. */
  applies(op: Op): boolean;
  /** The typed error it must give (any error with words when absent). */
  is?(e: unknown, op: Op): boolean;
}

const api = (e: unknown, ...kinds: string[]) => isApiError(e) && kinds.includes(e.kind);
const isUpload = (op: Op) => op.code === 'UTD' || op.code === 'UST' || op.code === 'SEND';
const readOnly = (op: Op) => !op.write;

const FAULTS: Fault[] = [
  { label: '500', net: { status: 500 }, applies: () => true, is: (e) => api(e, 'server') || e instanceof WriteNotAppliedError },
  { label: '403 JSON', net: { forbidden: true }, applies: () => true, is: (e) => api(e, 'forbidden') },
  { label: '403 as an HTML page', net: { htmlPage: true, htmlStatus: 403 }, applies: () => true },
  { label: 'HTML with 200', net: { htmlPage: true }, applies: () => true },
  { label: 'malformed JSON with 200', net: { malformedJson: true }, applies: (op) => op.code !== 'SEND' },
  { label: 'dropped before the headers', net: { dropConnection: true }, applies: () => true, is: (e) => api(e, 'network') },
  { label: 'stalled after the headers', net: { stallAfterBytes: 5 }, applies: readOnly, is: (e) => api(e, 'timeout', 'network') },
  { label: 'cut mid-body', net: { cutAfterBytes: 20 }, applies: readOnly },
  {
    label: 'the upload cut mid-body, every try',
    upload: { cutAfterBytes: 1000 },
    applies: isUpload,
    is: (e) => e instanceof UploadInterruptedError,
  },
  { label: 'the signed URL expired (403)', upload: { expiredUrl: true }, applies: isUpload, is: (e) => e instanceof UploadUrlRefusedError },
  { label: 'the commit answers 502', upload: { commitStatus: 502 }, applies: isUpload, is: (e) => e instanceof UploadCommitUncertainError },
  { label: 'the task fails (state 2)', upload: { task: 'fail' }, applies: isUpload, is: (e) => e instanceof UploadTaskFailedError },
  { label: 'the task never ends', upload: { task: 'hang' }, applies: isUpload, is: (e) => e instanceof UploadTaskTimeoutError },
  { label: 'a duplicate version number', upload: 'duplicate', applies: isUpload, is: (e) => e instanceof DuplicateVersionError },
];

// ---- the cell -------------------------------------------------------------------------------------------

const SECRET = /eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/;
const RAW = /\[object |\n\s+at |^Error:|undefined|Something went wrong/;

function artifactDirs(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('appcircle-artifacts-'));
}

function inject(sb: Sandbox, op: Op, f: Fault): void {
  if (f.net) {
    sb.faults.set({ ...f.net, pathIncludes: op.path });
  } else if (f.upload === 'duplicate') {
    sb.makeNextUploadDuplicate();
  } else if (f.upload) {
    sb.setUploadFaults(f.upload);
  }
}

async function runDistributionCell(op: Op, f: Fault): Promise<void> {
  const dirsBefore = artifactDirs();
  const x = await world();
  try {
    const run = await op.prepare(x);
    const before = dataOf(x.sb);
    x.sb.requests.length = 0;
    inject(x.sb, op, f);
    const e = await run().then(
      () => undefined,
      (err: unknown) => err ?? new Error('rejected without a reason'),
    );
    x.sb.faults.clear();
    x.sb.uploads.clearFaults();
    if (e === undefined) {
      throw new Error('the operation succeeded under the fault');
    }
    const name = e instanceof Error ? `${e.name}: ${e.message}` : util.inspect(e);
    if (f.is && !f.is(e, op) && !(e instanceof ArtifactsZipError && op.code === 'SEND')) {
      throw new Error(`unexpected error ${name}`);
    }
    const words = describeError(e, op.op)?.message ?? '';
    if (!words || RAW.test(words)) {
      throw new Error(`no clear message for ${name}: "${words}"`);
    }
    if (!x.session.isSignedIn) {
      throw new Error('the session was lost');
    }
    const after = dataOf(x.sb);
    if (after !== before) {
      throw new Error(`half-made: the data changed under the fault (${name})`);
    }
    const texts = [...x.logger.lines, words, util.inspect(e, { depth: 8 }), JSON.stringify(x.sb.requests)];
    const leak = texts.find((t) => t.includes(DEMO_PAT) || SECRET.test(t));
    if (leak) {
      throw new Error(`a secret in ${leak.slice(0, 120)}`);
    }
    const storageAuth = x.sb.requests.filter((r) => r.host === 'upload' && r.hasAuth);
    if (storageAuth.length) {
      throw new Error(`${storageAuth.length} requests to the storage origin carried Authorization`);
    }
    const left = artifactDirs().filter((d) => !dirsBefore.includes(d));
    if (left.length) {
      throw new Error(`artifacts folders left: ${left.join(', ')}`);
    }
    // the fault cleared: the same operation works, with its effect
    const retry = await op.prepare(x);
    const beforeRetry = dataOf(x.sb);
    op.verify(x, await retry(), beforeRetry);
    if (x.sb.requests.some((r) => r.host === 'upload' && r.hasAuth)) {
      throw new Error('the retry sent Authorization to the storage origin');
    }
  } finally {
    x.sb.faults.clear();
    x.dispose();
  }
}

export function distributionCells(): LocalCell[] {
  return OPS.flatMap((op) =>
    FAULTS.filter((f) => f.applies(op)).map((f) => ({
      group: GROUP,
      label: f.label,
      op: op.code,
      run: () => runDistributionCell(op, f),
    })),
  );
}
