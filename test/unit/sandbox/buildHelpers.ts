/** Typed plain-HTTP access to the build endpoints (B1-B16) for the sandbox tests, plus a zip reader. */
import * as zlib from 'node:zlib';
import type { Sandbox } from '../../../sandbox/server';
import { CLI_UA, call } from './helpers';
import type { Reply } from './helpers';

export interface Profile {
  id: string;
  name: string;
  pinned: boolean;
  os: number;
  buildPlatformType: number;
  repositoryName: string;
  lastBuildDate: string | null;
}
export interface Branch {
  id: string;
  name: string;
  lastBuildDate?: string;
  buildStatus?: number;
}
export interface Commit {
  id: string;
  hash: string;
  commitDate: string;
  author: string;
  message: string;
}
export interface Build {
  id: string;
  commitId: string;
  hash: string;
  status: number;
  hasWarning: boolean;
  startDate: string;
  endDate?: string;
  duration?: string;
  isDistributable: boolean;
}
export interface QueueItem {
  id: string;
  taskId: string;
  buildStatus: number;
  hasWarning: boolean;
  commitId: string;
  buildId: string;
  cancelling: boolean;
  queueItemStatus: number;
  profileId: string;
  branchId: string;
}
export interface QueueRow {
  id: string;
  commitId: string;
  commitHash: string;
  profileId: string;
  profileName: string;
  branchName: string;
  queueItemStatus: number;
  publishId: null;
  email: string;
  startQueueDateTime: string;
  os: number;
}
export interface Started {
  taskId: string;
  queueItemId: string;
}

/** The build API as the CLI calls it (its headers; B7 with the `{}` form body). */
export class BuildClient {
  constructor(
    private readonly sb: Sandbox,
    public token: string,
  ) {}

  get<T>(path: string, extra: Record<string, string> = {}): Promise<Reply<T>> {
    return call<T>(`${this.sb.apiUrl}/${path}`, {
      headers: { Authorization: `Bearer ${this.token}`, accept: 'application/json', 'User-Agent': CLI_UA, ...extra },
    });
  }

  async ok<T>(path: string): Promise<T> {
    const r = await this.get<T>(path);
    if (r.status !== 200) {
      throw new Error(`GET ${path}: ${r.status} ${r.text}`);
    }
    return r.json;
  }

  async bytes(path: string): Promise<{ status: number; type: string; body: Buffer }> {
    const r = await fetch(`${this.sb.apiUrl}/${path}`, { headers: { Authorization: `Bearer ${this.token}`, 'User-Agent': CLI_UA } });
    return { status: r.status, type: r.headers.get('content-type') ?? '', body: Buffer.from(await r.arrayBuffer()) };
  }

  /** B7 exactly as CLI 2.7.3 sends it. */
  start(commitId: string, workflowId = '', configurationId = ''): Promise<Reply<Started & { message?: string }>> {
    return call(`${this.sb.apiUrl}/build/v2/commits/${commitId}?action=build&workflowId=${workflowId}&configurationId=${configurationId}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${this.token}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: '*/*',
        'User-Agent': CLI_UA,
      },
      body: '{}',
    });
  }

  profiles = () => this.ok<Profile[]>('build/v2/profiles');
  profile = async (name: string) => {
    const p = (await this.profiles()).find((x) => x.name === name);
    if (!p) {
      throw new Error(`no profile ${name}`);
    }
    return p;
  };
  branches = async (profileId: string) => (await this.ok<{ branches: Branch[] }>(`build/v1/profiles/${profileId}`)).branches;
  branch = async (profileId: string, name: string) => {
    const b = (await this.branches(profileId)).find((x) => x.name === name);
    if (!b) {
      throw new Error(`no branch ${name}`);
    }
    return b;
  };
  commits = (branchId: string) => this.ok<Commit[]>(`build/v2/commits?branchId=${branchId}`);
  builds = (profileId: string, branchId: string) => this.ok<Build[]>(`build/v1/builds?branchId=${branchId}&profileId=${profileId}`);
  queue = (id: string) => this.ok<QueueItem>(`build/v1/queue/${id}`);
  dashboard = async () => (await this.ok<{ data: QueueRow[] }>('build/v1/queue/my-dashboard?page=1&size=1000')).data;

  /** Starts a build on the latest commit of profile/branch (by names). */
  async startOn(profileName: string, branchName: string): Promise<Started & { profile: Profile; branch: Branch; commit: Commit }> {
    const profile = await this.profile(profileName);
    const branch = await this.branch(profile.id, branchName);
    const [commit] = await this.commits(branch.id);
    if (!commit) {
      throw new Error('no commit');
    }
    const r = await this.start(commit.id);
    if (r.status !== 200) {
      throw new Error(`start: ${r.status} ${r.text}`);
    }
    return { ...r.json, profile, branch, commit };
  }
}

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  data: Buffer;
}

/** Reads a zip through its central directory and checks every entry's CRC-32 with zlib (an independent implementation). */
export function readZip(buf: Buffer): ZipEntry[] {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) {
    throw new Error('no end of central directory');
  }
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  let p = buf.readUInt32LE(eocd + 16);
  if (p + cdSize !== eocd) {
    throw new Error('central directory size/offset mismatch');
  }
  const out: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) {
      throw new Error(`bad central header ${i}`);
    }
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const csize = buf.readUInt32LE(p + 20);
    const usize = buf.readUInt32LE(p + 24);
    const nlen = buf.readUInt16LE(p + 28);
    const xlen = buf.readUInt16LE(p + 30);
    const clen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nlen).toString('utf8');
    if (buf.readUInt32LE(local) !== 0x04034b50) {
      throw new Error(`bad local header for ${name}`);
    }
    const lname = buf.readUInt16LE(local + 26);
    const lextra = buf.readUInt16LE(local + 28);
    if (buf.subarray(local + 30, local + 30 + lname).toString('utf8') !== name || buf.readUInt32LE(local + 14) !== crc) {
      throw new Error(`local header disagrees for ${name}`);
    }
    const start = local + 30 + lname + lextra;
    const raw = buf.subarray(start, start + csize);
    const data = method === 0 ? raw : zlib.inflateRawSync(raw);
    if (data.length !== usize) {
      throw new Error(`size mismatch for ${name}`);
    }
    if (zlib.crc32(data) !== crc) {
      throw new Error(`CRC mismatch for ${name}`);
    }
    out.push({ name, method, crc, data });
    p += 46 + nlen + xlen + clen;
  }
  return out;
}
