import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { LOG_SCHEME } from '../../../../src/constants';
import { BuildStatus, toBuildStatus } from '../../../../src/core/builds/buildModels';
import { logBuildInfo, logFileName, logTitle, logUri } from '../../../../src/ui/logs/logUri';
import type { LogTarget } from '../../../../src/ui/logs/logUri';
import { NUM_RUNS } from '../../properties';

/** Well-formed text of one character or more (ids and names; the URI's query is UTF-8, lone surrogates are not). */
const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 });
const safe = (s: string) => s.replace(/[\\/:*?"<>|#%]/g, '-');

const target: fc.Arbitrary<LogTarget> = fc.record(
  {
    profileName: text,
    branchName: text,
    label: text,
    commitId: text,
    buildId: text,
    queueItemId: text,
    status: fc.oneof(fc.constantFrom(...Object.values(BuildStatus)), fc.integer({ min: -1000, max: 1000 })),
    profileId: text,
    branchId: text,
  },
  { requiredKeys: ['profileName', 'branchName', 'label'] },
);

describe('property: the appcircle-log: URI reads back what it was written with (logUri ↔ logBuildInfo)', () => {
  it('ids, status and names survive the round trip; the path names profile, branch and label', () => {
    fc.assert(
      fc.property(target, (t) => {
        const uri = logUri(t);
        assert.equal(uri.scheme, LOG_SCHEME);
        assert.deepEqual(logBuildInfo(uri), {
          status: t.status === undefined ? undefined : toBuildStatus(t.status),
          buildId: t.buildId,
          commitId: t.commitId,
          queueItemId: t.queueItemId,
          profileId: t.profileId,
          branchId: t.branchId,
          profileName: safe(t.profileName),
          branchName: safe(t.branchName),
        });
        assert.equal(logFileName(uri), `${safe(t.label)}.log`);
        assert.equal(logTitle(uri), `${safe(t.profileName)} / ${safe(t.branchName)} / ${safe(t.label)}.log`);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a URI with no query says nothing about the build', () => {
    const uri = logUri({ profileName: 'p', branchName: 'b', label: 'l' });
    assert.deepEqual(logBuildInfo(uri), {
      status: undefined,
      buildId: undefined,
      commitId: undefined,
      queueItemId: undefined,
      profileId: undefined,
      branchId: undefined,
      profileName: 'p',
      branchName: 'b',
    });
  });
});
