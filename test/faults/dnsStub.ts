/**
 * The fault matrix never asks the system resolver: `dns.lookup` (what `net.connect`, and so axios's http adapter,
 * calls for a host name) is replaced for the whole run. `localhost` answers 127.0.0.1; every other name fails
 * with ENOTFOUND at once, as `appcircle-faults.invalid` (the DNS cell) should. `stubbed` counts the names it
 * answered; `system` counts calls of `dns.promises.lookup` (refused too), the other way in. Neither calls the real
 * resolver.
 */
import dns from 'node:dns';

export interface DnsStub {
  /** Lookups answered by the stub, by host name. */
  readonly stubbed: Map<string, number>;
  /** Lookups that reached the real resolver. */
  readonly system: number;
  restore(): void;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address?: string | dns.LookupAddress[], family?: number) => void;

export function installDnsStub(): DnsStub {
  const real = dns.lookup;
  const stubbed = new Map<string, number>();
  const state = { system: 0 };
  const stub = (hostname: string, options: unknown, callback?: LookupCallback): void => {
    const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
    stubbed.set(hostname, (stubbed.get(hostname) ?? 0) + 1);
    process.nextTick(() => {
      if (hostname === 'localhost' || hostname === '127.0.0.1') {
        if (all) {
          cb(null, [{ address: '127.0.0.1', family: 4 }]);
        } else {
          cb(null, '127.0.0.1', 4);
        }
        return;
      }
      const e: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: 'ENOTFOUND',
        errno: -3008,
        syscall: 'getaddrinfo',
        hostname,
      });
      cb(e);
    });
  };
  // the promise form has no business here: counted, and refused, so a caller of it shows up as `system`
  const realPromise = dns.promises.lookup;
  const refuse = (hostname: string): Promise<never> => {
    state.system++;
    return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
  };
  (dns as { lookup: unknown }).lookup = stub;
  (dns.promises as { lookup: unknown }).lookup = refuse;
  return {
    stubbed,
    get system() {
      return state.system;
    },
    restore: () => {
      (dns as { lookup: unknown }).lookup = real;
      (dns.promises as { lookup: unknown }).lookup = realPromise;
    },
  };
}
