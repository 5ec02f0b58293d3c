/** Wiring for core tests: real api clients against an in-process sandbox over loopback HTTP. */
import * as assert from 'node:assert/strict';
import type { LogSource } from '../../../src/api/buildsApi';
import { NO_LOGS } from '../../../src/api/buildsApi';
import { createApiFactory } from '../../../src/core/apiFactory';
import type { BuildService } from '../../../src/core/builds/buildService';
import { CredentialStore } from '../../../src/core/session/credentialStore';
import type { Logger } from '../../../src/core/ports';
import { systemClock } from '../../../src/core/ports';
import type { Clock } from '../../../src/core/ports';
import { SessionService } from '../../../src/core/session/sessionService';
import { OrganizationService } from '../../../src/core/session/organizationService';
import { InMemorySecretStore } from '../fakes/inMemorySecretStore';

export const ROOT_ORG = '3f5d9a12-7c41-4e8b-9b0d-2a6e4c1f8b73';
export const QA_ORG = '6fbd094c-18cb-4bcd-bc6f-cf2aee752982';
export const EU_ORG = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
export const PAT = 'acpat_demo_7Hq2xV9mK4pL8sT3';
export const KEY = { name: 'ci-bot', secret: 'acsk_demo_R5nW2yB8cD6fJ1qZ' };
export const QA_KEY = { name: 'qa-bot', secret: 'acsk_demo_qa_M3vX7kP9tL2w' };

export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  trace(m: string): void {
    this.lines.push(`trace ${m}`);
  }
  debug(m: string): void {
    this.lines.push(`debug ${m}`);
  }
  info(m: string): void {
    this.lines.push(`info ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`warn ${m}`);
  }
  error(m: string): void {
    this.lines.push(`error ${m}`);
  }
}

export interface Harness {
  secrets: InMemorySecretStore;
  store: CredentialStore;
  session: SessionService;
  orgs: OrganizationService;
  logger: RecordingLogger;
  dispose(): void;
}

export function makeHarness(
  urls: { apiUrl: string; authUrl: string },
  opts: { secrets?: InMemorySecretStore; workspaceId?: string; clock?: Clock; timeoutMs?: number; secretTimeoutMs?: number } = {},
): Harness {
  const secrets = opts.secrets ?? new InMemorySecretStore();
  const logger = new RecordingLogger();
  const store = new CredentialStore(secrets, opts.workspaceId ?? 'file:///work/ws-a', 'ws-a', opts.secretTimeoutMs);
  const api = createApiFactory(
    () => ({ apiUrl: urls.apiUrl, authUrl: urls.authUrl, dashboardUrl: 'http://127.0.0.1/dash', allowInsecureHttp: false }),
    logger,
    opts.timeoutMs ?? 5_000,
  );
  const session = new SessionService(store, api, opts.clock ?? systemClock, logger);
  const orgs = new OrganizationService(session);
  return {
    secrets,
    store,
    session,
    orgs,
    logger,
    dispose: () => {
      orgs.dispose();
      session.dispose();
      store.dispose();
    },
  };
}

/** Resolves when `cond()` holds, polling the event loop; rejects after `ms`. */
export async function waitFor(cond: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A log read whole through `readLog` (the product's only log read): its text, or undefined while it is not ready. */
export async function wholeLog(builds: BuildService, source: LogSource): Promise<string | undefined> {
  const r = await builds.readLog(source, 0);
  if (r.kind !== 'bytes') {
    return undefined;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of r.stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length === 0 || text.trim() === NO_LOGS ? undefined : text;
}

/** What `p` rejects with; fails the test when it resolves. */
export async function rejects(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected a rejection');
}
