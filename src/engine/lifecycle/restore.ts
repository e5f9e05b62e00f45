/**
 * What the daemon does with its containers when it starts again: exits recorded while it was
 * down are applied (without `die`, as moby does), containers whose monitor still runs are kept
 * running, and orphans (no monitor, no exit record) are killed and marked exited with 255.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { ZERO_TIME } from '../../container/state.ts';
import { isMounted } from '../../snapshots/overlay.ts';
import { isSameProcess, monitorAlive } from '../../runtime/procs.ts';
import type { Daemon } from '../engine.ts';
import { shouldRestart } from './restart-policy.ts';
import { startContainer } from '../containers/start.ts';
import { handleExit, teardown } from '../containers/exit.ts';

/** Restores every loaded container. One failure costs that container only. */
export async function restore(d: Daemon): Promise<void> {
  await Promise.all(d.containers.all().map((c) => restoreOne(d, c).catch((err: Error) =>
    d.log.error({ err, id: c.id }, 'restore failed'))));
  // Restart policies apply at boot as after any exit (moby: only `start` is published).
  for (const c of d.containers.all()) {
    const s = c.state.data;
    if (s.Running || s.Dead || s.StartedAt === ZERO_TIME) continue;
    if (!shouldRestart(c.hostConfig.RestartPolicy, { exitCode: s.ExitCode, restartCount: 0, manuallyStopped: s.HasBeenManuallyStopped, cancelled: false })) continue;
    void startContainer(d, c).catch((err: Error) => d.log.warn({ err, id: c.id }, 'restart at boot failed'));
  }
}

async function restoreOne(d: Daemon, c: Container): Promise<void> {
  if (c.state.data.RemovalInProgress) {
    c.state.data.RemovalInProgress = false;
    c.state.data.Dead = true;
  }
  const task = c.record.Task;
  if (!task) {
    if (await isMounted(c.rootfsDir)) c.cleanup = teardown(d, c);
    await d.containers.checkpoint(c);
    return;
  }
  const exit = await d.exits.read(c.id);
  if (exit) {
    await handleExit(d, exit, { emit: false });
    return;
  }
  if (await monitorAlive(task.monitorPid, c.id) && (await isSameProcess(task.pid, task.startTime))) {
    const st = await d.tasks.runtime.state(c.id);
    c.state.data.Paused = st?.status === 'paused';
    d.log.info({ id: c.id }, 'container still running under its monitor');
    return;
  }
  d.log.warn({ id: c.id }, 'container lost its monitor: killing it');
  c.record.Task = null;
  await d.tasks.delete(c.id, true).catch(() => {});
  c.state.setStopped(255, new Date(), 'container lost its monitor while the daemon was down');
  c.cleanup = teardown(d, c);
  await d.containers.checkpoint(c);
}
