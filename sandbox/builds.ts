/**
 * The build part of the sandbox (appcircle-api.md §4, §6-7): seeded profiles, branches, commits and builds per
 * organization, and a living queue. Build progress is computed lazily from a virtual clock that tests freeze
 * and advance (`speed: 0` + `advance(ms)`) and the demo runs in real time, so no timers run in the server.
 */
import { createHash } from 'node:crypto';
import type { Ctx, Router } from './http';
import { sendError, sendJson, sendText } from './http';
import { EU_ORG_ID, QA_ORG_ID, ROOT_ORG_ID, USER } from './fixtures';
import { makeZip } from './zip';
import { VirtualClock } from './clock';

export const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

export interface BuildWorldOptions {
  /** Virtual-clock speed: 1 = real time (default), 0 = frozen until advance(). */
  speed?: number;
  /** Phase lengths of a started build in virtual ms. */
  timings?: { waitMs?: number; runMs?: number; completeMs?: number };
  /** Benchmarks: many profiles and a branch with many builds in the root organization. */
  largeSeed?: { profiles?: number; buildsOnBranch?: number };
  /** Log lines written by a started build over its run. */
  logLines?: number;
}

interface SBuild {
  id: string;
  commitId: string;
  hash: string;
  status: number;
  hasWarning: boolean;
  startDate: string;
  endDate?: string;
  duration?: string;
  isDistributable: boolean;
  workflowName: string;
  configurationName: string;
  branchId: string;
  profileId: string;
  /** For seeded builds: the whole log; for live builds, computed. */
  log?: string[];
  live?: LiveBuild;
}

interface LiveBuild {
  queueId: string;
  taskId: string;
  startedAt: number;
  outcome: { status: number; hasWarning: boolean };
  canceledAt?: number;
  userEmail: string;
}

interface SCommit {
  id: string;
  hash: string;
  commitDate: string;
  author: string;
  message: string;
  branchId: string;
}

interface SBranch {
  id: string;
  name: string;
  commits: SCommit[];
  builds: SBuild[];
}

interface SProfile {
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

/** Stable GUIDs from names, so ids survive restarts (tree expansion, e2e). */
export function guid(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function hash40(seed: string): string {
  return createHash('sha1').update(`commit:${seed}`).digest('hex');
}

function hms(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}`;
}

const MESSAGES = [
  'Fix login crash on iOS 18',
  'Add dark mode to settings screen',
  'Bump Gradle plugin to 8.7',
  'Refactor payment flow\n\nSplit the checkout view model.',
  'Update fastlane match certificates',
  'Improve cold start time by 200 ms',
  'Localize onboarding (de, fr, tr)',
  'Fix flaky UI test on Pixel 8',
];
const AUTHORS = ['Dev User', 'Ayşe Demir', 'Jonas Berg', 'Priya Nair'];
const STATUSES: [number, boolean][] = [
  [0, false],
  [1, false],
  [0, true],
  [2, false],
  [0, false],
  [3, false],
  [0, false],
  [1, false],
];

export class BuildWorld {
  readonly profiles: SProfile[] = [];
  /** Outcomes queued for the next started builds; then `defaultOutcome`. */
  private pendingOutcomes: { status: number; hasWarning: boolean }[] = [];
  private defaultOutcome = { status: 0, hasWarning: false };
  readonly timings: { waitMs: number; runMs: number; completeMs: number };
  readonly logLines: number;
  /** Tests: make the next computed live logs this many lines long (a 20 MB log). */
  logLinesOverride: number | undefined;
  private readonly seedTime = Date.now();

  constructor(private readonly opts: BuildWorldOptions, readonly clock: VirtualClock = new VirtualClock(opts.speed ?? 1)) {
    this.timings = { waitMs: opts.timings?.waitMs ?? 2_000, runMs: opts.timings?.runMs ?? 8_000, completeMs: opts.timings?.completeMs ?? 1_000 };
    this.logLines = opts.logLines ?? 40;
    this.seed();
    if (opts.largeSeed) {
      this.seedLarge(opts.largeSeed.profiles ?? 0, opts.largeSeed.buildsOnBranch ?? 0);
    }
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

  /** Back to the seed (started builds are gone); the clock is left alone. */
  reset(): void {
    this.profiles.length = 0;
    this.pendingOutcomes = [];
    this.defaultOutcome = { status: 0, hasWarning: false };
    this.logLinesOverride = undefined;
    this.seed();
    if (this.opts.largeSeed) {
      this.seedLarge(this.opts.largeSeed.profiles ?? 0, this.opts.largeSeed.buildsOnBranch ?? 0);
    }
  }

  dispose(): void {
    // no timers to clear: progress is computed on demand
  }

  // ---- seeding -----------------------------------------------------------------------------------

  private addProfile(orgId: string, name: string, os: number, repo: string, pinned: boolean, branchNames: string[], buildsPerBranch: number): SProfile {
    const id = guid(`profile:${orgId}:${name}`);
    const p: SProfile = {
      id,
      name,
      pinned,
      os,
      buildPlatformType: os === 1 ? 1 : 2,
      repositoryName: repo,
      orgId,
      branches: [],
      workflows: [
        { id: guid(`wf:${id}:default`), workflowName: 'Default Push Workflow', lastUsedTime: new Date(this.seedTime - 3600_000).toISOString() },
        { id: guid(`wf:${id}:release`), workflowName: 'Release Workflow', lastUsedTime: new Date(this.seedTime - 86400_000).toISOString() },
      ],
      configurations: [
        { item1: { id: guid(`cfg:${id}:default`), configurationName: 'Default Configuration', updateDate: '2025-08-01T00:00:00Z' }, item2: 0 },
        { item1: { id: guid(`cfg:${id}:staging`), configurationName: 'Staging', updateDate: '2025-08-01T00:00:00Z' }, item2: 0 },
      ],
    };
    branchNames.forEach((bn, bi) => p.branches.push(this.makeBranch(p, bn, bi === 0 ? buildsPerBranch : Math.max(0, buildsPerBranch - 2 * bi), bi)));
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
        author: AUTHORS[(i + salt) % AUTHORS.length],
        message: MESSAGES[(i + salt) % MESSAGES.length],
        branchId: id,
      });
    }
    for (let i = 0; i < builds; i++) {
      const commit = b.commits[i % b.commits.length];
      const [status, hasWarning] = STATUSES[(i + salt) % STATUSES.length];
      const startAt = Date.parse(commit.commitDate) + 5 * 60_000 + i * 1000;
      const durMs = (6 + ((i * 7 + salt) % 9)) * 60_000 + ((i * 13) % 60) * 1000;
      b.builds.push({
        id: guid(`build:${id}:${i}`),
        commitId: commit.id,
        hash: commit.hash,
        status,
        hasWarning,
        startDate: new Date(startAt).toISOString(),
        endDate: new Date(startAt + durMs).toISOString(),
        duration: hms(durMs),
        isDistributable: status === 0,
        workflowName: 'Default Push Workflow',
        configurationName: 'Default Configuration',
        branchId: id,
        profileId: p.id,
      });
    }
    b.builds.sort((x, y) => Date.parse(y.startDate) - Date.parse(x.startDate));
    return b;
  }

  private seed(): void {
    this.addProfile(ROOT_ORG_ID, 'Acme iOS', 1, 'acme/ios-app', true, ['main', 'develop', 'release/1.2', 'feature/login'], 12);
    this.addProfile(ROOT_ORG_ID, 'Acme Android', 2, 'acme/android-app', false, ['main', 'develop', 'feature/dark-mode'], 8);
    this.addProfile(ROOT_ORG_ID, 'Appcircle VS Code Demo', 2, 'appcircle/appcircle-vscode', false, ['main', 'develop'], 6);
    this.addProfile(QA_ORG_ID, 'QA Regression iOS', 1, 'acme/ios-app', false, ['main', 'qa/nightly'], 5);
    this.addProfile(QA_ORG_ID, 'QA Android Smoke', 2, 'acme/android-app', true, ['main'], 4);
    // Acme Europe has no build profiles: the "no profiles" state
    void EU_ORG_ID;
  }

  private seedLarge(profiles: number, buildsOnBranch: number): void {
    for (let i = 0; i < profiles; i++) {
      this.addProfile(ROOT_ORG_ID, `Bulk Profile ${String(i).padStart(4, '0')}`, (i % 2) + 1, `bulk/app-${i}`, false, ['main'], 1);
    }
    if (buildsOnBranch > 0) {
      this.addProfile(ROOT_ORG_ID, 'Bulk History', 1, 'bulk/history', false, ['main'], buildsOnBranch);
    }
  }

  // ---- lookups -----------------------------------------------------------------------------------

  profilesOf(orgId: string): SProfile[] {
    return this.profiles.filter((p) => p.orgId === orgId);
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

  liveBuilds(orgId: string): { p: SProfile; b: SBranch; build: SBuild }[] {
    const out: { p: SProfile; b: SBranch; build: SBuild }[] = [];
    for (const p of this.profilesOf(orgId)) {
      for (const b of p.branches) {
        for (const build of b.builds) {
          if (build.live) {
            out.push({ p, b, build });
          }
        }
      }
    }
    return out;
  }

  findLive(id: string, orgId: string): { p: SProfile; b: SBranch; build: SBuild } | undefined {
    return this.liveBuilds(orgId).find((x) => x.build.live?.queueId === id || x.build.live?.taskId === id);
  }

  // ---- the living queue --------------------------------------------------------------------------

  /** Brings a live build up to date with the virtual clock. */
  refresh(build: SBuild): void {
    const live = build.live;
    if (!live) {
      return;
    }
    const t = this.now() - live.startedAt;
    const { waitMs, runMs, completeMs } = this.timings;
    if (live.canceledAt !== undefined) {
      build.status = 2;
      build.endDate ??= new Date(live.canceledAt).toISOString();
      build.duration = hms(live.canceledAt - live.startedAt);
      return;
    }
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
      build.endDate ??= new Date(end).toISOString();
      build.duration = hms(end - live.startedAt - waitMs);
    }
  }

  isActive(build: SBuild): boolean {
    this.refresh(build);
    return build.status >= 90;
  }

  /** Log lines written so far by a live build, or the seeded log of a finished one. */
  logOf(build: SBuild, p: SProfile, b: SBranch): string[] {
    if (!build.live) {
      return build.log ?? seededLog(build, p, b);
    }
    this.refresh(build);
    const t = this.now() - build.live.startedAt - this.timings.waitMs;
    if (t < 0) {
      return [];
    }
    const all = liveLog(build, p, b, this.logLinesOverride ?? this.logLines);
    if (build.status >= 90 && build.status !== 92) {
      const n = Math.max(1, Math.min(all.length - 2, Math.floor((t / this.timings.runMs) * (all.length - 2))));
      return all.slice(0, n);
    }
    if (build.status === 2) {
      const n = Math.max(1, Math.floor((((build.live.canceledAt ?? 0) - build.live.startedAt - this.timings.waitMs) / this.timings.runMs) * (all.length - 2)));
      return [...all.slice(0, Math.max(1, n)), `[${new Date(build.live.canceledAt ?? 0).toISOString()}] Build canceled by ${USER.email}.`];
    }
    return build.status === 92 ? all.slice(0, all.length - 1) : all;
  }

  start(p: SProfile, b: SBranch, c: SCommit, workflowId: string, configurationId: string, email: string): SBuild {
    const wf = p.workflows.find((w) => w.id === workflowId) ?? p.workflows[0];
    const cfg = p.configurations.find((x) => x.item1.id === configurationId) ?? p.configurations[0];
    const queueId = guid(`queue:${b.id}:${Date.now()}:${Math.random()}`);
    const outcome = this.pendingOutcomes.shift() ?? { ...this.defaultOutcome };
    const build: SBuild = {
      id: guid(`livebuild:${queueId}`),
      commitId: c.id,
      hash: c.hash,
      status: 90,
      hasWarning: false,
      startDate: new Date(this.now()).toISOString(),
      isDistributable: false,
      workflowName: wf?.workflowName ?? 'Default Push Workflow',
      configurationName: cfg?.item1.configurationName ?? 'Default Configuration',
      branchId: b.id,
      profileId: p.id,
      live: { queueId, taskId: queueId, startedAt: this.now(), outcome, userEmail: email },
    };
    b.builds.unshift(build); // newest first, listed at once (§7.7)
    return build;
  }
}

function seededLog(build: SBuild, p: SProfile, b: SBranch): string[] {
  const lines = [`Appcircle build ${build.id}`, `Profile: ${p.name} · Branch: ${b.name} · Commit: ${build.hash.slice(0, 7)}`, `Workflow: ${build.workflowName} · Configuration: ${build.configurationName}`];
  const steps = ['Activate SSH Private Key', 'Git Clone', p.os === 1 ? 'Xcodebuild for Devices' : 'Android Build', 'Test Reports', 'Export Build Artifacts'];
  steps.forEach((s, i) => lines.push(`[${build.startDate}] ▶ Step ${i + 1}/${steps.length}: ${s}`, `    ${s} finished.`));
  lines.push(build.status === 0 ? (build.hasWarning ? 'Build succeeded with warnings.' : 'Build succeeded.') : build.status === 1 ? 'error: Build failed: xcodebuild exited with code 65.' : build.status === 2 ? 'Build canceled.' : 'Build timed out.');
  return lines;
}

function liveLog(build: SBuild, p: SProfile, b: SBranch, n: number): string[] {
  const head = [`Appcircle build ${build.id}`, `Profile: ${p.name} · Branch: ${b.name} · Commit: ${build.hash.slice(0, 7)}`];
  const body: string[] = [];
  for (let i = 0; i < n; i++) {
    body.push(`[step ${Math.floor(i / 8) + 1}] ${p.os === 1 ? 'xcodebuild' : 'gradle'}: compiling module ${i + 1} of ${n}`);
  }
  const outcome = build.live?.outcome;
  const tail = outcome?.status === 0 ? (outcome.hasWarning ? 'Build succeeded with warnings.' : 'Build succeeded.') : outcome?.status === 1 ? 'error: Build failed: a test failed.' : 'Build timed out.';
  return [...head, ...body, 'Exporting build artifacts…', tail];
}

export function registerBuildRoutes(router: Router, world: BuildWorld): void {
  const org = (ctx: Ctx) => ctx.auth?.orgId ?? '';
  const buildJson = (x: SBuild) => {
    world.refresh(x);
    const { live: _l, log: _g, ...rest } = x;
    return rest;
  };

  router.add('GET', '/build/v2/profiles', (ctx) => {
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
        lastBuildDate: p.branches.flatMap((b) => b.builds.map((x) => x.startDate)).sort().pop() ?? null,
        autoDistributeCount: 0,
        autoBuildCount: 1,
      })),
    );
  });
  const profileDetail = (ctx: Ctx) => {
    const p = world.profilesOf(org(ctx)).find((x) => x.id === ctx.params.id);
    if (!p) {
      sendError(ctx.res, 404, 'Build profile not found.');
      return;
    }
    sendJson(ctx.res, 200, {
      id: p.id,
      name: p.name,
      os: p.os,
      repositoryName: p.repositoryName,
      branches: p.branches.map((b) => {
        const last = b.builds[0];
        if (last) {
          world.refresh(last);
        }
        return last ? { id: b.id, name: b.name, lastBuildDate: last.startDate, buildStatus: last.status } : { id: b.id, name: b.name };
      }),
    });
  };
  router.add('GET', '/build/v1/profiles/:id', profileDetail);
  router.add('GET', '/build/v2/profiles/:id', profileDetail);
  router.add('GET', '/build/v2/profiles/:id/workflows', (ctx) => {
    const p = world.profilesOf(org(ctx)).find((x) => x.id === ctx.params.id);
    return p ? sendJson(ctx.res, 200, p.workflows) : sendError(ctx.res, 404, 'Build profile not found.');
  });
  router.add('GET', '/build/v2/profiles/:id/configurations', (ctx) => {
    const p = world.profilesOf(org(ctx)).find((x) => x.id === ctx.params.id);
    return p ? sendJson(ctx.res, 200, p.configurations) : sendError(ctx.res, 404, 'Build profile not found.');
  });
  router.add('GET', '/build/v2/commits', (ctx) => {
    const found = world.findBranch(ctx.query.get('branchId') ?? '', org(ctx));
    return found ? sendJson(ctx.res, 200, found.b.commits) : sendError(ctx.res, 404, 'Branch not found.');
  });
  router.add('GET', '/build/v2/commits/:id', (ctx) => {
    const found = world.findCommit(ctx.params.id ?? '', org(ctx));
    if (!found) {
      sendError(ctx.res, 404, 'Commit not found.');
      return;
    }
    sendJson(ctx.res, 200, { ...found.c, builds: found.b.builds.filter((x) => x.commitId === found.c.id).map(buildJson) });
  });
  router.add('POST', '/build/v2/commits/:id', (ctx) => {
    if (ctx.query.get('action') !== 'build') {
      sendError(ctx.res, 400, 'Unknown action.');
      return;
    }
    const found = world.findCommit(ctx.params.id ?? '', org(ctx));
    if (!found) {
      sendError(ctx.res, 404, 'Commit not found.');
      return;
    }
    const email = ctx.auth?.email ?? 'api-key';
    const build = world.start(found.p, found.b, found.c, ctx.query.get('workflowId') ?? '', ctx.query.get('configurationId') ?? '', email);
    sendJson(ctx.res, 200, { taskId: build.live?.taskId, queueItemId: build.live?.queueId });
  });
  router.add('GET', '/build/v1/queue/my-dashboard', (ctx) => {
    const rows = world
      .liveBuilds(org(ctx))
      .filter((x) => world.isActive(x.build))
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
    sendJson(ctx.res, 200, { data: rows, totalCount: rows.length, page: Number(ctx.query.get('page') ?? 1), size: Number(ctx.query.get('size') ?? 1000) });
  });
  router.add('GET', '/build/v1/queue/logs/:id', (ctx) => {
    const found = world.findLive(ctx.params.id ?? '', org(ctx));
    if (!found) {
      sendError(ctx.res, 404, 'Queue item not found.');
      return;
    }
    const lines = world.logOf(found.build, found.p, found.b);
    sendText(ctx.res, 200, lines.length ? lines.join('\n') + '\n' : 'No Logs Available');
  });
  router.add('GET', '/build/v1/queue/:id', (ctx) => {
    const found = world.findLive(ctx.params.id ?? '', org(ctx));
    if (!found) {
      sendError(ctx.res, 404, 'Queue item not found.');
      return;
    }
    const { p, b, build } = found;
    const live = build.live as LiveBuild;
    if (ctx.query.get('action') === 'cancel') {
      world.refresh(build);
      if (build.status < 90) {
        sendError(ctx.res, 400, 'The build has already finished.');
        return;
      }
      live.canceledAt = world.now();
      world.refresh(build);
      sendJson(ctx.res, 200, { id: live.queueId, taskId: live.taskId, cancelling: true });
      return;
    }
    world.refresh(build);
    sendJson(ctx.res, 200, {
      id: live.queueId,
      taskId: live.taskId,
      agentId: guid('agent'),
      organizationId: org(ctx),
      userId: ctx.auth?.sub,
      profileId: p.id,
      branchId: b.id,
      commitId: build.commitId,
      buildId: build.status === 90 ? ZERO_GUID : build.id,
      purpose: 1,
      triggerReason: 0,
      cancelling: live.canceledAt !== undefined,
      queueItemStatus: build.status === 90 ? 0 : 1,
      xcodeVersion: '',
      buildStatus: build.status,
      hasWarning: build.hasWarning,
    });
  });
  router.add('GET', '/build/v1/builds', (ctx) => {
    const found = world.findBranch(ctx.query.get('branchId') ?? '', org(ctx));
    if (!found || found.p.id !== ctx.query.get('profileId')) {
      sendError(ctx.res, 404, 'Branch not found.');
      return;
    }
    sendJson(ctx.res, 200, found.b.builds.map(buildJson));
  });
  const findBuild = (ctx: Ctx) => {
    const found = world.findCommit(ctx.params.commitId ?? '', org(ctx));
    const build = found?.b.builds.find((x) => x.id === ctx.params.buildId);
    return found && build ? { ...found, build } : undefined;
  };
  const logRoute = (ctx: Ctx) => {
    const f = findBuild(ctx);
    if (!f) {
      sendError(ctx.res, 404, 'Build not found.');
      return;
    }
    const lines = world.logOf(f.build, f.p, f.b);
    if (!lines.length) {
      sendError(ctx.res, 404, 'No Logs Available');
      return;
    }
    sendText(ctx.res, 200, lines.join('\n') + '\n');
  };
  router.add('GET', '/build/v1/commits/:commitId/builds/:buildId/logs', logRoute);
  router.add('GET', '/build/v2/commits/:commitId/builds/:buildId/logs', logRoute);
  const artifactRoute = (ctx: Ctx) => {
    const f = findBuild(ctx);
    if (!f) {
      sendError(ctx.res, 404, 'Build not found.');
      return;
    }
    world.refresh(f.build);
    if (f.build.status !== 0) {
      sendError(ctx.res, 404, 'No artifacts for this build.');
      return;
    }
    const ext = f.p.os === 1 ? 'ipa' : 'apk';
    const zip = makeZip([
      { name: `${f.p.name.replace(/\W+/g, '-')}.${ext}`, data: Buffer.from(`sandbox ${ext} of build ${f.build.id}\n`.repeat(200)) },
      { name: 'build-info.txt', data: Buffer.from(`profile=${f.p.name}\nbranch=${f.b.name}\ncommit=${f.build.hash}\nbuild=${f.build.id}\n`) },
    ]);
    ctx.res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': zip.length, 'Content-Disposition': `attachment; filename="artifacts.zip"` });
    ctx.res.end(zip);
  };
  router.add('GET', '/build/v1/commits/:commitId/builds/:buildId', artifactRoute);
  router.add('GET', '/build/v2/commits/:commitId/builds/:buildId', artifactRoute);
  router.add('GET', '/build/v2/commits/:commitId/builds/:buildId/status', (ctx) => {
    const f = findBuild(ctx);
    if (!f) {
      sendError(ctx.res, 404, 'Build not found.');
      return;
    }
    world.refresh(f.build);
    sendJson(ctx.res, 200, { status: f.build.status, hasWarning: f.build.hasWarning });
  });
  router.add('GET', '/task/v1/tasks/:id', (ctx) => sendJson(ctx.res, 200, { stateValue: 3, stateName: 'Completed' }));
  router.add('GET', '/build/v1/variable-groups', (ctx) => sendJson(ctx.res, 200, []));
}
