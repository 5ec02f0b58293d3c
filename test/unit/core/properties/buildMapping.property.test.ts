import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import type { BranchDto, BuildDto, CommitDto, ProfileDto, QueueRowDto } from '../../../../src/api/buildsApi';
import { isApiError } from '../../../../src/api/http/errors';
import { OrganizationsApi } from '../../../../src/api/organizationsApi';
import type { ApiClient } from '../../../../src/api/http/httpClient';
import { BuildList, byRecent, sortProfiles, toBranch, toBuild, toProfile, toQueueEntry } from '../../../../src/core/builds/buildMapping';
import { BuildStatus } from '../../../../src/core/builds/buildModels';
import { sortOrganizations, toOrganization } from '../../../../src/core/session/models';
import { NUM_RUNS } from '../../properties';

const STATUSES = new Set<unknown>(Object.values(BuildStatus));

/** One huge string, made once: a 64 KB name costs the mappers what a 1 MB one does (nothing is parsed). */
const HUGE = 'x'.repeat(65_536);

/** A field value of any JSON type, a huge string now and then, and the types a field should have. */
const anyField = fc.oneof(
  {
    weight: 3,
    // the wrong JSON types, cheaply (fc.jsonValue per field costs ten times more to generate)
    arbitrary: fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.double(),
      fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 2 }),
      fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
    ),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.integer({ min: -1, max: 100 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, 1, 2, 90, 91, 99, '', '00:01:02', 'PT1H', '2025-08-20T10:00:00Z', 1e308) },
  { weight: 1, arbitrary: fc.constant(HUGE) },
);

/** A wire object with the DTO's field names (any subset), each of any type; or any JSON at all. */
function dto(keys: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.dictionary(fc.constantFrom(...keys), anyField, { maxKeys: keys.length }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
}

const PROFILE_KEYS = ['id', 'name', 'pinned', 'os', 'buildPlatformType', 'repositoryName', 'lastBuildDate'];
const BRANCH_KEYS = ['id', 'name', 'lastBuildDate', 'buildStatus'];
const BUILD_KEYS = [
  'id',
  'commitId',
  'hash',
  'status',
  'hasWarning',
  'startDate',
  'endDate',
  'duration',
  'workflowName',
  'configurationName',
  'commitMessage',
  'author',
];
const COMMIT_KEYS = ['id', 'hash', 'author', 'message', 'commitDate'];
const QUEUE_KEYS = [
  'id',
  'commitId',
  'commitHash',
  'profileId',
  'profileName',
  'branchName',
  'queueItemStatus',
  'startQueueDateTime',
  'email',
  'os',
];
const ORG_KEYS = ['id', 'name', 'rootOrganizationId', 'rootOrganizationName', 'givenId'];

/**
 * The generated values are what JSON.parse gives (plain objects, arrays, strings, numbers, booleans, null), plus
 * NaN and ±Infinity, which JSON cannot carry: stricter than the wire. Not round-tripped through JSON, so the huge
 * string costs nothing per run.
 */
const wire = <T>(v: unknown): T => v as T;

const isStr = (v: unknown) => typeof v === 'string';
const optStr = (v: unknown) => v === undefined || typeof v === 'string';
const optFinite = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));

/** Calls a mapper: its result, or undefined when it refused the object with a typed malformedResponse. */
function mapped<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    assert.ok(isApiError(e) && e.kind === 'malformedResponse', `not a typed error: ${String(e)}`);
    return undefined;
  }
}

function fieldsOk(o: object, checks: Record<string, (v: unknown) => boolean>): void {
  for (const [k, ok] of Object.entries(checks)) {
    const v = (o as Record<string, unknown>)[k];
    assert.ok(ok(v), `${k}: ${typeof v} ${String(v).slice(0, 40)}`);
  }
}

describe('core/buildMapping properties (fast-check)', () => {
  it('toProfile: any wire object gives a well-typed profile or a typed malformedResponse; sorting never throws', () => {
    fc.assert(
      fc.property(fc.array(dto(PROFILE_KEYS), { maxLength: 4 }), fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }), (raw, repos) => {
        const list = raw.map((r) => mapped(() => toProfile(wire<ProfileDto>(r), new Set(repos)))).filter((p) => p !== undefined);
        for (const p of list) {
          fieldsOk(p, {
            id: isStr,
            name: isStr,
            platform: (v) => v === 'ios' || v === 'android' || v === 'unknown',
            repositoryName: optStr,
            pinned: (v) => typeof v === 'boolean',
            lastBuildDate: optStr,
            matchesWorkspace: (v) => typeof v === 'boolean',
          });
        }
        sortProfiles(list);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('toBranch: any wire object gives a well-typed branch or a typed malformedResponse; ordering never throws', () => {
    fc.assert(
      fc.property(fc.array(dto(BRANCH_KEYS), { maxLength: 4 }), fc.uuid(), (raw, profileId) => {
        const list = raw.map((r) => mapped(() => toBranch(wire<BranchDto>(r), profileId))).filter((b) => b !== undefined);
        for (const b of list) {
          fieldsOk(b, {
            id: isStr,
            name: isStr,
            profileId: isStr,
            lastBuildDate: optStr,
            lastStatus: (v) => v === undefined || STATUSES.has(v),
          });
        }
        list.sort(byRecent);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('toBuild (through BuildList): any wire objects give well-typed builds or a typed malformedResponse', () => {
    fc.assert(
      fc.property(fc.array(dto(BUILD_KEYS), { maxLength: 4 }), fc.option(dto(COMMIT_KEYS), { nil: undefined }), (raw, commit) => {
        const dtos = raw.map((r) => wire<BuildDto>(r));
        const c = commit === undefined ? undefined : wire<CommitDto>(commit);
        const list = mapped(() => new BuildList(dtos, (b) => toBuild(b, 'p', 'br', c)).first(10)) ?? [];
        for (const b of list) {
          fieldsOk(b, {
            id: isStr,
            profileId: isStr,
            branchId: isStr,
            commitId: isStr,
            commitHash: optStr,
            commitMessage: optStr,
            author: optStr,
            status: (v) => STATUSES.has(v),
            hasWarning: (v) => typeof v === 'boolean',
            startDate: optStr,
            endDate: optStr,
            durationSec: optFinite,
            workflowName: optStr,
            configurationName: optStr,
          });
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('toQueueEntry: any wire object gives a well-typed queue entry or a typed malformedResponse', () => {
    fc.assert(
      fc.property(dto(QUEUE_KEYS), (raw) => {
        const q = mapped(() => toQueueEntry(wire<QueueRowDto>(raw)));
        if (q) {
          fieldsOk(q, {
            id: isStr,
            commitId: optStr,
            commitHash: optStr,
            profileId: optStr,
            profileName: optStr,
            branchName: optStr,
            queueItemStatus: (v) => typeof v === 'number' && Number.isFinite(v),
            startQueueDateTime: optStr,
            email: optStr,
            os: optFinite,
          });
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('organizations (list, normalize, toOrganization, sort): any body gives well-typed organizations or a typed malformedResponse', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.array(dto(ORG_KEYS), { maxLength: 4 }),
          fc.record({ data: fc.array(dto(ORG_KEYS), { maxLength: 4 }) }),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        async (body) => {
          const client = { get: () => Promise.resolve(wire<unknown>(body)) } as unknown as ApiClient;
          let orgs;
          try {
            orgs = sortOrganizations((await new OrganizationsApi(client).list()).map(toOrganization));
          } catch (e) {
            assert.ok(isApiError(e) && e.kind === 'malformedResponse', `not a typed error: ${String(e)}`);
            return;
          }
          for (const o of orgs) {
            fieldsOk(o, { id: isStr, name: isStr, isRoot: (v) => typeof v === 'boolean', rootOrganizationId: optStr });
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
