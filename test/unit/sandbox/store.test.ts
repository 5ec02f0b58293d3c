/** Enterprise App Store (E1-E8) in the sandbox, replayed as the CLI, fastlane and Jenkins call it. */
import * as assert from 'node:assert/strict';
import { DIST_SEED, seedId } from '../../../sandbox/distributionSeed';
import { ROOT_ORG_ID } from '../../../sandbox/fixtures';
import type { Sandbox } from '../../../sandbox/server';
import { putBytes, useDistSandbox } from './distHelpers';
import type { UploadInfo, DistClient } from './distHelpers';
import { call } from './helpers';

const FIELD = seedId('store', ROOT_ORG_ID, DIST_SEED.store.android);
const VERSIONS = `store/v2/profiles/${FIELD}/app-versions`;

interface StoreProfile {
  id: string;
  name: string;
  lastBinaryReceivedDate: string | null;
  totalDownloadCount: number;
  latestPublishDate: string | null;
  version: string | null;
}
interface StoreVersion {
  id: string;
  version: string;
  versionCode: string;
  publishType: number;
  publishDate: string | null;
  summary: string;
  releaseNotes: string;
  createDate: string;
  updateDate: string;
}

describe('sandbox: Enterprise App Store (E1-E8)', () => {
  const suite = useDistSandbox();
  let sb: Sandbox;
  let api: DistClient;
  before(() => ({ sb, api } = suite));

  const upload = async (fileName: string, commitQuery: string) => {
    const info = await api.get<UploadInfo>(
      `store/v1/profiles/app-versions?action=uploadInformation&fileSize=32&fileName=${encodeURIComponent(fileName)}`,
    );
    assert.equal((await putBytes(info.uploadUrl, Buffer.alloc(32))).status, 200);
    const c = await api.req<{ taskId: string }>('POST', `store/v1/profiles/app-versions?action=commitFileUpload&${commitQuery}`, {
      fileId: info.fileId,
      fileName,
    });
    assert.equal(c.status, 200, c.text);
    return api.pollTask(c.json.taskId);
  };

  it('E1: a bare array with the fields the clients read', async () => {
    const list = await api.get<StoreProfile[]>('store/v2/profiles?Sort=desc');
    assert.deepEqual(
      list.map((p) => p.name),
      Object.values(DIST_SEED.store),
    );
    for (const k of ['id', 'name', 'version', 'totalDownloadCount', 'latestPublishDate', 'lastBinaryReceivedDate']) {
      assert.ok(k in (list[0] ?? {}), k);
    }
  });

  it('E2: newest first, publishType as numbers 0/1/2, ?publishtype=Beta|Live filters', async () => {
    const all = await api.get<StoreVersion[]>(VERSIONS);
    assert.deepEqual(
      all.map((v) => v.publishType),
      [1, 2, 0],
    );
    const dates = all.map((v) => Date.parse(v.createDate));
    assert.deepEqual(
      dates,
      [...dates].sort((a, b) => b - a),
    );
    assert.deepEqual(
      (await api.get<StoreVersion[]>(`${VERSIONS}?publishtype=Beta`)).map((v) => v.version),
      ['3.1.0'],
    );
    assert.deepEqual(
      (await api.get<StoreVersion[]>(`${VERSIONS}?publishtype=Live`)).map((v) => v.version),
      ['3.0.2'],
    );
  });

  it('E3: publishType as the string "2" (every client) and as a number; 200 with the version; E4 unpublish', async () => {
    const v = (await api.get<StoreVersion[]>(VERSIONS))[2];
    const r = await api.req<StoreVersion>('PATCH', `${VERSIONS}/${v?.id}?action=publish`, {
      summary: 'Sprint 42',
      releaseNotes: 'Fixes',
      publishType: '2',
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.publishType, 2);
    assert.equal(r.json.summary, 'Sprint 42');
    assert.ok(r.json.publishDate);
    const listed = (await api.get<StoreVersion[]>(VERSIONS)).find((x) => x.id === v?.id);
    assert.equal(listed?.publishType, 2);
    assert.equal((await api.req<StoreVersion>('PATCH', `${VERSIONS}/${v?.id}?action=publish`, { publishType: 1 })).json.publishType, 1);
    assert.equal((await api.req('PATCH', `${VERSIONS}/${v?.id}?action=publish`, { publishType: '0' })).status, 400);
    const un = await api.req<StoreVersion>('PATCH', `${VERSIONS}/${v?.id}?action=unpublish`, {});
    assert.equal(un.status, 200);
    assert.equal(un.json.publishType, 0);
    assert.equal(un.json.publishDate, null);
  });

  it('E5 remove and E6 notify answer {taskId}; the removal is done when the task completes', async () => {
    const v = (await api.get<StoreVersion[]>(VERSIONS))[0];
    const n = await api.req<{ taskId: string }>('POST', `${VERSIONS}/${v?.id}?action=notify`, { subject: 'New', message: 'Try it' });
    assert.equal((await api.pollTask(n.json.taskId)).at(-1), 3);
    const d = await api.req<{ taskId: string }>('DELETE', `${VERSIONS}/${v?.id}`);
    assert.equal((await api.pollTask(d.json.taskId)).at(-1), 3);
    assert.equal((await api.get<StoreVersion[]>(VERSIONS)).length, 2);
  });

  it('E7: ?action=download is a plain JSON string, a URL that serves bytes without auth', async () => {
    const v = (await api.get<StoreVersion[]>(VERSIONS))[0];
    const r = await api.req<string>('GET', `${VERSIONS}/${v?.id}?action=download`);
    assert.equal(r.status, 200);
    assert.equal(typeof r.json, 'string');
    assert.ok(r.json.startsWith(sb.uploadUrl));
    const file = await fetch(r.json);
    assert.equal(file.status, 200);
    assert.ok((await file.arrayBuffer()).byteLength > 0);
    assert.equal((await call(r.json, { headers: { Authorization: `Bearer ${api.token}` } })).status, 400, 'a leaked token is refused');
  });

  it('E8 createNewProfile=true: a new profile with the newest lastBinaryReceivedDate, its version [0], then E3 (fastlane, Jenkins)', async () => {
    assert.equal((await upload('Acme Scanner-1.2.0-12.apk', 'createNewProfile=true')).at(-1), 3);
    const profiles = await api.get<StoreProfile[]>('store/v2/profiles');
    const newest = [...profiles].sort((a, b) => Date.parse(b.lastBinaryReceivedDate ?? '') - Date.parse(a.lastBinaryReceivedDate ?? ''))[0];
    assert.equal(newest?.name, 'Acme Scanner');
    assert.equal(profiles[0]?.id, newest?.id, 'also first in the list');
    const versions = await api.get<StoreVersion[]>(`store/v2/profiles/${newest?.id}/app-versions`);
    assert.equal(versions[0]?.version, '1.2.0');
    assert.equal(versions[0]?.publishType, 0);
    const pub = await api.req('PATCH', `store/v2/profiles/${newest?.id}/app-versions/${versions[0]?.id}?action=publish`, {
      summary: 's',
      releaseNotes: 'r',
      publishType: '1',
    });
    assert.equal(pub.status, 200);
  });

  it('E8 createNewProfile=false&profileId (CLI upload-for-profile): the version goes first in that profile; a duplicate ends in 2', async () => {
    assert.equal((await upload('AcmeField-3.2.0-320.apk', `createNewProfile=false&profileId=${FIELD}`)).at(-1), 3);
    const versions = await api.get<StoreVersion[]>(VERSIONS);
    assert.equal(versions[0]?.versionCode, '320');
    const p = (await api.get<StoreProfile[]>('store/v2/profiles')).find((x) => x.id === FIELD);
    assert.equal(p?.lastBinaryReceivedDate, versions[0]?.createDate);
    assert.equal((await upload('AcmeField-3.2.0-320.apk', `createNewProfile=false&profileId=${FIELD}`)).at(-1), 2);
    const r = await api.req('POST', 'store/v1/profiles/app-versions?action=commitFileUpload&createNewProfile=false', {
      fileId: 'x',
      fileName: 'y',
    });
    assert.equal(r.status, 400, 'no profileId');
  });
});
