/**
 * `npm run test:faults`: the fault matrix (every fault switch against every surface) run against the sandbox over loopback.
 * One cell = one fault injected during one operation, on a fresh session; every cell asserts
 *  - the outcome: a typed error of the expected kind (or a success where the fault is harmless), and a message
 *    for the user that says what to do;
 *  - no secret anywhere: log lines, error text, util.inspect() of the error, the user message, the sandbox's
 *    request log, what reached another origin;
 *  - the session changes only where the cell expects it, and the stored value matches the state in memory;
 *  - nothing left running: no held request, no `.part` file, the poll loop stopped after dispose;
 *  - no unhandled promise rejection.
 * The log columns read through a LogFollower over builds.readLog, as the log document does: LG the first read and a
 * Range read of a growing log (which passes the spill threshold), LF a fault on the Range read only.
 * After the grid, the local cells (localGroups.ts: no request) run and print in the same table and totals.
 * No host name reaches the system resolver (dnsStub.ts), and the run fails if a temporary folder it made is left.
 * Prints the grid (✔ pass, ✖ fail, · cannot apply), the failures, `faults: N cells, …` and `N passed, N failed`,
 * and writes test-results/faults.json. `--grep TEXT` runs the matching cells, `--outcomes` prints every outcome,
 * `--progress` names each network cell as it starts (on stderr).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import '../unit/fakes/installVscodeFake';
import { MALFORMED_JSON } from '../../sandbox/faults';
import { DEMO_API_KEY, DEMO_PAK_V3_ONLY, DEMO_PAT, EU_ORG_ID, QA_API_KEY, QA_ORG_ID, ROOT_ORG_ID } from '../../sandbox/fixtures';
import type { FaultSpec, Sandbox } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import { forgetPatRoutes } from '../../src/api/authApi';
import { ApiError } from '../../src/api/http/errors';
import { createApiFactory } from '../../src/core/apiFactory';
import { BuildService } from '../../src/core/builds/buildService';
import { CredentialStore } from '../../src/core/session/credentialStore';
import { LogFollower } from '../../src/core/logs/logFollower';
import type { LogUpdate } from '../../src/core/logs/logFollower';
import {
  AlreadySignedInError,
  NotSignedInError,
  AuthOriginChangedError,
  OrganizationAccessLostError,
  OrganizationUnreachableError,
  SecretStorageError,
  SessionChangedError,
  SessionExpiredError,
  StartBuildUncertainError,
  UnreadableSessionError,
} from '../../src/core/errors';
import { OrganizationService } from '../../src/core/session/organizationService';
import { MAX_TIMER_MS } from '../../src/core/builds/pollingScheduler';
import type { Clock, Endpoints } from '../../src/core/ports';
import { systemClock } from '../../src/core/ports';
import { SessionService } from '../../src/core/session/sessionService';
import { Settings } from '../../src/platform/settings';
import { downloadTo } from '../../src/ui/builds/artifacts';
import { describeError } from '../../src/ui/errors/errorMessages';
import type { Operation } from '../../src/ui/errors/errorMessages';
import { NoArtifactsError, NotAZipError } from '../../src/ui/errors/buildErrors';
import { RecordingLogger } from '../unit/core/helpers';
import { InMemorySecretStore } from '../unit/fakes/inMemorySecretStore';
import { fake } from '../unit/fakes/vscodeFake';
import { installDnsStub } from './dnsStub';
import { LOCAL_GROUPS } from './localGroups';
import type { LocalCell } from './localCells';

// ---- the session under test ------------------------------------------------------------------------

/** Short limits so stalls and trickles end in about a second. */
const TIMEOUT_MS = 400;
const LIMITS = { deadlineMs: 1200, streamDeadlineMs: 1500, maxJsonBytes: 1024 * 1024, maxTextBytes: 2 * 1024 * 1024 };
const SECRET_TIMEOUT_MS = 300;
const QA = { id: QA_ORG_ID, name: 'Acme QA', isRoot: false, rootOrganizationId: ROOT_ORG_ID };
const EU = { id: EU_ORG_ID, name: 'Acme Europe', isRoot: false, rootOrganizationId: ROOT_ORG_ID };

interface World {
  sb: Sandbox;
  catcher: Catcher;
  closedPort: number;
}

interface Ctx {
  w: World;
  urls: Endpoints;
  secrets: InMemorySecretStore;
  store: CredentialStore;
  session: SessionService;
  orgs: OrganizationService;
  builds: BuildService;
  logger: RecordingLogger;
  /** Every delay the poll loop armed. */
  armed: number[];
  dir: string;
  /** The PAT the cell signs in with (the v3-only key in the v3 rows). */
  pat: string;
  /** A running build whose log grows (LG, LF), and the follower reading it. */
  live?: LiveLog;
  follower?: LogFollower;
  pollIntervalMs: () => number;
  /** Build targets read before the fault. */
  target?: {
    profileId: string;
    branchId: string;
    commitId: string;
    buildId: string;
    workflowId: string;
    configurationId: string;
    queueId?: string;
  };
  profilesBefore?: string[];
  errors: unknown[];
  disposed: boolean;
  dispose(): void;
}

interface LiveLog {
  source: { commitId: string; buildId: string };
  queueId: string;
  /** The log as the server had it when the first read was due, and its size in bytes. */
  first: string;
  firstBytes: number;
  /** The follower's spill threshold: one byte above the first read, so the growth sends it to its file. */
  threshold: number;
}

/** Every temporary folder this run made (cell folders, spill folders): none may be left at the end. */
const madeDirs = new Set<string>();

function makeCtx(w: World, opts: { clock?: Clock; secrets?: InMemorySecretStore } = {}): Ctx {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ac-faults-'));
  madeDirs.add(dir);
  const urls: Endpoints = { apiUrl: w.sb.apiUrl, authUrl: w.sb.authUrl, dashboardUrl: 'http://127.0.0.1/dash', allowInsecureHttp: false };
  const logger = new RecordingLogger();
  const secrets = opts.secrets ?? new InMemorySecretStore();
  const store = new CredentialStore(secrets, 'file:///faults/ws', 'ws', SECRET_TIMEOUT_MS);
  const api = createApiFactory(() => urls, logger, TIMEOUT_MS, LIMITS);
  const clock = opts.clock ?? systemClock;
  const session = new SessionService(store, api, clock, logger);
  const orgs = new OrganizationService(session);
  const armed: number[] = [];
  const spy: Clock = {
    now: () => clock.now(),
    setTimeout: (fn, ms) => (armed.push(ms), clock.setTimeout(fn, ms)),
    clearTimeout: (h) => clock.clearTimeout(h),
  };
  const ctx: Ctx = {
    w,
    urls,
    secrets,
    store,
    session,
    orgs,
    builds: undefined as unknown as BuildService,
    logger,
    armed,
    dir,
    pat: DEMO_PAT,
    pollIntervalMs: () => 2_000,
    errors: [],
    disposed: false,
    dispose: () => {
      if (ctx.disposed) {
        return;
      }
      ctx.disposed = true;
      ctx.builds.dispose();
      orgs.dispose();
      session.dispose();
      store.dispose();
    },
  };
  ctx.builds = new BuildService({
    session,
    clock: spy,
    logger,
    pollIntervalMs: () => ctx.pollIntervalMs(),
    gitRemotes: () => Promise.resolve([]),
  });
  return ctx;
}

// ---- helpers -----------------------------------------------------------------------------------------

/** `c` becomes `fresh` (a new window, a skewed clock); disposing `c` disposes `fresh`. */
function adopt(c: Ctx, fresh: Ctx): void {
  Object.assign(c, fresh, {
    disposed: false,
    dispose: () => {
      fresh.dispose();
      c.disposed = true;
    },
  });
}

interface Catcher {
  url: string;
  hits: { method: string; path: string; auth?: string; body: string }[];
  close(): Promise<void>;
}

async function startCatcher(): Promise<Catcher> {
  const hits: Catcher['hits'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({
        method: req.method ?? '',
        path: req.url ?? '',
        auth: req.headers.authorization,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"data":[]}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Resolves when cond() holds; a bounded wait on state, not a fixed sleep. */
async function until(cond: () => boolean, ms = 5000, what = 'a condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

async function outcomeOf(p: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

const isApi = (e: unknown, ...kinds: string[]): e is ApiError => e instanceof ApiError && (kinds.length === 0 || kinds.includes(e.kind));
const NETWORK_KINDS = ['network', 'timeout', 'connectionRefused', 'dns', 'tls'];

function describeOutcome(o: Outcome): string {
  if (o.ok) {
    const v = o.value;
    return isLog(v)
      ? `success (log ${v.updates.join(',')}, ${v.bytes} B${v.spilled ? ', spilled' : ''}${v.content === v.server ? ', whole' : ''})`
      : 'success';
  }
  const e = o.error;
  if (e instanceof ApiError) {
    return `ApiError ${e.kind}${e.status ? ` ${e.status}` : ''}${e.htmlBody ? ' html' : ''}${e.afterRenewal ? ' afterRenewal' : ''}`;
  }
  return e instanceof Error ? e.name : String(e);
}

// ---- operations (columns) ----------------------------------------------------------------------------

type OpCode = 'SI' | 'MT' | 'SW' | 'SO' | 'RS' | 'TR' | 'PQ' | 'SB' | 'CB' | 'LG' | 'LF' | 'AR' | 'XW';

interface OpDef {
  code: OpCode;
  /** The request a network fault targets (pathIncludes); none: the operation makes no request. */
  route?: string;
  /** The request is a POST on the auth host (a credential in the body). */
  tokenRoute?: boolean;
  /** The request is a POST. */
  post?: boolean;
  /** The operation's message context. */
  op: Operation;
  /** Sign in and read what the operation needs, before any fault is set. */
  prepare(c: Ctx): Promise<void>;
  run(c: Ctx): Promise<unknown>;
}

/** Signs in and lets the poll the sign-in starts land, then stops the loop: faults then meet only the cell's own requests. */
async function signIn(c: Ctx): Promise<void> {
  const first = nextTick(c).catch(() => undefined);
  await c.session.signIn({ kind: 'pat', pat: c.pat });
  await first;
  c.builds.scheduler.stop();
}

/** Disposes a context of its own (another window) and removes its folder. */
function disposeOther(o: Ctx): void {
  o.dispose();
  fs.rmSync(o.dir, { recursive: true, force: true });
}

/** The harness's own "nothing happened": no poll tick landed (after a sign-out, nothing polls). */
class NoTickError extends Error {
  constructor() {
    super('no poll tick landed within 3 s');
    this.name = 'NoTickError';
  }
}

/** The next poll tick's end: onDidPoll, or what onDidFail reported; a tick that never lands (dropped) fails after 3 s. */
function nextTick(c: Ctx): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      subs.forEach((s) => s.dispose());
    };
    const timer = setTimeout(() => {
      done();
      reject(new NoTickError());
    }, 3000);
    const subs = [
      c.builds.onDidPoll((t) => {
        done();
        resolve(t);
      }),
      c.builds.scheduler.onDidFail((e) => {
        done();
        reject(e instanceof Error ? e : new Error(String(e)));
      }),
    ];
  });
}

/** A finished build with artifacts, its commit, and the profile's workflow and configuration. */
async function readTarget(c: Ctx): Promise<void> {
  const profiles = (await c.builds.profiles()).value;
  c.profilesBefore = profiles.map((p) => p.id);
  const ios = profiles.find((p) => p.name === 'Acme iOS') ?? profiles[0];
  if (!ios) {
    throw new Error('no profile in the seed');
  }
  const branch = (await c.builds.branches(ios.id)).value.find((b) => b.name === 'main');
  if (!branch) {
    throw new Error('no main branch');
  }
  const builds = (await c.builds.builds(ios.id, branch.id)).items;
  const ok = builds.find((b) => b.status === 0 && !b.hasWarning) ?? builds[0];
  if (!ok) {
    throw new Error('no build');
  }
  const [wf, conf] = await Promise.all([c.builds.workflows(ios.id), c.builds.configurations(ios.id)]);
  c.target = {
    profileId: ios.id,
    branchId: branch.id,
    commitId: ok.commitId,
    buildId: ok.id,
    workflowId: wf[0]?.id ?? '',
    configurationId: conf[0]?.id ?? '',
  };
}

/** One poll tick, asked for now. */
function pollOnce(c: Ctx): Promise<unknown> {
  const p = nextTick(c);
  c.builds.refresh({ kind: 'queue' });
  return p;
}

// ---- the log column: a LogFollower over builds.readLog, as the log document uses it ---------------------

/** Virtual ms the build runs between the follower's reads (its log grows by about a third of its lines). */
const GROW_MS = 20_000;

/** The running build's log as the server has it now (the bytes a whole read answers). */
function serverLog(c: Ctx): string {
  const ref = c.w.sb.world.findLive(c.live?.queueId ?? '', ROOT_ORG_ID);
  if (!ref) {
    throw new Error('the running build is gone');
  }
  const log = c.w.sb.world.log(ref);
  const lines: string[] = [];
  for (let i = 0; i < log.count; i++) {
    lines.push(log.line(i));
  }
  return log.count ? lines.join('\n') + '\n' : '';
}

/** Starts a build that runs for a minute with 300 log lines, and lets it write about a third of them. */
async function startGrowingLog(c: Ctx): Promise<void> {
  const t = c.target;
  if (!t) {
    throw new Error('no target');
  }
  c.w.sb.setBuildTimings({ waitMs: 0, runMs: 60_000, logLines: 300 });
  const tick = nextTick(c).catch(() => undefined);
  const s = await c.builds.startBuild({
    profileId: t.profileId,
    branchId: t.branchId,
    commitId: t.commitId,
    workflowId: t.workflowId,
    configurationId: t.configurationId,
  });
  await tick;
  c.builds.scheduler.stop();
  c.w.sb.world.advance(GROW_MS);
  const q = await c.builds.queueItem(s.queueItemId);
  if (!q.commitId || !q.buildId || q.status !== 91) {
    throw new Error(`the build is not running (status ${q.status})`);
  }
  c.live = { source: { commitId: q.commitId, buildId: q.buildId }, queueId: s.queueItemId, first: '', firstBytes: 0, threshold: 0 };
  c.live.first = serverLog(c);
  c.live.firstBytes = Buffer.byteLength(c.live.first);
  c.live.threshold = c.live.firstBytes + 1;
}

/** What the follower ended with. */
interface LogSummary {
  kind: 'log';
  updates: LogUpdate[];
  bytes: number;
  spilled: boolean;
  /** The followed text: the file's once spilled. */
  content: string;
  /** The server's log at the end. */
  server: string;
  wholeLogReads: number;
}

function newFollower(c: Ctx): LogFollower {
  const live = c.live;
  if (!live) {
    throw new Error('no running build');
  }
  c.follower = new LogFollower((s, from, signal) => c.builds.readLog(s, from, signal), live.source, {
    spillAboveBytes: live.threshold,
    fileName: 'faults.log',
  });
  return c.follower;
}

async function summarize(c: Ctx, f: LogFollower, updates: LogUpdate[]): Promise<LogSummary> {
  const file = f.spilledTo;
  if (file) {
    madeDirs.add(path.dirname(file));
    await f.closeFile();
  }
  return {
    kind: 'log',
    updates,
    bytes: f.byteLength,
    spilled: file !== undefined,
    content: file ? fs.readFileSync(file, 'utf8') : f.text,
    server: serverLog(c),
    wholeLogReads: f.wholeLogReads,
  };
}

/** LG: the first read, the build runs on, one Range read (which passes the spill threshold). */
async function followLog(c: Ctx): Promise<LogSummary> {
  const f = newFollower(c);
  const first = await f.update();
  c.w.sb.world.advance(GROW_MS);
  const second = await f.update();
  return summarize(c, f, [first, second]);
}

const isLog = (v: unknown): v is LogSummary => typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'log';

/** The follower holds exactly the server's log, in its file, after reads that each appended. */
function wholeLog(o: Outcome, expectUpdates: LogUpdate[]): boolean {
  return (
    o.ok &&
    isLog(o.value) &&
    o.value.spilled &&
    o.value.content === o.value.server &&
    JSON.stringify(o.value.updates) === JSON.stringify(expectUpdates)
  );
}

const logOps = (op: OpDef) => op.code === 'LG' || op.code === 'LF';

const OPS: OpDef[] = [
  {
    code: 'SI',
    route: '/auth/v1/token',
    tokenRoute: true,
    post: true,
    op: 'signInPat',
    prepare: () => Promise.resolve(),
    run: (c) => signIn(c),
  },
  {
    code: 'MT',
    route: '/auth/v1/token',
    tokenRoute: true,
    post: true,
    op: 'load',
    prepare: signIn,
    run: (c) => c.session.getAccessToken({ forceRefresh: true }),
  },
  {
    code: 'SW',
    route: '/auth/v2/token',
    tokenRoute: true,
    post: true,
    op: 'switch',
    prepare: signIn,
    run: (c) => c.session.switchOrganization(QA),
  },
  { code: 'SO', op: 'signOut', prepare: signIn, run: (c) => c.session.signOut() },
  {
    code: 'RS',
    op: 'load',
    prepare: async (c) => {
      await signIn(c);
      // a fresh window: same secret storage, nothing in memory
      const raw = c.secrets.backing.data.get(c.store.key);
      c.dispose();
      fs.rmSync(c.dir, { recursive: true, force: true });
      const fresh = makeCtx(c.w, { secrets: new InMemorySecretStore() });
      if (raw) {
        fresh.secrets.backing.data.set(fresh.store.key, raw);
      }
      adopt(c, fresh);
    },
    run: (c) => c.session.restore(),
  },
  {
    code: 'TR',
    route: '/build/v2/profiles',
    op: 'load',
    prepare: async (c) => {
      await signIn(c);
      await readTarget(c);
      c.builds.refresh({ kind: 'profiles' });
    },
    run: async (c) => {
      const r = await c.builds.profiles();
      if (r.error) {
        // a failed refresh keeps the last good tree
        if (c.profilesBefore && JSON.stringify(r.value.map((p) => p.id)) !== JSON.stringify(c.profilesBefore)) {
          throw new Error('the last good profiles were not kept');
        }
        throw r.error instanceof Error ? r.error : new Error('the refresh failed');
      }
      return r.value;
    },
  },
  { code: 'PQ', route: 'my-dashboard', op: 'load', prepare: signIn, run: (c) => pollOnce(c) },
  {
    code: 'SB',
    route: '/build/v2/commits/',
    post: true,
    op: 'startBuild',
    prepare: async (c) => {
      await signIn(c);
      await readTarget(c);
    },
    run: (c) => {
      const t = c.target;
      if (!t) {
        throw new Error('no target');
      }
      return c.builds.startBuild({
        profileId: t.profileId,
        branchId: t.branchId,
        commitId: t.commitId,
        workflowId: t.workflowId,
        configurationId: t.configurationId,
      });
    },
  },
  {
    code: 'CB',
    route: '/build/v1/queue/',
    op: 'cancelBuild',
    prepare: async (c) => {
      await signIn(c);
      await readTarget(c);
      const t = c.target;
      if (t) {
        const tick = nextTick(c).catch(() => undefined);
        t.queueId = (
          await c.builds.startBuild({
            profileId: t.profileId,
            branchId: t.branchId,
            commitId: t.commitId,
            workflowId: t.workflowId,
            configurationId: t.configurationId,
          })
        ).queueItemId;
        await tick;
        c.builds.scheduler.stop(); // the queue route is this cell's: no background poll on it
      }
    },
    run: (c) => c.builds.cancel(c.target?.queueId ?? 'none'),
  },
  {
    code: 'LG',
    route: '/logs',
    op: 'load',
    prepare: async (c) => {
      await signIn(c);
      await readTarget(c);
      await startGrowingLog(c);
    },
    run: (c) => followLog(c),
  },
  {
    // the follow: the first read went well, the fault meets the Range read of what the build wrote since
    code: 'LF',
    route: '/logs',
    op: 'load',
    prepare: async (c) => {
      await signIn(c);
      await readTarget(c);
      await startGrowingLog(c);
      const first = await newFollower(c).update();
      if (first !== 'appended' || c.follower?.text !== c.live?.first) {
        throw new Error(`the first read gave ${first}, not the log`);
      }
      c.w.sb.world.advance(GROW_MS);
    },
    run: async (c) => {
      const f = c.follower;
      if (!f) {
        throw new Error('no follower');
      }
      return summarize(c, f, [await f.update()]);
    },
  },
  {
    code: 'AR',
    route: '/build/v1/commits/',
    op: 'download',
    prepare: async (c) => {
      await signIn(c);
      await readTarget(c);
    },
    run: (c) => {
      const t = c.target;
      return downloadTo(
        c.builds,
        { commitId: t?.commitId ?? '', buildId: t?.buildId ?? '', profileName: 'Acme iOS', branchName: 'main' },
        c.dir,
        () => undefined,
        new AbortController().signal,
      );
    },
  },
  {
    code: 'XW',
    op: 'load',
    prepare: signIn,
    // another window of the same workspace signs out; this one follows
    run: async (c) => {
      const other = makeCtx(c.w, { secrets: c.secrets.sibling() });
      try {
        await other.session.restore();
        await other.session.signOut();
        await until(
          () => !c.session.isSignedIn || c.logger.lines.some((l) => l.includes('Could not read the session')),
          3000,
          'this window to follow',
        );
      } finally {
        disposeOther(other);
      }
    },
  },
];

// ---- faults (rows) -------------------------------------------------------------------------------------

interface Expect {
  /** The outcome is right. */
  outcome: (o: Outcome, op: OpDef, c: Ctx) => boolean;
  /** The session may end in this cell (asked for, or the credential refused). */
  sessionMayEnd?: boolean;
  /** The session must have ended (sign-out asked for). */
  sessionMustEnd?: boolean;
}

interface FaultDef {
  code: string;
  label: string;
  group: 'server and network' | 'storage and state' | 'concurrency';
  applies(op: OpDef): boolean;
  /** Sets the fault up after prepare(); returns the operation's run, possibly wrapped. */
  inject(c: Ctx, op: OpDef): Promise<() => Promise<unknown>>;
  expect(op: OpDef): Expect;
  /** The PAT the cell signs in with (default DEMO_PAT). */
  pat?: string;
  /** Extra checks after the run (what reached another origin, armed timers…); a failure text or undefined. */
  check?(c: Ctx, op: OpDef, o: Outcome): string | undefined;
}

const HUGE_BYTES = 4 * 1024 * 1024;
const networkOp = (op: OpDef) => op.route !== undefined;
const apiOp = (op: OpDef) => networkOp(op) && !op.tokenRoute;
const streamOp = (op: OpDef) => logOps(op) || op.code === 'AR';
const set = (c: Ctx, spec: FaultSpec) => c.w.sb.faults.set(spec);

/** What a failing request must surface as, per operation: start-build says "may have started" when the answer broke. */
function failedAs(
  kinds: string[],
  opts: { sbUncertain?: boolean; logOk?: (v: LogSummary, op: OpDef) => boolean; arNotZip?: boolean; okToo?: boolean } = {},
): Expect['outcome'] {
  return (o, op) => {
    if (o.ok) {
      if (logOps(op)) {
        return opts.logOk !== undefined && isLog(o.value) && opts.logOk(o.value, op);
      }
      return opts.okToo === true;
    }
    const e = o.error;
    if (opts.sbUncertain && op.code === 'SB') {
      return e instanceof StartBuildUncertainError;
    }
    if (opts.arNotZip && op.code === 'AR' && e instanceof NotAZipError) {
      return true;
    }
    if (op.code === 'SW' && (kinds.includes('unauthorized') || kinds.includes('forbidden')) && e instanceof OrganizationUnreachableError) {
      return true;
    }
    if (op.code === 'MT' && kinds.includes('forbidden') && e instanceof OrganizationAccessLostError) {
      return true;
    }
    return isApi(e, ...kinds);
  };
}

/** The outcome of an operation that must end within 4 s (a poll tick that never lands ends in NoTickError at 3 s). */
async function endOf(p: Promise<Outcome>, what: string, ms = 4000): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), ms)));
  const o = await Promise.race([p, hung]);
  clearTimeout(timer);
  if (o === 'hung') {
    throw new Error(`timed out waiting for ${what}`);
  }
  if (!o.ok) {
    throw o.error;
  }
  return o.value;
}

/** Hold the operation's request, do `during` while it is in flight, then release it. */
function whileHeld(during: (c: Ctx) => Promise<unknown>): FaultDef['inject'] {
  return (c, op) => {
    set(c, { pathIncludes: op.route, hold: true, times: 1 });
    return Promise.resolve(async () => {
      const p = outcomeOf(op.run(c));
      await c.w.sb.faults.whenHeld();
      await during(c);
      c.w.sb.faults.release();
      return endOf(p, 'the operation to end');
    });
  };
}

/** Faults on /auth/v3/token for a v3-only key; `kinds` undefined: no fault, the key works. */
const V3_FAULTS: { code: string; label: string; spec?: FaultSpec; kinds?: string[]; html?: boolean }[] = [
  { code: 'v3ok', label: 'v3-only key: no fault' },
  { code: 'v3-5xx', label: 'v3-only key: 5xx from v3', spec: { status: 503 }, kinds: ['server'] },
  { code: 'v3-html401', label: 'v3-only key: HTML 401 from v3', spec: { htmlPage: true, htmlStatus: 401 }, kinds: [], html: true },
  { code: 'v3-html403', label: 'v3-only key: HTML 403 from v3', spec: { htmlPage: true, htmlStatus: 403 }, kinds: [], html: true },
  { code: 'v3-reset', label: 'v3-only key: v3 connection reset', spec: { dropConnection: true }, kinds: NETWORK_KINDS },
  { code: 'v3-timeout', label: 'v3-only key: v3 beyond the timeout', spec: { latencyMs: 1500 }, kinds: ['timeout'] },
  { code: 'v3-badJson', label: 'v3-only key: malformed JSON from v3', spec: { malformedJson: true }, kinds: ['malformedResponse'] },
  { code: 'v3-html200', label: 'v3-only key: HTML 200 from v3 (portal)', spec: { htmlPage: true }, kinds: ['htmlResponse'] },
  { code: 'v3-429', label: 'v3-only key: 429 from v3', spec: { rateLimit: { retryAfterSec: 3 } }, kinds: ['rateLimited'] },
  { code: 'v3-cut', label: 'v3-only key: v3 body cut off', spec: { cutAfterBytes: 12 }, kinds: ['network'] },
  { code: 'v3-stall', label: 'v3-only key: v3 body stalled', spec: { stallAfterBytes: 12 }, kinds: ['timeout'] },
];

/** v3 was asked; after a renewal or a switch, the session and the stored key are still there (a switch succeeded or stayed). */
function v3Check(c: Ctx, op: OpDef, faulted: boolean): string | undefined {
  // a faulted v3 request used up its spec (a timed-out one is logged only once the sandbox gives up on it)
  const consumed = faulted && c.w.sb.faults.active.length === 0;
  if (!consumed && !c.w.sb.requests.some((r) => r.path === '/auth/v3/token')) {
    return 'v3 was never asked';
  }
  if (op.code === 'SI') {
    return undefined;
  }
  if (!c.session.isSignedIn || !(c.secrets.backing.data.get(c.store.key) ?? '').includes(DEMO_PAK_V3_ONLY)) {
    return 'the v3-only key was not kept';
  }
  return undefined;
}

/** Malicious ids (N12), each put in every id of the operation. */
const EVIL_IDS = [
  { code: 'evil..', label: 'a malicious id: ..', id: '..' },
  { code: 'evil.', label: 'a malicious id: .', id: '.' },
  { code: 'evil../', label: 'a malicious id: ../../../../identity/…', id: '../../../../identity/v1/organizations' },
  { code: 'evil10k', label: 'a malicious id: non-GUID, 10 KB', id: `..%2F..%2F${'x'.repeat(10 * 1024)}` },
];

/** The path an operation's request must start with, given the id as it should appear (percent-encoded). */
const EVIL_ROUTES: Partial<Record<OpCode, (id: string) => string>> = {
  TR: (id) => `/build/v1/profiles/${id}`,
  CB: (id) => `/build/v1/queue/${id}`,
  LG: (id) => `/build/v1/commits/${id}/builds/${id}/logs`,
  AR: (id) => `/build/v1/commits/${id}/builds/${id}`,
};

/**
 * An id as one path segment: percent-encoded, with `.` and `..` spelled `%2E` (which a URL parser still resolves
 * as a dot segment, so those two can only pass by being refused before any request).
 */
function strictEnc(id: string): string {
  return id === '.' || id === '..' ? id.replace(/\./g, '%2E') : encodeURIComponent(id);
}

/** The requests of a malicious-id cell (the tree's own background profile load, exactly that path, left out). */
function evilRequests(c: Ctx): { method: string; path: string }[] {
  return c.w.sb.requests.filter((r) => r.path !== '/build/v2/profiles');
}

const ok = (o: Outcome): boolean => o.ok;
const noTick = (o: Outcome): boolean => !o.ok && o.error instanceof NoTickError;
const changed = (o: Outcome): boolean => !o.ok && o.error instanceof SessionChangedError;

/**
 * The extension deactivated while the operation's request was held, then the answer came: the operation ends
 * with that answer (it was already sent), a poll loop that was disposed announces nothing.
 */
const DEACT_OUTCOME: Partial<Record<OpCode, (o: Outcome) => boolean>> = {
  SI: ok,
  MT: ok,
  SW: ok,
  TR: ok,
  PQ: noTick,
  SB: ok,
  CB: ok,
  LG: (o) => wholeLog(o, ['appended', 'appended']),
  LF: (o) => wholeLog(o, ['appended']),
  AR: ok,
};

/**
 * Sign-out while the operation's request was held, then the answer came: a sign-in or a switch is refused (no
 * session to write), a renewal hands back its token (no request can use it: every call checks the session's
 * generation), every API call's answer is dropped, and nothing polls any more.
 */
const OUT_DURING_OUTCOME: Partial<Record<OpCode, (o: Outcome) => boolean>> = {
  SI: (o) => !o.ok && o.error instanceof NotSignedInError,
  MT: (o) => o.ok && typeof o.value === 'string',
  SW: (o) => !o.ok && o.error instanceof NotSignedInError,
  TR: changed,
  PQ: noTick,
  SB: changed,
  CB: changed,
  LG: changed,
  LF: changed,
  AR: changed,
};

/**
 * The token routes refuse the credential itself (a JSON 401; for a v3-only key from both routes): only a renewal may
 * end the session (a switch stays, a sign-in never started one). A v3-only key must have been asked on v3.
 */
function keyRefused(code: string, label: string, pat: string): FaultDef {
  return {
    code,
    label,
    group: 'server and network',
    ...(pat === DEMO_PAT ? {} : { pat }),
    applies: (op) => op.tokenRoute === true,
    inject: (c, op) => {
      c.w.sb.revokeCredential(pat);
      return Promise.resolve(() => op.run(c));
    },
    expect: (op) => ({
      outcome: (o) =>
        !o.ok &&
        (op.code === 'MT'
          ? o.error instanceof SessionExpiredError
          : op.code === 'SW'
            ? o.error instanceof OrganizationUnreachableError
            : isApi(o.error, 'unauthorized')),
      sessionMayEnd: op.code === 'MT',
      sessionMustEnd: op.code === 'MT',
    }),
    ...(pat === DEMO_PAT
      ? {}
      : { check: (c: Ctx) => (c.w.sb.requests.some((r) => r.path === '/auth/v3/token') ? undefined : 'v3 was never asked') }),
  };
}

const FAULTS: FaultDef[] = [
  keyRefused('tok401', '401 JSON from the token route', DEMO_PAT),
  {
    code: 'api401',
    label: '401 on an API call that survives one re-mint',
    group: 'server and network',
    applies: apiOp,
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, unauthorizedAfter: 0 });
      return Promise.resolve(() => op.run(c));
    },
    expect: () => ({
      outcome: (o, op, c) =>
        (op.code === 'SB' ? !o.ok && isApi(o.error, 'unauthorized') : failedAs(['unauthorized'])(o, op, c)) &&
        (o.ok || !(o.error instanceof ApiError) || o.error.afterRenewal),
    }),
  },
  {
    code: 'json403',
    label: '403 JSON',
    group: 'server and network',
    applies: networkOp,
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, forbidden: true });
      return Promise.resolve(() => op.run(c));
    },
    expect: () => ({ outcome: failedAs(['forbidden']) }),
  },
  ...([401, 403] as const).map((status): FaultDef => ({
    code: `html${status}`,
    label: `${status} as an HTML page (proxy, WAF)`,
    group: 'server and network',
    applies: networkOp,
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, htmlPage: true, htmlStatus: status });
      return Promise.resolve(() => op.run(c));
    },
    expect: () => ({ outcome: (o) => !o.ok && o.error instanceof ApiError && o.error.htmlBody }),
  })),
  {
    code: 'r429',
    label: '429 with a sane Retry-After',
    group: 'server and network',
    applies: networkOp,
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, rateLimit: { retryAfterSec: 3 } });
      return Promise.resolve(() => op.run(c));
    },
    expect: () => ({ outcome: (o) => !o.ok && isApi(o.error, 'rateLimited') && o.error.retryAfterMs === 3000 }),
    check: (c, op) =>
      op.code === 'PQ' && !c.armed.some((ms) => ms >= 3000)
        ? `the poll loop did not wait for Retry-After (${c.armed.join(',')})`
        : undefined,
  },
  ...[
    { code: 'r429huge', label: 'Retry-After huge (99999999 s)', spec: { retryAfterSec: 99_999_999 } },
    { code: 'r429date', label: 'Retry-After a far-future date', spec: { retryAfterSec: 10 * 365 * 86_400, httpDate: true } },
  ].map((f): FaultDef => ({
    code: f.code,
    label: f.label,
    group: 'server and network',
    applies: networkOp,
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, rateLimit: f.spec });
      return Promise.resolve(() => op.run(c));
    },
    expect: () => ({ outcome: (o) => !o.ok && isApi(o.error, 'rateLimited') && (o.error.retryAfterMs ?? 0) <= 3600_000 }),
    check: (c) =>
      c.armed.some((ms) => ms > 3600_000 || ms > MAX_TIMER_MS) ? `a timer was armed for ${Math.max(...c.armed)} ms` : undefined,
  })),
  {
    code: 's5xx',
    label: '5xx',
    group: 'server and network',
    applies: networkOp,
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, status: 503 });
      return Promise.resolve(() => op.run(c));
    },
    expect: () => ({ outcome: failedAs(['server']) }),
  },
  {
    code: 'badJson',
    label: 'malformed JSON with 200',
    group: 'server and network',
    applies: networkOp,
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, malformedJson: true });
      return Promise.resolve(() => op.run(c));
    },
    // a log is text: a 200 is shown as it came, and read again whole when it does not start with what was shown
    expect: () => ({
      outcome: failedAs(['malformedResponse'], {
        sbUncertain: true,
        arNotZip: true,
        logOk: (v, op) =>
          v.content === MALFORMED_JSON &&
          !v.spilled &&
          JSON.stringify(v.updates) === JSON.stringify(op.code === 'LG' ? ['appended', 'unchanged'] : ['replaced']),
      }),
    }),
  },
  {
    code: 'html200',
    label: 'HTML with 200 (captive portal)',
    group: 'server and network',
    applies: networkOp,
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, htmlPage: true });
      return Promise.resolve(() => op.run(c));
    },
    // a captive portal's page is never shown as the log (S11c)
    expect: () => ({ outcome: failedAs(['htmlResponse'], { sbUncertain: true, arNotZip: true }) }),
  },
  ...[
    { code: 'refused', label: 'connection refused', url: (w: World) => `http://127.0.0.1:${w.closedPort}`, kind: 'connectionRefused' },
    { code: 'dns', label: 'DNS failure', url: () => 'https://appcircle-faults.invalid', kind: 'dns' },
    { code: 'tls', label: 'TLS failure', url: (w: World) => w.sb.apiUrl.replace('http://', 'https://'), kind: 'tls' },
  ].map((f): FaultDef => ({
    code: f.code,
    label: f.label,
    group: 'server and network',
    applies: networkOp,
    inject: (c, op) => {
      if (op.tokenRoute) {
        c.urls.authUrl = f.url(c.w);
      } else {
        c.urls.apiUrl = f.url(c.w);
        c.session.resetConnection();
      }
      return Promise.resolve(() => op.run(c));
    },
    // nothing was sent: a start-build is not uncertain. A signed-in session's credential belongs to the sandbox's
    // auth host, so a renewal or switch after authUrl changed sends nothing and ends the session (S16)
    expect: (op) =>
      op.tokenRoute && op.code !== 'SI'
        ? {
            outcome: (o, _op, c) =>
              !o.ok && o.error instanceof AuthOriginChangedError && c.secrets.backing.data.get(c.store.key) !== undefined,
            sessionMayEnd: true,
            sessionMustEnd: true,
          }
        : { outcome: (o) => !o.ok && isApi(o.error, f.kind, 'network', ...(f.kind === 'dns' ? ['timeout'] : [])) },
  })),
  {
    code: 'dropHead',
    label: 'connection dropped before the headers',
    group: 'server and network',
    applies: networkOp,
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, dropConnection: true });
      return Promise.resolve(() => op.run(c));
    },
    expect: () => ({ outcome: failedAs(NETWORK_KINDS, { sbUncertain: true }) }),
  },
  {
    code: 'dropBody',
    label: 'connection dropped mid-body',
    group: 'server and network',
    applies: networkOp,
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, cutAfterBytes: 12 });
      return Promise.resolve(() => op.run(c));
    },
    expect: () => ({ outcome: failedAs(['network'], { sbUncertain: true }) }),
    check: (c) => (fs.readdirSync(c.dir).length ? `files left: ${fs.readdirSync(c.dir).join(', ')}` : undefined),
  },
  {
    code: 'slow',
    label: 'latency beyond the timeout',
    group: 'server and network',
    applies: networkOp,
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, latencyMs: 1500, times: 2 });
      return Promise.resolve(() => op.run(c));
    },
    expect: () => ({ outcome: failedAs(['timeout'], { sbUncertain: true }) }),
  },
  {
    code: 'stall',
    label: 'body stalled after the headers',
    group: 'server and network',
    applies: networkOp,
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, stallAfterBytes: 12 });
      return Promise.resolve(() => op.run(c));
    },
    expect: () => ({ outcome: failedAs(['timeout'], { sbUncertain: true }) }),
    check: (c) => (fs.readdirSync(c.dir).length ? `files left: ${fs.readdirSync(c.dir).join(', ')}` : undefined),
  },
  {
    code: 'trickle',
    label: 'a trickled body',
    group: 'server and network',
    applies: networkOp,
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, trickleBytesPerSec: 10 });
      return Promise.resolve(() => op.run(c));
    },
    expect: () => ({ outcome: failedAs(['timeout'], { sbUncertain: true }) }),
    check: (c) => (fs.readdirSync(c.dir).length ? `files left: ${fs.readdirSync(c.dir).join(', ')}` : undefined),
  },
  {
    code: 'huge',
    label: 'a huge body',
    group: 'server and network',
    applies: networkOp,
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, padToBytes: HUGE_BYTES });
      return Promise.resolve(() => op.run(c));
    },
    // JSON: refused at the limit; a log or a zip is streamed to its file, whole (a padded zip still starts with PK)
    expect: () => ({
      outcome: (o, op, c) => {
        if (!streamOp(op)) {
          return !o.ok && (op.code === 'SB' ? o.error instanceof StartBuildUncertainError : isApi(o.error, 'tooLarge'));
        }
        if (!o.ok) {
          return false;
        }
        if (op.code === 'AR') {
          return typeof o.value === 'string' && fs.statSync(o.value).size === HUGE_BYTES;
        }
        const v = o.value;
        const live = c.live;
        if (!isLog(v) || !live || !v.spilled || v.content.trimEnd() !== (op.code === 'LG' ? live.first : v.server).trimEnd()) {
          return false;
        }
        // LG: the padded first read is 4 MB, past the log's end, so the next read has nothing new (416);
        // LF: the padded Range read adds 4 MB to what was there
        return op.code === 'LG'
          ? v.bytes === HUGE_BYTES && JSON.stringify(v.updates) === '["appended","unchanged"]'
          : v.bytes === live.firstBytes + HUGE_BYTES && JSON.stringify(v.updates) === '["appended"]';
      },
    }),
  },
  ...(
    [
      { code: 'get302', label: 'GET 302 to another origin', status: 302 },
      { code: 'post307', label: 'POST 307/308 to another origin', status: 307 },
    ] as const
  ).map((f): FaultDef => ({
    code: f.code,
    label: f.label,
    group: 'server and network',
    applies: (op) => networkOp(op) && (f.status === 302 ? !op.post || op.tokenRoute === true : op.post === true),
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, redirect: { status: f.status, location: `${c.w.catcher.url}/moved` } });
      return Promise.resolve(() => op.run(c));
    },
    // POSTs (tokens, start build) never follow; API GETs follow, without the token
    expect: (op) => ({
      outcome: (o) =>
        op.post === true
          ? !o.ok && isApi(o.error, 'redirected') && o.error.redirectTarget === `${c0url}/moved`
          : o.ok ||
            isApi(o.error, 'malformedResponse', 'notFound') ||
            o.error instanceof NoArtifactsError ||
            o.error instanceof NotAZipError,
    }),
    check: (c, op) => {
      const hits = c.w.catcher.hits;
      if (op.post && hits.length) {
        return `a POST reached the other origin: ${hits.map((h) => `${h.method} ${h.path}`).join(', ')}`;
      }
      if (hits.some((h) => h.auth !== undefined)) {
        return 'Authorization reached the other origin';
      }
      return undefined;
    },
  })),
  {
    code: 'toHttp',
    label: 'a redirect to http or an internal host',
    group: 'server and network',
    applies: networkOp,
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, redirect: { status: 302, location: 'http://10.1.2.3/internal' } });
      return Promise.resolve(() => op.run(c));
    },
    expect: () => ({ outcome: (o, op) => !o.ok && isApi(o.error, op.post ? 'redirected' : 'insecureUrl') }),
  },
  {
    code: 'echo',
    label: 'the server echoing the credential',
    group: 'server and network',
    applies: networkOp,
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, echoCredential: true, echoStatus: 400 });
      return Promise.resolve(() => op.run(c));
    },
    expect: () => ({ outcome: (o) => !o.ok && (isApi(o.error, 'badRequest') || o.error instanceof OrganizationUnreachableError) }),
  },
  {
    code: 'rangeIgnored',
    label: 'Range ignored (200 with the whole log)',
    group: 'server and network',
    applies: logOps,
    inject: (c, op) => {
      c.w.sb.setBuildBehaviour({ logRange: 'ignored' });
      return Promise.resolve(() => op.run(c));
    },
    // the known prefix is read past (hash-checked), only the rest appended
    expect: (op) => ({
      outcome: (o) =>
        wholeLog(o, op.code === 'LG' ? ['appended', 'appended'] : ['appended']) && o.ok && isLog(o.value) && o.value.wholeLogReads === 1,
    }),
  },
  {
    code: 'range206',
    label: '206 with a wrong start',
    group: 'server and network',
    applies: logOps,
    inject: (c, op) => {
      set(c, { pathIncludes: '/logs', rangeStartShift: 100 });
      return Promise.resolve(() => op.run(c));
    },
    // not appended at the wrong place: the log is read again whole
    expect: (op) => ({ outcome: (o) => wholeLog(o, op.code === 'LG' ? ['appended', 'replaced'] : ['replaced']) }),
  },
  // ---- a v3-only Personal Access Key (N3): v1/v2 answer it a JSON 401, only /auth/v3/token mints ----
  ...V3_FAULTS.map((f): FaultDef => ({
    code: f.code,
    label: f.label,
    group: 'server and network',
    pat: DEMO_PAK_V3_ONLY,
    applies: (op) => op.tokenRoute === true,
    inject: (c, op) => {
      if (f.spec) {
        set(c, { pathIncludes: '/auth/v3/token', ...f.spec, times: 1 });
      }
      return Promise.resolve(() => op.run(c));
    },
    // v3's own failure is what the user sees, and the key is kept
    expect: () => ({
      outcome: (o) => (f.kinds === undefined ? o.ok : !o.ok && (f.html ? isApi(o.error) && o.error.htmlBody : isApi(o.error, ...f.kinds))),
    }),
    check: (c, op) => v3Check(c, op, f.spec !== undefined),
  })),
  keyRefused('v3tok401', 'v3-only key: 401 JSON from both routes', DEMO_PAK_V3_ONLY),
  ...EVIL_IDS.map((f): FaultDef => ({
    code: f.code,
    label: f.label,
    group: 'server and network',
    applies: (op) => EVIL_ROUTES[op.code] !== undefined,
    inject: (c, op) => {
      const t = c.target;
      if (t) {
        t.commitId = f.id;
        t.buildId = f.id;
        t.queueId = f.id;
      }
      if (c.live) {
        c.live.source = { commitId: f.id, buildId: f.id };
      }
      if (op.code === 'TR') {
        return Promise.resolve(() => c.builds.branches(f.id).then((r) => r.value));
      }
      return Promise.resolve(() => op.run(c));
    },
    // N12: an id that is not a GUID is refused at the API boundary, before any request
    expect: () => ({
      outcome: (o, _op, c) =>
        evilRequests(c).length === 0 &&
        (o.ok ? isLog(o.value) && o.value.updates.every((u) => u === 'notReady') : !(isApi(o.error) && o.error.status !== undefined)),
    }),
    // whatever reached the server stayed on the operation's route, the id in it percent-encoded
    check: (c, op) => {
      const prefix = EVIL_ROUTES[op.code]?.(strictEnc(f.id)) ?? '';
      const bad = evilRequests(c).find((r) => !r.path.startsWith(prefix));
      return bad ? `a request left the route ${prefix.slice(0, 80)}: ${bad.method} ${bad.path.slice(0, 120)}` : undefined;
    },
  })),
  // ---- storage and state ----
  ...(['store', 'get', 'delete'] as const).map((kind): FaultDef => ({
    code: `sec-${kind}`,
    label: `SecretStorage ${kind} throwing`,
    group: 'storage and state',
    applies: (op) => (kind === 'store' ? ['SI', 'SW'] : kind === 'get' ? ['RS', 'XW'] : ['SO']).includes(op.code),
    inject: (c, op) => {
      c.secrets.failNext = kind;
      return Promise.resolve(() => op.run(c));
    },
    expect: (op) => ({
      outcome: (o) => (op.code === 'XW' ? true : !o.ok && o.error instanceof SecretStorageError),
      sessionMayEnd: op.code === 'SO' || op.code === 'XW',
      sessionMustEnd: op.code === 'SO',
    }),
  })),
  {
    code: 'sec-hang',
    label: 'SecretStorage hanging',
    group: 'storage and state',
    applies: (op) => ['SI', 'SW', 'SO', 'RS'].includes(op.code),
    inject: (c, op) => {
      c.secrets.holdNext(op.code === 'SO' ? 'delete' : op.code === 'RS' ? 'get' : 'store');
      return Promise.resolve(() => op.run(c));
    },
    expect: (op) => ({
      outcome: (o) => !o.ok && o.error instanceof SecretStorageError && o.error.timedOut,
      sessionMayEnd: op.code === 'SO',
      sessionMustEnd: op.code === 'SO',
    }),
  },
  ...[
    { code: 'corrupt', label: 'a corrupted stored value', raw: '{"version":1,"credential":{"kind":"pat"' },
    { code: 'newVer', label: 'an unknown-version stored value', raw: JSON.stringify({ version: 7, credential: { kind: 'passkey' } }) },
  ].map((f): FaultDef => ({
    code: f.code,
    label: f.label,
    group: 'storage and state',
    applies: (op) => op.code === 'RS' || (op.code === 'XW' && f.code === 'corrupt'),
    inject: (c, op) => {
      if (op.code === 'XW') {
        // another window leaves a damaged value: this one follows what is stored (nothing usable)
        return Promise.resolve(async () => {
          await c.secrets.sibling().store(c.store.key, f.raw);
          await until(() => !c.session.isSignedIn, 3000, 'this window to follow');
        });
      }
      c.secrets.corrupt(c.store.key, f.raw);
      return Promise.resolve(() => op.run(c));
    },
    expect: (op) => ({
      outcome: (o) => (op.code === 'XW' ? o.ok : !o.ok && o.error instanceof UnreadableSessionError),
      sessionMayEnd: op.code === 'XW',
    }),
    check: (c) => (c.secrets.backing.data.get(c.store.key) !== f.raw ? 'the unreadable stored value was not left as it was' : undefined),
  })),
  ...([1e10, -1, '5'] as const).map((v): FaultDef => ({
    code: `poll=${String(v)}`,
    label: `pollInterval ${typeof v === 'string' ? `"${v}"` : String(v)}`,
    group: 'storage and state',
    applies: (op) => op.code === 'PQ',
    inject: (c, op) => {
      fake.configuration.set('appcircle.builds.pollInterval', v);
      const s = new Settings();
      c.pollIntervalMs = () => s.pollIntervalMs();
      return Promise.resolve(async () => {
        // a watcher keeps the loop going: the delay it arms after a tick is what the setting gives
        const sub = c.builds.scheduler.watch();
        try {
          await op.run(c);
          await until(() => c.armed.some((ms) => ms > 0), 3000, 'the next poll to be armed');
        } finally {
          sub.dispose();
        }
      });
    },
    expect: () => ({ outcome: (o) => o.ok }),
    check: (c) => {
      fake.configuration.delete('appcircle.builds.pollInterval');
      const armed = c.armed.filter((ms) => ms !== 0);
      const bad = armed.filter((ms) => ms < 2000 || ms > 300_000);
      return bad.length || !armed.length ? `armed ${c.armed.join(', ')} ms` : undefined;
    },
  })),
  {
    code: 'shortTok',
    label: 'a token lifetime at or below the renewal margin',
    group: 'storage and state',
    applies: (op) => op.code === 'MT' || op.code === 'TR',
    inject: async (c) => {
      c.w.sb.setTokenLifetime(60);
      await c.session.signOut();
      await signIn(c);
      return async () => {
        const before = c.w.sb.requests.filter((r) => r.path.includes('/token')).length;
        for (let i = 0; i < 10; i++) {
          await c.session.getAccessToken();
          await c.builds.profiles();
          c.builds.refresh({ kind: 'profiles' });
        }
        const mints = c.w.sb.requests.filter((r) => r.path.includes('/token')).length - before;
        if (mints > 0) {
          throw new Error(`${mints} mints for 10 calls within a minute`);
        }
      };
    },
    expect: () => ({ outcome: (o) => o.ok }),
  },
  {
    code: 'skew',
    label: 'clock skew (two hours ahead)',
    group: 'storage and state',
    applies: (op) => op.code === 'MT' || op.code === 'SI',
    inject: (c, op) => {
      const skewed: Clock = {
        now: () => Date.now() + 2 * 3600_000,
        setTimeout: (fn, ms) => setTimeout(fn, ms),
        clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      };
      const fresh = makeCtx(c.w, { clock: skewed });
      c.dispose();
      fs.rmSync(c.dir, { recursive: true, force: true });
      adopt(c, fresh);
      return Promise.resolve(async () => {
        await signIn(c);
        const before = c.w.sb.requests.filter((r) => r.path.includes('/token')).length;
        for (let i = 0; i < 10; i++) {
          await c.session.getAccessToken();
        }
        if (op.code === 'MT') {
          await c.session.getAccessToken({ forceRefresh: true });
        }
        const mints = c.w.sb.requests.filter((r) => r.path.includes('/token')).length - before;
        if (mints > (op.code === 'MT' ? 1 : 0)) {
          throw new Error(`${mints} mints with a skewed clock`);
        }
      });
    },
    expect: () => ({ outcome: (o) => o.ok }),
  },
  {
    code: 'deact',
    label: 'the extension deactivated mid-operation',
    group: 'storage and state',
    applies: (op) => networkOp(op),
    inject: (c, op) => {
      set(c, { pathIncludes: op.route, hold: true, times: 1 });
      return Promise.resolve(async () => {
        const p = outcomeOf(op.run(c));
        await c.w.sb.faults.whenHeld();
        c.dispose();
        c.w.sb.faults.release();
        return endOf(p, 'the operation to end after deactivation');
      });
    },
    expect: (op) => ({ outcome: (o) => DEACT_OUTCOME[op.code]?.(o) ?? false, sessionMayEnd: true }),
    check: (c) =>
      c.builds.scheduler.current === 'scheduled' || c.builds.scheduler.current === 'polling'
        ? `the poll loop is ${c.builds.scheduler.current} after dispose`
        : undefined,
  },
  // ---- concurrency ----
  {
    code: 'outDuring',
    label: 'sign-out during the operation',
    group: 'concurrency',
    applies: networkOp,
    inject: whileHeld((c) => c.session.signOut()),
    expect: (op) => ({ outcome: (o) => OUT_DURING_OUTCOME[op.code]?.(o) ?? false, sessionMayEnd: true, sessionMustEnd: true }),
    check: (c) => (c.secrets.backing.data.get(c.store.key) !== undefined ? 'the secret came back after sign-out' : undefined),
  },
  {
    code: 'outWrite',
    label: 'sign-out during the secret write',
    group: 'concurrency',
    applies: (op) => op.code === 'SI' || op.code === 'SW',
    inject: (c, op) => {
      const gate = c.secrets.holdNext('store');
      return Promise.resolve(async () => {
        const p = outcomeOf(op.run(c));
        await until(() => c.secrets.waiting > 0, 3000, 'the held write');
        const out = c.session.signOut();
        gate.release();
        await out;
        const o = await p;
        await new Promise((r) => setImmediate(r));
        if (o.ok) {
          throw new Error('the operation succeeded after a sign-out');
        }
      });
    },
    expect: () => ({ outcome: (o) => o.ok, sessionMayEnd: true, sessionMustEnd: true }),
    check: (c) => (c.secrets.backing.data.get(c.store.key) !== undefined ? 'the secret came back after sign-out' : undefined),
  },
  {
    code: 'swDuring',
    label: 'a switch during the operation',
    group: 'concurrency',
    applies: (op) => networkOp(op) && op.code !== 'SW' && op.code !== 'SI',
    inject: whileHeld((c) => c.session.switchOrganization(QA)),
    // the old organization's answer is dropped (or harmless: a token, a started build)
    expect: () => ({
      outcome: (o, op) =>
        o.ok
          ? ['MT', 'SB', 'CB', 'AR', 'LG', 'PQ'].includes(op.code)
          : o.error instanceof SessionChangedError || isApi(o.error, 'notFound') || o.error instanceof NoArtifactsError,
    }),
    check: (c) => {
      if (c.session.session?.organizationId !== QA_ORG_ID) {
        return `organization ${c.session.session?.organizationId ?? 'none'} after the switch`;
      }
      const old = c.profilesBefore ?? [];
      const leaked = c.builds.queue.entries.filter((e) => e.profileId && old.includes(e.profileId));
      return leaked.length ? `${leaked.length} queue rows of the previous organization shown` : undefined;
    },
  },
  {
    code: 'swSw',
    label: 'a switch during a switch',
    group: 'concurrency',
    applies: (op) => op.code === 'SW',
    inject: (c) =>
      Promise.resolve(async () => {
        await Promise.all([c.session.switchOrganization(QA), c.session.switchOrganization(EU)]);
        const stored = JSON.parse(c.secrets.backing.data.get(c.store.key) ?? '{}') as { organizationId?: string };
        if (c.session.session?.organizationId !== EU_ORG_ID || stored.organizationId !== EU_ORG_ID) {
          throw new Error(`memory ${c.session.session?.organizationId ?? '-'}, stored ${stored.organizationId ?? '-'}`);
        }
      }),
    expect: () => ({ outcome: (o) => o.ok }),
  },
  {
    code: 'twoSI',
    label: 'two sign-ins at once',
    group: 'concurrency',
    applies: (op) => op.code === 'SI',
    inject: (c) =>
      Promise.resolve(async () => {
        const r = await Promise.allSettled([
          c.session.signIn({ kind: 'pat', pat: DEMO_PAT }),
          c.session.signIn({ kind: 'apiKey', name: DEMO_API_KEY.name, secret: DEMO_API_KEY.secret }),
        ]);
        const lost = r.filter((x) => x.status === 'rejected');
        if (lost.length !== 1 || !(lost[0]?.status === 'rejected' && lost[0].reason instanceof AlreadySignedInError)) {
          throw new Error(`${lost.length} sign-ins refused`);
        }
      }),
    expect: () => ({ outcome: (o) => o.ok }),
  },
  {
    code: 'otherWin',
    label: 'another window changing the session',
    group: 'concurrency',
    applies: (op) => op.code === 'XW' || op.code === 'SW',
    inject: (c, op) => {
      if (op.code === 'XW') {
        return Promise.resolve(() => op.run(c));
      }
      // the other window switches; this one follows without a request of its own
      return Promise.resolve(async () => {
        const other = makeCtx(c.w, { secrets: c.secrets.sibling() });
        try {
          await other.session.restore();
          await other.session.switchOrganization(QA);
          await until(() => c.session.session?.organizationId === QA_ORG_ID, 3000, 'this window to follow');
        } finally {
          disposeOther(other);
        }
      });
    },
    expect: (op) => ({ outcome: (o) => o.ok, sessionMayEnd: op.code === 'XW', sessionMustEnd: op.code === 'XW' }),
  },
];

let c0url = '';

// ---- the run ----------------------------------------------------------------------------------------------

interface CellResult {
  op: string;
  fault: string;
  /** What the cell ended with (printed with --outcomes). */
  outcome?: string;
  status: 'pass' | 'fail' | 'n/a';
  reason?: string;
  sessionLost: boolean;
  secrets: number;
  unhandled: number;
}

const unhandled: unknown[] = [];
process.on('unhandledRejection', (r) => unhandled.push(r));

/** Everything a cell may have written, searched for the credentials and any JWT. */
function secretsIn(texts: string[]): string[] {
  const found: string[] = [];
  const needles = [DEMO_PAT, DEMO_PAK_V3_ONLY, DEMO_API_KEY.secret, QA_API_KEY.secret];
  const jwt = /eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/;
  for (const t of texts) {
    for (const n of needles) {
      if (t.includes(n) || t.includes(encodeURIComponent(n))) {
        found.push(`${n.slice(0, 8)}… in ${t.slice(0, 120)}`);
      }
    }
    if (jwt.test(t)) {
      found.push(`a JWT in ${t.slice(0, 120)}`);
    }
  }
  return found;
}

/** A cell's last checks, network or local: no rejection left unhandled (after a turn of the loop), then its verdict. */
async function settled(result: CellResult, problems: string[], unhandledBefore: number): Promise<CellResult> {
  await new Promise((r) => setImmediate(r));
  result.unhandled = unhandled.length - unhandledBefore;
  if (result.unhandled) {
    problems.push(`${result.unhandled} unhandled rejections: ${String(unhandled[unhandled.length - 1])}`);
  }
  if (problems.length) {
    result.status = 'fail';
    result.reason = problems.join('; ');
  }
  return result;
}

/** A network cell that has not ended after this long fails as hung, and the run goes on with the next one. */
const CELL_BOUND_MS = 30_000;

async function withinCellBound(cell: Promise<CellResult>, id: { op: string; fault: string }): Promise<CellResult> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<CellResult>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ...id,
          status: 'fail',
          reason: `the cell did not end within ${CELL_BOUND_MS / 1000} s (a hang)`,
          sessionLost: false,
          secrets: 0,
          unhandled: 0,
        }),
      CELL_BOUND_MS,
    );
  });
  try {
    return await Promise.race([cell, hung]);
  } finally {
    clearTimeout(timer);
  }
}

async function runCell(w: World, op: OpDef, f: FaultDef): Promise<CellResult> {
  const result: CellResult = { op: op.code, fault: f.code, status: 'pass', sessionLost: false, secrets: 0, unhandled: 0 };
  w.sb.reset();
  w.catcher.hits.length = 0;
  forgetPatRoutes(); // a fresh process: no auth origin's PAT route remembered from an earlier cell
  const unhandledBefore = unhandled.length;
  const c = makeCtx(w);
  c.pat = f.pat ?? DEMO_PAT;
  const problems: string[] = [];
  let o: Outcome = { ok: true, value: undefined };
  try {
    await op.prepare(c);
    c.w.sb.requests.length = 0;
    const wasSignedIn = c.session.isSignedIn;
    const run = await f.inject(c, op);
    o = await outcomeOf(run());
    result.outcome = describeOutcome(o);
    const ex = f.expect(op);
    if (!ex.outcome(o, op, c)) {
      problems.push(
        `unexpected outcome: ${describeOutcome(o)}${!o.ok && o.error instanceof Error ? ` (${o.error.message.slice(0, 160)})` : ''}`,
      );
    }
    if (!o.ok && !(o.error instanceof NoTickError)) {
      const d = describeError(o.error, op.op);
      if (d && (!d.message || /Something went wrong/.test(d.message))) {
        problems.push(`no clear message: ${d.message}`);
      }
    }
    const extra = f.check?.(c, op, o);
    if (extra) {
      problems.push(extra);
    }
    // the session: changes only where expected, and memory matches storage
    const signedIn = c.session.isSignedIn;
    if (!c.disposed) {
      if (wasSignedIn && !signedIn && !ex.sessionMayEnd) {
        result.sessionLost = true;
        problems.push('the session was lost');
      }
      if (ex.sessionMustEnd && signedIn) {
        problems.push('still signed in after the session was ended');
      }
      const storedRaw = c.secrets.backing.data.get(c.store.key);
      const stored = (() => {
        try {
          return storedRaw ? (JSON.parse(storedRaw) as { organizationId?: string }) : undefined;
        } catch {
          return undefined;
        }
      })();
      const storageFault = f.group === 'storage and state' && (f.code.startsWith('sec-') || f.code === 'corrupt' || f.code === 'newVer');
      if (!storageFault && signedIn && stored?.organizationId !== c.session.session?.organizationId) {
        problems.push(`memory (${c.session.session?.organizationId ?? '-'}) and storage (${stored?.organizationId ?? '-'}) differ`);
      }
    }
  } catch (e) {
    problems.push(`the cell could not run: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    w.sb.faults.clear(); // releases anything still held
    c.dispose();
    const spill = c.follower?.spilledTo;
    if (spill) {
      madeDirs.add(path.dirname(spill));
    }
    await c.follower?.dispose();
  }
  // nothing left: no held request, no .part file
  if (w.sb.faults.held) {
    problems.push(`${w.sb.faults.held} requests still held`);
  }
  const left = fs.readdirSync(c.dir).filter((n) => n.endsWith('.part'));
  if (left.length) {
    problems.push(`.part files left: ${left.join(', ')}`);
  }
  fs.rmSync(c.dir, { recursive: true, force: true });
  // no secret anywhere
  const texts = [...c.logger.lines, JSON.stringify(w.sb.requests), ...w.catcher.hits.map((h) => `${h.path} ${h.auth ?? ''} ${h.body}`)];
  if (!o.ok) {
    texts.push(
      o.error instanceof Error ? o.error.message : String(o.error),
      util.inspect(o.error, { depth: 8 }),
      describeError(o.error, op.op)?.message ?? '',
    );
  }
  const found = secretsIn(texts);
  result.secrets = found.length;
  if (found.length) {
    problems.push(`secrets found: ${found.slice(0, 2).join('; ')}`);
  }
  return settled(result, problems, unhandledBefore);
}

/** Runs one local cell (no request): it passes when run() resolves; bounded at 30 s; its error text scanned for secrets. */
async function runLocalCell(cell: LocalCell): Promise<CellResult> {
  const result: CellResult = {
    op: cell.op,
    fault: `${cell.group}: ${cell.label}`,
    status: 'pass',
    sessionLost: false,
    secrets: 0,
    unhandled: 0,
  };
  const unhandledBefore = unhandled.length;
  const problems: string[] = [];
  const o = await outcomeOf(endOf(outcomeOf(cell.run()), 'the local cell (30 s)', 30_000));
  result.outcome = o.ok ? 'success' : o.error instanceof Error ? o.error.message.slice(0, 160) : String(o.error);
  if (!o.ok) {
    problems.push(o.error instanceof Error ? o.error.message : String(o.error));
    const found = secretsIn([result.outcome, util.inspect(o.error, { depth: 8 })]);
    result.secrets = found.length;
    if (found.length) {
      problems.push(`secrets found: ${found.slice(0, 2).join('; ')}`);
    }
  }
  return settled(result, problems, unhandledBefore);
}

/** The temporary folders this run made that are still there. */
function leftoverDirs(): string[] {
  return [...madeDirs].filter((d) => fs.existsSync(d));
}

async function main(): Promise<void> {
  const started = Date.now();
  // a temporary folder of this run's own: the cells count what is left in it, and another run on the machine (a
  // second checkout's CI) writes its folders elsewhere
  const ownTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'appcircle-faults-run-'));
  process.env.TMPDIR = ownTmp;
  process.on('exit', () => fs.rmSync(ownTmp, { recursive: true, force: true }));
  const dnsStub = installDnsStub();
  const sb = await startSandbox({ quiet: true, realTime: false });
  const catcher = await startCatcher();
  c0url = catcher.url;
  const w: World = { sb, catcher, closedPort: await freePort() };
  const only = process.argv.includes('--grep') ? process.argv[process.argv.indexOf('--grep') + 1] : undefined;
  const showOutcomes = process.argv.includes('--outcomes');
  const progress = process.argv.includes('--progress');
  const results: CellResult[] = [];
  for (const f of FAULTS) {
    for (const op of OPS) {
      if (!f.applies(op)) {
        results.push({ op: op.code, fault: f.code, status: 'n/a', sessionLost: false, secrets: 0, unhandled: 0 });
        continue;
      }
      if (only && !`${op.code} ${f.code}`.includes(only)) {
        continue;
      }
      if (progress) {
        process.stderr.write(`[faults] ${op.code} × ${f.code}\n`);
      }
      results.push(await withinCellBound(runCell(w, op, f), { op: op.code, fault: f.code }));
    }
  }
  await catcher.close();
  await sb.stop();
  const networkCells = results.filter((r) => r.status !== 'n/a').length;

  // the local cells: no request, the same table and totals
  const localGroups: { group: string; cells: CellResult[] }[] = [];
  for (const make of LOCAL_GROUPS) {
    for (const cell of make()) {
      if (only && !`${cell.op} ${cell.group}: ${cell.label}`.includes(only)) {
        continue;
      }
      const r = await runLocalCell(cell);
      const g = localGroups.find((x) => x.group === cell.group) ?? { group: cell.group, cells: [] };
      if (!localGroups.includes(g)) {
        localGroups.push(g);
      }
      g.cells.push(r);
      results.push(r);
    }
  }

  // nothing left behind, nothing resolved outside the stub
  dnsStub.restore();
  const hygiene: string[] = [];
  const left = leftoverDirs();
  if (left.length) {
    hygiene.push(`temporary folders left by this run: ${left.join(', ')}`);
    left.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  }
  if (dnsStub.system) {
    hygiene.push(`${dnsStub.system} lookups went past the DNS stub`);
  }
  // a renewal or switch after authUrl moved sends nothing (S16): those DNS cells make no lookup
  const looksUp = (r: CellResult) => !(OPS.find((o) => o.code === r.op)?.tokenRoute === true && r.op !== 'SI');
  const dnsCells = results.filter((r) => r.fault === 'dns' && r.status !== 'n/a' && looksUp(r)).length;
  const stubbedInvalid = dnsStub.stubbed.get('appcircle-faults.invalid') ?? 0;
  if (dnsCells && stubbedInvalid < dnsCells) {
    hygiene.push(`the DNS cells made ${stubbedInvalid} stubbed lookups of appcircle-faults.invalid for ${dnsCells} cells`);
  }
  const otherNames = [...dnsStub.stubbed.keys()].filter((h) => !['localhost', '127.0.0.1', 'appcircle-faults.invalid'].includes(h));
  if (otherNames.length) {
    hygiene.push(`unexpected host names looked up: ${otherNames.join(', ')}`);
  }

  // the grid
  const mark = (r: CellResult | undefined) => (!r ? ' ' : r.status === 'pass' ? '✔' : r.status === 'fail' ? '✖' : '·');
  const localLabels = localGroups.flatMap((g) => g.cells.map((r) => r.fault.slice(g.group.length + 2)));
  const labelWidth = Math.max(...FAULTS.map((f) => f.label.length), ...localLabels.map((l) => l.length)) + 2;
  console.log(`\nFault matrix: ✔ pass, ✖ fail, · cannot apply\n`);
  console.log(`${''.padEnd(labelWidth)}${OPS.map((o) => o.code.padEnd(4)).join('')}`);
  let group = '';
  for (const f of FAULTS) {
    if (f.group !== group) {
      group = f.group;
      console.log(`-- ${group}`);
    }
    const row = OPS.map((op) => mark(results.find((r) => r.op === op.code && r.fault === f.code)).padEnd(4)).join('');
    console.log(`${f.label.padEnd(labelWidth)}${row}`);
  }
  for (const g of localGroups) {
    console.log(`-- local: ${g.group} (no request)`);
    for (const r of g.cells) {
      console.log(`${r.fault.slice(g.group.length + 2).padEnd(labelWidth)}${mark(r)} ${r.op}`);
    }
  }
  if (showOutcomes) {
    console.log('\nOutcomes:');
    for (const r of results.filter((x) => x.status !== 'n/a')) {
      console.log(`  ${r.status === 'pass' ? '✔' : '✖'} ${r.op} × ${r.fault}: ${r.outcome ?? ''}`);
    }
  }
  const tried = results.filter((r) => r.status !== 'n/a');
  const failed = tried.filter((r) => r.status === 'fail');
  if (failed.length) {
    console.log('\nFailures:');
    for (const r of failed) {
      console.log(`  ✖ ${r.op} × ${r.fault}: ${r.reason ?? ''}`);
    }
  }
  if (hygiene.length) {
    console.log('\nAfter the run:');
    hygiene.forEach((h) => console.log(`  ✖ ${h}`));
  }
  const sessionsLost = tried.filter((r) => r.sessionLost).length;
  const secretsFound = tried.reduce((n, r) => n + r.secrets, 0);
  const localCount = tried.length - networkCells;
  console.log(
    `\nfaults: ${tried.length} cells (${networkCells} network, ${localCount} local), ${sessionsLost} sessions lost, ${secretsFound} secrets found, ${unhandled.length} unhandled rejections (${results.length - tried.length} cells cannot apply; ${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  const lookups = [...dnsStub.stubbed.values()].reduce((n, k) => n + k, 0);
  console.log(
    `dns: ${lookups} lookups answered by the stub (appcircle-faults.invalid ×${stubbedInvalid}), ${dnsStub.system} past it; temporary folders made ${madeDirs.size}, left ${left.length}`,
  );
  const passed = tried.length - failed.length;
  console.log(`${passed} passed, ${failed.length} failed${hygiene.length ? `, ${hygiene.length} problems after the run` : ''}`);
  const dir = path.resolve(__dirname, '..', '..', '..', 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'faults.json'),
    JSON.stringify({
      passed,
      failed: failed.length,
      cells: tried.length,
      networkCells,
      localCells: localCount,
      notApplicable: results.length - tried.length,
      sessionsLost,
      secretsFound,
      unhandledRejections: unhandled.length,
      leftoverDirs: left.length,
      dnsPastStub: dnsStub.system,
      hygiene,
    }),
  );
  process.exit(failed.length || unhandled.length || hygiene.length || tried.length === 0 ? 1 : 0);
}

main().catch((e: unknown) => {
  console.error('the fault matrix could not run:', e);
  process.exit(1);
});
