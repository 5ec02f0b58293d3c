/** DistributionService, StoreService, UploadService and ArtifactsZip against the in-test Appcircle over loopback. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { DistributionApi } from '../../../src/api/distributionApi';
import { ApiClient } from '../../../src/api/http/httpClient';
import { StoreApi } from '../../../src/api/storeApi';
import { TasksApi } from '../../../src/api/tasksApi';
import { ApiError } from '../../../src/api/http/errors';
import type { ApiErrorKind } from '../../../src/api/http/errors';
import { ArtifactsZip, ArtifactsZipError, MAX_ZIP_BINARIES, MAX_ZIP_ENTRIES } from '../../../src/core/distribution/artifactBinaries';
import {
  DuplicateVersionError,
  FileTooLargeError,
  UnsupportedBinaryError,
  UploadCommitUncertainError,
  UploadedVersionNotFoundError,
  UploadInterruptedError,
  UploadTaskFailedError,
  UploadTaskTimeoutError,
  UploadUrlRefusedError,
  WriteNotAppliedError,
} from '../../../src/core/distribution/distributionErrors';
import type { DistributionApis, DistributionRequest } from '../../../src/core/distribution/distributionRequest';
import { DistributionService, StoreService } from '../../../src/core/distribution/distributionService';
import { CLOCK_SKEW_MS, MAX_UPLOAD_BYTES, UploadService } from '../../../src/core/distribution/uploadService';
import type { UploadRequest } from '../../../src/core/distribution/uploadService';
import { UserCancelledError } from '../../../src/core/errors';
import { makeZip } from '../../../sandbox/zip';
import type { FakeDistribution } from '../fakes/distributionServer';
import { startFakeDistribution } from '../fakes/distributionServer';

async function thrown(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected a rejection');
}

describe('core: distribution, store and uploads', () => {
  let fd: FakeDistribution;
  let request: DistributionRequest;
  let uploads: UploadService;
  const data = Buffer.alloc(200_000, 1);
  const commits = () => fd.api.filter((r) => r.url.includes('commitFileUpload')).length;
  const td = (over: Partial<UploadRequest> = {}): UploadRequest => ({
    target: { kind: 'testing', profileId: 'td-1' },
    fileName: 'app 1.0.ipa',
    size: data.length,
    open: () => Readable.from([data]),
    ...over,
  });

  beforeEach(async () => {
    fd = await startFakeDistribution();
    const client = new ApiClient({ baseUrl: fd.apiUrl, getToken: () => Promise.resolve('tok-123456'), timeoutMs: 3000 });
    const apis: DistributionApis = {
      distribution: new DistributionApi(client),
      store: new StoreApi(client),
      tasks: new TasksApi(client),
      client,
    };
    request = (fn) => fn(apis);
    uploads = new UploadService(request, { pollMs: 5, maxWaitMs: 300, retryDelayMs: () => 1 });
  });
  afterEach(() => fd.stop());

  it('auto-send testing groups are verified by reading the profile back; a 200 that changes nothing is not done', async () => {
    const svc = new DistributionService(request);
    assert.deepEqual((await svc.setTestingGroups('td-1', ['g-2', 'g-1', 'g-2'])).testingGroupIds, ['g-2', 'g-1']);
    fd.faults.ignoreWrites = true;
    const e = await thrown(svc.setTestingGroups('td-1', []));
    assert.ok(e instanceof WriteNotAppliedError && e.what === 'testingGroups');
  });

  it('publish to Beta/Live and unpublish are verified by re-reading the version', async () => {
    const st = new StoreService(request);
    assert.equal((await st.publish('st-1', 'sv-1', 'Beta')).publishType, 1);
    assert.equal((await st.publish('st-1', 'sv-1', 'Live')).publishType, 2);
    assert.equal((await st.unpublish('st-1', 'sv-1')).publishType, 0);
    fd.faults.ignoreWrites = true;
    assert.ok((await thrown(st.publish('st-1', 'sv-1', 'Live'))) instanceof WriteNotAppliedError);
    fd.state.storeProfiles[0].versions[0].publishType = 1;
    assert.ok((await thrown(st.unpublish('st-1', 'sv-1'))) instanceof WriteNotAppliedError);
    assert.match(await st.downloadLink('st-1', 'sv-1'), /\/download\/sv-1/);
  });

  it('versions come newest first', async () => {
    fd.state.tdProfiles[0].appVersions.push({
      id: 'v-new',
      createdAt: '2027-01-01T00:00:00Z',
      createDate: '',
      version: '9',
      publishType: 0,
    });
    assert.deepEqual(
      (await new DistributionService(request).versions('td-1')).map((v) => v.id),
      ['v-new', 'v-old'],
    );
  });

  it('a Testing Distribution upload: U1 → storage → U3 → task → the new version, release notes set; progress with a rate', async () => {
    const seen: [number, number, number][] = [];
    let committed = false;
    const r = await uploads.upload(
      td({ releaseNotes: 'Sprint 9', onProgress: (...a) => seen.push(a), onCommitted: () => (committed = true) }),
    );
    assert.equal(r.kind, 'testing');
    assert.equal(r.version.id, fd.state.tdProfiles[0]?.appVersions[0]?.id);
    assert.equal(fd.state.tdProfiles[0]?.appVersions[0]?.message, 'Sprint 9');
    assert.ok(committed);
    assert.deepEqual(seen.at(-1)?.slice(0, 2), [data.length, data.length]);
    assert.equal(fd.storage[0]?.headers.authorization, undefined);
    assert.equal([...fd.state.files.values()][0]?.fileName, 'app 1.0.ipa');
  });

  it('the new version is one made since the upload started: an older one of the same name never gets the notes', async () => {
    const old = fd.state.tdProfiles[0].appVersions[0];
    old.fileName = 'app 1.0.ipa';
    // the task completes but the profile lists no new version (yet): nothing is taken, nothing is changed
    const noVersion = () => fd.state.tasks.forEach((t) => (t.apply = () => undefined));
    assert.ok(
      (await thrown(uploads.upload(td({ releaseNotes: 'New notes', onCommitted: noVersion })))) instanceof UploadedVersionNotFoundError,
    );
    assert.equal(old.message, undefined);
    assert.equal(fd.api.filter((x) => x.method === 'PATCH').length, 0, 'no notes written to the old version');
    // a server clock a little behind this one (within CLOCK_SKEW_MS): the version it made is still found
    const behind = () =>
      fd.state.tasks.forEach((t) => {
        const at = new Date(Date.now() - CLOCK_SKEW_MS / 2).toISOString();
        t.apply = () =>
          fd.state.tdProfiles[0].appVersions.unshift({ id: 'v-new', createdAt: at, createDate: at, version: '2.0', publishType: 0 });
      });
    const r = await uploads.upload(td({ onCommitted: behind }));
    assert.equal(r.version.id, 'v-new');
  });

  it('store uploads: to a new profile (found as the new one) and to an existing profile', async () => {
    const a = await uploads.upload(td({ target: { kind: 'store', createNewProfile: true }, fileName: 'a.apk' }));
    assert.ok(a.kind === 'store' && a.profileId.startsWith('st-new-'));
    const b = await uploads.upload(td({ target: { kind: 'store', createNewProfile: false, profileId: 'st-1' }, fileName: 'b.apk' }));
    assert.equal(b.profileId, 'st-1');
    assert.equal(b.version.id, fd.state.storeProfiles[0]?.versions[0]?.id);
  });

  it('a failed task right after the commit is a duplicate version; later, a task failure; never ending, a timeout', async () => {
    fd.faults.taskOutcome = 'fail';
    assert.ok((await thrown(uploads.upload(td()))) instanceof DuplicateVersionError);
    fd.faults.taskOutcome = 'never';
    const e = await thrown(uploads.upload(td()));
    assert.ok(e instanceof UploadTaskTimeoutError, String(e));
    assert.equal(fd.state.tdProfiles[0]?.appVersions.length, 1);
    assert.ok(new UploadTaskFailedError('x').message.includes('x'));
  });

  it('too large: the 3 GiB pre-check sends nothing; the server refusal is the same error', async () => {
    assert.ok((await thrown(uploads.upload(td({ size: MAX_UPLOAD_BYTES + 1 })))) instanceof FileTooLargeError);
    assert.equal(fd.api.length, 0);
    fd.faults.maxFileBytes = 10;
    const e = await thrown(uploads.upload(td()));
    assert.ok(e instanceof FileTooLargeError && e.limitBytes === undefined);
    assert.equal(fd.storage.length, 0);
  });

  it('an unsupported file is refused before any request', async () => {
    assert.ok((await thrown(uploads.upload(td({ fileName: 'notes.txt' })))) instanceof UnsupportedBinaryError);
    assert.ok(
      (await thrown(uploads.upload(td({ target: { kind: 'store', createNewProfile: true }, fileName: 'x.aab' })))) instanceof
        UnsupportedBinaryError,
    );
    assert.equal(fd.api.length, 0);
  });

  it('storage refusals and cuts: nothing committed, no version', async () => {
    fd.faults.storage.push(403);
    assert.ok((await thrown(uploads.upload(td()))) instanceof UploadUrlRefusedError);
    fd.faults.storage.push('reset', 'reset', 'reset', 'reset', 'reset');
    const e = await thrown(uploads.upload(td()));
    assert.ok(e instanceof UploadInterruptedError, String(e));
    assert.equal(commits(), 0);
    assert.equal(fd.state.tdProfiles[0]?.appVersions.length, 1);
  });

  it('a remote API answering U1 with a loopback upload URL: refused, nothing sent to it, nothing committed', async () => {
    let committed = 0;
    const remote = {
      distribution: {
        uploadInformation: () => Promise.resolve({ fileId: 'f-1', uploadUrl: `${fd.storageOrigin}/bucket/f-1?X-Signature=s` }),
        commitFileUpload: () => (committed++, Promise.resolve({ taskId: 't-1' })),
      },
      client: { transport: { apiBase: 'https://api.example.test', allowInsecureHttp: true } },
    } as unknown as DistributionApis;
    const e = await thrown(new UploadService((fn) => fn(remote), { retryDelayMs: () => 1 }).upload(td()));
    assert.ok(e instanceof UploadUrlRefusedError && e.status === undefined, String(e));
    assert.equal(fd.storage.length, 0);
    assert.equal(committed, 0);
  });

  it('a commit whose outcome is unknown (5xx, timeout, cut, unreadable, no task) is uncertain; a refusal stays the ApiError', async () => {
    const withCommit = (commit: () => Promise<unknown>) =>
      new UploadService(
        (fn) =>
          request((a) =>
            fn({
              ...a,
              distribution: Object.assign(Object.create(a.distribution) as DistributionApis['distribution'], { commitFileUpload: commit }),
            }),
          ),
        { retryDelayMs: () => 1 },
      );
    const failing = (kind: ApiErrorKind, status?: number) => () =>
      Promise.reject(new ApiError({ kind, status, method: 'POST', path: 'distribution/v1/profiles/td-1/app-versions' }));
    for (const kind of ['server', 'timeout', 'network', 'malformedResponse', 'htmlResponse'] as const) {
      const e = await thrown(withCommit(failing(kind, kind === 'server' ? 502 : undefined)).upload(td()));
      assert.ok(e instanceof UploadCommitUncertainError && e.cause instanceof ApiError && e.cause.kind === kind, `${kind}: ${String(e)}`);
    }
    assert.ok((await thrown(withCommit(() => Promise.resolve({})).upload(td()))) instanceof UploadCommitUncertainError);
    for (const kind of ['badRequest', 'forbidden', 'notFound', 'connectionRefused'] as const) {
      const e = await thrown(withCommit(failing(kind, 400)).upload(td()));
      assert.ok(e instanceof ApiError && e.kind === kind, `${kind}: ${String(e)}`);
    }
  });

  it('cancelled mid-upload: UserCancelledError, nothing committed', async () => {
    const ac = new AbortController();
    const slow = () =>
      new Readable({
        read() {
          setTimeout(() => this.push(Buffer.alloc(10_000)), 2);
        },
      });
    const e = await thrown(
      uploads.upload(td({ size: 5_000_000, open: slow, signal: ac.signal, onProgress: (n) => n > 30_000 && ac.abort() })),
    );
    assert.ok(e instanceof UserCancelledError);
    assert.equal(commits(), 0);
    assert.equal(fd.state.tdProfiles[0]?.appVersions.length, 1);
  });

  it('an artifacts zip: its binaries listed with their sizes, one opened and uploaded as a stream', async () => {
    const ipa = Buffer.alloc(50_000, 9);
    const zip = makeZip([
      { name: 'build/App.ipa', data: ipa },
      { name: 'build/log.txt', data: Buffer.from('x') },
      { name: 'app-release.aab', data: Buffer.from('aab') },
    ]);
    const source = { artifacts: () => Promise.resolve({ stream: Readable.from([zip]) }) };
    // a temporary folder of this test's own: another run at the same time makes appcircle-artifacts-* folders too
    const ownTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'appcircle-test-'));
    const sharedTmp = process.env.TMPDIR;
    process.env.TMPDIR = ownTmp;
    const az = await ArtifactsZip.download(source, 'c', 'b');
    try {
      assert.deepEqual(az.binaries(), [
        { path: 'build/App.ipa', name: 'App.ipa', size: ipa.length },
        { path: 'app-release.aab', name: 'app-release.aab', size: 3 },
      ]);
      const r = await uploads.upload(td({ fileName: 'App.ipa', size: ipa.length, open: () => az.openBinary('build/App.ipa') }));
      assert.equal(r.kind, 'testing');
      assert.equal(fd.storage[0]?.bytes, ipa.length);
    } finally {
      await az.dispose();
    }
    const none = { artifacts: () => Promise.resolve(undefined) };
    assert.ok((await thrown(ArtifactsZip.download(none, 'c', 'b'))) instanceof ArtifactsZipError);
    const notZip = { artifacts: () => Promise.resolve({ stream: Readable.from([Buffer.from('<html>')]) }) };
    assert.ok((await thrown(ArtifactsZip.download(notZip, 'c', 'b'))) instanceof ArtifactsZipError);
    process.env.TMPDIR = sharedTmp ?? '';
    if (sharedTmp === undefined) {
      delete process.env.TMPDIR;
    }
    const left = fs.readdirSync(ownTmp).filter((f) => f.startsWith('appcircle-artifacts-'));
    fs.rmSync(ownTmp, { recursive: true, force: true });
    assert.deepEqual(left, [], 'temp folders deleted');
  });
  it('an artifacts zip is bounded: over 10,000 entries or 100 binaries is refused, the temporary file deleted', async () => {
    const source = (files: { name: string; data: Buffer }[]) => ({
      artifacts: () => Promise.resolve({ stream: Readable.from([makeZip(files)]) }),
    });
    const many = Array.from({ length: MAX_ZIP_ENTRIES + 1 }, (_, i) => ({ name: `f/${i}.txt`, data: Buffer.alloc(0) }));
    const e1 = await thrown(ArtifactsZip.download(source(many), 'c', 'b'));
    assert.ok(e1 instanceof ArtifactsZipError && e1.problem === 'tooManyEntries', String(e1));
    assert.match(e1.message, /more than 10000 files/);
    const binaries = Array.from({ length: MAX_ZIP_BINARIES + 1 }, (_, i) => ({ name: `app-${i}.apk`, data: Buffer.from('a') }));
    const e2 = await thrown(ArtifactsZip.download(source(binaries), 'c', 'b'));
    assert.ok(e2 instanceof ArtifactsZipError && e2.problem === 'tooManyBinaries', String(e2));
    // at the limits, taken
    const az = await ArtifactsZip.download(source(binaries.slice(0, MAX_ZIP_BINARIES)), 'c', 'b');
    try {
      assert.equal(az.binaries().length, MAX_ZIP_BINARIES);
    } finally {
      await az.dispose();
    }
  });

  it('a binary stream closed before its entry opened lets the entry stream go (no file handle left open)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appcircle-zip-test-'));
    const file = path.join(dir, 'a.zip');
    fs.writeFileSync(file, makeZip([{ name: 'App.ipa', data: Buffer.alloc(100_000, 1) }]));
    const az = await ArtifactsZip.open(file);
    try {
      const zip = (az as unknown as { zip: { openReadStream: (e: unknown, cb: (err: Error | null, s?: Readable) => void) => void } }).zip;
      const original = zip.openReadStream.bind(zip);
      let opened: Readable | undefined;
      zip.openReadStream = (e, cb) =>
        original(e, (err, s) => {
          opened = s;
          cb(err, s);
        });
      const out = az.openBinary('App.ipa');
      out.destroy();
      await new Promise<void>((r) => {
        const tick = () => (opened ? r() : setTimeout(tick, 5));
        tick();
      });
      await new Promise((r) => setImmediate(r));
      assert.equal(opened?.destroyed, true);
    } finally {
      await az.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
