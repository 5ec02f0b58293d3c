import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { PathMapper, bestSuffixMatch, repositoryRelative } from '../../../../src/core/logs/pathMapper';
import { NUM_RUNS } from '../../properties';

const part = fc.oneof(
  fc.constantFrom('..', '.', '', 'Repository', '_appcircle_temp', 'App', 'A.swift', 'B.kt', '%2e%2e', 'C:', '\u0000'),
  fc.string({ unit: 'binary', maxLength: 5 }),
);
const anyPath = fc.tuple(fc.array(part, { maxLength: 7 }), fc.constantFrom('/', '\\', '//')).map(([parts, sep]) => parts.join(sep));

describe('core/pathMapper properties (fast-check)', () => {
  it('the mapped path is what the workspace port answered, or nothing; the mapper never rejects, even when the port throws', async () => {
    await fc.assert(
      fc.asyncProperty(anyPath, fc.array(anyPath, { maxLength: 4 }), fc.boolean(), async (p, candidates, portThrows) => {
        const answers = new Set<string>();
        const mapper = new PathMapper({
          exists: (rel) => {
            if (portThrows) {
              throw new Error('EACCES');
            }
            const hit = candidates.find((c) => c.endsWith(rel));
            if (hit) {
              answers.add(hit);
            }
            return Promise.resolve(hit);
          },
          findByName: () => (portThrows ? Promise.reject(new Error('EACCES')) : Promise.resolve(candidates)),
        });
        const r = await mapper.map(p);
        assert.ok(r === undefined || answers.has(r) || candidates.includes(r), `${JSON.stringify(p)} → ${r}`);
        const best = bestSuffixMatch(p, candidates);
        assert.ok(best === undefined || candidates.includes(best));
        const rel = repositoryRelative(p);
        assert.ok(rel === undefined || (rel.length > 0 && p.replace(/\\/g, '/').endsWith(rel)));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
