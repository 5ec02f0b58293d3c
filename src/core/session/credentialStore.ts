/**
 * One workspace's session in SecretStorage: a single JSON value under a key that names the workspace
 * (ARCHITECTURE.md §3), plus an index of the workspaces that have one, so a new workspace can offer them.
 * The index holds no secrets (workspace name, account, organization name).
 */
import { Emitter, DisposableBase } from '../events';
import type { Event } from '../events';
import { SecretStorageError, UnreadableSessionError } from '../errors';
import type { Credential, OtherWorkspaceSession, StoredSession } from './models';
import type { SecretStore } from '../ports';

export const SESSION_KEY_PREFIX = 'appcircle.session:';
export const SESSION_INDEX_KEY = 'appcircle.sessionIndex';

interface IndexEntry {
  key: string;
  workspaceName: string;
  account: string;
  organizationName: string;
  kind: Credential['kind'];
}

export function sessionKeyFor(workspaceId: string): string {
  return SESSION_KEY_PREFIX + workspaceId;
}

function isCredential(v: unknown): v is Credential {
  if (!v || typeof v !== 'object') {
    return false;
  }
  const c = v as Record<string, unknown>;
  switch (c.kind) {
    case 'pat':
      return typeof c.pat === 'string';
    case 'apiKey':
      return (
        typeof c.name === 'string' &&
        typeof c.secret === 'string' &&
        (c.organizationId === undefined || typeof c.organizationId === 'string')
      );
    case 'accessToken':
      return typeof c.token === 'string' && typeof c.source === 'string';
    default:
      return false;
  }
}

export function parseStoredSession(raw: string | undefined): StoredSession | undefined {
  const r = checkStoredSession(raw);
  return 'session' in r ? r.session : undefined;
}

/** The stored value as a session, nothing, or why it cannot be read (it is left as it is). */
export function checkStoredSession(
  raw: string | undefined,
): { session: StoredSession } | { none: true } | { problem: 'corrupted' | 'unknownVersion' } {
  if (!raw) {
    return { none: true };
  }
  let v: Partial<StoredSession>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return { problem: 'corrupted' };
    }
    v = parsed;
  } catch {
    return { problem: 'corrupted' };
  }
  if (typeof v.version === 'number' && v.version > 1) {
    return { problem: 'unknownVersion' };
  }
  const session = toSession(v);
  return session ? { session } : { problem: 'corrupted' };
}

function toSession(v: Partial<StoredSession>): StoredSession | undefined {
  if (v.version !== 1 || !isCredential(v.credential) || typeof v.organizationId !== 'string' || typeof v.account !== 'string') {
    return undefined;
  }
  return {
    version: 1,
    credential: v.credential,
    organizationId: v.organizationId,
    organizationName: typeof v.organizationName === 'string' ? v.organizationName : v.organizationId,
    rootOrganizationId: typeof v.rootOrganizationId === 'string' ? v.rootOrganizationId : undefined,
    account: v.account,
    accountId: typeof v.accountId === 'string' ? v.accountId : v.account,
    savedAt: typeof v.savedAt === 'string' ? v.savedAt : new Date(0).toISOString(),
    ...(typeof v.authOrigin === 'string' ? { authOrigin: v.authOrigin } : {}),
  };
}

/** How long a SecretStorage call may take before it counts as failed (a hung keychain must not hang the extension). */
export const SECRET_STORAGE_TIMEOUT_MS = 10_000;

export class CredentialStore extends DisposableBase {
  private readonly _onDidChange = this._register(new Emitter<void>());
  /** The workspace's session changed in SecretStorage (this window or another one). */
  readonly onDidChange: Event<void> = this._onDidChange.event;
  readonly key: string;

  constructor(
    private readonly secrets: SecretStore,
    workspaceId: string,
    private readonly workspaceName: string,
    private readonly timeoutMs = SECRET_STORAGE_TIMEOUT_MS,
  ) {
    super();
    this.key = sessionKeyFor(workspaceId);
    this._register(
      secrets.onDidChange((key) => {
        if (key === this.key) {
          this._onDidChange.fire();
        }
      }),
    );
  }

  /** The stored session, or undefined (nothing stored, or a value that cannot be read: see readChecked). */
  async read(): Promise<StoredSession | undefined> {
    return parseStoredSession(await this.guard('read', () => this.secrets.get(this.key)));
  }

  /** Like read(), but an unreadable value throws UnreadableSessionError instead of reading as "signed out". */
  async readChecked(): Promise<StoredSession | undefined> {
    const r = checkStoredSession(await this.guard('read', () => this.secrets.get(this.key)));
    if ('problem' in r) {
      throw new UnreadableSessionError(r.problem);
    }
    return 'session' in r ? r.session : undefined;
  }

  async write(session: StoredSession): Promise<void> {
    await this.guard('write', () => this.secrets.store(this.key, JSON.stringify(session)));
    // the index is a convenience: failing to update it must not fail the sign-in
    await this.updateIndex((entries) => [
      ...entries.filter((e) => e.key !== this.key),
      {
        key: this.key,
        workspaceName: this.workspaceName,
        account: session.account,
        organizationName: session.organizationName,
        kind: session.credential.kind,
      },
    ]).catch(() => undefined);
  }

  async clear(): Promise<void> {
    await this.guard('delete', () => this.secrets.delete(this.key));
    await this.updateIndex((entries) => entries.filter((e) => e.key !== this.key)).catch(() => undefined);
  }

  /** Sessions stored by other workspaces, checked to still exist; with `authOrigin`, only those bound to it (or to none). */
  async listOthers(authOrigin?: string): Promise<OtherWorkspaceSession[]> {
    const entries = await this.readIndex();
    const out: OtherWorkspaceSession[] = [];
    const seen = new Set<string>();
    for (const e of entries) {
      if (e.key === this.key) {
        continue;
      }
      const s = parseStoredSession(await this.guard('read', () => this.secrets.get(e.key)).catch(() => undefined));
      if (!s || (authOrigin !== undefined && s.authOrigin !== undefined && s.authOrigin !== authOrigin)) {
        continue;
      }
      // the same credential stored by several workspaces is offered once
      const identity = `${s.credential.kind}:${s.account}:${s.organizationId}`;
      if (seen.has(identity)) {
        continue;
      }
      seen.add(identity);
      out.push({
        key: e.key,
        workspaceName: e.workspaceName,
        account: s.account,
        organizationName: s.organizationName,
        kind: s.credential.kind,
      });
    }
    return out;
  }

  async readOther(key: string): Promise<StoredSession | undefined> {
    if (!key.startsWith(SESSION_KEY_PREFIX)) {
      return undefined;
    }
    return parseStoredSession(await this.guard('read', () => this.secrets.get(key)));
  }

  private async readIndex(): Promise<IndexEntry[]> {
    try {
      const raw = await this.guard('read', () => this.secrets.get(SESSION_INDEX_KEY));
      const v: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(v) ? (v as IndexEntry[]).filter((e) => typeof e?.key === 'string') : [];
    } catch {
      return [];
    }
  }

  private async updateIndex(fn: (entries: IndexEntry[]) => IndexEntry[]): Promise<void> {
    const next = fn(await this.readIndex());
    await this.guard('write', () => this.secrets.store(SESSION_INDEX_KEY, JSON.stringify(next)));
  }

  /** Every SecretStorage call is bounded: a hung keychain becomes a SecretStorageError after `timeoutMs`. */
  private async guard<T>(operation: 'read' | 'write' | 'delete', fn: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SecretStorageError(operation, undefined, true)), this.timeoutMs);
    });
    try {
      return await Promise.race([Promise.resolve().then(fn), timeout]);
    } catch (e) {
      throw e instanceof SecretStorageError ? e : new SecretStorageError(operation, e);
    } finally {
      clearTimeout(timer);
    }
  }
}
