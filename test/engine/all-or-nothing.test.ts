/**
 * Create and remove are all or nothing: a create that fails at any step leaves no container,
 * no name taken, no directory and no volume made for it; and what a crash leaves of a create or
 * a removal — a directory without a checkpoint, a checkpoint that says the removal had begun —
 * is cleaned or finished at the next boot, while a damaged checkpoint is still only reported.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, statfs, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { call } from '../helpers/api.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { mountsBelow, processAlive } from '../helpers/host-truth.ts';

const run = promisify(execFile);

describe('create and remove, all or nothing', () => {
  const daemons: TestDaemon[] = [];
  const bases: string[] = [];
  after(async () => {
    for (const d of daemons.reverse()) await d.stop().catch(() => {});
    for (const base of bases) {
      for (const m of (await mountsBelow(base)).reverse()) await run('umount', ['-l', m]).catch(() => {});
      await rm(base, { recursive: true, force: true });
    }
  });

  test('a create that runs out of inodes at any step leaves no container, name, directory or volume', async () => {
    const base = await mkdtemp(join(tmpdir(), 'moorage-create-fail-'));
    bases.push(base);
    // The data root on a small tmpfs: filling its inodes makes create fail at a chosen step.
    const fs = join(base, 'fs');
    await mkdir(fs);
    await run('mount', ['-t', 'tmpfs', '-o', 'size=128m,nr_inodes=6000', 'tmpfs', fs]);
    const d = await startDaemon({ dataRoot: join(fs, 'data'), execRoot: join(base, 'exec') });
    daemons.push(d);
    const containersDir = join(fs, 'data', 'containers');
    const filler = join(fs, 'filler');
    await mkdir(filler);
    let fillers = 0;
    /** Leaves exactly `free` inodes free on the tmpfs. */
    const leaveFree = async (free: number) => {
      for (;;) {
        const now = Number((await statfs(fs)).ffree);
        if (now === free) return;
        if (now > free) {
          await Promise.all(Array.from({ length: now - free }, () => writeFile(join(filler, String(fillers++)), '')));
        } else {
          for (let i = 0; i < free - now && fillers > 0; i++) await unlink(join(filler, String(--fillers)));
        }
      }
    };
    const v = '/v1.45';
    const volumes = async () => (JSON.parse((await call(d.socket, 'GET', `${v}/volumes`)).body) as { Volumes: { Name: string }[] }).Volumes.map((x) => x.Name).sort();
    const volumesBefore = await volumes();
    const body = { Image: 'busybox', Cmd: ['true'], Volumes: { '/data': {} }, HostConfig: { NetworkMode: 'none' } };
    let failed = 0;
    let created = false;
    for (let free = 0; free <= 40 && !created; free++) {
      await leaveFree(free);
      const r = await call(d.socket, 'POST', `${v}/containers/create?name=ghost`, body);
      if (r.status === 201) {
        created = true;
        break;
      }
      failed++;
      assert.equal(r.status, 500, `create with ${free} free inodes: ${r.body}`);
      // Nothing of it is left: not listed, its name free, no directory, no volume.
      assert.equal((await call(d.socket, 'GET', `${v}/containers/ghost/json`)).status, 404, `with ${free} free inodes`);
      assert.deepEqual(await readdir(containersDir, { recursive: true }), [], `with ${free} free inodes`);
      assert.deepEqual(await volumes(), volumesBefore, `with ${free} free inodes`);
    }
    assert.ok(created, 'create succeeds once there are inodes enough');
    assert.ok(failed >= 5, `create failed at several steps (${failed})`);
    await rm(filler, { recursive: true, force: true });
    // The name is the new container's; the failed attempts took nothing.
    assert.equal((await call(d.socket, 'GET', `${v}/containers/json?all=1`)).body.match(/"\/ghost"/g)?.length, 1);
    assert.equal((await call(d.socket, 'DELETE', `${v}/containers/ghost?v=1`)).status, 204);
    assert.deepEqual(await volumes(), volumesBefore);
  });

  test('boot cleans directories without a checkpoint, finishes removals, and still reports a damaged checkpoint', async () => {
    const base = await mkdtemp(join(tmpdir(), 'moorage-leftovers-'));
    bases.push(base);
    const roots = { dataRoot: join(base, 'data'), execRoot: join(base, 'exec') };
    const first = await startDaemon(roots);
    daemons.push(first);
    const containersDir = join(roots.dataRoot, 'containers');
    const make = async (args: string[]) => {
      const r = await first.docker(args);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.trim();
    };
    const keep = await make(['create', '--network', 'none', '--name', 'keep', 'busybox', 'true']);
    const removingRunning = await make(['run', '-d', '--network', 'none', '--name', 'removing-running', 'busybox', 'sleep', '1000']);
    const removingStopped = await make(['create', '--network', 'none', '--name', 'removing-stopped', '-v', '/data', 'busybox', 'true']);
    await make(['volume', 'create', 'half-made']);
    const pid = Number(await make(['inspect', '-f', '{{.State.Pid}}', removingRunning]));
    await first.stopDaemonOnly();

    // Removals the crash cut short: their checkpoints say so.
    for (const id of [removingRunning, removingStopped]) {
      const path = join(containersDir, id, 'config.v2.json');
      const record = JSON.parse(await readFile(path, 'utf8')) as { State: { RemovalInProgress: boolean } };
      record.State.RemovalInProgress = true;
      await writeFile(path, JSON.stringify(record));
    }
    // A create cut short: its writable layer mounted, a checkpoint write begun, a volume made.
    const halfCreated = join(containersDir, randomBytes(32).toString('hex'));
    for (const sub of ['lower', 'upper', 'work', 'rootfs']) await mkdir(join(halfCreated, sub), { recursive: true });
    await run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${halfCreated}/lower,upperdir=${halfCreated}/upper,workdir=${halfCreated}/work`, join(halfCreated, 'rootfs')]);
    await writeFile(join(halfCreated, 'config.v2.json.tmp-1-1'), '{"Id":');
    await writeFile(join(halfCreated, 'new-volumes.json'), JSON.stringify(['half-made']));
    // A removal cut short after its checkpoint went.
    const halfRemoved = join(containersDir, randomBytes(32).toString('hex'));
    await mkdir(join(halfRemoved, 'upper', 'etc'), { recursive: true });
    // A damaged checkpoint: reported, kept.
    const damaged = join(containersDir, 'f'.repeat(64));
    await mkdir(damaged);
    await writeFile(join(damaged, 'config.v2.json'), '{broken');

    const d = await startDaemon({ ...roots, slot: first.slot });
    daemons.push(d);
    const names = (await d.docker(['ps', '-a', '--format', '{{.Names}}'])).stdout.trim().split('\n');
    assert.deepEqual(names, ['keep']);
    assert.deepEqual((await readdir(containersDir)).sort(), [keep, 'f'.repeat(64)].sort());
    assert.deepEqual(await mountsBelow(containersDir), []);
    assert.equal(await processAlive(pid), false, 'the removed container\'s process is gone');
    assert.equal((await d.docker(['volume', 'inspect', 'half-made'])).code, 1, 'the half-made create\'s volume is gone');
    const log = d.output();
    assert.equal(log.match(/removed what an interrupted create or removal left/g)?.length, 2, log);
    assert.equal(log.match(/finishing a removal the daemon did not live to finish/g)?.length, 2, log);
    assert.equal(log.match(/unreadable checkpoint/g)?.length, 1, log);
    assert.match(log, /"id":"f{64}".*unreadable checkpoint/);
    await d.stopDaemonOnly();

    // Logged once: the next boot finds nothing left to clean.
    const again = await startDaemon({ ...roots, slot: first.slot });
    daemons.push(again);
    assert.doesNotMatch(again.output(), /interrupted create or removal|did not live to finish/);
    await rm(damaged, { recursive: true, force: true });
  });
});
