import * as assert from 'node:assert/strict';
import { DEFAULT_ENDPOINTS, Settings, deriveDashboardUrl, resolveMcpUrl } from '../../../src/platform/settings';
import { fake } from '../fakes/vscodeFake';

describe('ui/platform settings: the dashboard URL derived from apiUrl', () => {
  it('my.<domain> from api.<domain>, the origin otherwise, never the "null" origin of a data: or javascript: URL', () => {
    assert.equal(deriveDashboardUrl('https://api.example.test/v1'), 'https://my.example.test');
    assert.equal(deriveDashboardUrl('https://u:p@ci.example.test:8443/x'), 'https://ci.example.test:8443');
    for (const odd of ['data://0.0.0.0', 'javascript:alert(1)', 'file:///etc/passwd', 'not a url']) {
      assert.equal(deriveDashboardUrl(odd), DEFAULT_ENDPOINTS.dashboardUrl, odd);
    }
  });
});

describe('ui/platform settings: the MCP server URL (appcircle.mcpUrl, or mcp.<domain> from apiUrl)', () => {
  beforeEach(() => fake.reset());

  const mcp = (values: Record<string, unknown>, workspace: Record<string, unknown> = {}) => {
    for (const [k, v] of Object.entries(values)) {
      fake.configuration.set(`appcircle.${k}`, v);
    }
    for (const [k, v] of Object.entries(workspace)) {
      fake.workspaceConfiguration.set(`appcircle.${k}`, v);
    }
    return new Settings().mcp();
  };

  it('derives mcp.<domain> from api.<domain>: the cloud, a self-hosted domain, its port kept; an explicit URL wins', () => {
    assert.deepEqual(mcp({}), { enabled: false, url: 'https://mcp.appcircle.io' });
    fake.reset();
    assert.equal(mcp({ apiUrl: 'https://api.appcircle.io' }).url, 'https://mcp.appcircle.io');
    fake.reset();
    assert.equal(mcp({ apiUrl: 'https://api.example.com' }).url, 'https://mcp.example.com');
    fake.reset();
    assert.equal(mcp({ apiUrl: 'https://api.ci.example.com:8443/prefix/' }).url, 'https://mcp.ci.example.com:8443');
    fake.reset();
    assert.equal(
      mcp({ apiUrl: 'https://api.example.com', mcpUrl: ' https://tools.example.com/mcp ' }).url,
      'https://tools.example.com/mcp',
    );
    fake.reset();
    assert.equal(mcp({ 'mcp.enabled': true }).enabled, true);
  });

  it('reads only the user value: a workspace can neither turn it on nor point the token elsewhere', () => {
    const m = mcp({}, { 'mcp.enabled': true, mcpUrl: 'https://evil.example.com', apiUrl: 'https://api.evil.example.com' });
    assert.deepEqual(m, { enabled: false, url: 'https://mcp.appcircle.io' });
  });

  it('no URL, and a problem for the log, for an API host that is not api.<domain>, naming appcircle.mcpUrl', () => {
    for (const apiUrl of ['https://appcircle.example.com', 'http://127.0.0.1:8080', 'not a url', 'javascript:alert(1)']) {
      fake.reset();
      const m = mcp({ apiUrl });
      assert.equal(m.url, undefined, apiUrl);
      assert.match(m.problem ?? '', /set appcircle\.mcpUrl/, apiUrl);
    }
  });

  it('http:// only to this machine or with appcircle.allowInsecureHttp; never a user name, never another scheme', () => {
    const refused = (v: Record<string, unknown>) => {
      fake.reset();
      const m = mcp(v);
      assert.equal(m.url, undefined, JSON.stringify(v));
      assert.ok(m.problem, JSON.stringify(v));
    };
    const allowed = (v: Record<string, unknown>, url: string) => {
      fake.reset();
      assert.equal(mcp(v).url, url, JSON.stringify(v));
    };
    refused({ mcpUrl: 'http://mcp.example.com' });
    refused({ apiUrl: 'http://api.example.com' });
    refused({ mcpUrl: 'https://user:pw@mcp.example.com' });
    refused({ mcpUrl: 'ftp://mcp.example.com' });
    refused({ mcpUrl: 'not a url' });
    allowed({ mcpUrl: 'http://127.0.0.1:3000/mcp' }, 'http://127.0.0.1:3000/mcp');
    allowed({ mcpUrl: 'http://localhost:3000' }, 'http://localhost:3000');
    allowed({ mcpUrl: 'http://mcp.example.com', allowInsecureHttp: true }, 'http://mcp.example.com');
    allowed({ apiUrl: 'http://api.example.com', allowInsecureHttp: true }, 'http://mcp.example.com');
    assert.match(resolveMcpUrl('http://mcp.example.com', DEFAULT_ENDPOINTS.apiUrl, false).problem ?? '', /allowInsecureHttp/);
  });

  it('onDidChangeMcp fires for the two MCP settings and what the URL is derived from, not for others', () => {
    const settings = new Settings();
    let fired = 0;
    const d = settings.onDidChangeMcp(() => fired++);
    for (const k of ['appcircle.mcp.enabled', 'appcircle.mcpUrl', 'appcircle.apiUrl', 'appcircle.allowInsecureHttp']) {
      fake.changeConfiguration(k);
    }
    fake.changeConfiguration('appcircle.builds.pollInterval');
    fake.changeConfiguration('appcircle.dashboardUrl');
    d.dispose();
    fake.changeConfiguration('appcircle.mcpUrl');
    assert.equal(fired, 4);
  });
});

describe('ui/platform settings: appcircle.signing.expiryWarningDays', () => {
  beforeEach(() => fake.reset());

  it('30 by default, clamped to 1-365 whatever its type; its change event fires for it alone', () => {
    const settings = new Settings();
    assert.equal(settings.expiryWarningDays(), 30);
    for (const [v, want] of [
      [0, 1],
      [-5, 1],
      [14, 14],
      [9999, 365],
      ['60', 60],
      ['soon', 30],
      [null, 30],
    ] as const) {
      fake.configuration.set('appcircle.signing.expiryWarningDays', v);
      assert.equal(settings.expiryWarningDays(), want, String(v));
    }
    let fired = 0;
    const d = settings.onDidChangeExpiryWarningDays(() => fired++);
    fake.changeConfiguration('appcircle.signing.expiryWarningDays');
    fake.changeConfiguration('appcircle.builds.pollInterval');
    d.dispose();
    fake.changeConfiguration('appcircle.signing.expiryWarningDays');
    assert.equal(fired, 1);
  });
});

describe('ui/platform settings: the hook service URL (appcircle.hookUrl, or derived from apiUrl)', () => {
  beforeEach(() => fake.reset());

  const hook = (values: Record<string, unknown>, workspace: Record<string, unknown> = {}) => {
    for (const [k, v] of Object.entries(values)) {
      fake.configuration.set(`appcircle.${k}`, v);
    }
    for (const [k, v] of Object.entries(workspace)) {
      fake.workspaceConfiguration.set(`appcircle.${k}`, v);
    }
    return new Settings().hook();
  };

  it('hooks.appcircle.io for the cloud (unverified), hook.<domain> for a self-hosted api.<domain>, an explicit URL wins', () => {
    assert.deepEqual(hook({}), { url: 'https://hooks.appcircle.io', allowInsecureHttp: false });
    fake.reset();
    assert.equal(hook({ apiUrl: 'https://api.example.com' }).url, 'https://hook.example.com');
    fake.reset();
    assert.equal(hook({ apiUrl: 'https://api.ci.example.com:8443/prefix/' }).url, 'https://hook.ci.example.com:8443');
    fake.reset();
    assert.equal(hook({ apiUrl: 'http://127.0.0.1:8080', hookUrl: ' http://127.0.0.1:8082 ' }).url, 'http://127.0.0.1:8082');
  });

  it('no stream for an IP, loopback or a host without api.: a problem naming appcircle.hookUrl; http refused as elsewhere', () => {
    for (const apiUrl of ['https://appcircle.example.com', 'http://127.0.0.1:8080', 'https://10.0.0.5']) {
      fake.reset();
      const h = hook({ apiUrl });
      assert.equal(h.url, undefined, apiUrl);
      assert.match(h.problem ?? '', /set appcircle\.hookUrl/, apiUrl);
    }
    fake.reset();
    assert.match(hook({ hookUrl: 'http://hook.example.com' }).problem ?? '', /allowInsecureHttp/);
    fake.reset();
    assert.equal(hook({ hookUrl: 'http://hook.example.com', allowInsecureHttp: true }).url, 'http://hook.example.com');
  });

  it('application scope: a workspace cannot point the access token elsewhere', () => {
    assert.equal(hook({}, { hookUrl: 'https://evil.example.com' }).url, 'https://hooks.appcircle.io');
  });

  it('onDidChangeHook fires for appcircle.hookUrl and what it is derived from', () => {
    const settings = new Settings();
    let fired = 0;
    const d = settings.onDidChangeHook(() => fired++);
    for (const k of ['appcircle.hookUrl', 'appcircle.apiUrl', 'appcircle.allowInsecureHttp', 'appcircle.mcpUrl']) {
      fake.changeConfiguration(k);
    }
    d.dispose();
    assert.equal(fired, 3);
  });
});
