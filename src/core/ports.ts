/** Interfaces that src/platform implements over VS Code and tests implement in memory. */
import type { Event } from './events';

export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  store(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Fires with the key whose value changed (in this window or another one). */
  readonly onDidChange: Event<string>;
}

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The part of the extension that writes a log line: `[session] Restored session …`. */
export type LogComponent =
  'extension' | 'session' | 'http' | 'builds' | 'poller' | 'logs' | 'commit' | 'ui' | 'events' | 'agent' | 'signing';

/** A logger whose lines start with the component that wrote them. */
export function componentLogger(logger: Logger, component: LogComponent): Logger {
  const tag = `[${component}] `;
  return {
    trace: (m) => logger.trace(tag + m),
    debug: (m) => logger.debug(tag + m),
    info: (m) => logger.info(tag + m),
    warn: (m) => logger.warn(tag + m),
    error: (m) => logger.error(tag + m),
  };
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export const nullLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Endpoint configuration, read from settings by src/platform. */
export interface Endpoints {
  apiUrl: string;
  authUrl: string;
  dashboardUrl: string;
  allowInsecureHttp: boolean;
}

/** The hook service's URL now (live logs, src/core/logs/logStream.ts), or why there is none (for the log). */
export interface HookEndpoint {
  url?: string;
  problem?: string;
  allowInsecureHttp: boolean;
}
