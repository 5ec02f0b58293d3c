/**
 * Testing Distribution and signing words: every sentence whole per case (one for 1, one for many), errors that say
 * what happened (a refusal is not "cut off", a 403 is not "expired", a guessed duplicate is not a certainty) and
 * what to do.
 */
import * as assert from 'node:assert/strict';
import { ApiError } from '../../../src/api/http/errors';
import { ArtifactsZipError } from '../../../src/core/distribution/artifactBinaries';
import {
  DuplicateVersionError,
  UploadInterruptedError,
  UploadTaskTimeoutError,
  UploadUrlRefusedError,
  WriteNotAppliedError,
} from '../../../src/core/distribution/distributionErrors';
import { describeDistributionError } from '../../../src/ui/errors/distributionErrors';

const say = (e: unknown) => describeDistributionError(e)?.message ?? '';

describe('ui: distribution words', () => {
  it('storage failures: a broken connection is cut off, a 4xx a refusal, a 5xx a failure; "1 try", never "1 tries"', () => {
    assert.match(say(new UploadInterruptedError(1)), /^The upload was cut off\. Nothing was made/);
    assert.match(say(new UploadInterruptedError(3)), /cut off on each of 3 tries/);
    const refused = say(new UploadInterruptedError(1, new ApiError({ kind: 'notFound', status: 404 })));
    assert.match(refused, /The storage service refused the file \(HTTP 404\)/);
    assert.doesNotMatch(refused, /cut off|tries/);
    assert.match(say(new UploadInterruptedError(1, new ApiError({ kind: 'server', status: 500 }))), /failed to take the file \(HTTP 500\)/);
    assert.match(
      say(new UploadInterruptedError(3, new ApiError({ kind: 'server', status: 503 }))),
      /unavailable \(HTTP 503\) on each of 3 tries/,
    );
    assert.match(say(new UploadInterruptedError(0)), /did not give an address/);
    assert.match(new UploadInterruptedError(1).message, /after 1 try;/);
  });

  it('a refused upload URL: 403 is "not allowed", not "expired"; no status is the https check; 401 is expired or not valid', () => {
    const forbidden = say(new UploadUrlRefusedError(403));
    assert.match(forbidden, /refused the upload \(HTTP 403: not allowed\).*access policy/);
    assert.doesNotMatch(forbidden, /expired/);
    assert.doesNotMatch(new UploadUrlRefusedError(403).message, /expired/);
    assert.match(say(new UploadUrlRefusedError(401)), /HTTP 401: expired or not valid/);
    assert.match(say(new UploadUrlRefusedError(undefined)), /not a secure https address/);
  });

  it('a duplicate version: certain when the server said so, the likely cause when it refused without words', () => {
    assert.match(say(new DuplicateVersionError('Version 1.0 (1) already exists')), /this version number is already in the profile/);
    const guessed = say(new DuplicateVersionError('Failed'));
    assert.match(guessed, /without saying why/);
    assert.doesNotMatch(guessed, /this version number is already in the profile/);
  });

  it('a write not applied is named in words, one sentence per change; the task wait in whole minutes', () => {
    assert.match(say(new WriteNotAppliedError('testingGroups')), /the auto-send testing groups are unchanged/);
    assert.match(say(new WriteNotAppliedError('unpublish')), /still published/);
    assert.doesNotMatch(say(new WriteNotAppliedError('releaseNotes')), /\(releaseNotes\)/);
    assert.match(say(new UploadTaskTimeoutError('t', 60_000)), /after 1 minute\./);
    assert.match(say(new UploadTaskTimeoutError('t', 600_000)), /after 10 minutes\./);
  });

  it('artifacts zips over the entry or binary bound say so and what to do', () => {
    assert.match(say(new ArtifactsZipError('tooManyEntries')), /more than 10000 files.*Download the binary/);
    assert.match(say(new ArtifactsZipError('tooManyBinaries')), /more than 100 \.ipa, \.apk and \.aab files/);
  });
});
