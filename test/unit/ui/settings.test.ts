import * as assert from 'node:assert/strict';
import { DEFAULT_ENDPOINTS, deriveDashboardUrl } from '../../../src/platform/settings';

describe('ui/platform settings: the dashboard URL derived from apiUrl', () => {
  it('my.<domain> from api.<domain>, the origin otherwise, never the "null" origin of a data: or javascript: URL', () => {
    assert.equal(deriveDashboardUrl('https://api.example.test/v1'), 'https://my.example.test');
    assert.equal(deriveDashboardUrl('https://u:p@ci.example.test:8443/x'), 'https://ci.example.test:8443');
    for (const odd of ['data://0.0.0.0', 'javascript:alert(1)', 'file:///etc/passwd', 'not a url']) {
      assert.equal(deriveDashboardUrl(odd), DEFAULT_ENDPOINTS.dashboardUrl, odd);
    }
  });
});
