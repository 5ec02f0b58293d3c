/**
 * Reliability at the UI edge: artifact files (sanitized names, unique .part files, non-zip bodies refused, nothing
 * left on a drop), messages that say what happened and what to do for every new failure, Markdown tooltips that
 * escape server text, and a poll interval clamped whatever a workspace writes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import { ApiError } from '../../../src/api/http/errors';
import { rememberSecret } from '../../../src/api/http/redact';
import {
  OrganizationAccessLostError,
  OrganizationUnreachableError,
  SecretStorageError,
  SessionChangedError,
  StartBuildUncertainError,
  UnreadableSessionError,
} from '../../../src/core/errors';
import { Settings } from '../../../src/platform/settings';
import type { ArtifactTarget } from '../../../src/ui/builds/artifacts';
import { artifactFileName, downloadTo } from '../../../src/ui/builds/artifacts';
import { describeError } from '../../../src/ui/errors/errorMessages';
import { ProfileNode } from '../../../src/ui/tree/nodes';
import { NotAZipError } from '../../../src/ui/errors/buildErrors';
import { fake } from '../fakes/vscodeFake';
import type { UiHarness } from './harness';
import { bootExtension } from './harness';

const ACTIONABLE = /(try again|sign in|check|pick|ask|wait|set |switch|update|unlock)/i;

describe('ui: artifacts, messages, tooltips, settings', () => {
  it('an artifact file name never leaves the chosen folder, whatever the ids', () => {
    const dir = path.join(os.tmpdir(), 'chosen');
    for (const evil of ['../../etc/passwd', '..', '..\\..\\win', 'a/b/c', 'x'.repeat(10 * 1024), '', '\u0000\n']) {
      const name = artifactFileName({ commitId: evil, buildId: evil, profileName: evil, branchName: evil });
      assert.ok(!/[\\/]/.test(name) && !name.startsWith('.'), name);
      assert.ok(name.length < 200, `${name.length} chars`);
      assert.equal(path.dirname(path.join(dir, name)), dir);
    }
  });

  describe('downloads against the sandbox', () => {
    let h: UiHarness;
    let dir: string;
    let target: ArtifactTarget;
    beforeEach(async () => {
      h = await bootExtension();
      await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ac-rel-'));
      const profiles = (await h.ext.builds.profiles()).value;
      const ios = profiles.find((p) => p.name === 'Acme iOS');
      assert.ok(ios);
      const main = (await h.ext.builds.branches(ios.id)).value.find((b) => b.name === 'main');
      assert.ok(main);
      const ok = (await h.ext.builds.builds(ios.id, main.id)).items.find((b) => b.status === 0 && !b.hasWarning);
      assert.ok(ok);
      target = { commitId: ok.commitId, buildId: ok.id, profileName: '../Acme iOS', branchName: 'main' };
    });
    afterEach(async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      await h.dispose();
    });
    const get = () => downloadTo(h.ext.builds, target, dir, () => undefined, new AbortController().signal);

    it('a page or a text instead of a zip is refused and leaves no file', async () => {
      h.sb.faults.set({ pathIncludes: `/builds/${target.buildId}`, htmlPage: true, times: 1 });
      await assert.rejects(get(), (e: unknown) => e instanceof NotAZipError || (e instanceof ApiError && e.kind === 'htmlResponse'));
      h.sb.faults.set({ pathIncludes: `/builds/${target.buildId}`, malformedJson: true, times: 1 });
      await assert.rejects(get(), (e: unknown) => e instanceof NotAZipError);
      assert.deepEqual(fs.readdirSync(dir), []);
      assert.match(describeError(new NotAZipError(), 'download')?.message ?? '', /not a zip file.*nothing was saved/);
    });

    it('a drop or a stall mid-body leaves nothing; two downloads at once get two files', async () => {
      h.sb.faults.set({ pathIncludes: `/builds/${target.buildId}`, cutAfterBytes: 100, times: 1 });
      await assert.rejects(get(), (e: unknown) => e instanceof ApiError && e.kind === 'network');
      assert.deepEqual(fs.readdirSync(dir), []);
      const [a, b] = await Promise.all([get(), get()]);
      assert.notEqual(a, b);
      assert.deepEqual(fs.readdirSync(dir).sort(), [path.basename(a), path.basename(b)].sort());
      assert.ok(fs.readdirSync(dir).every((f) => f.endsWith('.zip') && f.startsWith('Acme-iOS-main')));
    });
  });

  it('every new failure has a message that says what happened and what to do', () => {
    const e = (kind: ConstructorParameters<typeof ApiError>[0]['kind'], extra: Partial<ConstructorParameters<typeof ApiError>[0]> = {}) =>
      new ApiError({ kind, method: 'POST', path: 'auth/v1/token', ...extra });
    const cases: [unknown, Parameters<typeof describeError>[1], RegExp][] = [
      [
        e('redirected', { status: 307, redirectTarget: 'https://sso.example.test/auth/v1/token' }),
        'signInPat',
        /redirected to https:\/\/sso\.example\.test\/auth\/v1\/token.*not sent there.*appcircle\.authUrl/,
      ],
      [
        e('insecureUrl', { redirectTarget: 'http://10.0.0.1/x', path: 'build/v2/profiles' }),
        'load',
        /redirected to http:\/\/10\.0\.0\.1\/x/,
      ],
      [e('tooLarge', { limitBytes: 32 * 1024 * 1024, path: 'build/v2/profiles' }), 'load', /larger than 32 MB/],
      [e('unauthorized', { status: 401, htmlBody: true }), 'load', /proxy or firewall.*credential was kept/],
      [e('forbidden', { status: 403, htmlBody: true }), 'switch', /proxy or firewall/],
      [e('unauthorized', { status: 401, afterRenewal: true, path: 'build/v2/profiles' }), 'load', /freshly issued token.*session was kept/],
      [e('timeout'), 'load', /did not answer in time/],
      [new OrganizationUnreachableError('Acme QA'), 'switch', /cannot reach the organization Acme QA.*stay in the current/],
      [new OrganizationAccessLostError('Acme QA'), 'load', /no longer reach.*session was kept.*Switch/],
      [new StartBuildUncertainError(), 'startBuild', /may have started.*Active Builds/],
      [new SessionChangedError(), 'load', /session changed/],
      [new UnreadableSessionError('corrupted'), 'load', /damaged.*left as it is/],
      [new UnreadableSessionError('unknownVersion'), 'load', /newer version/],
      [new SecretStorageError('read', undefined, true), 'load', /did not answer in time.*nothing was changed/],
      [new SecretStorageError('delete', undefined, true), 'signOut', /signed out in this window/],
    ];
    for (const [err, op, re] of cases) {
      const d = describeError(err, op);
      assert.ok(d, `not silent: ${String(err)}`);
      assert.match(d.message, re);
      assert.match(d.message, ACTIONABLE, `says what to do: ${d.message}`);
    }
  });

  it('a server message echoing the credential never reaches the notification', () => {
    rememberSecret('acpat_echoed_Q9w8e7r6');
    const d = describeError(
      new ApiError({
        kind: 'badRequest',
        method: 'POST',
        path: 'auth/v1/token',
        status: 400,
        serverMessage: "Invalid credential 'acpat_echoed_Q9w8e7r6'",
      }),
      'signInPat',
    );
    assert.ok(d && !d.message.includes('acpat_echoed_Q9w8e7r6'), d?.message);
  });

  it('Markdown tooltips escape server text', () => {
    const node = new ProfileNode({
      id: 'p',
      name: '[click](command:workbench.action.reloadWindow) ![x](https://e.test/x.png)',
      platform: 'ios',
      repositoryName: '<img src=x onerror=alert(1)>',
      pinned: false,
      matchesWorkspace: false,
    });
    const tip = node.getTreeItem().tooltip as { value: string };
    assert.ok(!/[^\\]\]\(command:/.test(tip.value), tip.value);
    assert.ok(!/[^\\]<img/.test(tip.value), tip.value);
  });

  it('the poll interval is clamped to 2–300 s whatever a workspace writes', () => {
    const s = new Settings();
    for (const [v, ms] of [
      [1e10, 300_000],
      [-1, 2_000],
      ['5', 5_000],
      ['often', 5_000],
      [null, 5_000],
      [0.5, 2_000],
    ] as const) {
      fake.configuration.set('appcircle.builds.pollInterval', v);
      assert.equal(s.pollIntervalMs(), ms, String(v));
    }
    fake.configuration.delete('appcircle.builds.pollInterval');
  });
});
