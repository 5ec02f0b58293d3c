/**
 * The data of Testing Distribution, the Enterprise App Store and signing identities in the sandbox
 * (docs/appcircle-api.md §11): their shapes and the seed per organization. Ids are stable (`stableGuid` of
 * names) so tests can name them; every date counts from the seed time (the sandbox clock at start and at
 * `reset()`), so an item seeded as expired stays expired and one expiring in 7 days stays 7 days away on any day.
 */
import { QA_ORG_ID, ROOT_ORG_ID, stableGuid } from './fixtures';

/** 0 None, 1 iOS, 2 Android (`OperatingSystems`). */
export type PlatformType = 1 | 2;

export interface TdVersion {
  id: string;
  name: string;
  version: string;
  versionCode: string;
  createdAt: string;
  updateDate: string;
  /** Release notes. */
  message: string;
  fileName: string;
  fileSize: number;
  platformType: PlatformType;
  /** Testing groups this version was sent to (the sandbox's own field: no client reads one). */
  sentTestingGroupIds: string[];
}

export interface TdProfile {
  orgId: string;
  id: string;
  name: string;
  pinned: boolean;
  createdAt: string;
  updateDate: string;
  lastAppVersionSharedDate: string | null;
  settings: { authenticationType: number; username?: string };
  /** Auto-send: groups every new version goes to. */
  testingGroupIds: string[];
  /** Newest first. */
  appVersions: TdVersion[];
}

export interface TestingGroup {
  orgId: string;
  id: string;
  name: string;
  createDate: string;
  updateDate: string;
  /** Tester e-mails (no client shows the element shape: strings here). */
  testers: string[];
}

export interface StoreVersion {
  id: string;
  name: string;
  summary: string;
  releaseNotes: string;
  version: string;
  versionCode: string;
  /** 0 None, 1 Beta, 2 Live. */
  publishType: 0 | 1 | 2;
  publishDate: string | null;
  platformType: PlatformType;
  downloadCount: number;
  createDate: string;
  updateDate: string;
  fileName: string;
  fileSize: number;
}

export interface StoreProfile {
  orgId: string;
  id: string;
  name: string;
  platformType: PlatformType;
  createDate: string;
  lastBinaryReceivedDate: string | null;
  /** Newest first. */
  appVersions: StoreVersion[];
}

export type SigningKind = 'certificates' | 'csr' | 'keystores' | 'provisioning-profiles';

export interface SigningItem {
  orgId: string;
  kind: SigningKind;
  id: string;
  name: string;
  /** Certificates and CSRs: 0 Appcircle, 1 App Store. */
  storeType?: number;
  filename?: string;
  fileName?: string;
  alias?: string;
  appId?: string;
  hasCertificate?: boolean;
  email?: string;
  countryCode?: string;
  /** CSRs have none. */
  expireDate?: string;
  createDate: string;
  updateDate: string;
}

export interface DistributionData {
  tdProfiles: TdProfile[];
  groups: TestingGroup[];
  storeProfiles: StoreProfile[];
  signing: SigningItem[];
}

const DAY = 86_400_000;

/** Names of seeded items tests may rely on (root organization unless named otherwise). */
export const DIST_SEED = {
  groups: { qa: 'QA Team', beta: 'Beta Testers', stakeholders: 'Stakeholders', empty: 'Empty Group' },
  td: { ios: 'Acme iOS Beta', android: 'Acme Android Beta', internal: 'Acme Internal', empty: 'Acme Empty' },
  qaTd: 'QA Nightly',
  store: { android: 'Acme Field', ios: 'Acme Field iOS' },
  /** Expiry in days from the seed time: negative = expired. */
  certificates: { 'Acme Distribution 2025': -5, 'Acme Development': 7, 'Acme Enterprise': 25, 'Acme Distribution 2026': 300 },
  keystores: { 'acme-legacy': -20, 'acme-upload': 6, 'acme-release': 400 },
  provisioningProfiles: { 'Acme AdHoc Old': -2, 'Acme AdHoc': 9, 'Acme Development Profile': 28, 'Acme App Store': 200 },
  csr: ['Acme CSR 2026'],
} as const;

/** The stable id of a seeded item: `seedId('td', ROOT_ORG_ID, 'Acme iOS Beta')`. */
export function seedId(kind: string, orgId: string, name: string): string {
  return stableGuid(`dist:${kind}:${orgId}:${name}`);
}

interface VSeed {
  version: string;
  code: string;
  daysAgo: number;
  platform: PlatformType;
  message: string;
  groups?: string[];
}

export function seedDistribution(now: number): DistributionData {
  const iso = (daysFromNow: number) => new Date(now + daysFromNow * DAY).toISOString();
  const data: DistributionData = { tdProfiles: [], groups: [], storeProfiles: [], signing: [] };

  const group = (orgId: string, name: string, testers: string[], daysAgo: number) => {
    const g: TestingGroup = {
      orgId,
      id: seedId('group', orgId, name),
      name,
      createDate: iso(-daysAgo),
      updateDate: iso(-daysAgo / 2),
      testers,
    };
    data.groups.push(g);
    return g.id;
  };
  const g = DIST_SEED.groups;
  const qa = group(ROOT_ORG_ID, g.qa, ['qa@acme.test', 'tester1@acme.test'], 200);
  const beta = group(ROOT_ORG_ID, g.beta, ['beta1@acme.test', 'beta2@acme.test', 'beta3@acme.test'], 150);
  group(ROOT_ORG_ID, g.stakeholders, ['pm@acme.test'], 90);
  group(ROOT_ORG_ID, g.empty, [], 10);
  const qaOnly = group(QA_ORG_ID, 'QA Only', ['qa@acme.test'], 60);

  const tdProfile = (orgId: string, name: string, testingGroupIds: string[], versions: VSeed[], authenticationType = 1) => {
    const slug = name.replace(/\s+/g, '');
    const appVersions: TdVersion[] = versions.map((v) => ({
      id: seedId('tdv', orgId, `${name}:${v.platform}:${v.version}:${v.code}`),
      name: name.replace(/ Beta$/, ''),
      version: v.version,
      versionCode: v.code,
      createdAt: iso(-v.daysAgo),
      updateDate: iso(-v.daysAgo),
      message: v.message,
      fileName: `${slug}-${v.version}-${v.code}.${v.platform === 1 ? 'ipa' : 'apk'}`,
      fileSize: 48_000_000 + Number(v.code) * 1000,
      platformType: v.platform,
      sentTestingGroupIds: v.groups ?? testingGroupIds,
    }));
    appVersions.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    const created = versions.reduce((m, v) => Math.max(m, v.daysAgo), 30) + 5;
    data.tdProfiles.push({
      orgId,
      id: seedId('td', orgId, name),
      name,
      pinned: false,
      createdAt: iso(-created),
      updateDate: appVersions[0]?.updateDate ?? iso(-created),
      lastAppVersionSharedDate: appVersions.find((v) => v.sentTestingGroupIds.length)?.createdAt ?? null,
      settings: { authenticationType },
      testingGroupIds,
      appVersions,
    });
  };
  const t = DIST_SEED.td;
  tdProfile(
    ROOT_ORG_ID,
    t.ios,
    [qa],
    [
      { version: '2.4.0', code: '120', daysAgo: 1, platform: 1, message: 'Dark mode, faster sync.' },
      { version: '2.3.1', code: '118', daysAgo: 6, platform: 1, message: 'Fixes the login crash.' },
      { version: '2.3.0', code: '115', daysAgo: 20, platform: 1, message: 'New onboarding.', groups: [qa, beta] },
    ],
  );
  tdProfile(
    ROOT_ORG_ID,
    t.android,
    [qa, beta],
    [
      { version: '2.4.0', code: '2040', daysAgo: 2, platform: 2, message: 'Dark mode, faster sync.' },
      { version: '2.3.1', code: '2031', daysAgo: 7, platform: 2, message: 'Fixes the login crash.' },
    ],
  );
  tdProfile(
    ROOT_ORG_ID,
    t.internal,
    [],
    [
      { version: '2.5.0', code: '130', daysAgo: 3, platform: 1, message: 'Internal build for the design review.', groups: [] },
      { version: '2.5.0', code: '2050', daysAgo: 4, platform: 2, message: 'Internal build for the design review.', groups: [] },
    ],
    3,
  );
  tdProfile(ROOT_ORG_ID, t.empty, [], []);
  tdProfile(QA_ORG_ID, DIST_SEED.qaTd, [qaOnly], [{ version: '1.0.0', code: '7', daysAgo: 1, platform: 2, message: 'Nightly.' }]);

  const storeProfile = (orgId: string, name: string, platform: PlatformType, versions: [string, string, 0 | 1 | 2, number][]) => {
    const appVersions: StoreVersion[] = versions.map(([version, code, publishType, daysAgo], i) => ({
      id: seedId('storev', orgId, `${name}:${version}:${code}`),
      name,
      summary: publishType ? `Release ${version}` : '',
      releaseNotes: publishType ? `What is new in ${version}.` : '',
      version,
      versionCode: code,
      publishType,
      publishDate: publishType ? iso(-daysAgo + 0.5) : null,
      platformType: platform,
      downloadCount: publishType ? 40 - i * 7 : 0,
      createDate: iso(-daysAgo),
      updateDate: iso(-daysAgo + (publishType ? 0.5 : 0)),
      fileName: `${name.replace(/\s+/g, '')}-${version}.${platform === 1 ? 'ipa' : 'apk'}`,
      fileSize: 52_000_000 + Number(code) * 1000,
    }));
    data.storeProfiles.push({
      orgId,
      id: seedId('store', orgId, name),
      name,
      platformType: platform,
      createDate: iso(-120),
      lastBinaryReceivedDate: appVersions[0]?.createDate ?? null,
      appVersions,
    });
  };
  const s = DIST_SEED.store;
  storeProfile(ROOT_ORG_ID, s.android, 2, [
    ['3.1.0', '310', 1, 2],
    ['3.0.2', '302', 2, 12],
    ['3.0.1', '301', 0, 15],
  ]);
  storeProfile(ROOT_ORG_ID, s.ios, 1, [
    ['3.1.0', '310', 2, 4],
    ['3.0.0', '300', 0, 30],
  ]);
  storeProfile(QA_ORG_ID, 'QA Store App', 2, [['1.0.0', '7', 1, 3]]);

  const sign = (orgId: string, kind: SigningKind, name: string, days: number | undefined, extra: Partial<SigningItem>) =>
    data.signing.push({
      orgId,
      kind,
      id: seedId(kind, orgId, name),
      name,
      ...extra,
      ...(days === undefined ? {} : { expireDate: iso(days) }),
      createDate: iso(-(days === undefined ? 30 : Math.max(30, 365 - days))),
      updateDate: iso(-20),
    });
  for (const [name, days] of Object.entries(DIST_SEED.certificates)) {
    sign(ROOT_ORG_ID, 'certificates', name, days, { storeType: 0, filename: `${name.replace(/\s+/g, '_')}.p12` });
  }
  for (const name of DIST_SEED.csr) {
    sign(ROOT_ORG_ID, 'csr', name, undefined, { storeType: 1, email: 'dev@acme.test', countryCode: 'DE' });
  }
  for (const [name, days] of Object.entries(DIST_SEED.keystores)) {
    sign(ROOT_ORG_ID, 'keystores', name, days, { alias: name.replace(/^acme-/, ''), fileName: `${name}.jks` });
  }
  for (const [name, days] of Object.entries(DIST_SEED.provisioningProfiles)) {
    sign(ROOT_ORG_ID, 'provisioning-profiles', name, days, {
      appId: name.includes('Development') ? 'io.acme.app.dev' : 'io.acme.app',
      storeType: 0,
      hasCertificate: days > 0,
      filename: `${name.replace(/\s+/g, '_')}.mobileprovision`,
    });
  }
  sign(QA_ORG_ID, 'certificates', 'QA Development', 3, { storeType: 0, filename: 'QA_Development.p12' });
  // Acme Europe has nothing on purpose (the empty states).
  return data;
}
