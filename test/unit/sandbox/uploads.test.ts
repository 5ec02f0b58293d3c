/** The signed-URL upload origin of the sandbox: PUT and POST-form modes, the Authorization refusal, size checks and upload faults. */
import * as assert from 'node:assert/strict';
import { DIST_SEED, seedId } from '../../../sandbox/distributionSeed';
import { ROOT_ORG_ID } from '../../../sandbox/fixtures';
import type { Sandbox } from '../../../sandbox/server';
import { postForm, putBytes, useDistSandbox } from './distHelpers';
import type { UploadInfo, DistClient } from './distHelpers';
import { call } from './helpers';

const TD = seedId('td', ROOT_ORG_ID, DIST_SEED.td.android);
const APP_VERSIONS = `distribution/v1/profiles/${TD}/app-versions`;

describe('sandbox: signed uploads (U1-U3, T1) and their faults', () => {
  const suite = useDistSandbox();
  let sb: Sandbox;
  let api: DistClient;
  before(() => ({ sb, api } = suite));

  const announce = (size: number, fileName = 'Acme-9.0.0-900.apk') =>
    api.req<UploadInfo & { message?: string }>(
      'GET',
      `${APP_VERSIONS}?action=uploadInformation&fileSize=${size}&fileName=${encodeURIComponent(fileName)}`,
    );
  const commit = (fileId: string, fileName = 'Acme-9.0.0-900.apk') =>
    api.req<{ taskId: string; message?: string }>('POST', `${APP_VERSIONS}?action=commitFileUpload`, { fileId, fileName, message: 'm' });

  it('PUT streams a large body without Authorization; the log has host upload, no signature, the byte count', async () => {
    const size = 8 * 1024 * 1024;
    const info = (await announce(size)).json;
    assert.equal((await putBytes(info.uploadUrl, Buffer.alloc(size, 1))).status, 200);
    const entry = sb.requests.find((r) => r.host === 'upload');
    assert.equal(entry?.method, 'PUT');
    assert.equal(entry?.bodyBytes, size);
    assert.equal(entry?.hasAuth, false);
    assert.ok(!JSON.stringify(sb.requests).includes(new URL(info.uploadUrl).searchParams.get('X-Sandbox-Signature') ?? '??'));
    const c = await commit(info.fileId);
    assert.equal((await api.pollTask(c.json.taskId)).at(-1), 3);
  });

  it('the storage origin refuses any request that carries Authorization (400), so a leaked token is caught', async () => {
    const info = (await announce(10)).json;
    const r = await putBytes(info.uploadUrl, Buffer.alloc(10), { Authorization: `Bearer ${api.token}` });
    assert.equal(r.status, 400);
    assert.ok(r.text.includes('Authorization'));
    assert.equal((await commit(info.fileId)).status, 400, 'nothing arrived');
  });

  it('POST form mode: signParameters first and file last is taken (204); file first is refused', async () => {
    sb.uploads.setOptions({ mode: 'POST' });
    const info = (await announce(1000)).json;
    assert.equal(info.configuration.httpMethod, 'POST');
    assert.ok(info.configuration.signParameters && Object.keys(info.configuration.signParameters).length > 0);
    assert.equal((await postForm(info, Buffer.alloc(1000, 3), 'a.apk', 'first')).status, 400);
    assert.equal((await putBytes(info.uploadUrl, Buffer.alloc(1000))).status, 405, 'not PUT');
    const ok = await postForm(info, Buffer.alloc(1000, 3), 'a.apk');
    assert.ok(ok.status >= 200 && ok.status < 300, String(ok.status));
    assert.equal((await commit(info.fileId)).status, 200);
  });

  it('POST /__sandbox/uploads switches the mode, the limit and faults; GET reads them; DELETE clears faults', async () => {
    const set = await call<{ mode: string; faults: Record<string, unknown> }>(`${sb.apiUrl}/__sandbox/uploads`, {
      method: 'POST',
      body: JSON.stringify({ mode: 'POST', maxFileSize: 100, task: 'hang' }),
    });
    assert.equal(set.status, 200);
    assert.equal(set.json.mode, 'POST');
    assert.equal((await announce(101)).status, 400);
    assert.equal((await call(`${sb.apiUrl}/__sandbox/uploads`, { method: 'POST', body: '{"bogus":1}' })).status, 400);
    const cleared = await call<{ faults: Record<string, unknown> }>(`${sb.apiUrl}/__sandbox/uploads`, { method: 'DELETE' });
    assert.deepEqual(cleared.json.faults, {});
  });

  it('U1: "The file is too large" {message} above the limit (default 3 GiB); missing params 400', async () => {
    const r = await announce(3 * 1024 ** 3 + 1);
    assert.equal(r.status, 400);
    assert.ok(r.json.message?.includes('The file is too large'));
    assert.equal((await announce(3 * 1024 ** 3)).status, 200);
    assert.equal((await api.req('GET', `${APP_VERSIONS}?action=uploadInformation&fileName=a.apk`)).status, 400);
  });

  it('U3 validates the fileId, a complete upload (the announced size), and a single commit', async () => {
    assert.equal((await commit('00000000-0000-4000-8000-000000000000')).status, 404);
    const info = (await announce(100)).json;
    assert.equal((await commit(info.fileId)).status, 400, 'nothing uploaded yet');
    assert.equal((await putBytes(info.uploadUrl, Buffer.alloc(99))).status, 400, 'size differs from the announced one');
    assert.equal((await putBytes(info.uploadUrl, Buffer.alloc(100))).status, 200);
    assert.equal((await commit(info.fileId)).status, 200);
    assert.equal((await commit(info.fileId)).status, 400, 'already committed');
  });

  it('fault: the upload cut mid-body drops the connection (cutTimes: 1, then a retry gets through)', async () => {
    const info = (await announce(256 * 1024)).json;
    sb.setUploadFaults({ cutAfterBytes: 1000, cutTimes: 1 });
    await assert.rejects(putBytes(info.uploadUrl, Buffer.alloc(256 * 1024)));
    assert.ok(sb.requests.some((r) => r.host === 'upload' && r.status === -1));
    assert.equal((await putBytes(info.uploadUrl, Buffer.alloc(256 * 1024))).status, 200);
  });

  it('fault: the signed URL refuses with 403 (expired)', async () => {
    const info = (await announce(10)).json;
    sb.setUploadFaults({ expiredUrl: true });
    const r = await putBytes(info.uploadUrl, Buffer.alloc(10));
    assert.equal(r.status, 403);
    assert.ok(r.text.includes('expired'));
  });

  it('fault: the commit fails with 5xx {message}', async () => {
    const info = (await announce(10)).json;
    await putBytes(info.uploadUrl, Buffer.alloc(10));
    sb.setUploadFaults({ commitStatus: 503 });
    const r = await commit(info.fileId);
    assert.equal(r.status, 503);
    assert.equal(typeof r.json.message, 'string');
  });

  it('the general fault switches reach U3 alone through the query: pathIncludes "action=commitFileUpload"', async () => {
    const info = (await announce(10)).json;
    await putBytes(info.uploadUrl, Buffer.alloc(10));
    sb.faults.set({ status: 502, pathIncludes: 'action=commitFileUpload', times: 1 });
    assert.equal((await announce(10)).status, 200, 'U1 is untouched');
    assert.equal((await commit(info.fileId)).status, 502);
    assert.equal((await commit(info.fileId)).status, 200, 'times: 1');
  });

  it('fault: the task fails (2) or never ends (1); no version is added', async () => {
    const run = async (task: 'fail' | 'hang', name: string) => {
      sb.setUploadFaults({ task });
      const info = (await announce(10, name)).json;
      await putBytes(info.uploadUrl, Buffer.alloc(10));
      return api.pollTask((await commit(info.fileId, name)).json.taskId, 10);
    };
    assert.equal((await run('fail', 'A-9.1.0-1.apk')).at(-1), 2);
    const hang = await run('hang', 'A-9.2.0-2.apk');
    assert.equal(hang.length, 10);
    assert.ok(hang.every((s) => s === 1));
    const p = await api.get<{ appVersions: unknown[] }>(`distribution/v2/profiles/${TD}`);
    assert.equal(p.appVersions.length, 2, 'the seed only');
  });

  it('T1: a task of another organization or an unknown id is 404; build tasks still answer', async () => {
    assert.equal((await api.req('GET', 'task/v1/tasks/00000000-0000-4000-8000-000000000000')).status, 404);
  });
});
