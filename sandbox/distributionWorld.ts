/**
 * The living distribution data of the sandbox: Testing Distribution profiles, versions and testing groups, Enterprise
 * App Store profiles and versions, and signing identities (seed in distributionSeed.ts), with what uploads do to
 * them (new versions first, `lastBinaryReceivedDate`, duplicate version numbers) and the expiry control.
 */
import type { SandboxClock } from './clock';
import { stableGuid } from './fixtures';
import { seedDistribution } from './distributionSeed';
import type {
  DistributionData,
  PlatformType,
  SigningItem,
  SigningKind,
  StoreProfile,
  StoreVersion,
  TdProfile,
  TdVersion,
} from './distributionSeed';

const DAY = 86_400_000;

/** What a committed upload brings (the announced name and size). */
export interface UploadedFile {
  fileName: string;
  fileSize: number;
}

/** The duplicate failure (CLI: "make sure that the app version number is unique"). */
export const DUPLICATE_REASON = 'The app version number already exists in this profile.';

export class DistributionWorld {
  data: DistributionData;
  private lastStamp = 0;
  private duplicatesLeft = 0;
  private counter = 0;

  constructor(readonly clock: SandboxClock) {
    this.data = seedDistribution(clock.now());
  }

  /** Back to the seed, dated from the clock's now. */
  reset(): void {
    this.data = seedDistribution(this.clock.now());
    this.lastStamp = 0;
    this.duplicatesLeft = 0;
  }

  /**
   * Now as ISO, strictly after every earlier stamp (a frozen clock still orders new items), and never before real
   * time: a client compares a new version's date with its own clock.
   */
  stamp(): string {
    this.lastStamp = Math.max(this.clock.now(), Date.now(), this.lastStamp + 1000);
    return new Date(this.lastStamp).toISOString();
  }

  newId(kind: string): string {
    return stableGuid(`${kind}:${Date.now()}:${++this.counter}:${Math.random()}`);
  }

  tdProfilesOf(orgId: string): TdProfile[] {
    return this.data.tdProfiles.filter((p) => p.orgId === orgId);
  }

  tdProfile(id: string, orgId: string): TdProfile | undefined {
    return this.data.tdProfiles.find((p) => p.orgId === orgId && p.id === id.toLowerCase());
  }

  groupsOf(orgId: string) {
    return this.data.groups.filter((g) => g.orgId === orgId);
  }

  group(id: string, orgId: string) {
    return this.data.groups.find((g) => g.orgId === orgId && g.id === id.toLowerCase());
  }

  storeProfilesOf(orgId: string): StoreProfile[] {
    return this.data.storeProfiles.filter((p) => p.orgId === orgId);
  }

  storeProfile(id: string, orgId: string): StoreProfile | undefined {
    return this.data.storeProfiles.find((p) => p.orgId === orgId && p.id === id.toLowerCase());
  }

  signingOf(orgId: string, kind: SigningKind): SigningItem[] {
    return this.data.signing.filter((s) => s.orgId === orgId && s.kind === kind);
  }

  signingItem(kind: SigningKind, id: string, orgId: string): SigningItem | undefined {
    return this.data.signing.find((s) => s.orgId === orgId && s.kind === kind && s.id === id.toLowerCase());
  }

  /**
   * Sets a signing item's expiry (by id or name, any organization unless given): an ISO date, or `{inDays}` from the
   * clock's now (negative = already expired). Returns the item; throws when there is none.
   */
  setSigningExpiry(kind: SigningKind, idOrName: string, expiry: string | { inDays: number }, orgId?: string): SigningItem {
    const item = this.data.signing.find(
      (s) => s.kind === kind && (s.id === idOrName.toLowerCase() || s.name === idOrName) && (!orgId || s.orgId === orgId),
    );
    if (!item) {
      throw new Error(`no ${kind} item ${idOrName}`);
    }
    const at = typeof expiry === 'string' ? Date.parse(expiry) : this.clock.now() + expiry.inDays * DAY;
    if (!Number.isFinite(at)) {
      throw new Error(`not a date: ${JSON.stringify(expiry)}`);
    }
    item.expireDate = new Date(at).toISOString();
    item.updateDate = this.stamp();
    return item;
  }

  /** The next `count` committed uploads carry a version number their profile already has (their task ends in 2). */
  makeNextUploadDuplicate(count = 1): void {
    this.duplicatesLeft += count;
  }

  /** For U3: consumes one "next upload is a duplicate" switch. */
  takeDuplicate(): boolean {
    if (this.duplicatesLeft > 0) {
      this.duplicatesLeft--;
      return true;
    }
    return false;
  }

  /** Adds a TD version (newest first); a string is why it failed. */
  addTdVersion(p: TdProfile, f: UploadedFile, message: string, duplicate: boolean): string | undefined {
    const platformType = platformOf(f.fileName);
    const num = numberFor(f.fileName, p.appVersions, platformType, duplicate);
    if (!num) {
      return DUPLICATE_REASON;
    }
    const at = this.stamp();
    const v: TdVersion = {
      id: this.newId('tdv'),
      name: p.name,
      ...num,
      createdAt: at,
      updateDate: at,
      message,
      fileName: f.fileName,
      fileSize: f.fileSize,
      platformType,
      sentTestingGroupIds: [...p.testingGroupIds],
    };
    p.appVersions.unshift(v);
    p.updateDate = at;
    if (p.testingGroupIds.length) {
      p.lastAppVersionSharedDate = at;
    }
    return undefined;
  }

  /** Adds a store version to a profile, or to a new profile (first in the list) when `p` is undefined. */
  addStoreVersion(orgId: string, p: StoreProfile | undefined, f: UploadedFile, duplicate: boolean): string | undefined {
    const platformType = platformOf(f.fileName);
    const num = numberFor(f.fileName, p?.appVersions ?? [], platformType, duplicate);
    if (!num) {
      return DUPLICATE_REASON;
    }
    const at = this.stamp();
    let profile = p;
    if (!profile) {
      const name = appNameOf(f.fileName);
      profile = { orgId, id: this.newId('store'), name, platformType, createDate: at, lastBinaryReceivedDate: at, appVersions: [] };
      this.data.storeProfiles.unshift(profile);
    }
    const v: StoreVersion = {
      id: this.newId('storev'),
      name: profile.name,
      summary: '',
      releaseNotes: '',
      ...num,
      publishType: 0,
      publishDate: null,
      platformType,
      downloadCount: 0,
      createDate: at,
      updateDate: at,
      fileName: f.fileName,
      fileSize: f.fileSize,
    };
    profile.appVersions.unshift(v);
    profile.lastBinaryReceivedDate = at;
    return undefined;
  }
}

/** `.ipa` → iOS (1); `.apk`/`.aab` and anything else → Android (2). */
export function platformOf(fileName: string): PlatformType {
  return /\.ipa$/i.test(fileName) ? 1 : 2;
}

/** "Acme Field-3.2.0 (311).apk" → "Acme Field". */
function appNameOf(fileName: string): string {
  const base = fileName.replace(/\.[^.]+$/, '');
  const name = base.replace(/[-_ ]*v?\d+(?:\.\d+)+.*$/, '').trim();
  return name || base || 'App';
}

/**
 * The version number of an upload: from the file name ("App-2.5.0-131.ipa", "App 2.5.0 (131).ipa"), else the
 * newest version of that platform with the next build number. `undefined` when the number exists already (or a
 * duplicate was asked for and the profile has a version to repeat).
 */
function numberFor(
  fileName: string,
  existing: readonly { version: string; versionCode: string; platformType: number }[],
  platformType: PlatformType,
  duplicate: boolean,
): { version: string; versionCode: string } | undefined {
  const same = existing.filter((v) => v.platformType === platformType);
  if (duplicate) {
    return undefined;
  }
  const m = /(\d+(?:\.\d+){1,3})(?:[-_ ]+\(?(\d+)\)?)?/.exec(fileName.replace(/\.[^.]+$/, ''));
  const maxCode = same.reduce((n, v) => Math.max(n, Number(v.versionCode) || 0), 0);
  const version = m?.[1] ?? same[0]?.version ?? '1.0.0';
  const versionCode = m?.[2] ?? String(maxCode + 1);
  return same.some((v) => v.version === version && v.versionCode === versionCode) ? undefined : { version, versionCode };
}
