/**
 * The build part of the sandbox (docs/appcircle-api.md §4, §6-7): profiles, branches, commits and builds seeded per
 * organization from fixtures.ts, and a living queue. A started build moves Waiting (90) → Running (91) →
 * Completing (92) → its outcome on the build clock (clock.ts), writes log lines as it runs and has an artifact
 * zip at the end. Progress is computed from the clock on demand, so no timers run in the server.
 */
import type { ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { VirtualClock } from './clock';
import {
  COMMIT_AUTHORS,
  COMMIT_MESSAGES,
  CONFIGURATION_NAMES,
  PROFILES,
  ROOT_ORG_ID,
  SEED_BUILD_OUTCOMES,
  USER,
  VARIABLE_GROUPS,
  WORKFLOW_NAMES,
  ZERO_GUID,
  stableGuid,
} from './fixtures';
import type { SeedProfile } from './fixtures';
import type { AuthedCtx, Router } from './http';
import { parseBody, parseJsonObject, sendError, sendJson, sendText } from './http';
import { makeZip } from './zip';
import { bodyLine, completionLines, finalLines, seededLogLines, stepsFor } from './buildLogs';

/** Stable GUIDs from names (same as fixtures' `stableGuid`). */
export const guid = stableGuid;

export interface BuildWorldOptions {
  /** Build clock speed: 1 = real time (default), 0 = frozen until `advance()`. */
  speed?: number;
  /** Phase lengths of a started build in virtual ms (defaults 2 s waiting, 8 s running, 1 s completing). */
  timings?: { waitMs?: number; runMs?: number; completeMs?: number };
  /** Benchmarks: many profiles and a branch with many builds in the root organization. */
  largeSeed?: { profiles?: number; buildsOnBranch?: number };
  /** Body lines a started build writes over its run (default 40). */
  logLines?: number;
  /** Size of the app file inside an artifact zip (default 64 KiB). */
  artifactBytes?: number;
  /** How the server behaves where production is unverified (defaults: see DEFAULT_BEHAVIOUR). */
  behaviour?: Partial<BuildBehaviour>;
}

/**
 * Server behaviour where production is unverified (docs/appcircle-api.md §4.7, §10). Changed in-process with
 * `world.setBehaviour()` or over `POST /__sandbox/builds`; `reset()` restores the start options.
 */
export interface BuildBehaviour {
  /** 'one' (default): queue item id = task id = build id, as production evidence says (§10); 'distinct': three ids. */
  ids: 'one' | 'distinct';
  /** 'honoured' (default): B16 sets `cancelling`, then Canceled (2). 'ignored': as a real server most likely does, B16 answers 200 with the unchanged queue item. */
  cancel: 'honoured' | 'ignored';
  /** 'kept' (default): B8 answers for finished builds. 'gone': B8 (and B13) answer 404 once a build has left the queue. */
  finishedQueueItem: 'kept' | 'gone';
  /** 'end' (default): B9 lists a build until its final status. 'completing': it leaves B9 at Completing (92), before its final status. */
  leavesQueueAt: 'end' | 'completing';
  /** 'honoured' (default): logs (B12, B13) answer `Range: bytes=N-` with 206 / 416. 'ignored': always 200 with the whole log. */
  logRange: 'honoured' | 'ignored';
}

export const DEFAULT_BEHAVIOUR: BuildBehaviour = { ids: 'one', cancel: 'honoured', finishedQueueItem: 'kept', leavesQueueAt: 'end', logRange: 'honoured' };

/** Phase lengths (virtual ms) and log length of builds started from now on. */
export interface BuildTimings {
  waitMs: number;
  runMs: number;
  completeMs: number;
  logLines: number;
}

export interface SBuild {
  id: string;
  commitId: string;
  hash: string;
  status: number;
  hasWarning: boolean;
  startDate: string;
  endDate?: string;
  duration?: string;
  isDistributable: boolean;
  workflowId: string;
  workflowName: string;
  configurationId: string;
  configurationName: string;
  branchId: string;
  profileId: string;
  /** Set for builds started through the API (the living queue). */
  live?: LiveBuild;
}

export interface LiveBuild {
  queueId: string;
  taskId: string;
  /** Virtual ms. */
  startedAt: number;
  /** Phase lengths and log length fixed when the build started. */
  timings: BuildTimings;
  outcome: { status: number; hasWarning: boolean };
  canceledAt?: number;
  userId: string;
  userEmail: string;
  orgId: string;
}

export interface SCommit {
  id: string;
  hash: string;
  commitDate: string;
  author: string;
  message: string;
  branchId: string;
}

export interface SBranch {
  id: string;
  name: string;
  /** Newest first. */
  commits: SCommit[];
  /** Newest first. */
  builds: SBuild[];
}

export interface SProfile {
  id: string;
  name: string;
  pinned: boolean;
  os: number;
  buildPlatformType: number;
  repositoryName: string;
  orgId: string;
  branches: SBranch[];
  workflows: { id: string; workflowName: string; lastUsedTime: string }[];
  configurations: { item1: { id: string; configurationName: string; updateDate: string }; item2: number }[];
}

interface LiveRef {
  p: SProfile;
  b: SBranch;
  build: SBuild;
}

interface VariableGroup {
  id: string;
  orgId: string;
  name: string;
  variables: { key: string; value: string; isSecret: boolean }[];
}

function hash40(seed: string): string {
  return createHash('sha1').update(`commit:${seed}`).digest('hex');
}

export function hms(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}`;
}

/** Terminal BuildStatus codes (docs/appcircle-api.md §4.4). */
export const TERMINAL = [0, 1, 2, 3];

export class BuildWorld {
  readonly profiles: SProfile[] = [];
  readonly variableGroups: VariableGroup[] = [];
  /** Phase lengths and log length of builds started from now on (`setTimings()`). */
  timings: { waitMs: number; runMs: number; completeMs: number };
  logLines: number;
  behaviour: BuildBehaviour;
  /** Tests: make live logs this many body lines long (a 20 MB log). */
  logLinesOverride: number | undefined;
  /** Started builds by queue item id and by task id. */
  private readonly live = new Map<string, LiveRef>();
  private readonly liveList: LiveRef[] = [];
  private readonly zips = new Map<string, Buffer>();
  /** Outcomes queued for the next started builds; then `defaultOutcome`. */
  private pendingOutcomes: { status: number; hasWarning: boolean }[] = [];
  private defaultOutcome = { status: 0, hasWarning: false };
  private seedTime = Date.now();
  private readonly artifactBytes: number;

  constructor(
    private readonly opts: BuildWorldOptions,
    readonly clock: VirtualClock = new VirtualClock(opts.speed ?? 1),
  ) {
    const t = opts.timings ?? {};
    for (const [k, v] of Object.entries(t)) {
      if (typeof v !== 'number' || !(v >= 0)) {
        throw new RangeError(`timings.${k} must be a number ≥ 0`);
      }
    }
    this.timings = { waitMs: t.waitMs ?? 2_000, runMs: t.runMs ?? 8_000, completeMs: t.completeMs ?? 1_000 };
    this.logLines = opts.logLines ?? 40;
    this.behaviour = { ...DEFAULT_BEHAVIOUR, ...opts.behaviour };
    this.artifactBytes = opts.artifactBytes ?? 64 * 1024;
    this.seed();
  }

  get speed(): number {
    return this.clock.speed;
  }

  /** Virtual now (ms). */
  now(): number {
    return this.clock.now();
  }

  setSpeed(speed: number): void {
    this.clock.setSpeed(speed);
  }

  advance(ms: number): void {
    this.clock.advance(ms);
  }

  /** The outcome of the next `count` started builds, or of every following one with 'all'. */
  setOutcome(outcome: { status: number; hasWarning?: boolean }, count: number | 'all' = 1): void {
    const o = { status: outcome.status, hasWarning: outcome.hasWarning ?? false };
    if (count === 'all') {
      this.pendingOutcomes = [];
      this.defaultOutcome = o;
    } else {
      this.pendingOutcomes = Array.from({ length: Math.max(0, count) }, () => ({ ...o }));
    }
  }

  /** Changes how the server behaves from now on (see BuildBehaviour); returns the whole behaviour. */
  setBehaviour(b: Partial<BuildBehaviour>): BuildBehaviour {
    this.behaviour = { ...this.behaviour, ...b };
    return this.behaviour;
  }

  /** Phase lengths (virtual ms) and log length of builds started from now on; running builds keep theirs. */
  setTimings(t: Partial<BuildTimings>): BuildTimings {
    for (const [k, v] of Object.entries(t)) {
      if (v !== undefined && (typeof v !== 'number' || !(v >= 0) || (k === 'logLines' && !(v >= 1)))) {
        throw new RangeError(`${k} must be a number ≥ ${k === 'logLines' ? 1 : 0}`);
      }
    }
    this.timings = { waitMs: t.waitMs ?? this.timings.waitMs, runMs: t.runMs ?? this.timings.runMs, completeMs: t.completeMs ?? this.timings.completeMs };
    this.logLines = t.logLines ?? this.logLines;
    return { ...this.timings, logLines: this.logLines };
  }

  /** Back to the seed (started builds are gone, outcomes, timings and behaviour reset); the clock keeps running. */
  reset(): void {
    const t = this.opts.timings ?? {};
    this.timings = { waitMs: t.waitMs ?? 2_000, runMs: t.runMs ?? 8_000, completeMs: t.completeMs ?? 1_000 };
    this.logLines = this.opts.logLines ?? 40;
    this.behaviour = { ...DEFAULT_BEHAVIOUR, ...this.opts.behaviour };
    this.profiles.length = 0;
    this.variableGroups.length = 0;
    this.live.clear();
    this.liveList.length = 0;
    this.zips.clear();
    this.pendingOutcomes = [];
    this.defaultOutcome = { status: 0, hasWarning: false };
    this.logLinesOverride = undefined;
    this.seedTime = Date.now();
    this.seed();
  }

  dispose(): void {
    // no timers to clear: progress is computed on demand
  }

  // ---- seeding -----------------------------------------------------------------------------------

  private seed(): void {
    for (const sp of PROFILES) {
      this.addProfile(sp);
    }
    const large = this.opts.largeSeed;
    if (large) {
      for (let i = 0; i < (large.profiles ?? 0); i++) {
        const os = ((i % 2) + 1) as 1 | 2;
        this.addProfile({ orgId: ROOT_ORG_ID, name: `Bulk Profile ${String(i).padStart(4, '0')}`, os, buildPlatformType: os, repositoryName: `bulk/app-${i}`, pinned: false, branches: ['main'], buildsPerBranch: 1 });
      }
      if ((large.buildsOnBranch ?? 0) > 0) {
        this.addProfile({ orgId: ROOT_ORG_ID, name: 'Bulk History', os: 1, buildPlatformType: 1, repositoryName: 'bulk/history', pinned: false, branches: ['main'], buildsPerBranch: large.buildsOnBranch ?? 0 });
      }
    }
    for (const g of VARIABLE_GROUPS) {
      this.variableGroups.push({ id: guid(`vg:${g.orgId}:${g.name}`), orgId: g.orgId, name: g.name, variables: g.variables.map((v) => ({ ...v })) });
    }
  }

  private addProfile(sp: SeedProfile): SProfile {
    const id = guid(`profile:${sp.orgId}:${sp.name}`);
    const p: SProfile = {
      id,
      name: sp.name,
      pinned: sp.pinned,
      os: sp.os,
      buildPlatformType: sp.buildPlatformType,
      repositoryName: sp.repositoryName,
      orgId: sp.orgId,
      branches: [],
      workflows: WORKFLOW_NAMES.map((w, i) => ({ id: guid(`wf:${id}:${i === 0 ? 'default' : 'release'}`), workflowName: w, lastUsedTime: new Date(this.seedTime - (i === 0 ? 3600_000 : 86400_000)).toISOString() })),
      configurations: CONFIGURATION_NAMES.map((c, i) => ({ item1: { id: guid(`cfg:${id}:${i === 0 ? 'default' : 'staging'}`), configurationName: c, updateDate: '2025-08-01T00:00:00Z' }, item2: 0 })),
    };
    sp.branches.forEach((bn, bi) => p.branches.push(this.makeBranch(p, bn, bi === 0 ? sp.buildsPerBranch : Math.max(0, sp.buildsPerBranch - 2 * bi), bi)));
    (sp.emptyBranches ?? []).forEach((bn, i) => p.branches.push(this.makeBranch(p, bn, 0, sp.branches.length + i)));
    this.profiles.push(p);
    return p;
  }

  private makeBranch(p: SProfile, name: string, builds: number, salt: number): SBranch {
    const id = guid(`branch:${p.id}:${name}`);
    const b: SBranch = { id, name, commits: [], builds: [] };
    const commitCount = Math.max(1, Math.min(builds || 1, 50));
    for (let i = 0; i < commitCount; i++) {
      const at = this.seedTime - (i * 5 + salt + 1) * 3600_000;
      b.commits.push({
        id: guid(`commit:${id}:${i}`),
        hash: hash40(`${id}:${i}`),
        commitDate: new Date(at).toISOString(),
        author: COMMIT_AUTHORS[(i + salt) % COMMIT_AUTHORS.length] ?? 'Dev User',
        message: COMMIT_MESSAGES[(i + salt) % COMMIT_MESSAGES.length] ?? 'Update',
        branchId: id,
      });
    }
    const [wf] = p.workflows;
    const [cfg] = p.configurations;
    // Rebuilds of a commit (i ≥ commitCount) spread between it and the next commit, never after the seed time.
    const perCommit = Math.ceil(builds / b.commits.length);
    const stepMs = ((salt + 1) * 3600_000 - 25 * 60_000) / Math.max(1, perCommit);
    for (let i = 0; i < builds; i++) {
      const commit = b.commits[i % b.commits.length];
      const outcome = SEED_BUILD_OUTCOMES[(i + salt) % SEED_BUILD_OUTCOMES.length] ?? { status: 0, hasWarning: false };
      const startAt = Date.parse(commit.commitDate) + 5 * 60_000 + Math.round(Math.floor(i / b.commits.length) * stepMs);
      const durMs = (6 + ((i * 7 + salt) % 9)) * 60_000 + ((i * 13) % 60) * 1000;
      b.builds.push({
        id: guid(`build:${id}:${i}`),
        commitId: commit.id,
        hash: commit.hash,
        status: outcome.status,
        hasWarning: outcome.hasWarning,
        startDate: new Date(startAt).toISOString(),
        endDate: new Date(startAt + durMs).toISOString(),
        duration: hms(durMs),
        isDistributable: outcome.status === 0,
        workflowId: wf?.id ?? '',
        workflowName: wf?.workflowName ?? 'Default Push Workflow',
        configurationId: cfg?.item1.id ?? '',
        configurationName: cfg?.item1.configurationName ?? 'Default Configuration',
        branchId: id,
        profileId: p.id,
      });
    }
    b.builds.sort((x, y) => Date.parse(y.startDate) - Date.parse(x.startDate));
    return b;
  }

  // ---- lookups -----------------------------------------------------------------------------------

  profilesOf(orgId: string): SProfile[] {
    return this.profiles.filter((p) => p.orgId === orgId);
  }

  findProfile(profileId: string, orgId: string): SProfile | undefined {
    return this.profiles.find((p) => p.id === profileId && p.orgId === orgId);
  }

  findBranch(branchId: string, orgId: string): { p: SProfile; b: SBranch } | undefined {
    for (const p of this.profilesOf(orgId)) {
      const b = p.branches.find((x) => x.id === branchId);
      if (b) {
        return { p, b };
      }
    }
    return undefined;
  }

  findCommit(commitId: string, orgId: string): { p: SProfile; b: SBranch; c: SCommit } | undefined {
    for (const p of this.profilesOf(orgId)) {
      for (const b of p.branches) {
        const c = b.commits.find((x) => x.id === commitId);
        if (c) {
          return { p, b, c };
        }
      }
    }
    return undefined;
  }

  /** A started build by queue item id or task id (docs/appcircle-api.md §7.3), within an organization. */
  findLive(id: string, orgId: string): LiveRef | undefined {
    const ref = this.live.get(id.toLowerCase());
    return ref && ref.p.orgId === orgId ? ref : undefined;
  }

  /** Started builds of an organization, oldest first. */
  liveBuilds(orgId: string): LiveRef[] {
    return this.liveList.filter((x) => x.p.orgId === orgId);
  }

  // ---- the living queue --------------------------------------------------------------------------

  /** Brings a build up to date with the clock (no-op for seeded builds). */
  refresh(build: SBuild): void {
    const live = build.live;
    if (!live || (TERMINAL.includes(build.status) && build.endDate)) {
      return;
    }
    const { waitMs, runMs, completeMs } = live.timings;
    if (live.canceledAt !== undefined) {
      build.status = 2;
      build.endDate = new Date(live.canceledAt).toISOString();
      build.duration = hms(Math.max(0, live.canceledAt - live.startedAt - waitMs));
      return;
    }
    const t = this.now() - live.startedAt;
    if (t < waitMs) {
      build.status = 90;
    } else if (t < waitMs + runMs) {
      build.status = 91;
    } else if (t < waitMs + runMs + completeMs) {
      build.status = 92;
    } else {
      build.status = live.outcome.status;
      build.hasWarning = live.outcome.hasWarning;
      build.isDistributable = live.outcome.status === 0;
      const end = live.startedAt + waitMs + runMs + completeMs;
      build.endDate = new Date(end).toISOString();
      build.duration = hms(end - live.startedAt - waitMs);
    }
  }

  isActive(build: SBuild): boolean {
    this.refresh(build);
    return !TERMINAL.includes(build.status);
  }

  start(ref: { p: SProfile; b: SBranch; c: SCommit }, workflowId: string, configurationId: string, user: { id: string; email: string; orgId: string }): SBuild | string {
    const { p, b, c } = ref;
    const wf = workflowId ? p.workflows.find((w) => w.id === workflowId.toLowerCase()) : p.workflows[0];
    if (!wf) {
      return `Workflow ${workflowId} was not found in profile ${p.name}.`;
    }
    const cfg = configurationId ? p.configurations.find((x) => x.item1.id === configurationId.toLowerCase()) : p.configurations[0];
    if (!cfg) {
      return `Configuration ${configurationId} was not found in profile ${p.name}.`;
    }
    const queueId = guid(`queue:${b.id}:${Date.now()}:${Math.random()}`);
    // production: one id for the queue item, the task and the build (docs/appcircle-api.md §10)
    const distinct = this.behaviour.ids === 'distinct';
    const taskId = distinct ? guid(`task:${queueId}`) : queueId;
    const outcome = this.pendingOutcomes.shift() ?? { ...this.defaultOutcome };
    const now = this.now();
    // Listed first at once with a current startDate, strictly newer than the branch's newest (§7.7).
    const newest = b.builds[0] ? Date.parse(b.builds[0].startDate) : 0;
    const build: SBuild = {
      id: distinct ? guid(`livebuild:${queueId}`) : queueId,
      commitId: c.id,
      hash: c.hash,
      status: 90,
      hasWarning: false,
      startDate: new Date(Math.max(now, newest + 1)).toISOString(),
      isDistributable: false,
      workflowId: wf.id,
      workflowName: wf.workflowName,
      configurationId: cfg.item1.id,
      configurationName: cfg.item1.configurationName,
      branchId: b.id,
      profileId: p.id,
      live: { queueId, taskId, startedAt: now, timings: { ...this.timings, logLines: this.logLines }, outcome, userId: user.id, userEmail: user.email, orgId: user.orgId },
    };
    b.builds.unshift(build);
    wf.lastUsedTime = build.startDate;
    const ref2 = { p, b, build };
    this.live.set(queueId, ref2);
    this.live.set(taskId, ref2);
    this.liveList.push(ref2);
    return build;
  }

  /**
   * A push reaching Appcircle through its webhook: the commit becomes the newest of the branch of every profile of
   * that repository (the branch is added when new) and, with `build`, each such profile starts a build of it on
   * its first workflow and configuration (an auto-build). For tests and demos of following a pushed commit.
   */
  receivePush(p: { repositoryName: string; branch: string; hash: string; message?: string; author?: string; build?: boolean; orgId?: string }): { commitIds: string[]; builds: SBuild[] } {
    const out: { commitIds: string[]; builds: SBuild[] } = { commitIds: [], builds: [] };
    const repo = p.repositoryName.toLowerCase();
    for (const prof of this.profiles.filter((x) => x.repositoryName.toLowerCase() === repo && (!p.orgId || x.orgId === p.orgId))) {
      let b = prof.branches.find((x) => x.name === p.branch);
      if (!b) {
        b = { id: guid(`branch:${prof.id}:${p.branch}`), name: p.branch, commits: [], builds: [] };
        prof.branches.push(b);
      }
      let c = b.commits.find((x) => x.hash === p.hash.toLowerCase());
      if (!c) {
        c = { id: guid(`commit:${b.id}:${p.hash}`), hash: p.hash.toLowerCase(), commitDate: new Date(this.now()).toISOString(), author: p.author ?? 'Dev User', message: p.message ?? 'Pushed commit', branchId: b.id };
        b.commits.unshift(c);
      }
      out.commitIds.push(c.id);
      if (p.build) {
        const started = this.start({ p: prof, b, c }, '', '', { id: USER.id, email: USER.email, orgId: prof.orgId });
        if (typeof started !== 'string') {
          out.builds.push(started);
        }
      }
    }
    return out;
  }

  /** B16: cancel a waiting or running build. */
  cancel(ref: LiveRef): 'canceled' | 'finished' {
    if (!this.isActive(ref.build) || !ref.build.live) {
      return 'finished';
    }
    ref.build.live.canceledAt = this.now();
    this.refresh(ref.build);
    return 'canceled';
  }

  // ---- logs and artifacts ------------------------------------------------------------------------

  /** How many lines of a build's log exist now, and a function for line i. 0 lines = "not ready". */
  log(ref: LiveRef): { count: number; line: (i: number) => string } {
    const { p, b, build } = ref;
    this.refresh(build);
    const live = build.live;
    const steps = stepsOf(p);
    const head = [
      `Appcircle build ${build.id}`,
      `Profile: ${p.name} · Branch: ${b.name} · Commit: ${build.hash.slice(0, 7)}`,
      `Workflow: ${build.workflowName} · Configuration: ${build.configurationName}`,
    ];
    if (!live) {
      return seededLog(build, head, p.os);
    }
    const n = this.logLinesOverride ?? live.timings.logLines;
    const { waitMs, runMs } = live.timings;
    const runStart = live.startedAt + waitMs;
    const stamp = (i: number) => new Date(runStart + Math.floor((i / Math.max(1, n)) * runMs)).toISOString().slice(11, 19);
    const tool = p.os === 1 ? 'xcodebuild' : 'gradle';
    const shape = { os: p.os, buildId: build.id, steps };
    const body = (i: number) => bodyLine(shape, i, n, stamp(i), tool);
    const outcome = live.canceledAt !== undefined ? { status: 2, hasWarning: false } : live.outcome;
    const endStamp = stamp(n);
    const completion = live.canceledAt !== undefined ? [] : completionLines(shape, outcome, endStamp);
    const tail = finalLines(shape, outcome, endStamp, live.canceledAt !== undefined ? `Build canceled by ${live.userEmail}.` : undefined);
    const ran = (until: number) => Math.max(0, Math.min(n, Math.floor(((until - runStart) / Math.max(1, runMs)) * n)));
    let bodyCount: number;
    let withTail = false;
    let withExport = false;
    if (build.status === 90) {
      return { count: 0, line: () => '' };
    } else if (build.status === 91) {
      bodyCount = Math.max(1, ran(this.now()));
    } else if (build.status === 92) {
      bodyCount = n;
      withExport = true;
    } else if (live.canceledAt !== undefined) {
      bodyCount = ran(live.canceledAt);
      withTail = true;
    } else {
      bodyCount = n;
      withExport = true;
      withTail = true;
    }
    const extra = withExport ? completion.length : 0;
    const count = head.length + bodyCount + extra + (withTail ? tail.length : 0);
    return {
      count,
      line: (i) => {
        if (i < head.length) {
          return head[i] ?? '';
        }
        const j = i - head.length;
        if (j < bodyCount) {
          return body(j);
        }
        const k = j - bodyCount;
        if (k < extra) {
          return completion[k] ?? '';
        }
        return tail[k - extra] ?? '';
      },
    };
  }

  /** The artifact zip of a successful build (with or without warnings), or undefined. */
  artifacts(ref: LiveRef): Buffer | undefined {
    const { p, b, build } = ref;
    this.refresh(build);
    if (build.status !== 0) {
      return undefined;
    }
    let zip = this.zips.get(build.id);
    if (!zip) {
      const ext = p.os === 1 ? 'ipa' : 'apk';
      const pattern = Buffer.from(`sandbox ${ext} of build ${build.id}\n`);
      const app = Buffer.alloc(this.artifactBytes, pattern);
      zip = makeZip([
        { name: `${p.name.replace(/\W+/g, '-')}.${ext}`, data: app },
        { name: 'build-info.txt', data: Buffer.from(`profile=${p.name}\nbranch=${b.name}\ncommit=${build.hash}\nbuild=${build.id}\nworkflow=${build.workflowName}\nconfiguration=${build.configurationName}\n`) },
      ]);
      if (this.zips.size > 200) {
        this.zips.clear();
      }
      this.zips.set(build.id, zip);
    }
    return zip;
  }

  /** B15 for a build's task: 1 Begin, 0 in progress, 2 Canceled, 3 Completed. */
  taskState(build: SBuild): { stateValue: number; stateName: string } {
    this.refresh(build);
    if (build.status === 90) {
      return { stateValue: 1, stateName: 'Begin' };
    }
    if (!TERMINAL.includes(build.status)) {
      return { stateValue: 0, stateName: 'InProgress' };
    }
    return build.status === 2 ? { stateValue: 2, stateName: 'Canceled' } : { stateValue: 3, stateName: 'Completed' };
  }
}

function stepsOf(p: SProfile): string[] {
  return stepsFor(p.os);
}

function parseHms(d: string | undefined): number | undefined {
  const m = /^(\d+):(\d{2}):(\d{2})$/.exec(d ?? '');
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : undefined;
}

function seededLog(build: SBuild, head: string[], os: number): { count: number; line: (i: number) => string } {
  const lines = seededLogLines({ os, buildId: build.id, steps: stepsFor(os) }, head, build, build.startDate, parseHms(build.duration));
  return { count: lines.length, line: (i) => lines[i] ?? '' };
}

/** `Range: bytes=N-` → N; anything else (no header, other forms) → undefined (the whole log). */
function rangeStart(header: string | undefined): number | undefined {
  const m = /^\s*bytes=(\d+)-\s*$/.exec(header ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * Writes a log as text/plain, in chunks (a 20 MB log never becomes one string on the server). With a byte
 * offset (`Range: bytes=N-`) it answers 206 with the rest, or 416 when nothing is past N (RFC 9110 §14).
 */
async function sendLog(res: ServerResponse, log: { count: number; line: (i: number) => string }, from?: number): Promise<void> {
  if (from === undefined && log.count <= 2000) {
    const lines: string[] = [];
    for (let i = 0; i < log.count; i++) {
      lines.push(log.line(i));
    }
    sendText(res, 200, lines.join('\n') + '\n');
    return;
  }
  let first = 0;
  let skip = 0;
  if (from !== undefined) {
    let total = 0;
    let found = false;
    for (let i = 0; i < log.count; i++) {
      const len = Buffer.byteLength(log.line(i)) + 1;
      if (!found && total + len > from) {
        first = i;
        skip = from - total;
        found = true;
      }
      total += len;
    }
    if (!found) {
      res.writeHead(416, { 'Content-Range': `bytes */${total}`, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    res.writeHead(206, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Range': `bytes ${from}-${total - 1}/${total}`, 'Content-Length': total - from, 'Cache-Control': 'no-store' });
  } else {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  }
  for (let i = first; i < log.count; ) {
    const chunk: string[] = [];
    for (const end = Math.min(log.count, i + 2000); i < end; i++) {
      chunk.push(log.line(i));
    }
    let data: string | Buffer = chunk.join('\n') + '\n';
    if (skip > 0) {
      data = Buffer.from(data).subarray(skip);
      skip = 0;
    }
    if (!res.write(data)) {
      await new Promise<void>((r) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          r();
        };
        res.on('drain', done);
        res.on('close', done);
      });
      if (res.destroyed) {
        return;
      }
    }
  }
  res.end();
}

export function registerBuildRoutes(router: Router, world: BuildWorld): void {
  const org = (ctx: AuthedCtx) => ctx.auth.orgId;
  const buildJson = (x: SBuild) => {
    world.refresh(x);
    const { live: _l, ...rest } = x;
    return rest;
  };
  const notFound = (ctx: AuthedCtx, what: string) => sendError(ctx.res, 404, `${what} was not found.`);

  // B1
  router.authed('GET', '/build/v2/profiles', (ctx) => {
    sendJson(
      ctx.res,
      200,
      world.profilesOf(org(ctx)).map((p) => ({
        id: p.id,
        name: p.name,
        pinned: p.pinned,
        os: p.os,
        buildPlatformType: p.buildPlatformType,
        repositoryName: p.repositoryName,
        lastBuildDate: p.branches.reduce<string | null>((m, b) => (b.builds[0] && (!m || b.builds[0].startDate > m) ? b.builds[0].startDate : m), null),
        autoDistributeCount: 0,
        autoBuildCount: 1,
      })),
    );
  });
  // B2 (v1; older CLIs use v2)
  const profileDetail = (ctx: AuthedCtx) => {
    const p = world.findProfile(ctx.params.id ?? '', org(ctx));
    if (!p) {
      notFound(ctx, 'Build profile');
      return;
    }
    sendJson(ctx.res, 200, {
      id: p.id,
      name: p.name,
      pinned: p.pinned,
      os: p.os,
      buildPlatformType: p.buildPlatformType,
      repositoryName: p.repositoryName,
      branches: p.branches.map((b) => {
        const last = b.builds[0];
        if (!last) {
          return { id: b.id, name: b.name }; // "No previous builds"
        }
        world.refresh(last);
        return { id: b.id, name: b.name, lastBuildDate: last.startDate, buildStatus: last.status };
      }),
    });
  };
  router.authed('GET', '/build/v1/profiles/:id', profileDetail);
  router.authed('GET', '/build/v2/profiles/:id', profileDetail);
  // B3, B4
  router.authed('GET', '/build/v2/profiles/:id/workflows', (ctx) => {
    const p = world.findProfile(ctx.params.id ?? '', org(ctx));
    return p ? sendJson(ctx.res, 200, p.workflows) : notFound(ctx, 'Build profile');
  });
  router.authed('GET', '/build/v2/profiles/:id/configurations', (ctx) => {
    const p = world.findProfile(ctx.params.id ?? '', org(ctx));
    return p ? sendJson(ctx.res, 200, p.configurations) : notFound(ctx, 'Build profile');
  });
  // B5
  router.authed('GET', '/build/v2/commits', (ctx) => {
    const found = world.findBranch(ctx.query.get('branchId') ?? '', org(ctx));
    return found ? sendJson(ctx.res, 200, found.b.commits) : notFound(ctx, 'Branch');
  });
  // B17 (unverified): before B6 so 'last-commit' is not read as a commit id
  router.authed('GET', '/build/v2/commits/last-commit', (ctx) => {
    const found = world.findBranch(ctx.query.get('branchId') ?? '', org(ctx));
    const c = found && found.p.id === ctx.query.get('profileId') ? found.b.commits[0] : undefined;
    return c ? sendJson(ctx.res, 200, c) : notFound(ctx, 'Branch');
  });
  // B6
  router.authed('GET', '/build/v2/commits/:id', (ctx) => {
    const found = world.findCommit(ctx.params.id ?? '', org(ctx));
    if (!found) {
      notFound(ctx, 'Commit');
      return;
    }
    sendJson(ctx.res, 200, { ...found.c, builds: found.b.builds.filter((x) => x.commitId === found.c.id).map(buildJson) });
  });
  // B7: the body (the literal `{}` as a form) is ignored; everything comes from the query (§7.2)
  const startAndReply = (ctx: AuthedCtx, ref: { p: SProfile; b: SBranch; c: SCommit }, workflowId: string, configurationId: string) => {
    const result = world.start(ref, workflowId, configurationId, { id: ctx.auth.sub, email: ctx.auth.email ?? `${ctx.auth.cred.replace(/^apikey:/, '')} (API key)`, orgId: org(ctx) });
    if (typeof result === 'string') {
      sendError(ctx.res, 404, result);
      return;
    }
    sendJson(ctx.res, 200, { taskId: result.live?.taskId, queueItemId: result.live?.queueId });
  };
  router.authed('POST', '/build/v2/commits/:id', (ctx) => {
    if (ctx.query.get('action') !== 'build') {
      sendError(ctx.res, 400, 'Unknown action: expected action=build.');
      return;
    }
    const found = world.findCommit(ctx.params.id ?? '', org(ctx));
    if (!found) {
      notFound(ctx, 'Commit');
      return;
    }
    startAndReply(ctx, found, ctx.query.get('workflowId') ?? '', ctx.query.get('configurationId') ?? '');
  });
  // B18, B19 (unverified): start on the latest commit of a branch (by id or name)
  router.authed('PUT', '/build/v2/profiles/:p/branch/:b/workflow/:w', (ctx) => {
    const found = world.findBranch(ctx.params.b ?? '', org(ctx));
    const c = found && found.p.id === ctx.params.p ? found.b.commits[0] : undefined;
    return found && c ? startAndReply(ctx, { ...found, c }, ctx.params.w ?? '', ctx.query.get('configurationId') ?? '') : notFound(ctx, 'Branch');
  });
  router.authed('PUT', '/build/v2/profiles/:p/workflow/:w', (ctx) => {
    const p = world.findProfile(ctx.params.p ?? '', org(ctx));
    const b = p?.branches.find((x) => x.name === ctx.query.get('branchName'));
    const c = b?.commits[0];
    return p && b && c ? startAndReply(ctx, { p, b, c }, ctx.params.w ?? '', ctx.query.get('configurationId') ?? '') : notFound(ctx, 'Branch');
  });
  // B9: waiting and running builds of the organization, paged, {data}
  router.authed('GET', '/build/v1/queue/my-dashboard', (ctx) => {
    const rows = world
      .liveBuilds(org(ctx))
      .filter((x) => world.isActive(x.build) && !(world.behaviour.leavesQueueAt === 'completing' && x.build.status === 92))
      .reverse()
      .map(({ p, b, build }) => ({
        id: build.live?.queueId,
        commitId: build.commitId,
        commitHash: build.hash,
        profileId: p.id,
        profileName: p.name,
        branchName: b.name,
        queueItemStatus: build.status === 90 ? 0 : 1,
        publishId: null,
        appVersionId: null,
        stepName: null,
        email: build.live?.userEmail,
        startQueueDateTime: build.startDate,
        os: p.os,
      }));
    const page = Math.max(1, Number(ctx.query.get('page')) || 1);
    const size = Math.max(1, Number(ctx.query.get('size')) || 1000);
    sendJson(ctx.res, 200, { data: rows.slice((page - 1) * size, page * size), totalCount: rows.length });
  });
  // B13: by queue item (or task) id
  router.authed('GET', '/build/v1/queue/logs/:id', async (ctx) => {
    const found = world.findLive(ctx.params.id ?? '', org(ctx));
    if (!found) {
      notFound(ctx, 'Queue item');
      return;
    }
    const log = world.log(found);
    if (!log.count) {
      sendText(ctx.res, 200, 'No Logs Available');
      return;
    }
    await sendLog(ctx.res, log, world.behaviour.logRange === 'honoured' ? rangeStart(ctx.req.headers.range) : undefined);
  });
  // B8 and B16 (`?action=cancel`), either id
  router.authed('GET', '/build/v1/queue/:id', (ctx) => {
    const found = world.findLive(ctx.params.id ?? '', org(ctx));
    if (!found) {
      notFound(ctx, 'Queue item');
      return;
    }
    const { p, b, build } = found;
    const live = build.live as LiveBuild;
    world.refresh(build);
    if (world.behaviour.finishedQueueItem === 'gone' && TERMINAL.includes(build.status)) {
      notFound(ctx, 'Queue item'); // it has left the queue (docs/appcircle-api.md §10: unknown in production)
      return;
    }
    // 'ignored': as a real server most likely does, the unknown query parameter changes nothing (§4.7)
    const action = world.behaviour.cancel === 'ignored' ? null : ctx.query.get('action');
    if (action === 'cancel') {
      if (world.cancel(found) === 'finished') {
        sendError(ctx.res, 400, 'The build has already finished.');
        return;
      }
      sendJson(ctx.res, 200, { id: live.queueId, taskId: live.taskId, cancelling: true, buildStatus: build.status });
      return;
    }
    if (action) {
      sendError(ctx.res, 400, `Unknown action: ${action}.`);
      return;
    }
    sendJson(ctx.res, 200, {
      id: live.queueId,
      taskId: live.taskId,
      agentId: guid(`agent:${p.os}`),
      organizationId: live.orgId,
      userId: live.userId,
      profileId: p.id,
      branchId: b.id,
      commitId: build.commitId,
      // The all-zero GUID until the build record "exists" (running), as the CLI expects (§4.2, §7.6).
      buildId: build.status === 90 ? ZERO_GUID : build.id,
      purpose: 1,
      triggerReason: 0,
      cancelling: live.canceledAt !== undefined,
      queueItemStatus: build.status === 90 ? 0 : 1,
      xcodeVersion: p.os === 1 ? '16.2.x' : '',
      buildStatus: build.status,
      hasWarning: build.hasWarning,
    });
  });
  // B10
  router.authed('GET', '/build/v1/builds', (ctx) => {
    const found = world.findBranch(ctx.query.get('branchId') ?? '', org(ctx));
    if (!found || found.p.id !== ctx.query.get('profileId')) {
      notFound(ctx, 'Branch');
      return;
    }
    sendJson(ctx.res, 200, found.b.builds.map(buildJson));
  });
  const findBuild = (ctx: AuthedCtx): LiveRef | undefined => {
    const found = world.findCommit(ctx.params.commitId ?? '', org(ctx));
    const build = found?.b.builds.find((x) => x.id === ctx.params.buildId && x.commitId === found.c.id);
    return found && build ? { p: found.p, b: found.b, build } : undefined;
  };
  // B12: 404 "No Logs Available" until the build has written something (§4.5, §7.10)
  const logRoute = async (ctx: AuthedCtx) => {
    const f = findBuild(ctx);
    if (!f) {
      notFound(ctx, 'Build');
      return;
    }
    const log = world.log(f);
    if (!log.count) {
      sendError(ctx.res, 404, 'No Logs Available');
      return;
    }
    await sendLog(ctx.res, log, world.behaviour.logRange === 'honoured' ? rangeStart(ctx.req.headers.range) : undefined);
  };
  router.authed('GET', '/build/v1/commits/:commitId/builds/:buildId/logs', logRoute);
  router.authed('GET', '/build/v2/commits/:commitId/builds/:buildId/logs', logRoute);
  // B11 (shape unverified)
  router.authed('GET', '/build/v2/commits/:commitId/builds/:buildId/status', (ctx) => {
    const f = findBuild(ctx);
    if (!f) {
      notFound(ctx, 'Build');
      return;
    }
    world.refresh(f.build);
    sendJson(ctx.res, 200, { status: f.build.status, hasWarning: f.build.hasWarning });
  });
  // B14: one zip of all artifacts; 404 when there are none (yet)
  const artifactRoute = (ctx: AuthedCtx) => {
    const f = findBuild(ctx);
    if (!f) {
      notFound(ctx, 'Build');
      return;
    }
    const zip = world.artifacts(f);
    if (!zip) {
      sendError(ctx.res, 404, 'This build has no artifacts.');
      return;
    }
    ctx.res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': zip.length, 'Content-Disposition': 'attachment; filename="artifacts.zip"', 'Cache-Control': 'no-store' });
    ctx.res.end(zip);
  };
  router.authed('GET', '/build/v1/commits/:commitId/builds/:buildId', artifactRoute);
  router.authed('GET', '/build/v2/commits/:commitId/builds/:buildId', artifactRoute);
  // B15: a build's task (uploads are out of scope)
  router.authed('GET', '/task/v1/tasks/:id', (ctx) => {
    const found = world.findLive(ctx.params.id ?? '', org(ctx));
    return found ? sendJson(ctx.res, 200, world.taskState(found.build)) : notFound(ctx, 'Task');
  });

  // Variable groups (CLI 2.7.3 `build variable …`): bare lists, PascalCase on create, camelCase back (§7.14)
  const group = (ctx: AuthedCtx) => world.variableGroups.find((g) => g.id === ctx.params.id && g.orgId === org(ctx));
  router.authed('GET', '/build/v1/variable-groups', (ctx) => {
    sendJson(ctx.res, 200, world.variableGroups.filter((g) => g.orgId === org(ctx)).map((g) => ({ id: g.id, name: g.name })));
  });
  router.authed('POST', '/build/v1/variable-groups', (ctx) => {
    const b = parseJsonObject(ctx.body);
    const name = typeof b?.name === 'string' ? b.name.trim() : '';
    if (!name) {
      sendJson(ctx.res, 400, { error: 'name is required', message: 'name is required' });
      return;
    }
    const g = { id: guid(`vg:${org(ctx)}:${name}:${Date.now()}`), orgId: org(ctx), name, variables: [] };
    world.variableGroups.push(g);
    sendJson(ctx.res, 200, { id: g.id, name: g.name });
  });
  router.authed('GET', '/build/v1/variable-groups/:id/variables', (ctx) => {
    const g = group(ctx);
    return g ? sendJson(ctx.res, 200, g.variables.map((v) => ({ key: v.key, value: v.isSecret ? '' : v.value, isSecret: v.isSecret }))) : notFound(ctx, 'Variable group');
  });
  router.authed('POST', '/build/v1/variable-groups/:id/variables', (ctx) => {
    const g = group(ctx);
    if (!g) {
      notFound(ctx, 'Variable group');
      return;
    }
    const b = parseBody(ctx.body, ctx.req.headers['content-type']);
    const key = b.Key ?? b.key;
    if (!key) {
      sendJson(ctx.res, 400, { error: 'Key is required', message: 'Key is required' });
      return;
    }
    const isSecret = (b.IsSecret ?? b.isSecret) === 'true';
    g.variables = g.variables.filter((v) => v.key !== key);
    g.variables.push({ key, value: b.Value ?? b.value ?? '', isSecret });
    sendJson(ctx.res, 200, {});
  });
}
