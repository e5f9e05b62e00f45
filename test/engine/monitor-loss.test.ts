/**
 * A container whose monitor (conmon) dies is killed and recorded exited 137, paused or not,
 * whether this daemon started it or adopted it from its last life (containerd's
 * cleanupAfterDeadShim): it is never left `running` or `paused` with nothing watching it.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

describe('a monitor that dies', () => {
  let base: string | undefined;
  let first: TestDaemon | undefined;
  let d: TestDaemon | undefined;
  after(async () => {
    await d?.stop();
    await first?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  test('kill -9 of the conmon of a running or paused container, adopted or own, ends it with 137', async () => {
    base = await mkdtemp(join(tmpdir(), 'moorage-monitor-loss-'));
    const roots = { dataRoot: join(base, 'data'), execRoot: join(base, 'exec') };
    first = await startDaemon(roots);
    const run = async (daemon: TestDaemon, name: string) => {
      const r = await daemon.docker(['run', '-d', '--network', 'none', '--name', name, 'busybox', 'sleep', '1000']);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.trim();
    };
    const adopted = await run(first, 'adopted');
    const adoptedPaused = await run(first, 'adopted-paused');
    assert.equal((await first.docker(['pause', adoptedPaused])).code, 0);
    await first.stopDaemonOnly(); // the containers keep running under their monitors
    d = await startDaemon({ ...roots, slot: first.slot });
    const own = await run(d, 'own');
    const ownPaused = await run(d, 'own-paused');
    assert.equal((await d.docker(['pause', ownPaused])).code, 0);

    const ids = [adopted, adoptedPaused, own, ownPaused];
    const before = new Map<string, { pid: number; monitor: number }>();
    for (const id of ids) {
      // The monitor's pid as the container's record keeps it.
      const record = JSON.parse(await readFile(join(roots.dataRoot, 'containers', id, 'config.v2.json'), 'utf8')) as { Task: { monitorPid: number; pid: number } };
      before.set(id, { pid: record.Task.pid, monitor: record.Task.monitorPid });
      assert.ok(alive(record.Task.pid) && alive(record.Task.monitorPid));
    }
    for (const id of ids) process.kill(before.get(id)!.monitor, 'SIGKILL');

    const deadline = Date.now() + 15_000;
    const status = async () => (await d!.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}} {{.State.Pid}}', ...ids])).stdout.trim().split('\n');
    let seen = await status();
    while (seen.some((s) => s !== 'exited 137 0') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      seen = await status();
    }
    assert.deepEqual(seen, ids.map(() => 'exited 137 0'), `adopted, adopted-paused, own, own-paused:\n${d.output().slice(-3000)}`);
    for (const id of ids) {
      assert.equal(alive(before.get(id)!.pid), false, `the process of ${id} is gone`);
      // Not left behind in the runtime either: a start works again.
      assert.equal((await d.docker(['start', id])).code, 0);
    }
    assert.equal((await d.docker(['rm', '-f', ...ids])).code, 0);
  });
});

/** Whether a process exists and is not a zombie (this machine's PID 1 reaps lazily). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
