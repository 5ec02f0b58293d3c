/**
 * BuildLogStream (src/core/logs/logStream.ts) over an in-memory hook service (fakeHook.ts): one connection for every
 * followed build, the text at its byte position whatever the faults, polling as the fallback, the way back.
 */
import * as assert from 'node:assert/strict';
import { LogFollower } from '../../../src/core/logs/logFollower';
import { BuildLogStream } from '../../../src/core/logs/logStream';
import type { StreamTarget } from '../../../src/core/logs/streamEntry';
import type { FakeTime } from '../fakes/clock';
import { fakeTime } from '../fakes/clock';
import { FakeHook, fakeSession } from './fakeHook';
import type { HookFaults } from '../../../sandbox/hookStream';
import { RecordingLogger } from './helpers';

/** What FollowedLogs does for one build, in small: its follower, reads and appends one at a time, polled when told. */
class Followed implements StreamTarget {
  readonly follower: LogFollower;
  streamed = false;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    hook: FakeHook,
    readonly id: string,
  ) {
    this.follower = new LogFollower(hook.read, { queueItemId: id });
  }

  /** Appends the stream made (each is one document change in the editor). */
  appends = 0;

  append(fn: (shown: number) => string): Promise<void> {
    this.appends++;
    const run = this.lock.then(() => this.follower.appendStreamed(fn(this.follower.byteLength)));
    this.lock = run.catch(() => undefined);
    return run.then(() => undefined);
  }

  mode(streamed: boolean): void {
    this.streamed = streamed;
    if (!streamed) {
      void this.poll();
    }
  }

  /** A poll tick: read only while not streamed. */
  poll(): Promise<unknown> {
    const run = this.lock.then(() => this.follower.update());
    this.lock = run.catch(() => undefined);
    return run;
  }

  settled(): Promise<unknown> {
    return this.lock;
  }
}

describe('core: running builds’ logs over one hook stream, polling as the fallback', () => {
  let hook: FakeHook;
  let time: FakeTime;
  let logger: RecordingLogger;
  let session: ReturnType<typeof fakeSession>;
  let stream: BuildLogStream;
  let url: string | undefined;

  beforeEach(() => {
    hook = new FakeHook();
    time = fakeTime();
    logger = new RecordingLogger();
    session = fakeSession();
    url = 'http://127.0.0.1:9';
    stream = new BuildLogStream({
      session,
      endpoint: () => ({ url, problem: url ? undefined : 'appcircle.apiUrl is not on an api.<domain> host', allowInsecureHttp: false }),
      clock: time.clock,
      logger,
      idleMs: 20_000,
      api: () => hook.api(),
    });
  });
  afterEach(() => {
    stream.dispose();
    time.timers.uninstall();
  });

  async function follow(id: string, lines = 5): Promise<Followed> {
    if (!hook.builds.has(id)) {
      hook.addBuild(id, lines);
    }
    const f = new Followed(hook, id);
    await f.poll(); // the first read, as FollowedLogs.start
    stream.follow([id], f);
    return f;
  }

  /** Lets the fake stream's writes, the appends and the reads they start run. */
  async function settle(fs: Followed[]): Promise<void> {
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      await Promise.all(fs.map((f) => f.settled()));
    }
  }

  /** The build runs on: `n` more messages, then its end; poll ticks read the builds that are not streamed. */
  async function run(fs: Followed[], n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      for (const f of fs) {
        hook.write(f.id, i % 4 === 3 ? 'Build' : `live ${i} of ${f.id}\r\nsecond line`, i % 4 === 3 ? { uiOnly: true } : {});
      }
      await settle(fs);
      await Promise.all(fs.filter((f) => !f.streamed).map((f) => f.poll()));
    }
    fs.forEach((f) => hook.finish(f.id));
    await settle(fs);
    // the final forced read once the build has left the queue
    await Promise.all(fs.map((f) => f.poll()));
  }

  function assertExact(fs: Followed[]): void {
    for (const f of fs) {
      assert.equal(f.follower.text, hook.plain(f.id), `the log of ${f.id}`);
    }
  }

  const logLines = () => logger.lines.filter((l) => l.includes('is followed'));

  for (const n of [1, 5, 20]) {
    it(`${n} followed build(s): one connection, the exact text, no log read beyond the first and the final one`, async () => {
      const fs: Followed[] = [];
      for (let i = 0; i < n; i++) {
        fs.push(await follow(`b${i}`));
      }
      await settle(fs);
      assert.equal(hook.connectionsOpened, 1);
      assert.equal(hook.tokens, 1);
      const reads = hook.logReads;
      assert.ok(fs.every((f) => f.streamed));
      await run(fs, 12);
      assertExact(fs);
      assert.equal(hook.logReads - reads, n, 'one final read per build');
      assert.equal(hook.connections, 0, 'closed after the last build ended');
      assert.deepEqual([...hook.unsubscribes].sort(), fs.map((f) => f.id).sort());
      assert.equal(logLines().length, n);
      assert.ok(logLines().every((l) => l.endsWith('is followed over the stream')));
    });
  }

  it('a burst of 2,000 messages: applied together in a few appends (not one per line), the exact text', async () => {
    const fs = [await follow('b1')];
    await settle(fs);
    const f = fs[0];
    const before = f.appends;
    for (let i = 0; i < 2000; i++) {
      hook.write('b1', `burst line ${i}`);
    }
    await settle(fs);
    hook.finish('b1');
    await settle(fs);
    await f.poll();
    assertExact(fs);
    assert.ok(f.appends - before <= 20, `${f.appends - before} appends for 2,001 messages`);
    assert.ok(logLines().every((l) => l.endsWith('over the stream')));
  });

  const faults: [string, HookFaults, RegExp][] = [
    ['refused (HTTP 503)', { refuse: 'stream' }, /over polling: the stream was refused \(HTTP 503\)/],
    ['token refused (HTTP 403)', { refuse: 'token' }, /over polling: the hook token was refused \(HTTP 403\)/],
    ['absent', { refuse: 'absent' }, /over polling: the hook service does not exist/],
    ['silent', { silent: true }, /over polling: the stream sent nothing for 20 s/],
  ];
  for (const [name, fault, said] of faults) {
    it(`the stream ${name}: polled from what is shown, exact text, and the log says why once`, async () => {
      hook.faults = fault;
      const fs = [await follow('b1'), await follow('b2')];
      await settle(fs);
      if (fault.silent) {
        await time.timers.tickAsync(20_001);
        await settle(fs);
      }
      assert.ok(fs.every((f) => !f.streamed));
      await run(fs, 6);
      assertExact(fs);
      const mine = logLines().filter((l) => l.includes('b1'));
      assert.ok(mine.length >= 1 && said.test(mine[0] ?? ''), mine.join('\n'));
      assert.ok(!logger.lines.some((l) => l.includes('hook-token-1234567890')));
    });
  }

  for (const [name, fault] of [
    ['duplicated', { duplicateEvery: 2 }],
    ['out of order', { reorderEvery: 3 }],
  ] as const) {
    it(`${name} frames: the exact text, no duplicate line`, async () => {
      hook.faults = fault;
      const fs = [await follow('b1', 9), await follow('b2', 9)];
      await settle(fs);
      await run(fs, 10);
      assertExact(fs);
      assert.ok(fs.every((f) => f.streamed || hook.connections === 0));
    });
  }

  it('dropped mid-stream: polled at once, back on the stream after 1 s, no gap and no duplicate', async () => {
    const fs = [await follow('b1'), await follow('b2')];
    await settle(fs);
    hook.faults = { dropAfterFrames: 14 };
    hook.write('b1', 'before the drop');
    await settle(fs);
    await run(fs, 2);
    assert.ok(
      fs.every((f) => !f.streamed),
      'polled after the drop',
    );
    assert.ok(
      logLines().some((l) => /b1 is followed over polling: the stream was cut|server closed/.test(l)),
      logLines().join('\n'),
    );
    hook.faults = {};
    await time.timers.tickAsync(1_000);
    await settle(fs);
    assert.equal(hook.connectionsOpened, 2);
    assert.ok(
      fs.every((f) => f.streamed),
      'back on the stream',
    );
    await run(fs, 4);
    assertExact(fs);
    assert.ok(
      logLines()
        .filter((l) => l.includes('b1'))
        .at(-1)
        ?.endsWith('over the stream'),
    );
  });

  it('a stall past the idle timeout: polled, then the stream again once it answers', async () => {
    const fs = [await follow('b1')];
    await settle(fs);
    hook.faults = { stallAfterFrames: 7 };
    for (let i = 0; i < 4; i++) {
      hook.write('b1', `stalled ${i}`);
    }
    await settle(fs);
    await time.timers.tickAsync(20_001);
    await settle(fs);
    assert.equal(fs[0]?.streamed, false);
    assert.equal(fs[0]?.follower.text, hook.plain('b1'), 'the polled read filled the gap');
    hook.faults = {};
    await time.timers.tickAsync(1_000);
    await settle(fs);
    assert.equal(fs[0]?.streamed, true);
    await run(fs, 3);
    assertExact(fs);
  });

  it('the connection closed: an L3 still being tried again gives up (its signal aborts)', async () => {
    const f = await follow('b1');
    await settle([f]);
    const [signal] = hook.subscribeSignals;
    assert.ok(signal, 'L3 was given a signal');
    assert.equal(signal.aborted, false);
    hook.dropAll();
    await settle([f]);
    assert.equal(signal.aborted, true);
  });

  it('no hook URL: polled, and the log says why once per build', async () => {
    url = undefined;
    const fs = [await follow('b1')];
    await settle(fs);
    await run(fs, 3);
    assertExact(fs);
    assert.deepEqual(logLines(), [
      'info The log of b1 is followed over polling: no hook service: appcircle.apiUrl is not on an api.<domain> host',
    ]);
    assert.equal(hook.tokens, 0);
  });

  it('the last build unfollowed closes the stream; sign-out mid-stream closes it and reconnects nothing', async () => {
    const f1 = await follow('b1');
    const d2 = stream.follow(['b2'], new Followed(hook, 'b2'));
    hook.addBuild('b2', 2);
    await settle([f1]);
    assert.equal(hook.connections, 1);
    session.signOut();
    await settle([f1]);
    assert.equal(hook.connections, 0);
    assert.equal(stream.connections, 0);
    await time.timers.tickAsync(120_000);
    assert.equal(hook.connectionsOpened, 1, 'nothing while signed out');
    d2.dispose();
  });

  it('a reloaded window: a new follower mid-run aligns with the replay from message 1', async () => {
    hook.addBuild('b1', 30);
    const f = new Followed(hook, 'b1');
    await f.poll();
    hook.write('b1', 'after the first read');
    stream.follow(['b1'], f);
    await settle([f]);
    assert.equal(f.streamed, true);
    await run([f], 3);
    assertExact([f]);
  });

  it('a message lost in the stream (a hole not filled within 2 s): polled from what is shown, exact text', async () => {
    const fs = [await follow('b1')];
    await settle(fs);
    hook.faults = { stallAfterFrames: 5 }; // message 6 is not sent
    hook.write('b1', 'lost');
    hook.faults = {};
    hook.write('b1', 'after the hole');
    await settle(fs);
    assert.equal(fs[0]?.streamed, true, 'waiting for the hole to fill');
    await time.timers.tickAsync(2_100);
    await settle(fs);
    assert.equal(fs[0]?.streamed, false);
    assert.equal(fs[0]?.follower.text, hook.plain('b1'));
    assert.ok(
      logLines().some((l) => /a message did not come within 2 s/.test(l)),
      logLines().join('\n'),
    );
  });
});
