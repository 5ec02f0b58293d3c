/** The distribution, store and task endpoints and the signed-URL upload: the exact requests, over loopback HTTP. */
import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { DistributionApi } from '../../../src/api/distributionApi';
import { ApiClient } from '../../../src/api/http/httpClient';
import { StoreApi } from '../../../src/api/storeApi';
import { TasksApi } from '../../../src/api/tasksApi';
import { uploadToSignedUrl } from '../../../src/api/uploadApi';
import type { SignedUpload } from '../../../src/api/uploadApi';
import type { FakeDistribution } from '../fakes/distributionServer';
import { startFakeDistribution } from '../fakes/distributionServer';
import { Lines, rejection } from './rejection';

const TOKEN = 'bearer-token-abcdef';

describe('api: distribution, store, tasks and the signed-URL upload', () => {
  let fd: FakeDistribution;
  let client: ApiClient;
  let logs: Lines;

  beforeEach(async () => {
    fd = await startFakeDistribution();
    logs = new Lines();
    client = new ApiClient({ baseUrl: fd.apiUrl, getToken: () => Promise.resolve(TOKEN), logger: logs, timeoutMs: 3000 });
  });
  afterEach(() => fd.stop());

  it('TD1, TD2, TD4 (v2 PATCH testingGroupIds), TD5 and TD10 send the documented requests', async () => {
    const td = new DistributionApi(client);
    assert.equal((await td.profiles())[0]?.id, 'td-1');
    assert.equal((await td.profile('td-1')).appVersions?.[0]?.id, 'v-old');
    await td.setTestingGroups('td-1', ['g-1', 'g-2']);
    assert.equal((await td.testingGroups()).length, 2);
    await td.updateMessage('td-1', 'v-old', 'Notes');
    const patch = fd.api.find((r) => r.method === 'PATCH' && r.url === '/distribution/v2/profiles/td-1');
    assert.deepEqual(JSON.parse(patch?.body ?? ''), { testingGroupIds: ['g-1', 'g-2'] });
    const notes = fd.api.find((r) => r.url === '/distribution/v1/profiles/td-1/app-versions/v-old?action=updateMessage');
    assert.equal(notes?.method, 'PATCH');
    assert.deepEqual(JSON.parse(notes?.body ?? ''), { message: 'Notes' });
    assert.ok(fd.api.every((r) => r.headers.authorization === `Bearer ${TOKEN}`));
  });

  it('an id that is not an id is refused before any request', async () => {
    const td = new DistributionApi(client);
    assert.equal((await rejection(td.profile('../x'))).kind, 'invalidId');
    assert.equal((await rejection(td.setTestingGroups('td-1', ['a/b']))).kind, 'invalidId');
    assert.equal(fd.api.length, 0);
  });

  it('TD9 U1 carries the file name (spaces, unicode) and size; U3 posts {fileId, fileName}', async () => {
    const td = new DistributionApi(client);
    const name = 'My App ü 1.0.ipa';
    const info = await td.uploadInformation('td-1', name, 3);
    const u1 = new URL(fd.api[0]?.url ?? '', 'http://x');
    assert.equal(u1.pathname, '/distribution/v1/profiles/td-1/app-versions');
    assert.equal(u1.searchParams.get('action'), 'uploadInformation');
    assert.equal(u1.searchParams.get('fileName'), name);
    assert.equal(u1.searchParams.get('fileSize'), '3');
    assert.ok(info.uploadUrl.startsWith(fd.storageOrigin));
    fd.state.files.get(info.fileId)!.received = 3;
    const c = await td.commitFileUpload('td-1', info.fileId, name);
    assert.match(c.taskId, /^task-/);
    assert.equal(fd.api[1]?.url, '/distribution/v1/profiles/td-1/app-versions?action=commitFileUpload');
    assert.deepEqual(JSON.parse(fd.api[1]?.body ?? ''), { fileId: info.fileId, fileName: name });
    assert.deepEqual(await new TasksApi(client).task(c.taskId), { stateValue: 1, stateName: 'Begin' });
    assert.equal(fd.api[2]?.url, `/task/v1/tasks/${c.taskId}`);
  });

  it('E2 filters with publishtype, E3 sends publishType as the string "1"/"2", E4 {}, E7 is a plain string', async () => {
    const st = new StoreApi(client);
    assert.equal((await st.profiles())[0]?.id, 'st-1');
    await st.publish('st-1', 'sv-1', 'Beta', { summary: 'S', releaseNotes: 'R' });
    await st.publish('st-1', 'sv-1', 'Live');
    assert.equal((await st.versions('st-1', 'Live'))[0]?.id, 'sv-1');
    await st.unpublish('st-1', 'sv-1');
    assert.ok((await st.downloadLink('st-1', 'sv-1')).startsWith(fd.storageOrigin));
    const pubs = fd.api.filter((r) => r.url === '/store/v2/profiles/st-1/app-versions/sv-1?action=publish');
    assert.deepEqual(
      pubs.map((r) => JSON.parse(r.body) as unknown),
      [
        { summary: 'S', releaseNotes: 'R', publishType: '1' },
        { summary: '', releaseNotes: '', publishType: '2' },
      ],
    );
    assert.ok(fd.api.some((r) => r.url === '/store/v2/profiles/st-1/app-versions?publishtype=Live'));
    assert.equal(fd.api.find((r) => r.url.includes('action=unpublish'))?.body, '{}');
  });

  it('E8 commits with createNewProfile, or createNewProfile=false and profileId', async () => {
    const st = new StoreApi(client);
    const a = await st.uploadInformation('a.apk', 1);
    const b = await st.uploadInformation('b.apk', 1);
    fd.state.files.get(a.fileId)!.received = 1;
    fd.state.files.get(b.fileId)!.received = 1;
    await st.commitFileUpload(a.fileId, 'a.apk', { createNewProfile: true });
    await st.commitFileUpload(b.fileId, 'b.apk', { createNewProfile: false, profileId: 'st-1' });
    const commits = fd.api.filter((r) => r.method === 'POST').map((r) => r.url);
    assert.deepEqual(commits, [
      '/store/v1/profiles/app-versions?action=commitFileUpload&createNewProfile=true',
      '/store/v1/profiles/app-versions?action=commitFileUpload&createNewProfile=false&profileId=st-1',
    ]);
  });

  describe('the signed-URL upload', () => {
    const data = Buffer.alloc(300_000, 7);
    const put = (over: Partial<SignedUpload> = {}): SignedUpload => ({
      url: `${fd.storageOrigin}/bucket/f1?X-Signature=topsecret123`,
      apiBase: fd.apiUrl,
      method: 'PUT',
      fileName: 'app.apk',
      size: data.length,
      open: () => Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]),
      logger: logs,
      retryDelayMs: () => 1,
      ...over,
    });

    it('PUT: raw bytes, octet-stream, Content-Length, no Authorization; progress up to the size; the signature never logged', async () => {
      const seen: number[] = [];
      await uploadToSignedUrl(put({ onProgress: (n) => seen.push(n) }));
      const r = fd.storage[0];
      assert.equal(r?.method, 'PUT');
      assert.equal(r?.headers.authorization, undefined);
      assert.equal(r?.headers['content-type'], 'application/octet-stream');
      assert.equal(r?.headers['content-length'], String(data.length));
      assert.equal(r?.bytes, data.length);
      assert.equal(seen.at(-1), data.length);
      assert.ok(seen.length >= 2);
      assert.ok(logs.all.length > 0 && logs.all.every((l) => !l.includes('topsecret123')));
    });

    it('POST: the signParameters fields first, the file as `file` last', async () => {
      await uploadToSignedUrl(put({ method: 'POST', signParameters: { key: 'k/1', policy: 'p', 'x-amz-signature': 's' } }));
      const body = fd.storage[0]?.body ?? '';
      assert.match(fd.storage[0]?.headers['content-type'] ?? '', /^multipart\/form-data; boundary=/);
      const order = ['name="key"', 'name="policy"', 'name="x-amz-signature"', 'name="file"'].map((s) => body.indexOf(s));
      assert.ok(
        order.every((i, k) => i > 0 && (k === 0 || i > (order[k - 1] ?? 0))),
        `order ${order.join(',')}`,
      );
      assert.equal(fd.storage[0]?.headers['content-length'], String(fd.storage[0]?.bytes));
      assert.ok(body.includes(data.toString('latin1')));
    });

    it('503 and connection resets are retried from a new stream; the fifth failure is the error', async () => {
      let opened = 0;
      fd.faults.storage.push(503, 'reset', 503);
      await uploadToSignedUrl(put({ open: () => (opened++, Readable.from([data])) }));
      assert.equal(opened, 4);
      assert.equal(fd.storage.length, 4);
      fd.faults.storage.push(503, 503, 503, 503, 503, 503);
      const e = await rejection(uploadToSignedUrl(put()));
      assert.equal(e.status, 503);
      assert.equal(fd.storage.length, 9);
      assert.ok(!e.message.includes('topsecret123'));
    });

    it('403 (expired) is not retried', async () => {
      fd.faults.storage.push(403);
      const e = await rejection(uploadToSignedUrl(put()));
      assert.equal(e.kind, 'forbidden');
      assert.equal(e.serverMessage, 'Request has expired');
      assert.equal(fd.storage.length, 1);
    });

    it('an abort mid-upload stops it: canceled', async () => {
      const ac = new AbortController();
      const slow = () =>
        new Readable({
          read() {
            setTimeout(() => this.push(Buffer.alloc(10_000)), 5);
          },
        });
      const p = uploadToSignedUrl(put({ size: 10_000_000, open: slow, signal: ac.signal, onProgress: (n) => n > 50_000 && ac.abort() }));
      assert.equal((await rejection(p)).kind, 'canceled');
    });

    it('an http URL to another machine is refused unless allowInsecureHttp; a source of the wrong length fails', async () => {
      assert.equal((await rejection(uploadToSignedUrl(put({ url: 'http://storage.example/x?s=1' })))).kind, 'insecureUrl');
      assert.equal(fd.storage.length, 0);
      const e = await rejection(uploadToSignedUrl(put({ size: data.length + 1 })));
      assert.equal(e.kind, 'network');
    });

    it('a remote API cannot aim the upload at this machine (the redirect rule, N11); a loopback API can (the sandbox)', async () => {
      const remote = 'https://api.example.test/';
      for (const url of [`${fd.storageOrigin}/bucket/f1?s=1`, 'http://localhost:9/x', 'https://127.0.0.1/x', 'http://[::1]:9229/json']) {
        const e = await rejection(uploadToSignedUrl(put({ url, apiBase: remote })));
        assert.ok(e.kind === 'redirected' || e.kind === 'insecureUrl', `${url}: ${e.kind}`);
        assert.ok((await rejection(uploadToSignedUrl(put({ url, apiBase: remote, allowInsecureHttp: true })))).kind === 'redirected');
      }
      assert.equal(fd.storage.length, 0, 'nothing reached the loopback storage');
      await uploadToSignedUrl(put());
      assert.equal(fd.storage.length, 1, 'a loopback API may name a loopback storage origin of its own');
    });
  });
});
