/** N7: leftover log folders in the temp folder are swept; deletions can be waited for. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { STALE_AFTER_MS, deletionsDone, sweepStaleSpillFolders, trackDeletion } from '../../../src/core/logs/spillFolders';

describe('core/spillFolders: the sweep of leftover log folders', () => {
  let tmp: string;
  const now = Date.now();
  const old = (now - STALE_AFTER_MS - 60_000) / 1000;

  /** A spill folder like LogFollower's, with one log file; `stale` sets the folder's and file's times back a day. */
  function folder(name: string, stale: boolean): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir, { mode: 0o700 });
    const file = path.join(dir, 'Build 1.log');
    fs.writeFileSync(file, 'a secret the build printed\n', { mode: 0o600 });
    if (stale) {
      fs.utimesSync(file, old, old);
      fs.utimesSync(dir, old, old);
    }
    return dir;
  }

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-test-'));
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('deletes a stale folder, keeps a fresh one, one whose file is still written, and other names', async () => {
    const stale = folder('appcircle-log-aaaaaa', true);
    const fresh = folder('appcircle-log-bbbbbb', false);
    const live = folder('appcircle-log-cccccc', true);
    fs.utimesSync(path.join(live, 'Build 1.log'), now / 1000, now / 1000); // another window still writes it
    const other = folder('someone-else-dddddd', true);
    const r = await sweepStaleSpillFolders({ dir: tmp, now });
    assert.deepEqual(r.removed, [stale]);
    assert.equal(r.kept, 2);
    assert.ok(!fs.existsSync(stale), 'the stale folder is gone');
    assert.ok(fs.existsSync(fresh) && fs.existsSync(live) && fs.existsSync(other));
  });

  it('never follows a symlink, even one named like a spill folder and pointing at a stale one', async () => {
    const target = folder('target-eeeeee', true);
    const link = path.join(tmp, 'appcircle-log-ffffff');
    fs.symlinkSync(target, link, 'dir');
    fs.lutimesSync(link, old, old);
    const r = await sweepStaleSpillFolders({ dir: tmp, now });
    assert.deepEqual(r.removed, []);
    assert.ok(fs.existsSync(path.join(target, 'Build 1.log')), 'the symlink’s target is untouched');
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the symlink itself is kept');
  });

  it('keeps folders of another user, and deletes at most maxFolders per sweep', async () => {
    const dirs = ['appcircle-log-111111', 'appcircle-log-222222', 'appcircle-log-333333'].map((n) => folder(n, true));
    const uid = fs.statSync(dirs[0]).uid;
    assert.deepEqual((await sweepStaleSpillFolders({ dir: tmp, now, uid: uid + 1 })).removed, [], 'not the owner');
    const r = await sweepStaleSpillFolders({ dir: tmp, now, uid, maxFolders: 2 });
    assert.equal(r.removed.length, 2);
    assert.equal(r.kept, 1);
    assert.equal(dirs.filter((d) => fs.existsSync(d)).length, 1);
  });

  it('a temp folder that cannot be read: nothing happens, no error', async () => {
    assert.deepEqual(await sweepStaleSpillFolders({ dir: path.join(tmp, 'missing'), now }), { removed: [], kept: 0 });
  });
});

describe('core/spillFolders: deletions to wait for', () => {
  it('deletionsDone resolves after every tracked deletion, or false at its timeout', async () => {
    let finish: () => void = () => undefined;
    let done = false;
    void trackDeletion(
      new Promise<void>((resolve) => (finish = resolve)).then(() => {
        done = true;
      }),
    );
    assert.equal(await deletionsDone(20), false, 'still running');
    const waiting = deletionsDone(5000);
    finish();
    assert.equal(await waiting, true);
    assert.ok(done);
    void trackDeletion(Promise.reject(new Error('EBUSY')));
    assert.equal(await deletionsDone(5000), true, 'a failed deletion counts as settled');
  });
});
