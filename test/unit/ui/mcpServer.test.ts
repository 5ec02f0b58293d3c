import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { SessionExpiredError } from '../../../src/core/errors';
import { Emitter } from '../../../src/core/events';
import type { SessionChangeEvent, SessionInfo } from '../../../src/core/session/models';
import { Settings } from '../../../src/platform/settings';
import { AppcircleMcpProvider, MCP_PROVIDER_ID, registerMcpProvider } from '../../../src/ui/agent/mcpServer';
import { PAT, RecordingLogger, waitFor } from '../core/helpers';
import { fake, lm } from '../fakes/vscodeFake';
import type { UiHarness } from './harness';
import { bootExtension } from './harness';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXYifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
const ORG = '3f5d9a12-7c41-4e8b-9b0d-2a6e4c1f8b73';
const QA_ORG = '6fbd094c-18cb-4bcd-bc6f-cf2aee752982';

/** A session that is signed in as `info` (undefined: signed out) and mints `token`. */
class StubSession {
  info: SessionInfo | undefined;
  token: () => Promise<string> = () => Promise.resolve(TOKEN);
  readonly changes = new Emitter<SessionChangeEvent>();
  readonly onDidChangeSession = this.changes.event;
  get session(): SessionInfo | undefined {
    return this.info;
  }
  getAccessToken(): Promise<string> {
    return this.token();
  }
  signIn(organizationId = ORG): void {
    this.info = {
      account: 'dev@acme.test',
      accountId: 'sub-1',
      kind: 'pat',
      organizationId,
      organizationName: 'Acme',
      isRootOrganization: true,
    };
    this.changes.fire({ reason: 'signIn', session: this.info });
  }
}

const none = new vscode.CancellationTokenSource().token;

describe('ui/agent: the MCP server definition provider (Appcircle’s hosted MCP server)', () => {
  let session: StubSession;
  let logger: RecordingLogger;
  let provider: AppcircleMcpProvider;

  beforeEach(() => {
    fake.reset();
    session = new StubSession();
    logger = new RecordingLogger();
    provider = new AppcircleMcpProvider(session, new Settings(), logger);
  });
  afterEach(() => provider.dispose());

  const enable = (values: Record<string, unknown> = {}) => {
    fake.configuration.set('appcircle.mcp.enabled', true);
    for (const [k, v] of Object.entries(values)) {
      fake.configuration.set(`appcircle.${k}`, v);
    }
  };
  const provided = () => provider.provideMcpServerDefinitions();
  /** The one definition offered (fails when there is none). */
  const offered = () => {
    const [d] = provided();
    assert.ok(d, 'a definition is offered');
    return d;
  };

  it('offers nothing while disabled, or enabled but signed out', () => {
    session.signIn();
    assert.deepEqual(provided(), []);
    session.info = undefined;
    enable();
    assert.deepEqual(provided(), []);
  });

  it('enabled and signed in: one definition, at the derived or the explicit URL, with no Authorization and no secret', () => {
    enable();
    session.signIn();
    const [d, more] = provided();
    assert.ok(d && !more);
    assert.equal(d.label, 'Appcircle');
    assert.equal(d.uri.toString(), 'https://mcp.appcircle.io');
    assert.deepEqual(d.headers, {});
    assert.match(d.version ?? '', /^[0-9a-f]{12}$/);
    assert.ok(!JSON.stringify(d).includes(TOKEN) && !JSON.stringify(d).includes(ORG), 'neither token nor organization id');

    fake.configuration.set('appcircle.apiUrl', 'https://api.example.com');
    assert.equal(provided()[0]?.uri.toString(), 'https://mcp.example.com');
    fake.configuration.set('appcircle.mcpUrl', 'https://tools.example.com/mcp');
    assert.equal(provided()[0]?.uri.toString(), 'https://tools.example.com/mcp');
  });

  it('another organization is another version (the editor refreshes the tools after a switch)', () => {
    enable();
    session.signIn(ORG);
    const before = provided()[0]?.version;
    session.signIn(QA_ORG);
    assert.notEqual(provided()[0]?.version, before);
  });

  it('no URL (the API host is not api.<domain>): nothing offered, and the log says once to set appcircle.mcpUrl', () => {
    enable({ apiUrl: 'https://appcircle.example.com' });
    session.signIn();
    assert.deepEqual(provided(), []);
    assert.deepEqual(provided(), []);
    const said = logger.lines.filter((l) => l.includes('appcircle.mcpUrl'));
    assert.equal(said.length, 1, logger.lines.join('\n'));
    assert.match(said[0] ?? '', /^warn Appcircle's MCP server is not offered: .*set appcircle\.mcpUrl/);
  });

  it('resolve: the definition with Authorization: Bearer <the session’s token>; the provided one stays without it', async () => {
    enable();
    session.signIn();
    const d = offered();
    const r = await provider.resolveMcpServerDefinition(d, none);
    assert.equal(r?.headers.Authorization, `Bearer ${TOKEN}`);
    assert.equal(r?.uri.toString(), 'https://mcp.appcircle.io');
    assert.equal(r?.version, d.version);
    assert.deepEqual(d.headers, {}, 'the provided definition is not changed');
    assert.ok(!logger.lines.some((l) => l.includes(TOKEN)));
  });

  it('resolve sends the token only to the URL the settings name now', async () => {
    enable();
    session.signIn();
    const d = offered();
    d.uri = vscode.Uri.parse('https://elsewhere.example.com');
    assert.equal((await provider.resolveMcpServerDefinition(d, none))?.uri.toString(), 'https://mcp.appcircle.io');
  });

  it('resolve signed out: undefined at once, and a message with Sign In that runs appcircle.login', async () => {
    enable();
    session.signIn();
    const d = offered();
    session.info = undefined;
    fake.messageAnswers.push('Sign In');
    assert.equal(await provider.resolveMcpServerDefinition(d, none), undefined);
    assert.deepEqual(fake.messages, [
      { severity: 'info', message: "Sign in to Appcircle to use Appcircle's MCP server.", actions: ['Sign In'] },
    ]);
    await waitFor(() => fake.executed.some((c) => c.id === 'appcircle.login'));
  });

  it('resolve after the setting was turned off: undefined, no sign-in message', async () => {
    enable();
    session.signIn();
    const d = offered();
    fake.configuration.set('appcircle.mcp.enabled', false);
    assert.equal(await provider.resolveMcpServerDefinition(d, none), undefined);
    assert.deepEqual(fake.messages, []);
  });

  it('resolve cancelled while the token is minted: undefined', async () => {
    enable();
    session.signIn();
    const cts = new vscode.CancellationTokenSource();
    session.token = () => {
      cts.cancel();
      return Promise.resolve(TOKEN);
    };
    assert.equal(await provider.resolveMcpServerDefinition(offered(), cts.token), undefined);
  });

  it('resolve when the session switched while the token was minted: undefined (the editor asks again)', async () => {
    enable();
    session.signIn(ORG);
    session.token = () => {
      session.signIn(QA_ORG);
      return Promise.resolve(TOKEN);
    };
    assert.equal(await provider.resolveMcpServerDefinition(offered(), none), undefined);
  });

  it('a token that cannot be had: logged, and an Error in words with no token and no raw kind', async () => {
    enable();
    session.signIn();
    session.token = () => Promise.reject(new SessionExpiredError(new Error(`401 for ${TOKEN}`)));
    await assert.rejects(provider.resolveMcpServerDefinition(offered(), none), (e: Error) => {
      assert.equal(e.message, "Your Appcircle session has ended. Sign in again to use Appcircle's MCP server.");
      return true;
    });
    session.token = () => Promise.reject(new Error('boom'));
    await assert.rejects(provider.resolveMcpServerDefinition(offered(), none), /did not give an access token/);
    assert.ok(logger.lines.some((l) => l.startsWith("warn No access token for Appcircle's MCP server")));
  });

  it('onDidChangeMcpServerDefinitions fires on sign-in, sign-out, switch and a change of either setting', () => {
    let fired = 0;
    provider.onDidChangeMcpServerDefinitions(() => fired++);
    session.signIn(ORG);
    session.changes.fire({ reason: 'switch', session: session.info });
    session.changes.fire({ reason: 'signOut', session: undefined });
    fake.changeConfiguration('appcircle.mcp.enabled');
    fake.changeConfiguration('appcircle.mcpUrl');
    fake.changeConfiguration('appcircle.builds.pollInterval');
    assert.equal(fired, 5);
  });

  it('registerMcpProvider: registered under appcircle.mcpServer; a host without the API gets a log line and a no-op', () => {
    const d = registerMcpProvider(session, new Settings(), logger);
    assert.deepEqual(
      fake.mcpProviders.map((p) => p.id),
      [MCP_PROVIDER_ID],
    );
    d.dispose();
    lm.registerMcpServerDefinitionProvider = undefined;
    registerMcpProvider(session, new Settings(), logger).dispose();
    assert.ok(logger.lines.some((l) => l.includes('no MCP server definition API')));
    fake.reset();
    assert.equal(typeof lm.registerMcpServerDefinitionProvider, 'function', 'reset puts the API back');
  });
});

describe('ui/agent: the MCP provider in the running extension (vscode fake + sandbox)', () => {
  let h: UiHarness;
  beforeEach(async () => {
    h = await bootExtension();
  });
  afterEach(async () => {
    await h.dispose();
  });

  it('registered at activation without loading the features part; a real token only in the resolved definition', async () => {
    const registered = fake.mcpProviders.find((p) => p.id === 'appcircle.mcpServer');
    assert.ok(registered, 'registered at activation');
    assert.equal(h.ext.featuresLoaded, false);
    const provider = registered.provider as AppcircleMcpProvider;
    fake.configuration.set('appcircle.mcp.enabled', true);
    fake.configuration.set('appcircle.mcpUrl', 'https://mcp.example.test');
    assert.deepEqual(provider.provideMcpServerDefinitions(), [], 'signed out');

    let changes = 0;
    provider.onDidChangeMcpServerDefinitions(() => changes++);
    fake.inputAnswers.push(PAT);
    await h.run('appcircle.loginWithPat');
    assert.ok(changes >= 1, 'sign-in announced');
    const [d] = provider.provideMcpServerDefinitions();
    assert.ok(d);
    const resolved = await provider.resolveMcpServerDefinition(d, none);
    const token = await h.ext.session.getAccessToken();
    assert.equal(resolved?.headers.Authorization, `Bearer ${token}`);

    await h.run('appcircle.selectOrganization', { organizationId: QA_ORG });
    const after = provider.provideMcpServerDefinitions()[0];
    assert.notEqual(after?.version, d.version, 'a switch is a new version');
    await h.run('appcircle.logout');
    assert.deepEqual(provider.provideMcpServerDefinitions(), []);

    const needles = [PAT, token, token.split('.')[2] ?? ''].filter((n) => n.length > 8);
    const written = [
      ...h.logLines(),
      ...[...fake.configuration.entries()].map(([k, v]) => `${k}=${String(v)}`),
      JSON.stringify([d, after]),
    ];
    for (const w of written) {
      for (const n of needles) {
        assert.ok(!w.includes(n), `a secret appeared: ${w.slice(0, 120)}`);
      }
    }
  });
});
