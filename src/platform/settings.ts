import * as vscode from 'vscode';
import type { Event } from '../core/events';
import { clampIntervalMs } from '../core/builds/pollingScheduler';
import { clampWarningDays } from '../core/signing/expiry';
import type { Endpoints, HookEndpoint } from '../core/ports';

const SECTION = 'appcircle';
const ENDPOINT_KEYS = ['apiUrl', 'authUrl', 'dashboardUrl', 'allowInsecureHttp'] as const;
/**
 * What the MCP server definition depends on. Not endpoint keys: the MCP URL is sent a fresh access token from the
 * session each time the editor starts the server (src/ui/agent/mcpServer.ts), never a token minted for it or cached
 * with it, and the credential itself never goes there; so a new MCP URL drops nothing, the editor just asks again.
 */
const MCP_KEYS = ['mcp.enabled', 'mcpUrl', 'apiUrl', 'allowInsecureHttp'] as const;
/** What the hook service's URL depends on (src/core/logs/logStream.ts reconnects when one changes). */
const HOOK_KEYS = ['hookUrl', 'apiUrl', 'allowInsecureHttp'] as const;
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

export const DEFAULT_ENDPOINTS: Endpoints = {
  apiUrl: 'https://api.appcircle.io',
  authUrl: 'https://auth.appcircle.io',
  dashboardUrl: 'https://my.appcircle.io',
  allowInsecureHttp: false,
};

/** appcircle.mcp.enabled and the MCP server's URL; `problem` (for the log) when enabled but no URL can be used. */
export interface McpSettings {
  enabled: boolean;
  url?: string;
  problem?: string;
}

/**
 * Typed appcircle.* settings. Endpoints are application-scoped: only the user (or default) value is read,
 * never a workspace or folder value, so a cloned repository cannot send the credential elsewhere.
 */
export class Settings {
  readonly onDidChangeEndpoints: Event<void> = onChangeOf(ENDPOINT_KEYS);
  /** appcircle.mcp.enabled, appcircle.mcpUrl, or what the MCP URL is derived from changed. */
  readonly onDidChangeMcp: Event<void> = onChangeOf(MCP_KEYS);
  /** appcircle.hookUrl or what it is derived from changed. */
  readonly onDidChangeHook: Event<void> = onChangeOf(HOOK_KEYS);

  /**
   * appcircle.builds.pollInterval in ms, clamped to 2–300 s whatever its source (user, workspace, folder) and type
   * (a number, a numeric string; anything else is the default 5 s): a workspace cannot make it a request storm.
   */
  pollIntervalMs(): number {
    const v = vscode.workspace.getConfiguration(SECTION).get<unknown>('builds.pollInterval', 5);
    const sec = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return clampIntervalMs(Number.isFinite(sec) ? sec * 1000 : NaN);
  }

  notifyMode(): 'all' | 'watched' | 'failures' | 'never' {
    const v = vscode.workspace.getConfiguration(SECTION).get<string>('notifications.buildFinished', 'watched');
    return v === 'all' || v === 'failures' || v === 'never' ? v : 'watched';
  }

  onDidChangePolling(listener: () => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.builds.pollInterval`)) {
        listener();
      }
    });
  }

  /** appcircle.signing.expiryWarningDays: whole days, clamped to 1–365 whatever its source and type (default 30). */
  expiryWarningDays(): number {
    return clampWarningDays(vscode.workspace.getConfiguration(SECTION).get<unknown>('signing.expiryWarningDays', 30));
  }

  onDidChangeExpiryWarningDays(listener: () => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.signing.expiryWarningDays`)) {
        listener();
      }
    });
  }

  endpoints(): Endpoints {
    const c = vscode.workspace.getConfiguration(SECTION);
    const apiUrl = userValue(c, 'apiUrl', DEFAULT_ENDPOINTS.apiUrl).trim();
    const authUrl = userValue(c, 'authUrl', DEFAULT_ENDPOINTS.authUrl).trim();
    const inspected = c.inspect<string>('dashboardUrl');
    const explicitDashboard = inspected?.globalValue;
    const dashboardUrl = (explicitDashboard ?? deriveDashboardUrl(apiUrl)).trim();
    return { apiUrl, authUrl, dashboardUrl, allowInsecureHttp: userValue(c, 'allowInsecureHttp', false) };
  }

  /**
   * Whether to offer Appcircle's MCP server, and its URL. Application scope, as endpoints(): only the user value is
   * read, so a workspace can neither turn it on nor point the access token elsewhere.
   */
  mcp(): McpSettings {
    const c = vscode.workspace.getConfiguration(SECTION);
    const enabled = userValue<unknown>(c, 'mcp.enabled', false) === true;
    const explicit = userValue<unknown>(c, 'mcpUrl', '');
    const e = this.endpoints();
    return { enabled, ...resolveMcpUrl(typeof explicit === 'string' ? explicit.trim() : '', e.apiUrl, e.allowInsecureHttp) };
  }

  /**
   * The hook service's URL for live logs (appcircle.hookUrl, or derived from the API URL), or why there is none.
   * Application scope, as endpoints(): it receives the access token.
   */
  hook(): HookEndpoint {
    const explicit = userValue<unknown>(vscode.workspace.getConfiguration(SECTION), 'hookUrl', '');
    const e = this.endpoints();
    const r = resolveHookUrl(typeof explicit === 'string' ? explicit.trim() : '', e.apiUrl, e.allowInsecureHttp);
    return { ...r, allowInsecureHttp: e.allowInsecureHttp };
  }
}

function onChangeOf(keys: readonly string[]): Event<void> {
  return (listener, thisArgs, disposables) =>
    vscode.workspace.onDidChangeConfiguration(
      (e) => {
        if (keys.some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) {
          listener.call(thisArgs, undefined);
        }
      },
      undefined,
      disposables,
    );
}

function userValue<T>(c: vscode.WorkspaceConfiguration, key: string, fallback: T): T {
  const i = c.inspect<T>(key);
  return i?.globalValue ?? i?.defaultValue ?? fallback;
}

/** my.<domain> from api.<domain> (docs/appcircle-api.md §9) when the dashboard URL is not set. */
export function deriveDashboardUrl(apiUrl: string): string {
  try {
    const u = new URL(apiUrl);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') {
      return DEFAULT_ENDPOINTS.dashboardUrl; // data:, javascript:, file: have the origin "null"
    }
    if (u.hostname.startsWith('api.')) {
      u.hostname = `my.${u.hostname.slice(4)}`;
      return u.origin;
    }
    if (u.hostname === 'api.appcircle.io') {
      return DEFAULT_ENDPOINTS.dashboardUrl;
    }
    return u.origin;
  } catch {
    return DEFAULT_ENDPOINTS.dashboardUrl;
  }
}

/** A service beside the API (the MCP server, the hook service): its setting, its name in words, its host from the API's. */
interface ServiceUrlRule {
  setting: string;
  /** "no <name> URL can be derived" */
  name: string;
  /** "The <short> URL derived from appcircle.apiUrl" */
  short: string;
  /** The service's host (with port) from an API host `api.<rest>`; `rest` is what follows `api.`. */
  derive: (rest: string) => string;
}

const MCP_RULE: ServiceUrlRule = { setting: 'appcircle.mcpUrl', name: 'mcp', short: 'MCP', derive: (rest) => `mcp.${rest}` };
/**
 * The hook service (docs: appcircle-api-next §6): `hook.<domain>` on a self-hosted server (the Helm chart's
 * `webEvent` subdomain); `hooks.appcircle.io` for the cloud, UNVERIFIED (the newer CLI's tests use it).
 */
const HOOK_RULE: ServiceUrlRule = {
  setting: 'appcircle.hookUrl',
  name: 'hook',
  short: 'hook',
  derive: (rest) => (rest.toLowerCase() === 'appcircle.io' ? 'hooks.appcircle.io' : `hook.${rest}`),
};

/**
 * The MCP server's URL (docs: appcircle-api-next §8): appcircle.mcpUrl when set, else mcp.<domain> from an API URL
 * api.<domain> (https://mcp.appcircle.io for the cloud; the self-hosted Helm chart serves it on the `mcp` subdomain).
 */
export function resolveMcpUrl(explicit: string, apiUrl: string, allowInsecureHttp: boolean): { url?: string; problem?: string } {
  return resolveServiceUrl(MCP_RULE, explicit, apiUrl, allowInsecureHttp);
}

/** The hook service's URL: appcircle.hookUrl when set, else derived from api.<domain> (HOOK_RULE); none for other hosts. */
export function resolveHookUrl(explicit: string, apiUrl: string, allowInsecureHttp: boolean): { url?: string; problem?: string } {
  return resolveServiceUrl(HOOK_RULE, explicit, apiUrl, allowInsecureHttp);
}

/**
 * A service's URL: its setting when set, else derived from an API URL api.<domain>. The same rule as the API URLs
 * (src/api/http/url.ts checkUrlAllowed): https, or http to this machine or with appcircle.allowInsecureHttp; never
 * with a user name or password. Otherwise no URL, and the problem in words.
 */
function resolveServiceUrl(
  rule: ServiceUrlRule,
  explicit: string,
  apiUrl: string,
  allowInsecureHttp: boolean,
): { url?: string; problem?: string } {
  let u: URL | undefined;
  try {
    u = explicit !== '' ? new URL(explicit) : deriveServiceUrl(rule, apiUrl);
  } catch {
    return { problem: `${rule.setting} is not a URL` };
  }
  if (!u) {
    return {
      problem: `appcircle.apiUrl is not on an api.<domain> host, so no ${rule.name === 'mcp' ? 'MCP server' : 'hook service'} URL can be derived from it: set ${rule.setting}`,
    };
  }
  const which =
    explicit !== '' ? rule.setting : `The ${rule.short === 'MCP' ? 'MCP' : 'hook service'} URL derived from appcircle.apiUrl (${u.origin})`;
  if (u.username || u.password) {
    return { problem: `${rule.setting} has a user name or password in it: refused` };
  }
  if (u.protocol === 'https:' || (u.protocol === 'http:' && (allowInsecureHttp || LOOPBACK.test(u.hostname)))) {
    return { url: u.pathname === '/' && !u.search && !u.hash ? u.origin : u.href };
  }
  const fix = u.protocol === 'http:' ? 'use https://, or enable appcircle.allowInsecureHttp' : 'use an https:// URL';
  return { problem: `${which} is refused (${u.protocol}//${u.hostname}): ${fix}` };
}

/** The service's host from api.<domain>, with the API URL's scheme and port; undefined for any other host. */
function deriveServiceUrl(rule: ServiceUrlRule, apiUrl: string): URL | undefined {
  try {
    const u = new URL(apiUrl);
    if (!u.hostname.startsWith('api.') || u.hostname.length <= 4) {
      return undefined;
    }
    return new URL(`${u.protocol}//${rule.derive(u.host.slice(4))}`);
  } catch {
    return undefined;
  }
}
