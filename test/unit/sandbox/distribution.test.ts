/** Testing Distribution (TD1-TD10) and signing identities (S1-S13) in the sandbox, replayed as the official clients call them. */
import * as assert from 'node:assert/strict';
import { DIST_SEED, seedId } from '../../../sandbox/distributionSeed';
import { DEMO_PAT, EU_ORG_ID, QA_ORG_ID, ROOT_ORG_ID } from '../../../sandbox/fixtures';
import type { Sandbox } from '../../../sandbox/server';
import { DistClient, putBytes, rawGet, useDistSandbox } from './distHelpers';
import type { UploadInfo } from './distHelpers';
import { call, postToken } from './helpers';

const DAY = 86_400_000;
const IOS = seedId('td', ROOT_ORG_ID, DIST_SEED.td.ios);
const QA_GROUP = seedId('group', ROOT_ORG_ID, DIST_SEED.groups.qa);
const BETA_GROUP = seedId('group', ROOT_ORG_ID, DIST_SEED.groups.beta);

interface TdProfile {
  id: string;
  name: string;
  iOSVersion: string | null;
  androidVersion: string | null;
  testingGroupIds: string[];
  settings: { authenticationType: number };
  appVersions?: { id: string; createdAt: string; version: string; versionCode: string; message: string; fileName: string }[];
}

describe('sandbox: Testing Distribution (TD1-TD10)', () => {
  const suite = useDistSandbox();
  let sb: Sandbox;
  let api: DistClient;
  before(() => ({ sb, api } = suite));

  it('TD1: a bare array with the fields the clients read; page/size/search are ignored', async () => {
    const list = await api.get<TdProfile[]>('distribution/v2/profiles?page=1&size=5&search=zzz');
    assert.ok(Array.isArray(list));
    assert.deepEqual(
      list.map((p) => p.name),
      Object.values(DIST_SEED.td),
    );
    for (const k of [
      'id',
      'name',
      'pinned',
      'iOSVersion',
      'androidVersion',
      'updateDate',
      'lastAppVersionSharedDate',
      'settings',
      'testingGroupIds',
    ]) {
      assert.ok(k in (list[0] ?? {}), k);
    }
    const ios = list.find((p) => p.id === IOS);
    assert.equal(ios?.iOSVersion, '2.4.0 (120)');
    assert.equal(ios?.androidVersion, null);
    assert.deepEqual(ios?.testingGroupIds, [QA_GROUP]);
  });

  it('TD1 per organization: Acme QA has its own, Acme Europe none', async () => {
    const key = await postToken(sb.authUrl, '/auth/v2/token', { pat: DEMO_PAT, subOrganizationId: QA_ORG_ID });
    const qa = new DistClient(sb, key.json.access_token);
    const names = (await qa.get<TdProfile[]>('distribution/v2/profiles')).map((p) => p.name);
    assert.deepEqual(names, [DIST_SEED.qaTd]);
    assert.equal(sb.distribution.tdProfilesOf(EU_ORG_ID).length, 0);
  });

  it('TD2: the detail has appVersions newest first by createdAt; an unknown id is 404 {message}', async () => {
    const p = await api.get<TdProfile>(`distribution/v2/profiles/${IOS}`);
    const dates = (p.appVersions ?? []).map((v) => Date.parse(v.createdAt));
    assert.equal(dates.length, 3);
    assert.deepEqual(
      dates,
      [...dates].sort((a, b) => b - a),
    );
    assert.equal(p.appVersions?.[0]?.version, '2.4.0');
    const r = await api.req('GET', 'distribution/v2/profiles/00000000-0000-4000-8000-000000000000');
    assert.equal(r.status, 404);
    assert.equal(typeof r.json.message, 'string');
  });

  it('TD3: POST v2 (plugins) and v1 (CLI) both create {name}; no name is 400', async () => {
    const a = await api.req<TdProfile>('POST', 'distribution/v2/profiles', { name: 'From fastlane' });
    const b = await api.req<TdProfile>('POST', 'distribution/v1/profiles', { name: 'From the CLI' });
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    const names = (await api.get<TdProfile[]>('distribution/v2/profiles')).map((p) => p.name);
    assert.ok(names.includes('From fastlane') && names.includes('From the CLI'));
    assert.equal((await api.req('POST', 'distribution/v2/profiles', {})).status, 400);
  });

  it('TD4: PATCH v2 (CLI) and v1 (migration tool) change testingGroupIds, read back; json-patch+json with settings (fastlane)', async () => {
    const r = await api.req<TdProfile>('PATCH', `distribution/v2/profiles/${IOS}`, { testingGroupIds: [QA_GROUP, BETA_GROUP] });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.testingGroupIds, [QA_GROUP, BETA_GROUP]);
    assert.deepEqual((await api.get<TdProfile>(`distribution/v2/profiles/${IOS}`)).testingGroupIds, [QA_GROUP, BETA_GROUP]);
    await api.req('PATCH', `distribution/v1/profiles/${IOS}`, { testingGroupIds: [] });
    const listed = (await api.get<TdProfile[]>('distribution/v2/profiles')).find((p) => p.id === IOS);
    assert.deepEqual(listed?.testingGroupIds, []);
    const fl = await api.req<TdProfile>(
      'PATCH',
      `distribution/v2/profiles/${IOS}`,
      { settings: { authenticationType: 3, username: 'tester', password: 'pw' }, testingGroupIds: [BETA_GROUP] },
      { accept: 'application/json-patch+json', 'Content-Type': 'application/json-patch+json' },
    );
    assert.equal(fl.status, 200);
    assert.equal(fl.json.id, IOS);
    assert.equal(fl.json.settings.authenticationType, 3);
    assert.ok(!JSON.stringify(fl.json).includes('pw'), 'the password is not echoed');
    const bad = await api.req('PATCH', `distribution/v2/profiles/${IOS}`, { testingGroupIds: ['nope'] });
    assert.equal(bad.status, 400);
  });

  it('TD5-TD8: groups with testers; create, add and remove testers (bare arrays, DELETE with a body), delete', async () => {
    const groups = await api.get<{ id: string; name: string; testers: string[] }[]>('distribution/v2/testing-groups');
    assert.deepEqual(
      groups.map((g) => g.name),
      Object.values(DIST_SEED.groups),
    );
    const detail = await api.get<{ testers: string[]; createDate: string }>(`distribution/v2/testing-groups/${BETA_GROUP}`);
    assert.equal(detail.testers.length, 3);
    const created = await api.req<{ id: string; name: string }>('POST', 'distribution/v2/testing-groups', { name: 'Design' });
    assert.equal(created.json.name, 'Design');
    const id = created.json.id;
    assert.equal((await api.req('POST', `distribution/v2/testing-groups/${id}/testers`, ['a@acme.test', 'b@acme.test'])).status, 200);
    assert.equal((await api.req('DELETE', `distribution/v2/testing-groups/${id}/testers`, ['a@acme.test'])).status, 200);
    assert.deepEqual((await api.get<{ testers: string[] }>(`distribution/v2/testing-groups/${id}`)).testers, ['b@acme.test']);
    assert.equal((await api.req('POST', `distribution/v2/testing-groups/${id}/testers`, { email: 'x' })).status, 400);
    assert.equal((await api.req('DELETE', `distribution/v2/testing-groups/${id}`)).status, 200);
    assert.equal((await api.req('GET', `distribution/v2/testing-groups/${id}`)).status, 404);
  });

  it('TD9 + T1 + TD10: the CLI upload (un-encoded fileName), the task 1 → 3, the new version first, then updateMessage', async () => {
    const bytes = Buffer.alloc(4096, 7);
    const u1 = await rawGet(
      sb,
      api.token,
      `/distribution/v1/profiles/${IOS}/app-versions?action=uploadInformation&fileSize=${bytes.length}&fileName=Acme(Beta)-2.6.0-141.ipa`,
    );
    assert.equal(u1.status, 200);
    const info = u1.json as UploadInfo;
    assert.equal(info.configuration.httpMethod, 'PUT');
    assert.equal(info.configuration.signParameters, null);
    assert.ok(info.uploadUrl.startsWith(sb.uploadUrl) && !info.uploadUrl.startsWith(sb.apiUrl), 'a second origin');
    assert.equal((await putBytes(info.uploadUrl, bytes)).status, 200);
    const commit = await api.req<{ taskId: string }>('POST', `distribution/v1/profiles/${IOS}/app-versions?action=commitFileUpload`, {
      fileId: info.fileId,
      fileName: 'Acme(Beta)-2.6.0-141.ipa',
      message: 'From fastlane',
    });
    assert.equal(commit.status, 200);
    const states = await api.pollTask(commit.json.taskId);
    assert.equal(states[0], 1);
    assert.equal(states.at(-1), 3);
    const p = await api.get<TdProfile>(`distribution/v2/profiles/${IOS}`);
    const newest = p.appVersions?.[0];
    assert.equal(newest?.version, '2.6.0');
    assert.equal(newest?.versionCode, '141');
    assert.equal(newest?.message, 'From fastlane');
    assert.equal(newest?.fileName, 'Acme(Beta)-2.6.0-141.ipa');
    assert.equal(p.iOSVersion, '2.6.0 (141)');
    const patch = await api.req('PATCH', `distribution/v1/profiles/${IOS}/app-versions/${newest?.id}?action=updateMessage`, {
      message: 'Notes',
    });
    assert.equal(patch.status, 200);
    assert.equal((await api.get<TdProfile>(`distribution/v2/profiles/${IOS}`)).appVersions?.[0]?.message, 'Notes');
  });

  it('TD11 (legacy GHA-TD, Jenkins): multipart Message + File to v2 app-versions → {taskId}, the version first', async () => {
    const form = new FormData();
    form.append('Message', 'Legacy notes');
    form.append('File', new Blob([Buffer.alloc(500, 1)]), 'Acme-2.7.0-150.ipa');
    const r = await call<{ taskId: string }>(`${sb.apiUrl}/distribution/v2/profiles/${IOS}/app-versions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${api.token}` },
      body: form,
    });
    assert.equal(r.status, 200, r.text);
    assert.equal((await api.pollTask(r.json.taskId)).at(-1), 3);
    const newest = (await api.get<TdProfile>(`distribution/v2/profiles/${IOS}`)).appVersions?.[0];
    assert.equal(newest?.version, '2.7.0');
    assert.equal(newest?.message, 'Legacy notes');
    assert.equal((await api.req('POST', `distribution/v2/profiles/${IOS}/app-versions`, { File: 'x' })).status, 400);
  });

  it('T1: a duplicate version number ends the task in 2, by file name or by makeNextUploadDuplicate()', async () => {
    const upload = async (fileName: string) => {
      const info = await api.get<UploadInfo>(
        `distribution/v1/profiles/${IOS}/app-versions?action=uploadInformation&fileSize=10&fileName=${encodeURIComponent(fileName)}`,
      );
      await putBytes(info.uploadUrl, Buffer.alloc(10));
      const c = await api.req<{ taskId: string }>('POST', `distribution/v1/profiles/${IOS}/app-versions?action=commitFileUpload`, {
        fileId: info.fileId,
        fileName,
      });
      return api.pollTask(c.json.taskId);
    };
    assert.equal((await upload('Acme-2.4.0-120.ipa')).at(-1), 2, 'seeded 2.4.0 (120)');
    sb.makeNextUploadDuplicate();
    assert.equal((await upload('Acme.ipa')).at(-1), 2);
    assert.equal((await upload('Acme.ipa')).at(-1), 3, 'only the next one');
    const p = await api.get<TdProfile>(`distribution/v2/profiles/${IOS}`);
    assert.equal(p.appVersions?.length, 4);
    assert.equal(p.appVersions?.[0]?.versionCode, '121', 'no number in the name: the next build number');
  });
});

describe('sandbox: signing identities (S1-S13)', () => {
  const suite = useDistSandbox({ reset: false });
  let sb: Sandbox;
  let api: DistClient;
  before(() => ({ sb, api } = suite));

  type Item = { id: string; name: string; expireDate?: string };
  const daysLeft = (x: Item) => (Date.parse(x.expireDate ?? '') - sb.clock.now()) / DAY;

  it('S1, S2, S7, S12: bare arrays with expireDate; expired, within 10 days, within 30 days and far, relative to now', async () => {
    const certs = await api.get<Item[]>('signing-identity/v2/certificates');
    const ks = await api.get<Item[]>('signing-identity/v2/keystores');
    const pp = await api.get<(Item & { appId: string; hasCertificate: boolean })[]>('signing-identity/v2/provisioning-profiles');
    const csr = await api.get<Item[]>('signing-identity/v1/csr');
    assert.deepEqual(
      csr.map((c) => c.name),
      [...DIST_SEED.csr],
    );
    for (const [list, seed] of [
      [certs, DIST_SEED.certificates],
      [ks, DIST_SEED.keystores],
      [pp, DIST_SEED.provisioningProfiles],
    ] as const) {
      for (const [name, days] of Object.entries(seed)) {
        const item = list.find((x) => x.name === name);
        assert.ok(item, name);
        assert.ok(Math.abs(daysLeft(item) - days) < 0.01, `${name}: ${days} days`);
      }
      const left = list.map(daysLeft);
      assert.ok(left.some((d) => d < 0) && left.some((d) => d > 0 && d <= 10) && left.some((d) => d > 365 / 2), 'expired, soon, far');
    }
    assert.ok(certs.some((c) => daysLeft(c) > 10 && daysLeft(c) <= 30));
    assert.ok(pp.every((p) => typeof p.appId === 'string' && typeof p.hasCertificate === 'boolean'));
  });

  it('S3, S8, S13: details as JSON; unknown ids 404', async () => {
    const id = seedId('certificates', ROOT_ORG_ID, 'Acme Development');
    const c = await api.get<Item & { filename: string; storeType: number }>(`signing-identity/v2/certificates/${id}`);
    assert.equal(c.name, 'Acme Development');
    assert.equal(c.filename, 'Acme_Development.p12');
    const k = await api.get<Item & { alias: string }>(`signing-identity/v2/keystores/${seedId('keystores', ROOT_ORG_ID, 'acme-upload')}`);
    assert.equal(k.alias, 'upload');
    const p = await api.get<Item>(
      `signing-identity/v2/provisioning-profiles/${seedId('provisioning-profiles', ROOT_ORG_ID, 'Acme AdHoc')}`,
    );
    assert.equal(p.name, 'Acme AdHoc');
    assert.equal((await api.req('GET', 'signing-identity/v2/keystores/nope')).status, 404);
  });

  it('setSigningExpiry() and POST /__sandbox/signing-expiry move an expiry; reset() restores the seed', async () => {
    sb.setSigningExpiry('certificates', 'Acme Distribution 2026', { inDays: 10 });
    let c = (await api.get<Item[]>('signing-identity/v2/certificates')).find((x) => x.name === 'Acme Distribution 2026');
    assert.ok(c && Math.abs(daysLeft(c) - 10) < 0.01);
    const r = await call(`${sb.apiUrl}/__sandbox/signing-expiry`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'keystores', name: 'acme-release', expireDate: '2020-01-01T00:00:00Z' }),
    });
    assert.equal(r.status, 200);
    const k = (await api.get<Item[]>('signing-identity/v2/keystores')).find((x) => x.name === 'acme-release');
    assert.equal(k?.expireDate, '2020-01-01T00:00:00.000Z');
    assert.equal((await call(`${sb.apiUrl}/__sandbox/signing-expiry`, { method: 'POST', body: '{"kind":"nope"}' })).status, 400);
    sb.reset();
    c = (await api.get<Item[]>('signing-identity/v2/certificates')).find((x) => x.name === 'Acme Distribution 2026');
    assert.ok(c && Math.abs(daysLeft(c) - 300) < 0.01);
  });
});
