import * as assert from 'node:assert/strict';
import { MAX_NAME_LENGTH, ZWSP, plain, plainCode, plainMarkdown } from '../../../src/core/plainText';
import { fake } from '../fakes/vscodeFake';
import {
  HOSTILE,
  LINK_REGEX,
  assertInert,
  assertInertMarkdown,
  buildStartedMessage,
  commitItems,
  finishedMessages,
  organizationItem,
  serverSaidMessages,
  treeTooltips,
} from './serverStringBuilders';

describe('ui: server and git strings are inert in notifications, the status bar and tooltips (N5, N13)', () => {
  beforeEach(() => fake.reset());

  it('plain() breaks link, icon and scheme syntax, drops control and bidi characters, and caps the length', () => {
    const link = plain(HOSTILE.commandLink);
    assert.equal(link.match(new RegExp(LINK_REGEX.source, 'gi')), null);
    // it still reads the same: only zero-width spaces were added
    assert.equal(link.split(ZWSP).join(''), HOSTILE.commandLink);
    assert.equal(plain('$(check) main'), `$${ZWSP}(check) main`);
    assert.equal(plain('a\u0000b\r\nc\u0085d'), 'a b c d');
    assert.equal(plain('Acme\u202eSOi\u2066'), 'AcmeSOi');
    assert.equal(plain('x'.repeat(10_000)).length, MAX_NAME_LENGTH);
    assert.equal(plain('command:x'.repeat(100)).split(ZWSP).join('').length, MAX_NAME_LENGTH, 'zero-width spaces not counted');
    assert.equal(plain(`${'a'.repeat(MAX_NAME_LENGTH - 2)}\u{1F600}bb`), `${'a'.repeat(MAX_NAME_LENGTH - 2)}…`, 'no half emoji');
    assert.equal(plain(undefined), '');
    assert.equal(plain(plain(HOSTILE.commandLink)), plain(HOSTILE.commandLink), 'a second plain() changes nothing');
    // plain words, times and web addresses stay as they are (a redirect target is read and copied)
    assert.equal(plain('Acme iOS / release-1.2 (main) at 12:30: ok'), 'Acme iOS / release-1.2 (main) at 12:30: ok');
    assert.equal(plain('https://sso.example.test/auth'), 'https://sso.example.test/auth');
    assert.equal(plain('command:x'), `command:${ZWSP}x`);
    assert.equal(plain('xhttps://a'), `xhttps:${ZWSP}//a`);
    assert.equal(plainMarkdown('a$b`c[d]'), 'a\\$b\\`c\\[d\\]');
    assert.equal(plainCode('id` [x](https://e) `'), "id' [x]\u200b(https://e) '");
  });

  it('plain() is linear: 1 MB of hostile text is neutralised at once', () => {
    const started = Date.now();
    for (const s of [']('.repeat(5e5), `${'a'.repeat(1e6)}:x`, '$('.repeat(5e5), '\u202e'.repeat(1e6), 'a:b'.repeat(3e5)]) {
      const t = plain(s, 1e6);
      assert.ok(!t.includes('](') && !t.includes('$(') && !t.includes('\u202e') && !/[a-z]:[a-z]/.test(t));
    }
    assert.ok(Date.now() - started < 5000, 'generous budget');
  });

  for (const [kind, name] of Object.entries(HOSTILE)) {
    it(`${kind}: build finished, Build started, server said`, async () => {
      for (const m of finishedMessages(name)) {
        assertInert('finishedMessage', m);
      }
      assertInert('Build started', await buildStartedMessage(name));
      for (const m of serverSaidMessages(name)) {
        assertInert('server said', m);
      }
    });

    it(`${kind}: status bar texts and tooltips, tree tooltips`, () => {
      const org = organizationItem(name);
      assertInert('organization item text', org.text.replace(/^\$\((organization|loading~spin)\) /, ''));
      assertInert('organization item label', org.label);
      assertInertMarkdown('organization tooltip', org.tooltip, 1);
      for (const v of commitItems(name)) {
        assertInert('commit item text', v.text.replace(/^\$\([a-z~-]+\) /, ''));
        assertInert('commit item tooltip', v.tooltip, { newlines: true, maxLength: 4000 });
      }
      for (const md of treeTooltips(name)) {
        assertInertMarkdown('tree tooltip', md.replace(/^\$\([a-z~-]+\) /, ''));
      }
    });
  }

  it('the checks catch what they look for (a raw name fails every one)', () => {
    assert.throws(() => assertInert('raw', HOSTILE.commandLink), /working link/);
    assert.throws(() => assertInert('raw', HOSTILE.icon), /icon/);
    assert.throws(() => assertInert('raw', HOSTILE.bareCommand), /bare command/);
    assert.throws(() => assertInert('raw', HOSTILE.control), /control character/);
    assert.throws(() => assertInert('raw', HOSTILE.bidi), /bidi/);
    assert.throws(() => assertInert('raw', HOSTILE.long), /characters|working link/);
    assert.throws(() => assertInertMarkdown('raw', 'Organization id: `a` `` x', 1), /backticks/);
    assert.throws(() => assertInertMarkdown('raw', '**a** <https://e>'), /Markdown link/);
  });
});
