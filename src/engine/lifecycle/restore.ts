/**
 * What the engine does with its containers when it starts again. Every status is made true to
 * what the runtime says, not to what the last checkpoint says (a crash can come between the
 * two): exits recorded while the engine was down are applied (without `die`, as moby does);
 * containers whose monitor still runs are adopted (their monitor watched) and recorded running,
 * also when the start that ran them died before it could record it; a task whose start never
 * let it run, or one the container has no record of, is destroyed; orphans (no monitor, no exit
 * record) are killed and marked exited with 255; an interrupted removal is finished, and so is
 * the auto-removal of a container that is not running; restart policies apply.
 * @module
 */
import type { Container, TaskInfo } from '../../container/container.ts';
import { ZERO_TIME } from '../../container/state.ts';
import { readMonitorPid } from '../../runtime/conmon.ts';
import { monitorAlive } from '../../runtime/procs.ts';
import { isMounted } from '../../snapshots/overlay.ts';
import type { Engine } from '../engine.ts';
import { shouldRestart } from './restart-policy.ts';
import { startContainer } from '../containers/start.ts';
import { removeContainer } from '../containers/remove.ts';
import { teardown, watchExit } from '../containers/exit.ts';
import { isCurrentExit } from '../../runtime/exit-watcher.ts';

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
  const removing = c.state.data.RemovalInProgress;
  const exitHandled = await reconcile(d, c);
  if (removing) {
    d.log.info({ id: c.id }, 'finishing a removal the daemon did not live to finish');
    await finishRemoval(d, c);
  } else if (c.hostConfig.AutoRemove && !exitHandled && !c.record.Task && !c.state.running) {
    // moby removes an AutoRemove container at restore unless it still runs: its auto-removal
    // (or the start of `docker run --rm`) was cut short.
    await finishRemoval(d, c);
  }
}

/**
 * Makes the container's state true to the runtime. Returns true when an exit was handed to the
 * normal exit path (whose reactions, an AutoRemove among them, follow).
 */
async function reconcile(d: Engine, c: Container): Promise<boolean> {
  const record = c.record.Task;
  if (!record) {
    await reconcileUnrecorded(d, c);
    return false;
  }
  const exit = await d.exits.read(c.id);
  if (exit && isCurrentExit(exit, record.createdAt ?? 0)) {
    await watchExit(d, c, d.tasks.handle(c.id, record), { restored: true }); // the record is there: handled at once
    return true;
  }
  if (!(await monitorAlive(record.monitorPid, c.id))) {
    await killOrphan(d, c, record);
    return false;
  }
  const st = await d.tasks.runtime.state(c.id);
  if (st?.status === 'created') {
    // The daemon died inside a start, after the runtime created the task and before it let it
    // run: nobody got a 204, so the start did not happen. A policy restart stays in its backoff
    // (and is tried again below).
    d.log.warn({ id: c.id }, 'a start cut short by the crash left a created task: destroying it');
    c.record.Task = null;
    await d.tasks.destroy(c.id, { monitorPid: record.monitorPid, cgroupsPath: record.cgroupsPath });
    d.inflight.teardowns.set(c.id, teardown(d, c));
    endStaleRun(c);
    await d.containers.checkpoint(c);
    return false;
  }
  if ((st?.status === 'running' || st?.status === 'paused') && (!c.state.running || c.state.data.Restarting)) {
    // The start had let the process run when the daemon died, before it recorded it running.
    d.log.warn({ id: c.id }, 'a start cut short by the crash had run its process: recording it running');
    const manual = !c.state.data.Restarting;
    c.state.setRunning(record.pid, new Date(record.createdAt ?? Date.now()));
    if (manual) {
      c.state.setManuallyStopped(false);
      c.record.RestartCount = 0;
    }
  }
  if (st?.status === 'paused') c.state.setPaused(); else c.state.setUnpaused();
  // Any other runtime state (stopped, none): the process has ended and its monitor is about to
  // record it; the exit comes through the watch like any other.
  void watchExit(d, c, d.tasks.adopt(c.id, record), { restored: true });
  d.log.info({ id: c.id }, 'container still running under its monitor');
  await d.containers.checkpoint(c);
  return false;
}

/**
 * A container with no task on record. The daemon may have died inside a start before it
 * recorded the task: whatever the runtime, a monitor or the cgroup still has of it is destroyed.
 */
async function reconcileUnrecorded(d: Engine, c: Container): Promise<void> {
  if (await d.tasks.destroy(c.id, { monitorPid: await readMonitorPid(c.persistDir) })) {
    // The runtime, a monitor or the cgroup had a task the container has no record of.
    d.log.warn({ id: c.id }, 'a start cut short by the crash left a task the container has no record of: destroyed it');
    d.inflight.teardowns.set(c.id, teardown(d, c));
  } else if (await isMounted(c.rootfsDir)) {
    d.inflight.teardowns.set(c.id, teardown(d, c));
  }
  endStaleRun(c);
  await d.containers.checkpoint(c);
}

/**
 * A container recorded running (not in a restart's backoff) whose task is not on record, or
 * was destroyed above, runs nothing: it is recorded exited, its code unknown (255), so that no
 * status outlives the processes it speaks of.
 */
function endStaleRun(c: Container): void {
  if (!c.state.running || c.state.data.Restarting) return;
  c.state.setStopped(255, new Date(), 'its task was gone when the engine restarted (a crash cut short its start or its exit)');
}

/** No exit record and no monitor: the container's processes are killed, its exit code unknown (255). */
async function killOrphan(d: Engine, c: Container, record: TaskInfo): Promise<void> {
  d.log.warn({ id: c.id }, 'container lost its monitor: killing it');
  c.record.Task = null;
  await d.tasks.destroy(c.id, { cgroupsPath: record.cgroupsPath }).catch((err: Error) => d.log.warn({ err, id: c.id }, 'runtime delete failed'));
  c.state.setStopped(255, new Date(), 'container lost its monitor while the daemon was down');
  d.inflight.teardowns.set(c.id, teardown(d, c));
  await d.containers.checkpoint(c);
}

/** Removes the container; one that cannot be removed is left dead (moby), to be removed by hand. */
async function finishRemoval(d: Engine, c: Container): Promise<void> {
  c.state.setRemovalInProgress(false);
  try {
    await removeContainer(d, c, { force: true });
  } catch (err) {
    d.log.error({ err, id: c.id }, 'removal at boot failed: the container is left dead');
    c.state.setDead();
    await d.containers.checkpoint(c);
  }
}
