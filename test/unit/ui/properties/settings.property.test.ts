import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { DEFAULT_ENDPOINTS, deriveDashboardUrl } from '../../../../src/platform/settings';
import { NUM_RUNS, anyText } from '../../properties';

/** apiUrl values as a user (or a pasted snippet) may set them. */
const apiUrl = fc.oneof(
  fc.webUrl({
    validSchemes: ['https', 'http', 'ftp', 'javascript', 'file', 'data', 'ws', 'blob'],
    authoritySettings: { withUserInfo: true, withPort: true, withIPv4: true, withIPv6: true },
  }),
  fc
    .tuple(
      fc.constantFrom('https://', 'http://', 'javascript:', 'data:text/html,', 'file://', 'blob:https://', 'ftp://', ' https://', ''),
      fc.constantFrom('', 'a:b@', 'user:pa55word@'),
      fc.constantFrom(
        'api.appcircle.io',
        'api.example.test',
        'api.',
        'api',
        '127.0.0.1',
        '[::1]',
        'api.пример.test',
        'API.Example.TEST',
        'evil.test',
      ),
      fc.constantFrom('', ':8443', '/', '/api?token=x', '#x', '\t'),
    )
    .map((p) => p.join('')),
  anyText(30),
);

describe('ui/platform settings properties (fast-check)', () => {
  it('deriveDashboardUrl: never throws; an http(s) origin without credentials, or the default', () => {
    fc.assert(
      fc.property(apiUrl, (input) => {
        const out = deriveDashboardUrl(input);
        if (out === DEFAULT_ENDPOINTS.dashboardUrl) {
          return;
        }
        const u = new URL(out);
        assert.ok(u.protocol === 'https:' || u.protocol === 'http:', `${JSON.stringify(input)} → ${out}`);
        assert.equal(out, u.origin, `${JSON.stringify(input)} → ${out}`);
        assert.ok(!out.includes('@'), `${JSON.stringify(input)} → ${out}`);
        assert.equal(u.protocol, new URL(input).protocol, 'the scheme the API uses');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
