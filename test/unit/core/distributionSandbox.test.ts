/** The distribution services through a real session against the sandbox (its TD, store and upload routes). */
import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { DIST_SEED, seedId } from '../../../sandbox/distributionSeed';
import { DEMO_PAT, ROOT_ORG_ID } from '../../../sandbox/fixtures';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import {
  DuplicateVersionError,
  UploadInterruptedError,
  UploadTaskFailedError,
  UploadTaskTimeoutError,
  UploadUrlRefusedError,
} from '../../../src/core/distribution/distributionErrors';
import { distributionRequest } from '../../../src/core/distribution/distributionRequest';
import { DistributionService, StoreService } from '../../../src/core/distribution/distributionService';
import { TASK_POLL_MS, UploadService } from '../../../src/core/distribution/uploadService';
import type { UploadRequest } from '../../../src/core/distribution/uploadService';
import { UserCancelledError } from '../../../src/core/errors';
import type { Harness } from './helpers';
import { makeHarness, rejects, waitFor } from './helpers';
import { fakeTime } from '../fakes/clock';

const IOS = seedId('td', ROOT_ORG_ID, DIST_SEED.td.ios);
const QA_GROUP = seedId('group', ROOT_ORG_ID, DIST_SEED.groups.qa);
const BETA_GROUP = seedId('group', ROOT_ORG_ID, DIST_SEED.groups.beta);
const FIELD = seedId('store', ROOT_ORG_ID, DIST_SEED.store.android);

describe('core: distribution against the sandbox', () => {
  let sb: Sandbox;
  let h: Harness;
  let td: DistributionService;
  let store: StoreService;
  let uploads: UploadService;
  const bytes = Buffer.alloc(120_000, 3);
  const req = (over: Partial<UploadRequest> = {}): UploadRequest => ({
    target: { kind: 'testing', profileId: IOS },
    fileName: 'Acme 2.9.ipa',
    size: bytes.length,
    open: () => Readable.from([bytes.subarray(0, 60_000), bytes.subarray(60_000)]),
    ...over,
  });
  const commits = () => sb.requests.filter((r) => r.query.action === 'commitFileUpload').length;

  before(async () => {
    sb = await startSandbox({ quiet: true, realTime: false });
  });
  after(() => sb.stop());
  beforeEach(async () => {
    sb.reset();
    h = makeHarness({ apiUrl: sb.apiUrl, authUrl: sb.authUrl });
    await h.session.signIn({ kind: 'pat', pat: DEMO_PAT });
    const request = distributionRequest(h.session);
    td = new DistributionService(request);
    store = new StoreService(request);
    uploads = new UploadService(request, { pollMs: 2, maxWaitMs: 500, retryDelayMs: () => 1 });
  });
  afterEach(() => h.dispose());

  it('profiles, versions newest first, testing groups; auto-send groups set and read back', async () => {
    assert.ok((await td.profiles()).some((p) => p.id === IOS));
    const versions = await td.versions(IOS);
    const times = versions.map((v) => Date.parse(v.createdAt ?? ''));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    assert.ok((await td.testingGroups()).some((g) => g.id === QA_GROUP));
    const back = await td.setTestingGroups(IOS, [BETA_GROUP, QA_GROUP]);
    assert.deepEqual([...(back.testingGroupIds ?? [])].sort(), [BETA_GROUP, QA_GROUP].sort());
  });

  it('a Testing Distribution upload makes the newest version, its release notes sent with the commit', async () => {
    const n0 = sb.requests.length;
    const r = await uploads.upload(req({ releaseNotes: 'From VS Code' }));
    const made = sb.requests.slice(n0);
    const newest = (await td.versions(IOS))[0];
    assert.equal(r.version.id, newest?.id);
    assert.equal(newest?.message, 'From VS Code');
    assert.equal(made.filter((x) => x.method === 'PATCH').length, 0, 'no TD10: the notes went with U3');
    assert.equal(made.filter((x) => x.method === 'GET' && /^\/distribution\/v2\/profiles\/[^/]+$/.test(x.path)).length, 1, 'one read');
  });

  it("a server that ignores the commit's message: the notes set by TD10 and read back", async () => {
    const request = distributionRequest(h.session);
    const ignoring = new UploadService(
      (fn) =>
        request((a) => {
          const commit = a.distribution.commitFileUpload.bind(a.distribution);
          const distribution = Object.assign(Object.create(a.distribution) as typeof a.distribution, {
            commitFileUpload: (p: string, f: string, n: string) => commit(p, f, n),
          });
          return fn({ ...a, distribution });
        }),
      { pollMs: 2, maxWaitMs: 500, retryDelayMs: () => 1 },
    );
    const r = await ignoring.upload(req({ releaseNotes: 'Set afterwards' }));
    assert.equal(sb.requests.filter((x) => x.method === 'PATCH' && x.query.action === 'updateMessage').length, 1);
    assert.equal((await td.versions(IOS)).find((v) => v.id === r.version.id)?.message, 'Set afterwards');
  });

  it('the store: upload to a new profile and to Acme Field; publish Beta/Live and unpublish, verified; the link', async () => {
    const a = await uploads.upload(req({ target: { kind: 'store', createNewProfile: true }, fileName: 'NewApp 1.0.apk' }));
    assert.ok(a.kind === 'store' && a.profileId !== FIELD);
    const b = await uploads.upload(
      req({ target: { kind: 'store', createNewProfile: false, profileId: FIELD }, fileName: 'Acme Field 9.9.apk' }),
    );
    assert.equal(b.profileId, FIELD);
    assert.equal((await store.publish(FIELD, b.version.id, 'Beta')).publishType, 1);
    assert.equal((await store.publish(FIELD, b.version.id, 'Live', { summary: 'S', releaseNotes: 'R' })).publishType, 2);
    assert.ok((await store.versions(FIELD, 'Live')).some((v) => v.id === b.version.id));
    assert.notEqual((await store.unpublish(FIELD, b.version.id)).publishType, 2);
    assert.match(await store.downloadLink(FIELD, b.version.id), /^https?:\/\//);
  });

  it('a duplicate version number, a failing task, a task that never ends', async () => {
    sb.makeNextUploadDuplicate();
    assert.ok((await rejects(uploads.upload(req()))) instanceof DuplicateVersionError);
    sb.setUploadFaults({ task: 'fail' });
    assert.ok((await rejects(uploads.upload(req()))) instanceof UploadTaskFailedError);
    sb.setUploadFaults({ task: 'hang' });
    assert.ok((await rejects(uploads.upload(req()))) instanceof UploadTaskTimeoutError);
  });

  it('an expired URL and a cut upload commit nothing; a cut that heals is retried', async () => {
    const before = (await td.versions(IOS)).length;
    sb.uploads.clearFaults();
    sb.setUploadFaults({ expiredUrl: true });
    assert.ok((await rejects(uploads.upload(req()))) instanceof UploadUrlRefusedError);
    sb.uploads.clearFaults();
    sb.setUploadFaults({ cutAfterBytes: 1000 });
    assert.ok((await rejects(uploads.upload(req()))) instanceof UploadInterruptedError);
    assert.equal((await td.versions(IOS)).length, before);
    assert.equal(commits(), 0);
    sb.uploads.clearFaults();
    sb.setUploadFaults({ cutAfterBytes: 1000, cutTimes: 2 });
    await uploads.upload(req());
    assert.equal((await td.versions(IOS)).length, before + 1);
  });

  it('a POST-form storage and a cancel mid-upload (nothing committed)', async () => {
    sb.uploads.setOptions({ mode: 'POST' });
    await uploads.upload(req({ fileName: 'Acme 3.0.ipa' }));
    const ac = new AbortController();
    const slow = () =>
      new Readable({
        read() {
          setTimeout(() => this.push(Buffer.alloc(8_000)), 2);
        },
      });
    const n = commits();
    const e = await rejects(
      uploads.upload(req({ size: 4_000_000, open: slow, signal: ac.signal, onProgress: (s) => s > 20_000 && ac.abort() })),
    );
    assert.ok(e instanceof UserCancelledError);
    assert.equal(commits(), n);
  });

  it('the task poll runs on the Clock: every 2 s, given up at the bound with UploadTaskTimeoutError', async () => {
    const t = fakeTime();
    try {
      const svc = new UploadService(distributionRequest(h.session), { clock: t.clock, maxWaitMs: 60_000 });
      sb.setUploadFaults({ task: 'hang' });
      let settled: unknown;
      void svc.upload(req()).then(
        () => (settled = 'resolved'),
        (e: unknown) => (settled = e),
      );
      const start = t.timers.now;
      while (settled === undefined) {
        await waitFor(() => settled !== undefined || t.timers.countTimers() > 0, 5_000, 'a poll timer');
        if (settled === undefined) {
          t.timers.next();
        }
      }
      assert.ok(settled instanceof UploadTaskTimeoutError, settled instanceof Error ? settled.message : typeof settled);
      assert.equal(t.timers.now - start, 60_000);
      assert.equal(sb.requests.filter((r) => r.path.includes('task/v1/tasks')).length, 60_000 / TASK_POLL_MS);
    } finally {
      t.timers.uninstall();
    }
  });
});
