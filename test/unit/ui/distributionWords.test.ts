/**
 * Testing Distribution and signing words: every sentence whole per case (one for 1, one for many), errors that say
 * what happened (a refusal is not "cut off", a 403 is not "expired", a guessed duplicate is not a certainty) and
 * what to do.
 */
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { ApiError } from '../../../src/api/http/errors';
import { ArtifactsZipError } from '../../../src/core/distribution/artifactBinaries';
import {
  DuplicateVersionError,
  UploadInterruptedError,
  UploadTaskTimeoutError,
  UploadUrlRefusedError,
  WriteNotAppliedError,
} from '../../../src/core/distribution/distributionErrors';
import type { SigningApi } from '../../../src/api/signingApi';
import type { DistributionService, StoreService } from '../../../src/core/distribution/distributionService';
import { nullLogger } from '../../../src/core/ports';
import type { SessionService } from '../../../src/core/session/sessionService';
import { SigningService } from '../../../src/core/signing/signingService';
import type { ClassifiedIdentity, IdentityKind } from '../../../src/core/signing/signingService';
import {
  SectionNode,
  sentWords,
  StoreProfileNode,
  TestingProfileNode,
  TestingVersionNode,
} from '../../../src/ui/distribution/distributionNodes';
import { DistributionTreeProvider } from '../../../src/ui/distribution/distributionTree';
import { defaultReleaseNotes, MAX_RELEASE_NOTES_LENGTH } from '../../../src/ui/distribution/sendToTesting';
import { describeDistributionError } from '../../../src/ui/errors/distributionErrors';
import { expiryNotice } from '../../../src/ui/signing/expiryNotifier';
import { SigningTreeProvider } from '../../../src/ui/signing/signingTree';
import { expirySentence } from '../../../src/ui/signing/signingWords';
import { MAX_TREE_ROWS, MoreRowNode } from '../../../src/ui/tree/moreRow';
import { fakeTime } from '../fakes/clock';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
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
    assert.match(
      say(new UploadUrlRefusedError(undefined)),
      /does not send files to \(plain http to another machine, or a service on this machine\)/,
    );
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

describe('ui: the Distribution and Signing Identities trees are bounded; a profile tooltip reads the groups once', () => {
  const session = { isSignedIn: true, onDidChangeSession: () => ({ dispose: () => undefined }) } as unknown as SessionService;
  function fakeTesting(profiles: number, versions: number) {
    const calls = { testingGroups: 0 };
    const testing = {
      profiles: () =>
        Promise.resolve(Array.from({ length: profiles }, (_, i) => ({ id: `p${i}`, name: `Profile ${i}`, testingGroupIds: ['g1'] }))),
      versions: () => Promise.resolve(Array.from({ length: versions }, (_, i) => ({ id: `v${i}`, version: `1.0.${i}` }))),
      testingGroups: () => {
        calls.testingGroups++;
        return Promise.resolve([{ id: 'g1', name: 'QA Team' }]);
      },
    } as unknown as DistributionService;
    const store = { profiles: () => Promise.resolve([]), versions: () => Promise.resolve([]) } as unknown as StoreService;
    return { testing, store, calls };
  }

  it('at most 100 profiles and 100 versions, then a row that opens the rest in the Appcircle dashboard', async () => {
    const { testing, store } = fakeTesting(150, 101);
    const tree = new DistributionTreeProvider(
      testing,
      store,
      session,
      () => NOW,
      () => 'https://my.appcircle.io',
    );
    const [section] = await tree.getChildren();
    const profiles = await tree.getChildren(section);
    assert.equal(profiles.length, MAX_TREE_ROWS + 1);
    const more = profiles.at(-1)!;
    assert.ok(more instanceof MoreRowNode);
    const item = more.getTreeItem();
    assert.equal(item.label, '50 more in the Appcircle dashboard');
    assert.equal(item.command?.command, 'vscode.open');
    assert.match(String(item.command?.arguments?.[0]), /^https:\/\/my\.appcircle\.io\/?$/);
    const versions = await tree.getChildren(profiles[0]);
    assert.equal(versions.length, MAX_TREE_ROWS + 1);
    const vMore = versions.at(-1)!.getTreeItem();
    assert.equal(vMore.label, '1 more in the Appcircle dashboard');
    assert.equal(vMore.command?.command, 'appcircle.distribution.openInAppcircle');
    assert.equal(vMore.command?.arguments?.[0], profiles[0]);
    tree.dispose();
  });

  it('a profile tooltip: the testing groups read once per refresh, not once per hover; one group in the singular', async () => {
    const { testing, store, calls } = fakeTesting(3, 1);
    const tree = new DistributionTreeProvider(testing, store, session, () => NOW);
    const [section] = await tree.getChildren();
    const profiles = await tree.getChildren(section);
    const hover = async (i: number) =>
      ((await tree.resolveTreeItem(profiles[i].getTreeItem(), profiles[i])).tooltip as vscode.MarkdownString).value;
    assert.match(await hover(0), /New versions are sent to the testing group QA Team\./);
    await hover(1);
    await hover(2);
    await hover(0);
    assert.equal(calls.testingGroups, 1);
    tree.refresh();
    await hover(0);
    assert.equal(calls.testingGroups, 2);
    tree.dispose();
  });

  it('a signing identities group shows at most 100 rows, then a row that opens the dashboard', async () => {
    const t = fakeTime(NOW);
    try {
      const certificates = Array.from({ length: 130 }, (_, i) => ({ id: `c${i}`, name: `Cert ${i}`, expireDate: '2030-01-01T00:00:00Z' }));
      const api = {
        certificates: () => Promise.resolve(certificates),
        csrs: () => Promise.resolve([]),
        keystores: () => Promise.resolve([]),
        provisioningProfiles: () => Promise.resolve([]),
      } as unknown as SigningApi;
      const signing = new SigningService({ session, clock: t.clock, logger: nullLogger, warningDays: () => 30, request: (fn) => fn(api) });
      const tree = new SigningTreeProvider(signing, undefined, () => 'https://my.appcircle.io');
      const [ios] = await tree.getChildren();
      const rows = await tree.getChildren(ios);
      assert.equal(rows.length, MAX_TREE_ROWS + 1);
      assert.equal(rows.at(-1)!.getTreeItem().label, '30 more in the Appcircle dashboard');
      assert.equal(rows.at(-1)!.getTreeItem().command?.command, 'vscode.open');
      tree.dispose();
      signing.dispose();
    } finally {
      t.timers.restore();
    }
  });
});

describe('ui: whole sentences for counts and cases', () => {
  it('sent: no group, one group, several', () => {
    assert.equal(
      sentWords('1.0 (1)', 'Beta', []),
      '1.0 (1) is in Beta. No testing group gets it automatically: share it from the Appcircle dashboard.',
    );
    assert.equal(sentWords('1.0 (1)', 'Beta', ['QA']), '1.0 (1) is in Beta; it goes to the testing group QA.');
    assert.equal(sentWords('1.0 (1)', 'Beta', ['QA', 'Ops']), '1.0 (1) is in Beta; it goes to the testing groups QA, Ops.');
  });

  it('the expiry notice: one sentence per kind and case, and "1 day" for a one-day window', () => {
    const id = (kind: IdentityKind, daysLeft: number, state: 'expired' | 'expiring', bundleId?: string): ClassifiedIdentity => ({
      kind,
      id: 'x',
      name: 'Acme',
      bundleId,
      expiry: { state, daysLeft },
    });
    assert.equal(expirySentence(id('keystore', -1, 'expired')), 'The Android keystore "Acme" expired 1 day ago.');
    assert.equal(expirySentence(id('csr', 0, 'expiring')), 'The certificate signing request "Acme" expires today.');
    assert.equal(
      expirySentence(id('provisioningProfile', 3, 'expiring', 'io.a')),
      'The provisioning profile "Acme" (io.a) expires in 3 days.',
    );
    assert.equal(
      expiryNotice([id('certificate', 1, 'expiring'), id('keystore', 1, 'expiring')], 1),
      'The iOS certificate "Acme" expires in 1 day. One more signing identity has expired or expires within 1 day.',
    );
    assert.equal(
      expiryNotice([id('certificate', 2, 'expiring'), id('keystore', 1, 'expiring'), id('csr', 1, 'expiring')], 30),
      'The iOS certificate "Acme" expires in 2 days. 2 more signing identities have expired or expire within 30 days.',
    );
  });

  it('rows and tooltips: "1 testing group", "1 download", labels as whole strings', () => {
    const section = new SectionNode('testing');
    const one = new TestingProfileNode({ id: 'p', name: 'P', testingGroupIds: ['g'] }, section);
    assert.equal(one.getTreeItem().description, 'auto-send to 1 testing group');
    const store = new StoreProfileNode({ id: 's', name: 'S', totalDownloadCount: 1 }, new SectionNode('store'));
    assert.equal(store.getTreeItem().description, '1 download');
    const v = new TestingVersionNode({ id: 'v', version: '1.0', createdAt: '2026-12-01', message: 'Notes' }, one, NOW);
    assert.match((v.getTreeItem().tooltip as vscode.MarkdownString).value, /Uploaded: 2026\\-12\\-01[\s\S]*Release notes: Notes/);
  });

  it('release notes: the raw commit message by default (no zero-width spaces), bounded; the input box caps the length', () => {
    const message = 'Fix [link](https://x.io) and $(alert) icon\u202e\nsecond line';
    const notes = defaultReleaseNotes(message);
    assert.ok(!notes.includes('\u200b'), JSON.stringify(notes));
    assert.equal(notes, 'Fix [link](https://x.io) and $(alert) icon second line');
    assert.equal(defaultReleaseNotes('x'.repeat(9000)).length, MAX_RELEASE_NOTES_LENGTH);
    assert.equal(defaultReleaseNotes(undefined), '');
  });
});
