/**
 * Restart policies through the docker CLI: on-failure with a maximum, always until a manual
 * stop, and a stop during the backoff.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

describe('restart policies', () => {
  let d: TestDaemon;
  before(async () => { d = await startDaemon(); });
  after(async () => { await d?.stop(); });

  const state = async (id: string) => (await d.docker(['inspect', '-f', '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}', id])).stdout.trim();
  const until = async (id: string, want: RegExp, ms = 8000) => {
    const deadline = Date.now() + ms;
    let s = await state(id);
    while (!want.test(s) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      s = await state(id);
    }
    return s;
  };

  test('on-failure:2 restarts a failing container twice, then leaves it exited', async () => {
    const id = (await d.docker(['run', '-d', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 3'])).stdout.trim();
    try {
      assert.equal(await until(id, /^exited 2 3$/), 'exited 2 3');
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(await state(id), 'exited 2 3');
      const ev = await d.docker(['events', '--since', '0', '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', `container=${id}`, '--filter', 'event=start', '--filter', 'event=restart', '--format', '{{.Action}}']);
      assert.deepEqual(ev.stdout.trim().split('\n'), ['start', 'start', 'start']);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('always restarts an exiting container until a manual stop, which cancels the policy', async () => {
    const id = (await d.docker(['run', '-d', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.2; exit 0'])).stdout.trim();
    try {
      assert.match(await until(id, /^running [1-9]/), /^running [1-9]/);
      assert.equal((await d.docker(['stop', '-t', '1', id])).code, 0);
      const after = await state(id);
      assert.match(after, /^exited /);
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(await state(id), after, 'no restart after a manual stop');
      assert.equal((await d.docker(['start', id])).code, 0);
      assert.match(await state(id), /^running 0 /, 'a manual start resets the count');
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('a stop during the backoff ends it at once with only a stop event', async () => {
    const id = (await d.docker(['run', '-d', '--restart', 'always', 'busybox', 'sh', '-c', 'exit 5'])).stdout.trim();
    try {
      // Backoffs double from 100 ms; after a few fast exits the container sits in `restarting`.
      assert.match(await until(id, /^restarting /), /^restarting /);
      const t0 = Date.now();
      assert.equal((await d.docker(['stop', id])).code, 0);
      assert.ok(Date.now() - t0 < 2000);
      // 5 from the backoff; 143 when a policy start was under way and this stop ended that run.
      assert.match(await state(id), /^exited \d+ (5|143)$/);
    } finally {
      await d.docker(['rm', '-f', id]);
    }
  });

  test('--rm with a restart policy is refused', async () => {
    const r = await d.docker(['create', '--rm', '--restart', 'always', 'busybox', 'true']);
    assert.notEqual(r.code, 0);
  });
});
