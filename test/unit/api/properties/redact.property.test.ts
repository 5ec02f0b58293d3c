import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { redact, redactUrl } from '../../../../src/api/http/redact';
import type * as RedactNs from '../../../../src/api/http/redact';
import { NUM_RUNS, anyText, loneSurrogates, tokenText } from '../../properties';

/** The secret-named fields redact.ts promises to mask, in any case. */
const KEYS = [
  'client_secret',
  'clientSecret',
  'refresh_token',
  'refreshToken',
  'id_token',
  'access_token',
  'accessToken',
  'api_key',
  'apiKey',
  'personal-access-key',
  'personalAccessKey',
  'authorization',
  'password',
  'secret',
  'token',
  'pat',
];
const key = fc.constantFrom(...KEYS).chain((k) => fc.mixedCase(fc.constant(k)));

/** A credential value as PATs, API keys, access and refresh tokens look (≥ 12 characters, token alphabet). */
const secret = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._~+/-]{11,40}$/);

const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
/** A JWT: `eyJ…` header, a JSON payload, a signature. */
const jwt = fc
  .tuple(
    fc.record({ sub: fc.string({ maxLength: 20 }), exp: fc.integer(), email: fc.emailAddress() }, { requiredKeys: ['sub'] }),
    fc.uint8Array({ minLength: 8, maxLength: 64 }),
  )
  .map(([payload, sig]) => {
    const parts = [b64url('{"alg":"RS256","typ":"JWT"}'), b64url(JSON.stringify(payload)), Buffer.from(sig).toString('base64url')];
    return { token: parts.join('.'), hidden: [parts[1] ?? '', parts[2] ?? ''] };
  });

/** A secret as it travels: header, form or query `k=v`, JSON, JSON inside JSON, URL-encoded. */
const shapes: ((k: string, s: string) => string)[] = [
  (_k, s) => `Authorization: Bearer ${s}`,
  (_k, s) => `bearer\t${s}`,
  (k, s) => `${k}=${s}`,
  (k, s) => `${k}: ${s}`,
  (k, s) => `${k} = ${s}`,
  (k, s) => `"${k}":"${s}"`,
  (k, s) => `"${k}" : "${s}"`,
  (k, s) => `'${k}':'${s}'`,
  (k, s) => JSON.stringify({ id: 'x', [k]: s, n: 1 }),
  (k, s) => JSON.stringify({ error: JSON.stringify({ [k]: s }) }),
  (k, s) => `https://h.test/cb?a=1&${k}=${s}&b=2`,
  (k, s) => encodeURIComponent(`${k}=${s}`),
  (k, s) => encodeURIComponent(JSON.stringify({ [k]: s })),
  (k, s) => `next=${encodeURIComponent(`/cb?${k}=${s}&x=1`)}`,
];
const shape = fc.constantFrom(...shapes.keys()).map((i) => shapes[i] ?? shapes[0]);

/** The forms a value can appear in once embedded. */
const forms = (s: string): string[] => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)].filter((f) => f.length >= 6);

/** What surrounds a secret in a log line or an error body: anything, and the tokens redaction looks for. */
const around = tokenText(
  ['Bearer', 'Basic', 'token', 'pat', 'secret', '=', ':', '"', "'", '\\"', '%22', '%3D', '&', '?', ',', '{', '}', 'eyJ', '.', ' '],
  8,
);
const LINE_BREAK = fc.constantFrom('\n', '\r\n');

function assertHidden(out: string, hidden: readonly string[]): void {
  for (const h of hidden) {
    for (const f of forms(h)) {
      assert.ok(!out.includes(f), `${JSON.stringify(f)} left in ${JSON.stringify(out)}`);
    }
  }
}

type RedactModule = typeof RedactNs;

const REDACT_JS = require.resolve('../../../../src/api/http/redact');
const REDACT_SOURCE = fs.readFileSync(REDACT_JS, 'utf8');

/**
 * A fresh instance of redact.ts with an empty list of remembered values: what this suite remembers cannot change
 * another test's redaction, and each run checks the one value it remembered (not the last 32 runs' values).
 * Evaluated from the compiled module's text (a require per run costs ten times more).
 */
function freshRedact(): RedactModule {
  const module = { exports: {} as RedactModule };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const load = new Function('exports', 'require', 'module', '__filename', '__dirname', REDACT_SOURCE) as (...args: unknown[]) => void;
  load(module.exports, createRequire(REDACT_JS), module, REDACT_JS, path.dirname(REDACT_JS));
  return module.exports;
}

describe('api/redact properties (fast-check)', () => {
  it('a secret-named value in any shape, on its own line among any lines, never survives', () => {
    fc.assert(
      fc.property(around, LINE_BREAK, shape, key, secret, LINE_BREAK, around, (before, br1, make, k, s, br2, after) => {
        assertHidden(redact(`${before}${br1}${make(k, s)}${br2}${after}`), [s]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a JWT anywhere after a separator never survives (payload nor signature)', () => {
    fc.assert(
      fc.property(
        around,
        fc.constantFrom(' ', '\n', '=', ':', '"', '(', ',', '/'),
        jwt,
        fc.constantFrom(' ', '\n', '"', ')', ',', '&'),
        around,
        (before, sep1, t, sep2, after) => {
          assertHidden(redact(`${before}${sep1}${t.token}${sep2}${after}`), t.hidden);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('a Basic credential never survives', () => {
    fc.assert(
      fc.property(
        around,
        LINE_BREAK,
        fc.string({ minLength: 1, maxLength: 20 }),
        secret,
        LINE_BREAK,
        around,
        (before, br1, user, pass, br2, after) => {
          const value = Buffer.from(`${user}:${pass}`, 'utf8').toString('base64').replace(/=+$/, '');
          assertHidden(redact(`${before}${br1}Authorization: Basic ${value}${br2}${after}`), [value]);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('a remembered credential of any characters never survives, raw, JSON-escaped or URL-encoded', () => {
    fc.assert(
      fc.property(
        anyText(20),
        fc.string({ unit: 'binary', minLength: 6, maxLength: 30 }),
        anyText(20),
        fc.nat(2),
        (before, v, after, form) => {
          const r = freshRedact();
          r.rememberSecret(v);
          const embedded = form === 0 ? v : form === 1 ? JSON.stringify({ m: v }) : encodeURIComponent(v);
          const out = r.redact(`${before} ${embedded} ${after}`);
          for (const f of forms(v)) {
            fc.pre(!before.includes(f) && !after.includes(f));
            assert.ok(!out.includes(f), `${JSON.stringify(f)} left in ${JSON.stringify(out)}`);
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('a remembered credential holding a lone surrogate never makes redact throw', () => {
    fc.assert(
      fc.property(loneSurrogates(), anyText(20), (v, text) => {
        const r = freshRedact();
        r.rememberSecret(`secret-${v}`);
        const out = r.redact(`${text} secret-${v} ${text}`);
        assert.ok(!out.includes(`secret-${v}`), JSON.stringify(out));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('is idempotent and never throws on any text', () => {
    fc.assert(
      fc.property(fc.oneof(around, anyText(60)), (text) => {
        const once = redact(text);
        assert.equal(redact(once), once);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('redactUrl never throws, and leaves neither userinfo nor secret query values', () => {
    fc.assert(
      fc.property(
        fc.webUrl({ authoritySettings: { withPort: true }, withQueryParameters: true }),
        secret,
        secret,
        key,
        secret,
        (url, user, pass, k, s) => {
          const u = new URL(url);
          u.username = user;
          u.password = pass;
          u.searchParams.append(k, s);
          assertHidden(redactUrl(u.toString()), [user, pass, s]);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
