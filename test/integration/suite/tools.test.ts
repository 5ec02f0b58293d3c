/**
 * The Language Model tools in a real extension host: VS Code lists them (vscode.lm.tools) and runs them
 * (vscode.lm.invokeTool) against the run's sandbox, as an agent outside a chat would. A write's confirmation is
 * VS Code's own dialog: the launcher (test/e2e/run.ts) answers it as this suite asks in
 * $APPCIRCLE_SUITE_DIALOGS/answer and writes what each dialog said to $APPCIRCLE_SUITE_DIALOGS/seen.jsonl.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import type { AppcircleExtension } from '../../../src/container';

const EXT_ID = 'appcircle-community.appcircle-vscode';
const TOOL_NAMES = [
  'appcircle_listBuildProfiles',
  'appcircle_listBuilds',
  'appcircle_getCommitBuild',
  'appcircle_getBuildErrors',
  'appcircle_getBuildLog',
  'appcircle_startBuild',
  'appcircle_cancelBuild',
];

async function extension(): Promise<AppcircleExtension> {
  const api = await vscode.extensions.getExtension<{ testApi?: { extension: AppcircleExtension } }>(EXT_ID)?.activate();
  assert.ok(api?.testApi, 'test API enabled');
  return api.testApi.extension;
}

async function invoke(name: string, input: object = {}): Promise<string> {
  const r = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  return r.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
}

function payload<T>(text: string): T {
  const end = text.indexOf('\n```log');
  return JSON.parse(text.slice(text.indexOf('\n{') + 1, end > 0 ? end : undefined)) as T;
}

const dialogs = process.env.APPCIRCLE_SUITE_DIALOGS;

/** How the launcher answers the next dialogs ('accept' or 'decline'), and what the dialogs said so far. */
function answerDialogs(answer: 'accept' | 'decline'): void {
  assert.ok(dialogs, 'APPCIRCLE_SUITE_DIALOGS is set by the launcher');
  fs.writeFileSync(path.join(dialogs, 'answer'), answer);
}

function dialogsSeen(): string[] {
  const f = dialogs ? path.join(dialogs, 'seen.jsonl') : '';
  return f && fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').filter(Boolean) : [];
}

async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) {
      return v;
    }
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Language Model tools in a real extension host', () => {
  let ext: AppcircleExtension;
  before(async () => {
    ext = await extension();
    await vscode.commands.executeCommand('appcircle.logout');
  });
  after(async () => {
    await vscode.commands.executeCommand('appcircle.logout');
  });

  it('vscode.lm.tools lists the seven Appcircle tools with their schemas and tags', () => {
    const ours = vscode.lm.tools.filter((t) => t.name.startsWith('appcircle_'));
    assert.deepEqual(ours.map((t) => t.name).sort(), [...TOOL_NAMES].sort());
    for (const t of ours) {
      assert.ok(t.description.length > 40, t.name);
      assert.equal((t.inputSchema as { type?: string } | undefined)?.type, 'object', t.name);
      assert.ok(t.tags.includes('appcircle'), t.name);
    }
  });

  it('signed out: a tool says to sign in (no dialog for a write)', async () => {
    const before = dialogsSeen().length;
    assert.match(await invoke('appcircle_listBuildProfiles'), /not signed in to Appcircle\. Run "Appcircle: Sign In"/);
    assert.match(await invoke('appcircle_startBuild', { profile: 'Acme Android', branch: 'develop' }), /not signed in/);
    assert.equal(dialogsSeen().length, before, 'nothing to confirm signed out');
  });

  describe('signed in', () => {
    before(async () => {
      await vscode.commands.executeCommand('appcircle.loginWithPat', { pat: DEMO_PAT });
    });

    it('build errors of a failed build name MainActivity.kt line 27 as a workspace file', async () => {
      const list = payload<{ builds: { buildId: string; commitId: string; status: string }[] }>(
        await invoke('appcircle_listBuilds', { profile: 'Appcircle VS Code Demo', branch: 'main', limit: 20 }),
      );
      const failed = list.builds.find((b) => b.status === 'failed');
      assert.ok(failed, 'a failed build on main');
      const text = await invoke('appcircle_getBuildErrors', { buildId: failed.buildId, commitId: failed.commitId });
      const p = payload<{ problems: { file?: string; line?: number; message: string }[] }>(text);
      const kt = p.problems.find((x) => x.file?.endsWith('app/src/main/java/com/acme/app/MainActivity.kt'));
      assert.ok(kt, `MainActivity.kt among ${JSON.stringify(p.problems.map((x) => x.file))}`);
      assert.equal(kt.line, 27);
    });

    it("start build asks in VS Code's dialog; declined, nothing starts; accepted, the build shows in Active Builds", async () => {
      const input = { profile: 'Acme Android', branch: 'develop' };
      answerDialogs('decline');
      const seen = dialogsSeen().length;
      await assert.rejects(invoke('appcircle_startBuild', input), (e: Error) => /cancel/i.test(e.message) || e.name === 'Canceled');
      assert.equal(dialogsSeen().length, seen + 1, 'one dialog');
      const asked = dialogsSeen().at(-1) ?? '';
      assert.match(asked, /Start an Appcircle build\?/);
      assert.match(asked, /Acme Android/);
      assert.match(asked, /develop/);
      assert.match(asked, /Commit: [0-9a-f]{7}/);
      assert.match(asked, /Workflow: /);
      answerDialogs('accept');
      const text = await invoke('appcircle_startBuild', input);
      assert.match(text, /^Started a build of Acme Android \/ develop/);
      const { queueItemId } = payload<{ queueItemId: string }>(text);
      const active = ext.features.activeTree;
      await waitFor(() => {
        ext.builds.pollNow();
        const rows = active.getChildren();
        return rows.some((r) => (r as { entry?: { id: string } }).entry?.id === queueItemId);
      }, 'the started build in Active Builds');
    });
  });
});

describe('MCP server definition provider in a real extension host', () => {
  let ext: AppcircleExtension;
  const config = () => vscode.workspace.getConfiguration('appcircle');
  before(async () => {
    ext = await extension();
    await vscode.commands.executeCommand('appcircle.logout');
    await vscode.commands.executeCommand('appcircle.loginWithPat', { pat: DEMO_PAT });
  });
  after(async () => {
    await config().update('mcp.enabled', undefined, vscode.ConfigurationTarget.Global);
    await config().update('mcpUrl', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('appcircle.logout');
  });

  it('none while disabled; enabled, one definition without a secret, the token added only when it starts', async () => {
    const mcp = ext.mcp;
    assert.ok(mcp, 'this VS Code has the MCP provider API');
    const none = new vscode.CancellationTokenSource().token;
    await config().update('mcp.enabled', false, vscode.ConfigurationTarget.Global);
    assert.deepEqual(mcp.provideMcpServerDefinitions(), []);
    const changed = new Promise<void>((resolve) => {
      const d = mcp.onDidChangeMcpServerDefinitions(() => {
        d.dispose();
        resolve();
      });
    });
    await config().update('mcpUrl', 'http://127.0.0.1:9/mcp', vscode.ConfigurationTarget.Global);
    await config().update('mcp.enabled', true, vscode.ConfigurationTarget.Global);
    await changed;
    const defs = mcp.provideMcpServerDefinitions();
    assert.equal(defs.length, 1);
    assert.ok(defs[0] instanceof vscode.McpHttpServerDefinition, "VS Code's own class");
    assert.equal(defs[0].uri.toString(), 'http://127.0.0.1:9/mcp');
    assert.equal(defs[0].headers.Authorization, undefined, 'no secret in what is provided');
    const resolved = await mcp.resolveMcpServerDefinition(defs[0], none);
    const api = await vscode.extensions.getExtension<{ testApi?: { accessToken(): Promise<string | undefined> } }>(EXT_ID)?.activate();
    const token = await api?.testApi?.accessToken();
    assert.ok(token);
    assert.equal(resolved?.headers.Authorization, `Bearer ${token}`);
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('appcircle')).includes(token), 'not in the settings');
  });
});
