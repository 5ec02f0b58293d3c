import * as assert from 'node:assert/strict';
import type { BranchDto, BuildDto, ProfileDto, QueueRowDto } from '../../../src/api/buildsApi';
import { ZERO_GUID } from '../../../src/api/buildsApi';
import { isApiError } from '../../../src/api/http/errors';
import type { ApiClient } from '../../../src/api/http/httpClient';
import { OrganizationsApi } from '../../../src/api/organizationsApi';
import { BuildList, realBuildId, toBranch, toBuild, toProfile, toQueueEntry } from '../../../src/core/builds/buildMapping';
import { BuildStatus } from '../../../src/core/builds/buildModels';
import { toOrganization } from '../../../src/core/session/models';

const malformed = (e: unknown) => isApiError(e) && e.kind === 'malformedResponse';
const as = <T>(v: unknown) => v as T;

describe('core/buildMapping: wire objects of the wrong shape (counterexamples of the property tests)', () => {
  it('a null row or a row without its id is a typed malformedResponse, not a TypeError or an "undefined" id', () => {
    assert.throws(() => toProfile(as<ProfileDto>(null), new Set()), malformed);
    assert.throws(() => toBranch(as<BranchDto>(0), 'p'), malformed);
    assert.throws(() => toBranch(as<BranchDto>({ name: 'main' }), 'p'), malformed);
    assert.throws(() => new BuildList([as<BuildDto>(null)], (b) => toBuild(b, 'p', 'b')).first(1), malformed);
    assert.throws(() => toBuild(as<BuildDto>({ id: 'b1', status: 0 }), 'p', 'b'), malformed, 'no commitId: no log can be read');
    assert.throws(() => toQueueEntry(as<QueueRowDto>([])), malformed);
  });

  it('a queue item has a build id only once it is not the all-zero GUID', () => {
    assert.equal(realBuildId({ buildId: ZERO_GUID }), undefined);
    assert.equal(realBuildId({ buildId: '' }), undefined);
    assert.equal(realBuildId({}), undefined);
    assert.equal(realBuildId({ buildId: 'b-1' }), 'b-1');
  });

  it('a field of another type is dropped, never passed on as a string', () => {
    const p = toProfile(as<ProfileDto>({ id: 'p1', name: 5, repositoryName: 7, os: '1', lastBuildDate: {} }), new Set(['7']));
    assert.deepEqual(
      [p.name, p.repositoryName, p.platform, p.lastBuildDate, p.matchesWorkspace],
      ['p1', undefined, 'unknown', undefined, false],
    );
    const b = toBuild(
      as<BuildDto>({ id: 'b1', commitId: 'c1', status: '0', duration: { s: 1 }, author: 3, hasWarning: 'yes' }),
      'p',
      'br',
      as({ hash: 9, author: 'ann' }),
    );
    assert.deepEqual(
      [b.status, b.durationSec, b.author, b.commitHash, b.hasWarning],
      [BuildStatus.Unknown, undefined, 'ann', undefined, false],
    );
    const q = toQueueEntry(as<QueueRowDto>({ id: 'q1', queueItemStatus: 'running', os: Infinity, email: false }));
    assert.deepEqual([q.queueItemStatus, q.os, q.email], [0, undefined, undefined]);
  });

  it('organizations: a null entry or one without an id is malformedResponse; a name of another type is the id', async () => {
    const api = (body: unknown) => new OrganizationsApi(as<ApiClient>({ get: () => Promise.resolve(body) }));
    await assert.rejects(api([null]).list(), malformed);
    await assert.rejects(api({ data: [{ name: 1 }] }).list(), malformed);
    const [o] = (await api([{ id: 'ABC', name: 1, rootOrganizationId: 5 }]).list()).map(toOrganization);
    assert.deepEqual(o, { id: 'abc', name: 'abc', isRoot: true, rootOrganizationId: undefined });
  });
});
