/**
 * The living build queue of the sandbox (docs/appcircle-api.md §4, §6-7) over the seed of buildSeed.ts. A started
 * build moves Waiting (90) → Running (91) → Completing (92) → its outcome on the build clock (clock.ts), writes log
 * lines as it runs and has an artifact zip at the end. Progress is computed from the clock on demand, so no timers
 * run in the server. Outcomes, timings and behaviour switches apply to builds started from then on.
 */
import { VirtualClock } from './clock';
import { USER, stableGuid } from './fixtures';
import { makeZip } from './zip';
import { bodyLine, completionLines, finalLines, seededLogLines, stepsFor } from './buildLogs';
import { TERMINAL, hms, seedProfiles, seedVariableGroups } from './buildSeed';
import type { BuildTimings, LargeSeed, SBranch, SBuild, SCommit, SProfile, VariableGroup } from './buildSeed';

export interface BuildWorldOptions {
  /** Build clock speed: 1 = real time (default), 0 = frozen until `advance()`. */
  speed?: number;
  /** Phase lengths of a started build in virtual ms (defaults 2 s waiting, 8 s running, 1 s completing). */
  timings?: { waitMs?: number; runMs?: number; completeMs?: number };
  /** Benchmarks: many profiles and a branch with many builds in the root organization. */
  largeSeed?: LargeSeed;
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
  /**
   * 'honoured' (default): B16 sets `cancelling`, then Canceled (2). 'ignored': as a real server most likely does,
   * B16 answers 200 with the unchanged queue item.
   */
  cancel: 'honoured' | 'ignored';
  /** 'kept' (default): B8 answers for finished builds. 'gone': B8 (and B13) answer 404 once a build has left the queue. */
  finishedQueueItem: 'kept' | 'gone';
  /**
   * 'end' (default): B9 lists a build until its final status. 'completing': it leaves B9 at Completing (92), before
   * its final status.
   */
  leavesQueueAt: 'end' | 'completing';
  /** 'honoured' (default): logs (B12, B13) answer `Range: bytes=N-` with 206 / 416. 'ignored': always 200 with the whole log. */
  logRange: 'honoured' | 'ignored';
}

const DEFAULT_BEHAVIOUR: BuildBehaviour = {
  ids: 'one',
  cancel: 'honoured',
  finishedQueueItem: 'kept',
  leavesQueueAt: 'end',
  logRange: 'honoured',
};

/** A build with its profile and branch. */
export interface LiveRef {
  p: SProfile;
  b: SBranch;
  build: SBuild;
}

/** How many lines of a build's log exist now, and a function for line i. 0 lines = "not ready". */
export interface BuildLog {
  count: number;
  line: (i: number) => string;
  /** When line i was written on the build clock (epoch ms); started builds only. */
  time?: (i: number) => number;
}

/** Phase lengths from the start options (defaults 2 s waiting, 8 s running, 1 s completing). */
function startTimings(opts: BuildWorldOptions): { waitMs: number; runMs: number; completeMs: number } {
  const t = opts.timings ?? {};
  return { waitMs: t.waitMs ?? 2_000, runMs: t.runMs ?? 8_000, completeMs: t.completeMs ?? 1_000 };
}

export class BuildWorld {
  readonly profiles: SProfile[] = [];
  readonly variableGroups: VariableGroup[] = [];
  /** Phase lengths and log length of builds started from now on (`setTimings()`). */
  timings: { waitMs: number; runMs: number; completeMs: number };
  logLines: number;
  behaviour: BuildBehaviour;
  /** Tests: make live logs this many body lines long (a 20 MB log). */
  logLinesOverride: number | undefined;
  /** Tests: live body line `j` as this returns it (the fault matrix's hostile lines; no `\n` or `\r` in it). */
  bodyLineOverride: ((j: number, line: string) => string) | undefined;
  /** Called when a build's log changes other than by the clock (a cancel): the hook service pushes then. */
  onLogChange: (() => void) | undefined;
  /** Started builds by queue item id and by task id. */
  private readonly live = new Map<string, LiveRef>();
  private readonly liveList: LiveRef[] = [];
  private readonly zips = new Map<string, Buffer>();
  /** Outcomes queued for the next started builds; then `defaultOutcome`. */
  private pendingOutcomes: { status: number; hasWarning: boolean }[] = [];
  private defaultOutcome = { status: 0, hasWarning: false };
  private readonly artifactBytes: number;

  constructor(
    private readonly opts: BuildWorldOptions,
    readonly clock: VirtualClock = new VirtualClock(opts.speed ?? 1),
  ) {
    for (const [k, v] of Object.entries(opts.timings ?? {})) {
      if (typeof v !== 'number' || !(v >= 0)) {
        throw new RangeError(`timings.${k} must be a number ≥ 0`);
      }
    }
    this.timings = startTimings(opts);
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
    this.timings = {
      waitMs: t.waitMs ?? this.timings.waitMs,
      runMs: t.runMs ?? this.timings.runMs,
      completeMs: t.completeMs ?? this.timings.completeMs,
    };
    this.logLines = t.logLines ?? this.logLines;
    return { ...this.timings, logLines: this.logLines };
  }

  /** Back to the seed (started builds are gone, outcomes, timings and behaviour reset); the clock keeps running. */
  reset(): void {
    this.timings = startTimings(this.opts);
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
    this.bodyLineOverride = undefined;
    this.seed();
  }

  dispose(): void {
    // no timers to clear: progress is computed on demand
  }

  /** Fills the (kept) profile and variable group lists from the seed, dated from now. */
  private seed(): void {
    for (const p of seedProfiles(this.opts.largeSeed, Date.now())) {
      this.profiles.push(p);
    }
    for (const g of seedVariableGroups()) {
      this.variableGroups.push(g);
    }
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

  start(
    ref: { p: SProfile; b: SBranch; c: SCommit },
    workflowId: string,
    configurationId: string,
    user: { id: string; email: string; orgId: string },
  ): SBuild | string {
    const { p, b, c } = ref;
    const wf = workflowId ? p.workflows.find((w) => w.id === workflowId.toLowerCase()) : p.workflows[0];
    if (!wf) {
      return `Workflow ${workflowId} was not found in profile ${p.name}.`;
    }
    const cfg = configurationId ? p.configurations.find((x) => x.item1.id === configurationId.toLowerCase()) : p.configurations[0];
    if (!cfg) {
      return `Configuration ${configurationId} was not found in profile ${p.name}.`;
    }
    const queueId = stableGuid(`queue:${b.id}:${Date.now()}:${Math.random()}`);
    // production: one id for the queue item, the task and the build (docs/appcircle-api.md §10)
    const distinct = this.behaviour.ids === 'distinct';
    const taskId = distinct ? stableGuid(`task:${queueId}`) : queueId;
    const outcome = this.pendingOutcomes.shift() ?? { ...this.defaultOutcome };
    const now = this.now();
    // Listed first at once with a current startDate, strictly newer than the branch's newest (§7.7).
    const newest = b.builds[0] ? Date.parse(b.builds[0].startDate) : 0;
    const build: SBuild = {
      id: distinct ? stableGuid(`livebuild:${queueId}`) : queueId,
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
      live: {
        queueId,
        taskId,
        startedAt: now,
        timings: { ...this.timings, logLines: this.logLines },
        outcome,
        userId: user.id,
        userEmail: user.email,
        orgId: user.orgId,
      },
    };
    b.builds.unshift(build);
    wf.lastUsedTime = build.startDate;
    const started = { p, b, build };
    this.live.set(queueId, started);
    this.live.set(taskId, started);
    this.liveList.push(started);
    return build;
  }

  /**
   * A push reaching Appcircle through its webhook: the commit becomes the newest of the branch of every profile of
   * that repository (the branch is added when new) and, with `build`, each such profile starts a build of it on
   * its first workflow and configuration (an auto-build). For tests and demos of following a pushed commit.
   */
  receivePush(p: {
    repositoryName: string;
    branch: string;
    hash: string;
    message?: string;
    author?: string;
    build?: boolean;
    orgId?: string;
  }): { commitIds: string[]; builds: SBuild[] } {
    const out: { commitIds: string[]; builds: SBuild[] } = { commitIds: [], builds: [] };
    const repo = p.repositoryName.toLowerCase();
    for (const prof of this.profiles.filter((x) => x.repositoryName.toLowerCase() === repo && (!p.orgId || x.orgId === p.orgId))) {
      let b = prof.branches.find((x) => x.name === p.branch);
      if (!b) {
        b = { id: stableGuid(`branch:${prof.id}:${p.branch}`), name: p.branch, commits: [], builds: [] };
        prof.branches.push(b);
      }
      let c = b.commits.find((x) => x.hash === p.hash.toLowerCase());
      if (!c) {
        c = {
          id: stableGuid(`commit:${b.id}:${p.hash}`),
          hash: p.hash.toLowerCase(),
          commitDate: new Date(this.now()).toISOString(),
          author: p.author ?? 'Dev User',
          message: p.message ?? 'Pushed commit',
          branchId: b.id,
        };
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
    this.onLogChange?.();
    return 'canceled';
  }

  // ---- logs and artifacts ------------------------------------------------------------------------

  /** How many lines of a build's log exist now, and a function for line i. 0 lines = "not ready". */
  log(ref: LiveRef): BuildLog {
    const { p, b, build } = ref;
    this.refresh(build);
    const live = build.live;
    const steps = stepsFor(p.os);
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
    const body = (i: number) => {
      const line = bodyLine(shape, i, n, stamp(i), tool);
      return this.bodyLineOverride?.(i, line) ?? line;
    };
    const canceled = live.canceledAt !== undefined;
    // canceled while completing: the completion lines already written stay (a log only grows)
    const canceledCompleting = canceled && (live.canceledAt ?? 0) >= runStart + runMs;
    const outcome = canceled ? { status: 2, hasWarning: false } : live.outcome;
    const endStamp = stamp(n);
    const completion = canceled && !canceledCompleting ? [] : completionLines(shape, live.outcome, endStamp);
    const tail = finalLines(shape, outcome, endStamp, canceled ? `Build canceled by ${live.userEmail}.` : undefined);
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
      // as many body lines as were shown when it was canceled (at least one once running)
      bodyCount = live.canceledAt < runStart ? 0 : canceledCompleting ? n : Math.max(1, ran(live.canceledAt));
      withExport = canceledCompleting;
      withTail = true;
    } else {
      bodyCount = n;
      withExport = true;
      withTail = true;
    }
    const extra = withExport ? completion.length : 0;
    const count = head.length + bodyCount + extra + (withTail ? tail.length : 0);
    const endAt = live.canceledAt ?? runStart + runMs + live.timings.completeMs;
    return {
      count,
      time: (i) => {
        const j = i - head.length;
        const at =
          j < 0
            ? runStart
            : j < bodyCount
              ? runStart + Math.floor((j / Math.max(1, n)) * runMs)
              : j < bodyCount + extra
                ? runStart + runMs
                : endAt;
        return Math.min(at, endAt);
      },
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
      const info = [
        `profile=${p.name}`,
        `branch=${b.name}`,
        `commit=${build.hash}`,
        `build=${build.id}`,
        `workflow=${build.workflowName}`,
        `configuration=${build.configurationName}`,
      ];
      zip = makeZip([
        { name: `${p.name.replace(/\W+/g, '-')}.${ext}`, data: app },
        { name: 'build-info.txt', data: Buffer.from(info.map((l) => `${l}\n`).join('')) },
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

function parseHms(d: string | undefined): number | undefined {
  const m = /^(\d+):(\d{2}):(\d{2})$/.exec(d ?? '');
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : undefined;
}

function seededLog(build: SBuild, head: string[], os: number): BuildLog {
  const lines = seededLogLines({ os, buildId: build.id, steps: stepsFor(os) }, head, build, build.startDate, parseHms(build.duration));
  return { count: lines.length, line: (i) => lines[i] ?? '' };
}
