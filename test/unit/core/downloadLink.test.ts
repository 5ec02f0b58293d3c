/** checkDownloadLink: which download links Copy Download Link may put on the clipboard. */
import * as assert from 'node:assert/strict';
import { checkDownloadLink, MAX_DOWNLOAD_LINK_LENGTH } from '../../../src/core/distribution/downloadLink';
import type { DownloadLinkProblem } from '../../../src/core/distribution/downloadLink';

describe('core: the download link check (Copy Download Link)', () => {
  const taken: [string, string][] = [
    ['https://files.example.test/app.apk?sig=a%2Fb', 'https://files.example.test/app.apk?sig=a%2Fb'],
    ['  https://FILES.example.test/x  ', 'https://files.example.test/x'],
    ['http://127.0.0.1:8123/download/v1?sig=secret', 'http://127.0.0.1:8123/download/v1?sig=secret'],
    ['http://localhost/x', 'http://localhost/x'],
    ['http://[::1]:9/x', 'http://[::1]:9/x'],
    ['https://127.0.0.1/x', 'https://127.0.0.1/x'],
  ];
  for (const [link, url] of taken) {
    it(`takes ${JSON.stringify(link)}`, () => {
      assert.deepEqual(checkDownloadLink(link), { ok: true, url });
    });
  }

  const refused: [string | undefined, DownloadLinkProblem][] = [
    [undefined, 'empty'],
    ['   ', 'empty'],
    ['not a link', 'invalid'],
    ['ftp://files.example.test/app.apk', 'invalid'],
    ['javascript:alert(1)', 'invalid'],
    ['file:///etc/passwd', 'invalid'],
    ['http://files.example.test/app.apk', 'insecure'],
    ['http://10.0.0.5/app.apk', 'insecure'],
    ['http://127.0.0.1.evil.test/app.apk', 'insecure'],
    ['http://localhost.evil.test/app.apk', 'insecure'],
    ['https://user:pw@files.example.test/app.apk', 'credentials'],
    ['https://user@files.example.test/app.apk', 'credentials'],
    ['http://me@127.0.0.1/app.apk', 'credentials'],
    ['https://files.example.test/a\npp.apk', 'controlCharacters'],
    ['https://files.exa\tmple.test/', 'controlCharacters'],
    ['https://files.example.test/\u0000', 'controlCharacters'],
    ['https://files.example.test/a\u202egpj.apk', 'controlCharacters'],
    ['https://files.example.test/\u2066x', 'controlCharacters'],
    ['\nhttps://files.example.test/app.apk', 'controlCharacters'],
    [`https://files.example.test/${'a'.repeat(MAX_DOWNLOAD_LINK_LENGTH)}`, 'tooLong'],
    // under the limit as given, over it as written back (each space becomes %20)
    [`https://files.example.test/${' '.repeat(1000)}x`, 'tooLong'],
    // a server's huge answer: a long run of spaces inside is trimmed in one pass (a ` +$` pattern backtracked on it)
    [`https://files.example.test/${' '.repeat(300_000)}x`, 'tooLong'],
  ];
  for (const [link, problem] of refused) {
    it(`refuses ${JSON.stringify(link?.slice(0, 60))}: ${problem}`, () => {
      assert.deepEqual(checkDownloadLink(link), { ok: false, problem });
    });
  }

  it('a link exactly at the limit is taken', () => {
    const base = 'https://files.example.test/';
    const link = base + 'a'.repeat(MAX_DOWNLOAD_LINK_LENGTH - base.length);
    assert.deepEqual(checkDownloadLink(link), { ok: true, url: link });
  });
});
