/**
 * A daemon restart loses nothing: containers keep running under conmon, exits that happen
 * while the daemon is down are picked up, and a damaged checkpoint costs one container only.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

describe('daemon restart', () => {
  let base: string;
  let d: TestDaemon | undefined;
  let first: TestDaemon | undefined;
  after(async () => {
    await d?.stop();
    await first?.stop(); // its socket directory and network slot
    if (base) await rm(base, { recursive: true, force: true });
  });

  test('running containers survive a restart and exits while down are recorded', async () => {
    base = await mkdtemp(join(tmpdir(), 'moorage-restore-'));
    const roots = { dataRoot: join(base, 'data'), execRoot: join(base, 'exec') };
    d = await startDaemon(roots);
    const keep = (await d.docker(['run', '-d', '--name', 'keep', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done'])).stdout.trim();
    const dies = (await d.docker(['run', '-d', '--name', 'dies', 'busybox', 'sh', '-c', 'sleep 1; exit 3'])).stdout.trim();
    const back = (await d.docker(['run', '-d', '--name', 'back', '--restart', 'on-failure', 'busybox', 'sh', '-c', 'sleep 1; exit 3'])).stdout.trim();
    const done = (await d.docker(['run', '--name', 'done', 'busybox', 'sh', '-c', 'exit 5'])).code;
    assert.equal(done, 5);
    const pid = (await d.docker(['inspect', '-f', '{{.State.Pid}}', keep])).stdout.trim();
    first = d;
    await first.stopDaemonOnly();
    await writeFile(join(roots.dataRoot, 'containers', 'ffff', 'config.v2.json'), '{broken').catch(async () => {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(roots.dataRoot, 'containers', 'ffff'), { recursive: true });
      await writeFile(join(roots.dataRoot, 'containers', 'ffff', 'config.v2.json'), '{broken');
    });
    await new Promise((r) => setTimeout(r, 1500)); // `dies` exits while no daemon runs
    d = await startDaemon({ ...roots, slot: first.slot }); // the same bridge and subnet: `keep` runs on them
    const state = (ref: string) => d!.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}} {{.State.Pid}}', ref]);
    assert.equal((await state(keep)).stdout.trim(), `running 0 ${pid}`);
    assert.equal((await state(dies)).stdout.trim(), 'exited 3 0');
    assert.equal((await state('done')).stdout.trim(), 'exited 5 0');
    // It failed while no daemon ran: its on-failure policy starts it again at boot.
    assert.match((await state(back)).stdout.trim(), /^(running|restarting) /);
    assert.match(d.output(), /unreadable checkpoint/);
    const t0 = Date.now();
    assert.equal((await d.docker(['stop', keep])).code, 0);
    assert.ok(Date.now() - t0 < 5000);
    assert.equal((await state(keep)).stdout.trim(), 'exited 0 0');
    await rm(join(roots.dataRoot, 'containers', 'ffff'), { recursive: true, force: true });
  });
});
