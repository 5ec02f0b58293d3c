/**
 * axios, loaded on first use. In the bundle `./axiosEntry` is the separate file dist/http.js (esbuild.js
 * maps the require below to it), so dist/extension.js loads without axios; under tsc (tests, bench) it is the
 * compiled module next to this one. Types come from axios directly: `import type` loads nothing.
 */
import type { AxiosStatic } from 'axios';
import type * as AxiosEntry from './axiosEntry';

let loaded: AxiosStatic | undefined;

export function loadAxios(): AxiosStatic {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy, synchronous load is the point
  loaded ??= (require('./axiosEntry') as typeof AxiosEntry).axios;
  return loaded;
}
