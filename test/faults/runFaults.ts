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
 * Prints the grid (✔ pass, ✖ fail, · cannot apply), the failures, `faults: N cells, …` and `N passed, N failed`,
 * and writes test-results/faults.json.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import '../unit/fakes/installVscodeFake';
import { DEMO_API_KEY, DEMO_PAT, EU_ORG_ID, QA_API_KEY, QA_ORG_ID, ROOT_ORG_ID } from '../../sandbox/fixtures';
import type { FaultSpec, Sandbox } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import { ApiError } from '../../src/api/errors';
import { createApiFactory } from '../../src/core/apiFactory';
import { BuildService } from '../../src/core/buildService';
import { CredentialStore } from '../../src/core/credentialStore';
import {
  AlreadySignedInError,
  AuthOriginChangedError,
  OrganizationAccessLostError,
  OrganizationUnreachableError,
  SecretStorageError,
  SessionChangedError,
  SessionExpiredError,
  StartBuildUncertainError,
  UnreadableSessionError,
} from '../../src/core/errors';
import { OrganizationService } from '../../src/core/organizationService';
import { MAX_TIMER_MS } from '../../src/core/pollingScheduler';
import type { Clock, Endpoints } from '../../src/core/ports';
import { systemClock } from '../../src/core/ports';
import { SessionService } from '../../src/core/sessionService';
import { Settings } from '../../src/platform/settings';
import { downloadTo } from '../../src/ui/commands/artifacts';
import { describeError } from '../../src/ui/errorMessages';
import type { Operation } from '../../src/ui/errorMessages';
import { NoArtifactsError, NotAZipError } from '../../src/ui/uiErrors';
import { RecordingLogger } from '../unit/core/helpers';
import { InMemorySecretStore } from '../unit/fakes/inMemorySecretStore';
import { fake } from '../unit/fakes/vscodeFake';

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

function makeCtx(w: World, opts: { clock?: Clock; secrets?: InMemorySecretStore } = {}): Ctx {
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
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'ac-faults-')),
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
    return 'success';
  }
  const e = o.error;
  if (e instanceof ApiError) {
    return `ApiError ${e.kind}${e.status ? ` ${e.status}` : ''}${e.htmlBody ? ' html' : ''}${e.afterRenewal ? ' afterRenewal' : ''}`;
  }
  return e instanceof Error ? e.name : String(e);
}

// ---- operations (columns) ----------------------------------------------------------------------------

type OpCode = 'SI' | 'MT' | 'SW' | 'SO' | 'RS' | 'TR' | 'PQ' | 'SB' | 'CB' | 'LG' | 'AR' | 'XW';

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
  await c.session.signIn({ kind: 'pat', pat: DEMO_PAT });
  await first;
  c.builds.scheduler.stop();
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
    },
    run: (c) => c.builds.logText(c.target?.commitId ?? '', c.target?.buildId ?? ''),
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
        other.dispose();
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
  /** Extra checks after the run (what reached another origin, armed timers…); a failure text or undefined. */
  check?(c: Ctx, op: OpDef, o: Outcome): string | undefined;
}

const networkOp = (op: OpDef) => op.route !== undefined;
const apiOp = (op: OpDef) => networkOp(op) && !op.tokenRoute;
const streamOp = (op: OpDef) => op.code === 'LG' || op.code === 'AR';
const set = (c: Ctx, spec: FaultSpec) => c.w.sb.faults.set(spec);

/** What a failing request must surface as, per operation: start-build says "may have started" when the answer broke. */
function failedAs(
  kinds: string[],
  opts: { sbUncertain?: boolean; streamOk?: boolean; arNotZip?: boolean; okToo?: boolean } = {},
): Expect['outcome'] {
  return (o, op) => {
    if (o.ok) {
      return opts.okToo === true || (opts.streamOk === true && op.code === 'LG');
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

/** Hold the operation's request, do `during` while it is in flight, then release it. */
function whileHeld(during: (c: Ctx) => Promise<unknown>): FaultDef['inject'] {
  return (c, op) => {
    set(c, { pathIncludes: op.route, hold: true, times: 1 });
    return Promise.resolve(async () => {
      const p = outcomeOf(op.run(c));
      await c.w.sb.faults.whenHeld();
      await during(c);
      c.w.sb.faults.release();
      const o = await p;
      if (!o.ok) {
        throw o.error;
      }
      return o.value;
    });
  };
}

const FAULTS: FaultDef[] = [
  {
    code: 'tok401',
    label: '401 JSON from the token route',
    group: 'server and network',
    applies: (op) => op.tokenRoute === true,
    inject: (c, op) => {
      c.w.sb.revokeCredential(DEMO_PAT);
      return Promise.resolve(() => op.run(c));
    },
    // the credential itself refused: only a renewal may end the session (a switch stays, a sign-in never started one)
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
  },
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
    expect: () => ({ outcome: failedAs(['malformedResponse'], { sbUncertain: true, streamOk: true, arNotZip: true }) }),
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
    expect: () => ({ outcome: failedAs(['htmlResponse'], { sbUncertain: true, streamOk: true, arNotZip: true }) }),
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
      set(c, { pathIncludes: op.route, padToBytes: 4 * 1024 * 1024 });
      return Promise.resolve(() => op.run(c));
    },
    // JSON: refused at the limit; a log or a zip is streamed (a padded zip still starts with PK)
    expect: () => ({
      outcome: (o, op) =>
        streamOp(op) ? true : !o.ok && (op.code === 'SB' ? o.error instanceof StartBuildUncertainError : isApi(o.error, 'tooLarge')),
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
    code: 'evilIds',
    label: 'malicious ids (../, non-GUID, 10 KB)',
    group: 'server and network',
    applies: (op) => ['TR', 'CB', 'LG', 'AR'].includes(op.code),
    inject: (c, op) => {
      const t = c.target;
      if (t) {
        t.commitId = '../../../etc/passwd';
        t.buildId = `..%2F..%2F${'x'.repeat(10 * 1024)}`;
        t.queueId = '../../admin';
      }
      if (op.code === 'TR') {
        return Promise.resolve(() => c.builds.branches('../../identity/v1/organizations').then((r) => r.value));
      }
      return Promise.resolve(() => op.run(c));
    },
    expect: () => ({
      outcome: (o) => o.ok || isApi(o.error, 'invalidId', 'notFound', 'badRequest', 'network') || o.error instanceof NoArtifactsError,
    }),
    check: (c) => {
      const bad = c.w.sb.requests.find((r) => /(^|\/)\.\.(\/|$)/.test(r.path));
      return bad ? `a path walked up: ${bad.path}` : undefined;
    },
  },
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
        // whatever it ends with (a disposed poll loop reports nothing), nothing may be left running or unhandled
        await Promise.race([p, new Promise((r) => setTimeout(r, 2000))]);
      });
    },
    expect: () => ({ outcome: () => true, sessionMayEnd: true }),
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
    expect: () => ({ outcome: () => true, sessionMayEnd: true, sessionMustEnd: true }),
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
          other.dispose();
        }
      });
    },
    expect: (op) => ({ outcome: (o) => o.ok, sessionMayEnd: op.code === 'XW', sessionMustEnd: op.code === 'XW' }),
  },
];

let c0url = '';

// ---- the run ----------------------------------------------------------------------------------------------

interface CellResult {
  op: OpCode;
  fault: string;
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
  const needles = [DEMO_PAT, DEMO_API_KEY.secret, QA_API_KEY.secret];
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

async function runCell(w: World, op: OpDef, f: FaultDef): Promise<CellResult> {
  const result: CellResult = { op: op.code, fault: f.code, status: 'pass', sessionLost: false, secrets: 0, unhandled: 0 };
  w.sb.reset();
  w.catcher.hits.length = 0;
  const unhandledBefore = unhandled.length;
  const c = makeCtx(w);
  const problems: string[] = [];
  let o: Outcome = { ok: true, value: undefined };
  try {
    await op.prepare(c);
    c.w.sb.requests.length = 0;
    const wasSignedIn = c.session.isSignedIn;
    const run = await f.inject(c, op);
    o = await outcomeOf(run());
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

async function main(): Promise<void> {
  const started = Date.now();
  const sb = await startSandbox({ quiet: true, realTime: false });
  const catcher = await startCatcher();
  c0url = catcher.url;
  const w: World = { sb, catcher, closedPort: await freePort() };
  const only = process.argv.includes('--grep') ? process.argv[process.argv.indexOf('--grep') + 1] : undefined;
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
      results.push(await runCell(w, op, f));
    }
  }
  await catcher.close();
  await sb.stop();

  // the grid
  const mark = (r: CellResult | undefined) => (!r ? ' ' : r.status === 'pass' ? '✔' : r.status === 'fail' ? '✖' : '·');
  const labelWidth = Math.max(...FAULTS.map((f) => f.label.length)) + 2;
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
  const tried = results.filter((r) => r.status !== 'n/a');
  const failed = tried.filter((r) => r.status === 'fail');
  if (failed.length) {
    console.log('\nFailures:');
    for (const r of failed) {
      console.log(`  ✖ ${r.op} × ${r.fault}: ${r.reason ?? ''}`);
    }
  }
  const sessionsLost = tried.filter((r) => r.sessionLost).length;
  const secretsFound = tried.reduce((n, r) => n + r.secrets, 0);
  console.log(
    `\nfaults: ${tried.length} cells, ${sessionsLost} sessions lost, ${secretsFound} secrets found, ${unhandled.length} unhandled rejections (${results.length - tried.length} cells cannot apply; ${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  const passed = tried.length - failed.length;
  console.log(`${passed} passed, ${failed.length} failed`);
  const dir = path.resolve(__dirname, '..', '..', '..', 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'faults.json'),
    JSON.stringify({
      passed,
      failed: failed.length,
      cells: tried.length,
      notApplicable: results.length - tried.length,
      sessionsLost,
      secretsFound,
      unhandledRejections: unhandled.length,
    }),
  );
  process.exit(failed.length || unhandled.length || tried.length === 0 ? 1 : 0);
}

void main();
