/**
 * The local cell groups `runFaults.ts` runs after the network grid (cells that make no request: hostile `.git`
 * contents, hostile logs, server strings carrying link and icon syntax). Each group module exports a function that
 * returns its cells; list it here, e.g. `import { distributionCells } from './distributionCells';
import { gitCells } from './gitCells';` and `gitCells,` in the array.
 */
import { distributionCells } from './distributionCells';
import { gitCells } from './gitCells';
import type { LocalCell } from './localCells';
import { logCells } from './logCells';
import { streamCells } from './streamCells';
import { stringCells } from './stringCells';

export const LOCAL_GROUPS: Array<() => LocalCell[]> = [gitCells, logCells, stringCells, distributionCells, streamCells];
