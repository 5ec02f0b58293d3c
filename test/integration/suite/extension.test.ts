/** Runs inside a real VS Code extension host against the sandbox whose URLs are in the user settings. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEMO_API_KEY, DEMO_PAT, QA_ORG_ID, ROOT_ORG_ID } from '../../../sandbox/fixtures';
import { waitFor } from './waitFor';

const EXT_ID = 'appcircle-community.appcircle-vscode';

interface SessionInfoLike {
  account: string;
  organizationId: string;
  organizationName: string;
}

interface TestApi {
  storedSessionRaw(): Promise<string | undefined>;
  accessToken(): Promise<string | undefined>;
  accountSessions(): Promise<readonly vscode.AuthenticationSession[]>;
}

async function api(): Promise<{ version: number; testApi?: TestApi }> {
  const ext = vscode.extensions.getExtension<{ version: number; testApi?: TestApi }>(EXT_ID);
  assert.ok(ext, 'extension is installed');
  return ext.activate();
}

describe('Appcircle extension in a real extension host', () => {
  const secretsSeen: string[] = [DEMO_PAT, DEMO_API_KEY.secret];

  before(async () => {
    await api();
    await vscode.commands.executeCommand('appcircle.logout');
  });

  it('activates and exports nothing secret', async () => {
    const exports = await api();
    assert.equal(exports.version, 1);
    const json = JSON.stringify(Object.keys(exports));
    assert.ok(!/token|secret|pat/i.test(json.replace('testApi', '')), json);
  });

  it('registers every contributed command', async () => {
    const ext = vscode.extensions.getExtension(EXT_ID);
    const manifest = JSON.parse(fs.readFileSync(path.join(ext?.extensionPath ?? '', 'package.json'), 'utf8')) as {
      contributes: { commands: { command: string }[] };
    };
    const all = new Set(await vscode.commands.getCommands(true));
    for (const c of manifest.contributes.commands) {
      assert.ok(all.has(c.command), `${c.command} is registered`);
    }
  });

  it('signs in with a PAT through the command and exposes the session to the Accounts menu', async () => {
    const info = await vscode.commands.executeCommand<SessionInfoLike>('appcircle.loginWithPat', { pat: DEMO_PAT });
    assert.equal(info?.organizationId, ROOT_ORG_ID);
    assert.equal(info?.organizationName, 'Acme Mobile');
    // what the Accounts menu shows comes from the registered provider's getSessions()
    const { testApi } = await api();
    const sessions = await waitFor(async () => ((await testApi?.accountSessions())?.length ? testApi?.accountSessions() : undefined));
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]?.account.label, 'dev@acme.test');
    secretsSeen.push(sessions[0]?.accessToken ?? '');
  });

  it('keeps the credential in SecretStorage as one JSON value, never in settings', async () => {
    const { testApi } = await api();
    assert.ok(testApi, 'test API enabled by APPCIRCLE_TEST_API=1');
    const raw = await testApi.storedSessionRaw();
    assert.ok(raw, 'a session secret exists');
    const stored = JSON.parse(raw) as { credential: { kind: string }; organizationId: string };
    assert.equal(stored.credential.kind, 'pat');
    assert.equal(stored.organizationId, ROOT_ORG_ID);
    const token = await testApi.accessToken();
    if (token) {
      secretsSeen.push(token);
      assert.ok(!raw.includes(token), 'the access token is not persisted');
    }
    const config = JSON.stringify(vscode.workspace.getConfiguration('appcircle'));
    for (const s of secretsSeen) {
      assert.ok(!config.includes(s), 'no secret in settings');
    }
  });

  it('switches to a sub-organization through the command', async () => {
    const info = await vscode.commands.executeCommand<SessionInfoLike>('appcircle.selectOrganization', { organizationId: QA_ORG_ID });
    assert.equal(info?.organizationName, 'Acme QA');
    const { testApi } = await api();
    const stored = JSON.parse((await testApi?.storedSessionRaw()) ?? '{}') as { organizationId?: string };
    assert.equal(stored.organizationId, QA_ORG_ID);
  });

  it('refuses a second sign-in while signed in (the session stays)', async () => {
    const r = await vscode.commands.executeCommand<SessionInfoLike | undefined>('appcircle.loginWithApiKey', {
      name: DEMO_API_KEY.name,
      secret: DEMO_API_KEY.secret,
    });
    assert.equal(r, undefined);
    const { testApi } = await api();
    const stored = JSON.parse((await testApi?.storedSessionRaw()) ?? '{}') as { credential?: { kind: string } };
    assert.equal(stored.credential?.kind, 'pat');
  });

  it('signs out: secret deleted, Accounts session gone', async () => {
    await vscode.commands.executeCommand('appcircle.logout');
    const { testApi } = await api();
    assert.equal(await testApi?.storedSessionRaw(), undefined);
    assert.deepEqual(await testApi?.accountSessions(), []);
  });

  it('signs in with an API key and out again', async () => {
    const info = await vscode.commands.executeCommand<SessionInfoLike>('appcircle.loginWithApiKey', {
      name: DEMO_API_KEY.name,
      secret: DEMO_API_KEY.secret,
      organizationId: QA_ORG_ID,
    });
    assert.equal(info?.organizationName, 'Acme QA');
    await vscode.commands.executeCommand('appcircle.logout');
  });
});
