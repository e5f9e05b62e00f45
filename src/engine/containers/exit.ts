/**
 * The one exit path (moby's `handleContainerExit`, `monitor.go`): every end of a task — conmon's
 * exit record, or the engine's own record when the monitor died — arrives as the task's exit
 * promise and is handled here once: the state becomes exited (or restarting), the stop in
 * progress gets its report, `die` is published, the checkpoint is written, and the reactions
 * registered at boot (policy restart, AutoRemove) follow. The monitor tears the task down.
 * @module
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Container } from '../../container/container.ts';
import { SystemError } from '../../errors.ts';
import { unmountOverlay } from '../../snapshots/overlay.ts';
import { isCurrentExit, type ExitRecord } from '../../runtime/exit-watcher.ts';
import { isSameProcess } from '../../runtime/procs.ts';
import { SIGKILL } from '../../runtime/signals.ts';
import type { TaskHandle } from '../../runtime/task.ts';
import { LOST_MONITOR_WAIT_MS } from '../../stop-bounds.ts';
import type { Engine, ExitOutcome } from '../engine.ts';
import { shouldRestart } from '../lifecycle/restart-policy.ts';
import { teardownSandbox } from '../networks/sandbox.ts';
import { releaseMounts } from '../volumes/mounts.ts';

/** How long the monitor's own teardown may take before the engine does it instead. */
const MONITOR_CLEANUP_WAIT_MS = 10_000;

/**
 * Handles the task's exit when it comes, and its monitor's loss if that comes first. `restored`:
 * the engine restarted meanwhile, so an exit that is already recorded publishes no `die` (moby).
 * Resolves once the exit is handled (it never rejects: a failure is logged).
 */
export function watchExit(d: Engine, c: Container, task: TaskHandle, opts: { restored?: boolean } = {}): Promise<void> {
  void task.monitorGone?.then(() => exitWithoutMonitor(d, c, task)).catch((err: Error) =>
    d.log.error({ err, id: c.id }, 'handling the loss of the monitor failed'));
  return d.tasks.exited(task)
    .then((e) => handleExit(d, c, task, e, opts.restored === true && e.at.getTime() < d.startedAt.getTime()))
    .catch((err: Error) => d.log.error({ err, id: c.id }, 'exit handling failed'));
}

async function handleExit(d: Engine, c: Container, task: TaskHandle, e: ExitRecord, quiet: boolean): Promise<void> {
  // A fast process can exit before its start has recorded it running: let the start finish.
  if (d.inflight.starts.has(c.id)) await d.inflight.startSettled(c.id);
  if (c.record.Task?.pid !== task.pid) return; // a later run's, or the container is gone
  c.record.Task = null;
  const oom = await access(join(c.persistDir, 'oom')).then(() => true, () => false);
  const recorder = d.inflight.stops.get(c.id);
  recorder?.stopSampling();
  // Synchronous from here to the registration of the exit's handling, so a stop that wakes on
  // the state change finds the promise to await.
  const runMs = Math.max(0, e.at.getTime() - Date.parse(c.state.data.StartedAt));
  const restart = !d.shuttingDown && !c.state.data.RemovalInProgress && shouldRestart(c.hostConfig.RestartPolicy, {
    exitCode: e.code, restartCount: c.record.RestartCount, manuallyStopped: c.state.data.HasBeenManuallyStopped,
    cancelled: d.restarts.isCancelled(c.id),
  });
  c.state.setOOMKilled(oom);
  if (restart) {
    c.state.setRestarting(e.code, e.at);
    c.record.RestartCount++;
  } else {
    c.state.setStopped(e.code, e.at);
  }
  if (!quiet) {
    if (oom) d.emit(c, 'oom');
    d.emit(c, 'die', { exitCode: String(e.code), execDuration: String(Math.floor(runMs / 1000)) });
  }
  const saved = (async () => {
    if (recorder) c.record.LastStop = await recorder.finish(); // one checkpoint for exit and report
    await d.containers.checkpoint(c);
  })();
  d.inflight.exits.set(c.id, saved);
  d.inflight.teardowns.set(c.id, e.monitorLost ? teardown(d, c) : afterMonitorCleanup(d, c));
  await saved;
  const outcome: ExitOutcome = { code: e.code, restart, runMs };
  for (const react of d.exitReactions) react(c, outcome);
}

/**
 * The task's conmon is gone (its sync pipe closed). conmon exits right after recording a normal
 * exit and tearing the task down: then the record is there and the exit takes its normal path.
 * Otherwise conmon crashed: make sure the container is dead and record exit 137 through the same
 * path (containerd's cleanupAfterDeadShim).
 */
export async function exitWithoutMonitor(d: Engine, c: Container, task: TaskHandle): Promise<void> {
  if (c.record.Task?.pid !== task.pid) return; // handled already
  const rec = await d.exits.read(c.id);
  if (rec && isCurrentExit(rec, task.createdAt)) {
    d.exits.settle(rec);
    return;
  }
  d.log.warn({ id: c.id, monitorPid: task.monitorPid }, 'the container lost its monitor: recording exit 137');
  await d.tasks.signal(task, SIGKILL, 'all');
  if (c.state.data.Paused) await d.tasks.resume(task).catch((err: Error) => d.log.warn({ err, id: c.id }, 'thaw after a lost monitor failed'));
  const deadline = Date.now() + LOST_MONITOR_WAIT_MS;
  // Bounded: this path runs only after a monitor crash.
  while ((await isSameProcess(task.pid, task.startTime)) && Date.now() < deadline) await sleep(20);
  if (await isSameProcess(task.pid, task.startTime)) throw new SystemError('tried to kill container, but its process survived SIGKILL');
  d.exits.settle({ id: c.id, code: 137, at: new Date(), monitorLost: true });
}

/** Waits for the monitor's teardown of an exited task; does it here when the monitor could not. */
async function afterMonitorCleanup(d: Engine, c: Container): Promise<void> {
  const result = await d.exits.waitCleaned(c.id, MONITOR_CLEANUP_WAIT_MS);
  if (result === 'ok') {
    await releaseRun(d, c);
    await d.exits.forget(c.id);
    return;
  }
  d.log.warn({ id: c.id, result: result ?? 'no report' }, 'the monitor did not tear the task down: doing it here');
  await teardown(d, c);
}

/** Deletes the runtime's record of the exited task, its network and mounts; never throws. */
export async function teardown(d: Engine, c: Container): Promise<void> {
  await d.tasks.delete(c.id).catch((err: Error) => d.log.warn({ err, id: c.id }, 'runtime delete failed'));
  await releaseRun(d, c);
  await unmountOverlay(c.rootfsDir).catch((err: Error) => d.log.warn({ err, id: c.id }, 'unmount failed'));
  await d.exits.forget(c.id);
}

/** What the engine made for a run beside the task: the network sandbox and the held volumes. */
async function releaseRun(d: Engine, c: Container): Promise<void> {
  const hadSandbox = Boolean(c.record.Network?.sandboxKey);
  await teardownSandbox(d, c);
  await releaseMounts(d, c);
  if (hadSandbox) await d.containers.checkpoint(c).catch((err: Error) => d.log.error({ err, id: c.id }, 'checkpoint failed'));
}
