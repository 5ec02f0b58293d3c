import * as assert from 'node:assert/strict';
import { DEMO_PAT } from '../../../sandbox/fixtures';
import type { UiHarness } from './harness';
import { bootExtension, waitUntil } from './harness';

describe('ui: every log line says which component wrote it', () => {
  let h: UiHarness;
  beforeEach(async () => {
    h = await bootExtension();
  });
  afterEach(async () => {
    await h.dispose();
  });

  it('[extension], [session], [http], [builds] / [poller] prefixes, and no line without one', async () => {
    await h.run('appcircle.loginWithPat', { pat: DEMO_PAT });
    h.ext.builds.refresh({ kind: 'queue' });
    // the fake channel writes '[level] message'; the message starts with the component
    const messages = () => h.logLines().map((l) => l.replace(/^\[(trace|debug|info|warning|warn|error)\] /, ''));
    await waitUntil(() => messages().some((l) => l.startsWith('[http]') && l.includes('my-dashboard')));
    const lines = messages();
    for (const tag of ['[extension] Activated in', '[session] Signed in', '[http] POST auth/v1/token']) {
      assert.ok(
        lines.some((l) => l.startsWith(tag)),
        `a line starts with "${tag}": ${lines.slice(0, 8).join(' | ')}`,
      );
    }
    const untagged = lines.filter((l) => !/^\[(extension|session|http|builds|poller|logs|commit|ui)\] /.test(l));
    assert.deepEqual(untagged, []);
  });
});
