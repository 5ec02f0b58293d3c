import * as vscode from 'vscode';
import type { Event } from '../core/events';
import { clampIntervalMs } from '../core/builds/pollingScheduler';
import type { Endpoints } from '../core/ports';

const SECTION = 'appcircle';
const ENDPOINT_KEYS = ['apiUrl', 'authUrl', 'dashboardUrl', 'allowInsecureHttp'] as const;

export const DEFAULT_ENDPOINTS: Endpoints = {
  apiUrl: 'https://api.appcircle.io',
  authUrl: 'https://auth.appcircle.io',
  dashboardUrl: 'https://my.appcircle.io',
  allowInsecureHttp: false,
};

/**
 * Typed appcircle.* settings. Endpoints are application-scoped: only the user (or default) value is read,
 * never a workspace or folder value, so a cloned repository cannot send the credential elsewhere.
 */
export class Settings {
  readonly onDidChangeEndpoints: Event<void>;

  constructor() {
    this.onDidChangeEndpoints = (listener, thisArgs, disposables) =>
      vscode.workspace.onDidChangeConfiguration(
        (e) => {
          if (ENDPOINT_KEYS.some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) {
            listener.call(thisArgs, undefined);
          }
        },
        undefined,
        disposables,
      );
  }

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

  endpoints(): Endpoints {
    const c = vscode.workspace.getConfiguration(SECTION);
    const apiUrl = userValue(c, 'apiUrl', DEFAULT_ENDPOINTS.apiUrl).trim();
    const authUrl = userValue(c, 'authUrl', DEFAULT_ENDPOINTS.authUrl).trim();
    const inspected = c.inspect<string>('dashboardUrl');
    const explicitDashboard = inspected?.globalValue;
    const dashboardUrl = (explicitDashboard ?? deriveDashboardUrl(apiUrl)).trim();
    return { apiUrl, authUrl, dashboardUrl, allowInsecureHttp: userValue(c, 'allowInsecureHttp', false) };
  }
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
