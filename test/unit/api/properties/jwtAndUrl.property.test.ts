import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { decodeJwt } from '../../../../src/api/dto';
import { isApiError } from '../../../../src/api/http/errors';
import { checkUrlAllowed } from '../../../../src/api/http/url';
import { NUM_RUNS, anyText, loneSurrogates, tokenText } from '../../properties';

const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** A JSON number as a server could print it: huge exponents parse to ±Infinity. */
const jsonNumber = fc.oneof(
  fc.constantFrom('1e999', '-1e999', '1e308', '-0', '0', '0.5', '1700000000', '99999999999999999999'),
  fc.double().filter(Number.isFinite).map(String),
);
/** A payload: arbitrary JSON, an object with claims of any type, or text that is not JSON. */
const payloadText = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .tuple(jsonNumber, jsonNumber, fc.jsonValue(), fc.jsonValue())
    .map(
      ([exp, iat, sub, org]) => `{"exp":${exp},"iat":${iat},"sub":${JSON.stringify(sub)},"currentOrganizationId":${JSON.stringify(org)}}`,
    ),
  anyText(60),
  fc.string({ maxLength: 4000 }).map((s) => JSON.stringify({ name: s, exp: 1 })),
);
/** A token: three base64url segments, any text, or segments that are not base64url at all. */
const token = fc.oneof(
  fc.tuple(anyText(20), payloadText, anyText(20)).map(([h, p, s]) => `${b64url(h)}.${b64url(p)}.${b64url(s)}`),
  fc
    .tuple(payloadText, fc.base64String({ maxLength: 40 }))
    .map(([p, s]) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(p).toString('base64')}.${s}`),
  tokenText(['.', 'eyJ', '=', '-', '_', '+', '/', '%'], 10),
  loneSurrogates(30),
);

function assertTypedFailure(e: unknown, input: string): void {
  assert.ok(isApiError(e) && e.kind === 'malformedResponse', `unexpected ${String(e)}`);
  for (const part of input.split('.')) {
    assert.ok(part.length < 6 || !e.message.includes(part), `a token part in the message: ${e.message}`);
  }
}

describe('api/dto decodeJwt properties (fast-check)', () => {
  it('any token: typed claims (exp and iat finite or absent) or a typed malformedResponse without the token', () => {
    fc.assert(
      fc.property(token, (t) => {
        let claims;
        try {
          claims = decodeJwt(t);
        } catch (e) {
          assertTypedFailure(e, t);
          return;
        }
        for (const k of ['exp', 'iat'] as const) {
          const v = claims[k];
          assert.ok(v === undefined || (typeof v === 'number' && Number.isFinite(v)), `${k} = ${v}`);
        }
        for (const k of ['sub', 'email', 'preferred_username', 'name', 'currentOrganizationId'] as const) {
          const v = claims[k];
          assert.ok(v === undefined || typeof v === 'string', `${k} is ${typeof v}`);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

const LOOPBACK_HOST = /^(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

/** Endpoint URLs as settings may hold them: real ones, hostile ones, and anything. */
const endpointUrl = fc.oneof(
  fc.webUrl({
    validSchemes: ['https', 'http', 'ftp', 'javascript', 'file', 'data', 'ws'],
    authoritySettings: { withUserInfo: true, withPort: true, withIPv4: true, withIPv6: true, withIPv4Extended: true },
  }),
  fc
    .tuple(
      fc.constantFrom('http://', 'https://', 'HTTP://', 'http:/', 'http:\\\\', ' http://', 'javascript:', 'data:', 'file://', '//', ''),
      fc.constantFrom('', 'a:b@', 'user@', ':@', 'tok%40en:x@', 'x@127.0.0.1@'),
      fc.constantFrom(
        '127.0.0.1',
        '127.0.0.1.evil.test',
        'localhost',
        'localhost.evil.test',
        'evil.test',
        '[::1]',
        '[::ffff:127.0.0.1]',
        '0x7f.1',
        '2130706433',
        '127.1',
        'xn--e1afmkfd.test',
        'пример.test',
        'ＬＯＣＡＬＨＯＳＴ',
        'api.appcircle.io',
      ),
      fc.constantFrom('', ':443', ':80', ':8080', ':0', ':99999'),
      fc.constantFrom('', '/', '/v1?token=x', '#frag', '\t', ' ', '\n', '\u0000', '/..%2f..%2f'),
    )
    .map((parts) => parts.join('')),
  anyText(40),
);

describe('api/http/url checkUrlAllowed properties (fast-check)', () => {
  it('accepts only https, or http to loopback, never with credentials; refuses with a typed error that names no credential', () => {
    fc.assert(
      fc.property(endpointUrl, fc.boolean(), (url, allowInsecure) => {
        try {
          checkUrlAllowed(url, allowInsecure);
        } catch (e) {
          assert.ok(isApiError(e) && e.kind === 'insecureUrl', `unexpected ${String(e)}`);
          let u: URL | undefined;
          try {
            u = new URL(url);
          } catch {
            return;
          }
          // the message's own words are no leak ('red' is in 'credentials' and 'refused')
          const shown = e.message.replace(/URL refused|URL with credentials|invalid URL|insecureUrl/g, ' ');
          for (const c of [u.username, u.password]) {
            assert.ok(c.length < 3 || !shown.includes(c), `credential in ${e.message}`);
          }
          return;
        }
        const u = new URL(url);
        assert.equal(u.username, '', url);
        assert.equal(u.password, '', url);
        assert.ok(
          u.protocol === 'https:' || (u.protocol === 'http:' && (allowInsecure || LOOPBACK_HOST.test(u.hostname))),
          `accepted ${JSON.stringify(url)} (${u.protocol}//${u.hostname})`,
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
