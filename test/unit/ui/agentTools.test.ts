/**
 * The Language Model tools on the vscode fake against the sandbox: registered at activation (without loading the
 * features part), each tool's answer, its bounds, the signed-out and error paths, the writes' confirmations (what
 * was confirmed is what is built), cancellation, and no secret in any answer.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import { ANDROID_SOURCE_FILES } from '../../../sandbox/buildLogs';
import { DEMO_PAT, REPO_NAME } from '../../../sandbox/fixtures';
import type { SBuild } from '../../../sandbox/buildSeed';
import { ToolNames } from '../../../src/constants';
import { MAX_RESULT_BYTES, answerText } from '../../../src/ui/agent/toolText';
import { describeError } from '../../../src/ui/errors/errorMessages';
import { CancellationError, CancellationTokenSource, EventEmitter, fake, fake10, fakeGitRepository } from '../fakes/vscodeFake';
import type { UiHarness } from './harness';
import { bootExtension, waitUntil } from './harness';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';

const ROOT = path.resolve(__dirname, '../../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: {
    languageModelTools: {
      name: string;
      toolReferenceName: string;
      displayName: string;
      userDescription: string;
      modelDescription: string;
      inputSchema: { type: string; properties: Record<string, unknown> };
      tags: string[];
      icon: string;
      canBeReferencedInPrompt: boolean;
    }[];
  };
};
const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;

type Lm = {
  tools: { name: string }[];
  invokeTool(name: string, o: { input: object; toolInvocationToken: undefined }, token?: unknown): Promise<vscode.LanguageModelToolResult>;
};
const lm = (vscode as unknown as { lm: Lm }).lm;

async function call(name: string, input: object = {}, token?: unknown): Promise<string> {
  return answerText(await lm.invokeTool(name, { input, toolInvocationToken: undefined }, token));
}

/** The JSON after an answer's sentence (and before a log block). */
function payload(text: string): Record<string, unknown> {
  const start = text.indexOf('\n{');
  const end = text.indexOf('\n```log');
  return JSON.parse(text.slice(start + 1, end > 0 ? end : undefined)) as Record<string, unknown>;
}

describe('ui: Language Model tools', () => {
  let h: UiHarness;
  let head: { name?: string; commit?: string; upstream?: { remote: string; name: string }; ahead?: number };
  let failed: SBuild;

  let changed: EventEmitter<void>;
  let sb: Sandbox;

  beforeEach(async () => {
    fake.reset();
    sb = await startSandbox({ quiet: true, builds: { speed: 0 } });
    const demo = sb.world.profiles.find((p) => p.repositoryName === REPO_NAME);
    const f = demo?.branches.find((b) => b.name === 'main')?.builds.find((b) => b.status === 1);
    assert.ok(f, 'the sandbox has a failed build of the demo profile on main');
    failed = f;
    changed = new EventEmitter<void>();
    head = { name: 'main', commit: failed.hash, upstream: { remote: 'origin', name: 'main' }, ahead: 0 };
    const state = {
      get HEAD() {
        return { ...head };
      },
      remotes: [{ name: 'origin', fetchUrl: 'git@github.com:appcircle/appcircle-vscode.git' }],
      onDidChange: changed.event,
    };
    fakeGitRepository(state);
    fake10.files = [...ANDROID_SOURCE_FILES];
    h = await bootExtension({ keepFake: true, sb });
    await waitUntil(() => h.ext.git.head?.commit === failed.hash, 5000, 'git reported HEAD');
  });
  afterEach(async () => {
    await h.dispose();
    await sb.stop();
  });

  /** HEAD changes as git reports it. */
  async function moveHead(to: Partial<typeof head>): Promise<void> {
    Object.assign(head, to);
    changed.fire();
    await waitUntil(() => h.ext.git.head?.commit === head.commit && h.ext.git.head?.ahead === head.ahead, 5000, 'git reported the change');
  }

  it('package.json contributes the tools the extension registers, each described for people and for models', () => {
    const contributed = manifest.contributes.languageModelTools;
    assert.deepEqual(contributed.map((t) => t.name).sort(), Object.values(ToolNames).sort());
    for (const t of contributed) {
      assert.match(t.toolReferenceName, /^appcircle[A-Z]\w+$/, t.name);
      for (const key of [t.displayName, t.userDescription]) {
        const m = /^%(.+)%$/.exec(key);
        assert.ok(m && nls[m[1]], `${t.name}: ${key} is in package.nls.json`);
      }
      assert.ok(t.modelDescription.length > 80, `${t.name} tells a model when to use it`);
      assert.equal(t.inputSchema.type, 'object');
      assert.equal(t.canBeReferencedInPrompt, true);
      assert.match(t.icon, /^\$\([a-z-]+\)$/);
      assert.ok(t.tags.includes('appcircle'));
    }
    assert.ok(contributed.some((t) => t.toolReferenceName === 'appcircleBuildErrors'));
  });

  it('activation registers every tool without loading the features part; the first call loads it', async () => {
    assert.deepEqual(lm.tools.map((t) => t.name).sort(), Object.values(ToolNames).sort());
    assert.equal(h.ext.featuresLoaded, false);
    await call(ToolNames.profiles);
    assert.equal(h.ext.featuresLoaded, true);
  });

  it('signed out: every tool says to sign in, the writes ask nothing and start nothing', async () => {
    for (const name of Object.values(ToolNames)) {
      const text = await call(name, name === ToolNames.startBuild ? { profile: 'Acme iOS', branch: 'main' } : {});
      assert.match(text, /not signed in to Appcircle\. Run "Appcircle: Sign In"/, name);
    }
    assert.deepEqual(fake.confirmations, []);
    assert.equal(h.sb.requests.filter((r) => r.method === 'POST' && r.path.includes('/build/v2/commits/')).length, 0);
  });

  describe('signed in', () => {
    beforeEach(async () => {
      await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    });

    it("build profiles: the workspace's own first, with ids, platform and repository", async () => {
      const text = await call(ToolNames.profiles);
      const p = payload(text) as { profiles: { id: string; name: string; platform: string; repository: string; thisWorkspace: boolean }[] };
      assert.equal(p.profiles[0].name, 'Appcircle VS Code Demo');
      assert.equal(p.profiles[0].thisWorkspace, true);
      assert.equal(p.profiles[0].platform, 'android');
      assert.equal(p.profiles[0].repository, REPO_NAME);
      assert.ok(p.profiles.some((x) => x.name === 'Acme iOS' && !x.thisWorkspace));
    });

    it("builds: the workspace profile and HEAD's branch by default, newest first, bounded by limit; a name that matches nothing lists the names", async () => {
      const text = await call(ToolNames.builds, { limit: 3 });
      const p = payload(text) as {
        profile: { name: string };
        branch: { name: string };
        builds: { buildId: string; commitId: string; status: string }[];
        more?: boolean;
      };
      assert.equal(p.profile.name, 'Appcircle VS Code Demo');
      assert.equal(p.branch.name, 'main');
      assert.equal(p.builds.length, 3);
      assert.equal(p.more, true);
      assert.ok(p.builds.every((b) => b.buildId && b.commitId && b.status));
      const byName = payload(await call(ToolNames.builds, { profile: 'acme ios', branch: 'develop', limit: 50 })) as { builds: unknown[] };
      assert.ok(byName.builds.length > 0 && byName.builds.length <= 20);
      const none = await call(ToolNames.builds, { profile: 'No Such App' });
      assert.match(none, /^No build profiles matches "No Such App"\. There are: .*Acme iOS/);
    });

    it("the commit's build: HEAD's failed build with its ids", async () => {
      const text = await call(ToolNames.commitBuild);
      assert.match(text, /^The commit you are on \([0-9a-f]{7} on main\) was built by Appcircle VS Code Demo: build failed\./);
      const p = payload(text) as { build: { buildId: string; commitId: string; status: string } };
      assert.equal(p.build.buildId, failed.id);
      assert.equal(p.build.status, 'failed');
    });

    it("the commit's build: a commit Appcircle never built says so", async () => {
      await moveHead({ commit: 'f'.repeat(40) });
      const text = await call(ToolNames.commitBuild);
      assert.match(text, /^Commit fffffff has no Appcircle build in Appcircle VS Code Demo yet/);
    });

    it("build errors of HEAD's failed build: steps, the first error, MainActivity.kt line 27 as a workspace file", async () => {
      const text = await call(ToolNames.buildErrors);
      assert.match(text, /^The build log has \d+ errors and \d+ warnings \(the step "Android Build" failed\)/);
      const p = payload(text) as {
        steps: { name: string; result: string }[];
        firstError: { message: string };
        problems: { severity: string; file?: string; line?: number; column?: number; message: string; buildMachinePath?: string }[];
      };
      assert.ok(p.steps.some((s) => s.name === 'Android Build' && s.result === 'failed'));
      const kt = p.problems.find((x) => x.file === ANDROID_SOURCE_FILES[0]);
      assert.ok(kt, 'MainActivity.kt is named as a workspace file');
      assert.equal(kt.line, 27);
      assert.equal(kt.column, 5);
      assert.match(kt.message, /Unresolved reference: foo/);
      // a generated file outside the workspace keeps the build machine's path
      assert.ok(p.problems.some((x) => !x.file && /DaggerAppComponent\.java$/.test(x.buildMachinePath ?? '')));
      assert.match(text, /```log\n[\s\S]*Unresolved reference: foo[\s\S]*\n```$/);
      assert.ok(Buffer.byteLength(text) <= MAX_RESULT_BYTES);
    });

    it('build log: the tail, one step by name or number, an unknown step listing the steps', async () => {
      const ids = { buildId: failed.id, commitId: failed.commitId };
      const tail = await call(ToolNames.buildLog, { ...ids, part: 'tail', lines: 5 });
      assert.match(tail, /^Lines \d+–\d+ of \d+ of the build log: the end of the log\./);
      const step = await call(ToolNames.buildLog, { ...ids, part: 'step', step: 'git clone' });
      assert.match(step, /the step "Git Clone"/);
      const byNumber = await call(ToolNames.buildLog, { ...ids, part: 'step', step: '3' });
      assert.match(byNumber, /the step "Android Build"/);
      const unknown = await call(ToolNames.buildLog, { ...ids, part: 'step', step: 'Deploy to Mars' });
      assert.match(unknown, /^The log has no step "Deploy to Mars"\. Its steps: 1 Activate SSH Private Key, 2 Git Clone/);
      const half = await call(ToolNames.buildLog, { buildId: failed.id });
      assert.match(half, /Give both buildId and commitId/);
    });

    it('build log of a 20 MB log: the answer stays under 16 KB and says what was left out', async () => {
      h.sb.world.logLinesOverride = 400_000;
      try {
        h.sb.setBuildTimings({ waitMs: 0, runMs: 1000, completeMs: 0 });
        const started = await call(ToolNames.startBuild, { profile: 'Acme Android', branch: 'develop' });
        const { queueItemId } = payload(started) as { queueItemId: string };
        h.sb.world.advance(60_000);
        const text = await call(ToolNames.buildLog, { queueItemId, part: 'tail', lines: 400 });
        assert.ok(Buffer.byteLength(text) <= MAX_RESULT_BYTES, `${Buffer.byteLength(text)} bytes`);
        assert.match(text, /earlier lines left out/);
      } finally {
        h.sb.world.logLinesOverride = undefined;
      }
    });

    it('start build: the confirmation names profile, branch, commit and workflow; declined, nothing starts', async () => {
      fake.confirmAnswer = false;
      await assert.rejects(
        call(ToolNames.startBuild, { profile: 'Acme Android', branch: 'develop', workflow: 'Release Workflow' }),
        CancellationError,
      );
      const c = fake.confirmations.at(-1);
      assert.equal(c?.title, 'Start an Appcircle build?');
      assert.match(c?.message ?? '', /Build profile: Acme Android/);
      assert.match(c?.message ?? '', /Branch: develop/);
      assert.match(c?.message ?? '', /Commit: [0-9a-f]{7} /);
      assert.match(c?.message ?? '', /Workflow: Release Workflow/);
      assert.equal(h.sb.requests.filter((r) => r.method === 'POST' && r.path.includes('/build/v2/commits/')).length, 0, 'no start request');
    });

    it('start build: confirmed, it starts exactly what was confirmed, shows in Active Builds and is followed to its end', async () => {
      const text = await call(ToolNames.startBuild, { profile: 'Acme Android', branch: 'develop', workflow: 'Release Workflow' });
      const confirmed = fake.confirmations.at(-1)?.message ?? '';
      assert.match(text, /^Started a build of Acme Android \/ develop at commit [0-9a-f]{7} \(Release Workflow, /);
      const p = payload(text) as { queueItemId: string; commit: string };
      assert.ok(confirmed.includes(`Commit: ${p.commit}`), 'the commit built is the one confirmed');
      assert.equal(h.ext.builds.isWatched(p.queueItemId), true, 'followed as a command-started build (its end is notified)');
      h.ext.builds.pollNow();
      await waitUntil(() => h.ext.builds.queue.entries.some((e) => e.id === p.queueItemId), 5000, 'in the queue');
    });

    it('a write invoked without its confirmation (the editor never asked, or asking failed) starts nothing', async () => {
      const input = { profile: 'Acme Android', branch: 'develop' };
      const none = new CancellationTokenSource().token;
      const direct = answerText(await h.ext.features.tools.invoke(ToolNames.startBuild, input, none));
      assert.match(direct, /^Nothing was done: it was not confirmed\. Ask again/);
      // asking failed (the workflows could not be read): the editor asks nothing and invokes
      h.sb.faults.set({ status: 503, pathIncludes: '/workflows', times: 1 });
      const text = await call(ToolNames.startBuild, input);
      assert.deepEqual(fake.confirmations, []);
      assert.match(text, /^Nothing was done: it was not confirmed/);
      const cancel = answerText(await h.ext.features.tools.invoke(ToolNames.cancelBuild, { queueItemId: 'x' }, none));
      assert.doesNotMatch(cancel, /canceled|cancelling/);
      const starts = h.sb.requests.filter((r) => r.method === 'POST' && r.path.includes('/build/v2/commits/'));
      assert.equal(starts.length, 0, 'no start request');
    });

    it("start build this commit: refused with Build This Commit's words when HEAD is not pushed", async () => {
      await moveHead({ ahead: 2 });
      const text = await call(ToolNames.startBuild, { thisCommit: true });
      assert.match(text, /^Push first: commit [0-9a-f]{7} is not on the remote yet \(2 commits ahead\)/);
      assert.deepEqual(fake.confirmations, [], 'nothing to confirm');
    });

    it('cancel build: asks naming the build, then says what Appcircle confirmed', async () => {
      h.sb.setBuildTimings({ waitMs: 60_000, runMs: 60_000, completeMs: 0 });
      const started = payload(await call(ToolNames.startBuild, { profile: 'Acme iOS', branch: 'main' })) as { queueItemId: string };
      const text = await call(ToolNames.cancelBuild, { queueItemId: started.queueItemId });
      const c = fake.confirmations.at(-1);
      assert.equal(c?.title, 'Cancel an Appcircle build?');
      assert.match(c?.message ?? '', /Cancel the build of Acme iOS/);
      assert.match(text, /^(The build of Acme iOS.* was canceled\.|Appcircle is cancelling the build of Acme iOS)/);
      const again = await call(ToolNames.cancelBuild, { queueItemId: started.queueItemId });
      assert.match(again, /^This build is not waiting or running any more\./);
    });

    it("an unreachable server: the answer is the command's words, not a stack", async () => {
      h.sb.faults.set({ status: 503, pathIncludes: 'build/v2/profiles', times: 10 });
      h.ext.builds.refresh();
      const text = await call(ToolNames.profiles);
      const words = describeError(await h.ext.builds.profiles().catch((e: unknown) => e), 'load')?.message;
      assert.ok(words, 'the command would show a message');
      assert.equal(text, words);
    });

    it('cancelled: the call ends with a CancellationError and reads no further', async () => {
      const cts = new CancellationTokenSource();
      cts.cancel();
      await assert.rejects(call(ToolNames.buildErrors, {}, cts.token), CancellationError);
    });

    it('cancelled while the log is being read: the read stops and the call ends with a CancellationError', async () => {
      h.sb.faults.set({ hold: true, pathIncludes: '/logs', times: 1 });
      const read = sinon.spy(h.ext.builds, 'readLog');
      try {
        const cts = new CancellationTokenSource();
        const call1 = call(ToolNames.buildErrors, {}, cts.token);
        await h.sb.faults.whenHeld();
        cts.cancel();
        await assert.rejects(call1, CancellationError);
        const signal = read.firstCall.args[2];
        assert.equal(signal?.aborted, true, 'the log request was aborted');
      } finally {
        read.restore();
        h.sb.faults.release();
      }
    });

    it('no answer carries a secret: the PAT and the access token are in none of them', async () => {
      const token = await h.ext.session.getAccessToken();
      const texts = [
        await call(ToolNames.profiles),
        await call(ToolNames.builds),
        await call(ToolNames.commitBuild),
        await call(ToolNames.buildErrors),
        await call(ToolNames.buildLog, { part: 'tail' }),
      ];
      for (const t of texts) {
        assert.ok(!t.includes(DEMO_PAT));
        assert.ok(!t.includes(token));
        assert.doesNotMatch(t, /eyJ[A-Za-z0-9_-]{10,}\./);
      }
    });
  });
});
