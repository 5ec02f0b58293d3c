/**
 * The Language Model tools in a real extension host: VS Code lists them (vscode.lm.tools) and runs them
 * (vscode.lm.invokeTool) against the run's sandbox, as an agent outside a chat would. A write's confirmation is
 * VS Code's own dialog, which VS Code itself answers "yes" while extension tests run (its dialog service skips
 * dialogs when extensionTestsPath is set): here the confirmation the tool hands VS Code is checked, and declining
 * it is a unit test (test/unit/ui/agentTools.test.ts).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import { waitFor } from './waitFor';
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
  'appcircle_listSigningIdentities',
  'appcircle_listDistribution',
  'appcircle_sendToTestingDistribution',
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

describe('Language Model tools in a real extension host', () => {
  let ext: AppcircleExtension;
  before(async () => {
    ext = await extension();
    await vscode.commands.executeCommand('appcircle.logout');
  });
  after(async () => {
    await vscode.commands.executeCommand('appcircle.logout');
  });

  it('vscode.lm.tools lists every Appcircle tool with its schema and tags', () => {
    const ours = vscode.lm.tools.filter((t) => t.name.startsWith('appcircle_'));
    assert.deepEqual(ours.map((t) => t.name).sort(), [...TOOL_NAMES].sort());
    for (const t of ours) {
      assert.ok(t.description.length > 40, t.name);
      assert.equal((t.inputSchema as { type?: string } | undefined)?.type, 'object', t.name);
      assert.ok(t.tags.includes('appcircle'), t.name);
    }
  });

  it('signed out: a tool says to sign in, and a write has nothing to confirm', async () => {
    assert.match(await invoke('appcircle_listBuildProfiles'), /not signed in to Appcircle\. Run "Appcircle: Sign In"/);
    const none = new vscode.CancellationTokenSource().token;
    const prepared = await ext.features.tools.prepare('appcircle_startBuild', { profile: 'Acme Android', branch: 'develop' }, none);
    assert.equal(prepared.confirmationMessages, undefined);
    assert.match(await invoke('appcircle_startBuild', { profile: 'Acme Android', branch: 'develop' }), /not signed in/);
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

    it('start build: the confirmation names profile, branch, commit and workflow; then the build shows in Active Builds', async () => {
      const input = { profile: 'Acme Android', branch: 'develop' };
      const none = new vscode.CancellationTokenSource().token;
      const prepared = await ext.features.tools.prepare('appcircle_startBuild', input, none);
      assert.equal(prepared.confirmationMessages?.title, 'Start an Appcircle build?');
      const message = prepared.confirmationMessages?.message;
      assert.ok(message instanceof vscode.MarkdownString, "VS Code's own MarkdownString");
      assert.match(message.value, /Build profile: Acme Android/);
      assert.match(message.value, /Branch: develop/);
      assert.match(message.value, /Commit: [0-9a-f]{7}/);
      assert.match(message.value, /Workflow: /);
      const text = await invoke('appcircle_startBuild', input);
      assert.match(text, /^Started a build of Acme Android \/ develop/);
      const { queueItemId } = payload<{ queueItemId: string }>(text);
      const active = ext.features.activeTree;
      await waitFor(() => {
        ext.builds.pollNow();
        return active.getChildren().some((r) => (r as { entry?: { id: string } }).entry?.id === queueItemId);
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
