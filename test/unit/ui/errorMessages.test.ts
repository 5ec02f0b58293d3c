import * as assert from 'node:assert/strict';
import { ApiError } from '../../../src/api/http/errors';
import type { ApiErrorKind } from '../../../src/api/http/errors';
import {
  AlreadySignedInError,
  AuthOriginChangedError,
  CannotSwitchError,
  NotSignedInError,
  OrganizationMismatchError,
  SecretStorageError,
  SessionExpiredError,
  UserCancelledError,
  ValidationError,
} from '../../../src/core/errors';
import { describeError } from '../../../src/ui/errors/errorMessages';

const api = (kind: ApiErrorKind, extra: Partial<ConstructorParameters<typeof ApiError>[0]> = {}) =>
  new ApiError({ kind, method: 'GET', path: 'identity/v1/organizations', ...extra });
/** Every message names what happened and what to do about it. */
const ACTIONABLE = /(try again|sign in|check|pick|ask|wait|enable|use |paste|enter|push|cancel it|leave|point)/i;

describe('ui: every failure has a clear message that says what to do', () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'wrong PAT (401)',
      api('unauthorized', { status: 401 }),
      /rejected the Personal Access Key \(Personal API Token\)\. .*My Organization → Security → Personal Access Key/,
    ],
    ['bad API key (401)', api('unauthorized', { status: 401 }), /rejected the API key name or secret/],
    ['no access to the organization (403)', api('forbidden', { status: 403 }), /no access to that organization/],
    ['non-GUID organization (400)', api('badRequest', { status: 400, isInvalidOrganizationId: true }), /Invalid organization ID format/],
    ['server error (5xx)', api('server', { status: 502 }), /server error \(502\)/],
    ['timeout', api('timeout'), /did not answer in time/],
    ['connection refused', api('connectionRefused'), /connection was refused/],
    ['DNS', api('dns'), /by name/],
    ['TLS', api('tls'), /certificate/],
    ['network drop', api('network'), /interrupted/],
    ['malformed JSON', api('malformedResponse'), /could not be read/],
    ['an HTML page', api('htmlResponse'), /web page instead/],
    ['rate limited', api('rateLimited', { status: 429, retryAfterMs: 30_000 }), /Wait 30 seconds/],
    ['insecure URL', api('insecureUrl'), /plain http/],
    ['SecretStorage failing', new SecretStorageError('write'), /secret storage failed/],
    ['SecretStorage failing on sign-out', new SecretStorageError('delete'), /could not delete/],
    ['session ended', new SessionExpiredError(), /session has ended/],
    [
      'auth URL changed (S16)',
      new AuthOriginChangedError('https://auth.old.test', 'https://auth.new.test'),
      /sign-in URL changed from https:\/\/auth\.old\.test to https:\/\/auth\.new\.test\. .*was not sent to the new one\. Sign in again/,
    ],
    ['an invalid id (N12)', api('invalidId'), /id that is not valid, so nothing was sent/],
    [
      'already signed in',
      new AlreadySignedInError('dev@acme.test', 'Acme Mobile'),
      /already signed in to Appcircle as dev@acme\.test \(organization Acme Mobile\)/,
    ],
    ['not signed in', new NotSignedInError(), /not signed in/],
    ['organization mismatch', new OrganizationMismatchError('a', 'b'), /different organization/],
    ['access token cannot switch', new CannotSwitchError(), /bound to one organization/],
    ['empty input', new ValidationError('pat', 'empty'), /Enter the Personal Access Key \(Personal API Token\)/],
    ['control characters', new ValidationError('apiKeySecret', 'controlCharacters'), /single line/],
    ['too long', new ValidationError('pat', 'tooLong'), /4 KB/],
    ['not a GUID', new ValidationError('organizationId', 'notGuid'), /must be a GUID/],
  ];
  const ops = ['signInPat', 'signInApiKey', 'signInApiKey', 'signInApiKey'] as const;
  cases.forEach(([name, err, re], i) => {
    it(name, () => {
      const d = describeError(err, ops[i] ?? 'load');
      assert.ok(d, 'not silent');
      assert.match(d.message, re);
      assert.match(d.message, ACTIONABLE, `says what to do: ${d.message}`);
    });
  });

  it('the session ending offers Sign In', () => {
    assert.equal(describeError(new SessionExpiredError(), 'load')?.signIn, true);
    assert.equal(describeError(new AuthOriginChangedError('https://a.test', 'https://b.test'), 'load')?.signIn, true);
  });

  it('cancelling is silent', () => {
    assert.equal(describeError(new UserCancelledError()), undefined);
    assert.equal(describeError(api('canceled')), undefined);
  });
});
