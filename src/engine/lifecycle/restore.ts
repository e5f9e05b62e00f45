/**
 * What the engine does with its containers when it starts again: exits recorded while it was
 * down are applied (without `die`, as moby does), containers whose monitor still runs are kept
 * running and watched again, orphans (no monitor, no exit record) are killed and marked exited
 * with 255, an interrupted removal leaves the container dead, and restart policies apply.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { ZERO_TIME } from '../../container/state.ts';
import { isMounted } from '../../snapshots/overlay.ts';
import { isSameProcess, monitorAlive } from '../../runtime/procs.ts';
import type { Engine } from '../engine.ts';
import { shouldRestart } from './restart-policy.ts';
import { startContainer } from '../containers/start.ts';
import { teardown, watchExit } from '../containers/exit.ts';

/** Restores every loaded container. One failure costs that container only. */
export async function restore(d: Engine): Promise<void> {
  await Promise.all(d.containers.all().map((c) => restoreOne(d, c).catch((err: Error) =>
    d.log.error({ err, id: c.id }, 'restore failed'))));
  // Restart policies apply at boot as after any exit (moby: only `start` is published); a
  // container that was in its backoff when the engine died is restarted too.
  for (const c of d.containers.all()) {
    const s = c.state.data;
    if (s.Dead || s.StartedAt === ZERO_TIME || c.record.Task) continue;
    const inBackoff = s.Restarting;
    if (!inBackoff && (s.Running || !shouldRestart(c.hostConfig.RestartPolicy, { exitCode: s.ExitCode, restartCount: 0, manuallyStopped: s.HasBeenManuallyStopped, cancelled: false }))) continue;
    void startContainer(d, c, { manual: !inBackoff }).catch((err: Error) => d.log.warn({ err, id: c.id }, 'restart at boot failed'));
  }
}

async function restoreOne(d: Engine, c: Container): Promise<void> {
  if (c.state.data.RemovalInProgress) c.state.setDead();
  const record = c.record.Task;
  if (!record) {
    if (await isMounted(c.rootfsDir)) d.inflight.teardowns.set(c.id, teardown(d, c));
    await d.containers.checkpoint(c);
    return;
  }
  const task = d.tasks.handle(c.id, record);
  const exit = await d.exits.read(c.id);
  if (exit) {
    await watchExit(d, c, task, { restored: true }); // the record is there: handled at once
    return;
  }
  if (await monitorAlive(task.monitorPid, c.id) && (await isSameProcess(task.pid, task.startTime))) {
    const st = await d.tasks.runtime.state(c.id);
    if (st?.status === 'paused') c.state.setPaused(); else c.state.setUnpaused();
    void watchExit(d, c, task, { restored: true });
    d.log.info({ id: c.id }, 'container still running under its monitor');
    return;
  }
  d.log.warn({ id: c.id }, 'container lost its monitor: killing it');
  c.record.Task = null;
  await d.tasks.delete(c.id, true).catch((err: Error) => d.log.warn({ err, id: c.id }, 'runtime delete failed'));
  c.state.setStopped(255, new Date(), 'container lost its monitor while the daemon was down');
  d.inflight.teardowns.set(c.id, teardown(d, c));
  await d.containers.checkpoint(c);
}
