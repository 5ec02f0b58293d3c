/** Property: no download link checkDownloadLink takes has a user name or password, or plain http to another machine. */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { checkDownloadLink, MAX_DOWNLOAD_LINK_LENGTH } from '../../../../src/core/distribution/downloadLink';
import { NUM_RUNS, tokenText } from '../../properties';
import { isLoopbackHost } from '../../../../src/api/http/url';

/** The pieces of links that try to pass: schemes, userinfo, loopback look-alikes, hidden characters. */
const LINK_TOKENS = [
  'https://',
  'http://',
  'HTTP://',
  'ftp://',
  'javascript:',
  'file:///',
  '//',
  'user:pw@',
  'u@',
  ':@',
  '%40',
  '@',
  '127.0.0.1',
  '127.0.0.1.evil.test',
  'localhost',
  '[::1]',
  '[::ffff:127.0.0.1]',
  '0x7f000001',
  'files.example.test',
  ':8080',
  '/app.apk',
  '?sig=a%2Fb',
  '#frag',
  '\\',
  '\t',
  '\n',
  '\u202e',
  '\u0000',
  ' ',
];

describe('core: properties of the download link check', () => {
  it('an accepted link parses, has no userinfo, is https or http to this machine, is bounded and has no controls', () => {
    const links = fc.oneof(
      tokenText(LINK_TOKENS, 10, 8),
      fc.webUrl({ withQueryParameters: true, withFragments: true, validSchemes: ['http', 'https'] }),
      fc
        .tuple(fc.constantFrom('http://', 'https://'), fc.webAuthority({ withUserInfo: true, withPort: true }), fc.webPath())
        .map(([s, a, p]) => s + a + p),
    );
    fc.assert(
      fc.property(links, (link) => {
        const r = checkDownloadLink(link);
        if (!r.ok) {
          return;
        }
        const u = new URL(r.url);
        assert.equal(u.username, '', r.url);
        assert.equal(u.password, '', r.url);
        assert.ok(u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname)), r.url);
        assert.ok(r.url.length <= MAX_DOWNLOAD_LINK_LENGTH);
        // eslint-disable-next-line no-control-regex -- no control character is ever copied
        assert.doesNotMatch(link.trim(), /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
