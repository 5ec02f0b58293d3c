/** Hooks Module._load so `require('vscode')` returns the fake (ui tier only). */
import Module from 'node:module';
import * as vscodeFake from './vscodeFake';

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const mod = Module as unknown as { _load: Loader };
const original = mod._load;
mod._load = function (request: string, parent: unknown, isMain: boolean): unknown {
  if (request === 'vscode') {
    return vscodeFake;
  }
  return original.call(this, request, parent, isMain);
};
