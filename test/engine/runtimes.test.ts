/**
 * pause, unpause and restart through the docker CLI, on runc and on crun (which needs its
 * hybrid-cgroup wrapper on this kind of host).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

for (const runtime of ['runc', 'crun']) {
  describe(`pause, unpause and restart on ${runtime}`, () => {
    let d: TestDaemon;
    before(async () => { d = await startDaemon({ args: ['--runtime', runtime] }); });
    after(async () => { await d?.stop(); });

    test('run, pause, unpause, stop with a trap', async () => {
      assert.equal((await d.docker(['run', '--rm', 'busybox', 'echo', runtime])).stdout, `${runtime}\n`);
      const id = (await d.docker(['run', '-d', 'busybox', 'sh', '-c', 'trap "exit 3" TERM; echo ready; sleep 1000 & wait'])).stdout.trim();
      try {
        await d.waitForLog(id, 'ready');
        assert.equal((await d.docker(['pause', id])).code, 0);
        assert.equal((await d.docker(['inspect', '-f', '{{.State.Status}} {{.State.Paused}} {{.State.Running}}', id])).stdout.trim(), 'paused true true');
        const again = await d.docker(['pause', id]);
        assert.equal(again.code, 1);
        assert.match(again.stderr, /already paused/);
        assert.match((await d.docker(['ps', '--format', '{{.Status}}', '-f', `id=${id}`])).stdout, /\(Paused\)/);
        assert.equal((await d.docker(['unpause', id])).code, 0);
        const notPaused = await d.docker(['unpause', id]);
        assert.match(notPaused.stderr, /is not paused/);
        assert.equal((await d.docker(['stop', id])).code, 0);
        assert.equal((await d.docker(['inspect', '-f', '{{.State.ExitCode}}', id])).stdout.trim(), '3');
      } finally {
        await d.docker(['rm', '-f', id]);
      }
    });

    test('stopping a paused container thaws it so the signal lands', async () => {
      const id = (await d.docker(['run', '-d', 'busybox', 'sh', '-c', 'trap "exit 4" TERM; echo ready; sleep 1000 & wait'])).stdout.trim();
      try {
        await d.waitForLog(id, 'ready');
        assert.equal((await d.docker(['pause', id])).code, 0);
        const t0 = Date.now();
        assert.equal((await d.docker(['stop', '-t', '5', id])).code, 0);
        assert.ok(Date.now() - t0 < 4000);
        assert.equal((await d.docker(['inspect', '-f', '{{.State.ExitCode}}', id])).stdout.trim(), '4');
      } finally {
        await d.docker(['rm', '-f', id]);
      }
    });

    test('restart stops and starts again, emitting restart', async () => {
      const id = (await d.docker(['run', '-d', 'busybox', 'sh', '-c', 'echo started; trap "exit 0" TERM; sleep 1000 & wait'])).stdout.trim();
      try {
        const pid1 = (await d.docker(['inspect', '-f', '{{.State.Pid}}', id])).stdout.trim();
        const logsAre = async (want: string) => {
          let logs = '';
          for (let i = 0; i < 100 && logs !== want; i++) {
            await new Promise((r) => setTimeout(r, 50));
            logs = (await d.docker(['logs', id])).stdout;
          }
          return logs;
        };
        assert.equal(await logsAre('started\n'), 'started\n'); // the first run is under way
        assert.equal((await d.docker(['restart', '-t', '1', id])).code, 0);
        const after = await d.docker(['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', id]);
        const [status, pid2] = after.stdout.trim().split(' ');
        assert.equal(status, 'running');
        assert.notEqual(pid2, pid1);
        const ev = await d.docker(['events', '--since', '0', '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', `container=${id}`, '--filter', 'event=restart', '--format', '{{.Action}}']);
        assert.equal(ev.stdout.trim(), 'restart');
        assert.equal(await logsAre('started\nstarted\n'), 'started\nstarted\n');
      } finally {
        await d.docker(['rm', '-f', id]);
      }
    });
  });
}
