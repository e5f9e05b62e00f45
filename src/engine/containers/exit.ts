/**
 * What happens when a container's process tree exits (moby's `handleContainerExit`): the state
 * becomes exited, `die` is published, the checkpoint is written, the task is torn down, and an
 * AutoRemove container is removed.
 * @module
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Container } from '../../container/container.ts';
import { SystemError } from '../../errors.ts';
import { unmountOverlay } from '../../snapshots/overlay.ts';
import { isSameProcess } from '../../runtime/procs.ts';
import { SIGKILL } from '../../runtime/signals.ts';
import type { ExitRecord } from '../../runtime/exit-watcher.ts';
import type { Daemon } from '../engine.ts';
import { removeContainer } from './remove.ts';
import { nextDelay, shouldRestart } from '../lifecycle/restart-policy.ts';
import { startContainer } from './start.ts';

/** How long a container that lost its monitor may take to die of SIGKILL. */
const LOST_MONITOR_WAIT_MS = 2_000;

/** How long the monitor's own teardown may take before the engine does it instead. */
const MONITOR_CLEANUP_WAIT_MS = 10_000;

/**
 * Handles one exit record from the watcher. Duplicate records are ignored. `monitorCleans` is
 * false when no monitor is left to tear the task down (it crashed).
 */
export async function handleExit(d: Daemon, e: ExitRecord, opts: { emit?: boolean; monitorCleans?: boolean } = {}): Promise<void> {
  const c = d.containers.find(e.id);
  if (!c || c.id !== e.id) {
    await d.exits.forget(e.id);
    return;
  }
  // A fast process can exit before its start has recorded it running: let the start finish.
  await c.starting?.catch(() => {});
  const task = c.record.Task;
  if (!task || e.at.getTime() + 1 < (task.createdAt ?? 0)) {
    // Handled already (fs.watch reports a file more than once: the handler of the first report
    // forgets the record once the teardown is done), or a stale record of an earlier run that a
    // late monitor wrote: it must not end the current run (the next create deletes it).
    return;
  }
  c.record.Task = null;
  const oom = await access(join(c.persistDir, 'oom')).then(() => true, () => false);
  const recorder = c.stopRecorder;
  recorder?.stopSampling();
  // Synchronous from here to `exitSaved`, so waiters (a stop) see `die` and can await the save.
  const runMs = Math.max(0, e.at.getTime() - Date.parse(c.state.data.StartedAt));
  const duration = Math.floor(runMs / 1000);
  const restart = !d.shuttingDown && !c.state.data.RemovalInProgress && shouldRestart(c.hostConfig.RestartPolicy, {
    exitCode: e.code, restartCount: c.record.RestartCount, manuallyStopped: c.state.data.HasBeenManuallyStopped, cancelled: c.restartCancelled,
  });
  c.state.data.OOMKilled = oom;
  if (restart) {
    c.state.setRestarting(e.code, e.at);
    c.record.RestartCount++;
  } else {
    c.state.setStopped(e.code, e.at);
  }
  if (opts.emit !== false) {
    if (oom) d.emit(c, 'oom');
    d.emit(c, 'die', { exitCode: String(e.code), execDuration: String(duration) });
  }
  c.exitSaved = (async () => {
    if (recorder) c.record.LastStop = await recorder.finish(); // one checkpoint for exit and report
    await d.containers.checkpoint(c);
  })();
  c.cleanup = opts.monitorCleans === false ? teardown(d, c) : afterMonitorCleanup(d, c);
  await c.exitSaved;
  if (restart) scheduleRestart(d, c, runMs);
  else if (c.hostConfig.AutoRemove && !c.manualRestart && !d.shuttingDown && !c.state.data.RemovalInProgress) {
    await removeContainer(d, c, { force: true }).catch((err: Error) =>
      d.log.error({ err, id: c.id }, 'auto-remove failed'));
  }
}

/**
 * The container's conmon is gone, so no exit event will come. conmon also exits right after
 * recording a normal exit: apply that record when it is there. Otherwise conmon crashed: make
 * sure the container is dead and record exit 137 (containerd's cleanupAfterDeadShim).
 */
export async function exitWithoutMonitor(d: Daemon, c: Container, t: NonNullable<Container['record']['Task']>): Promise<void> {
  const rec = await d.exits.read(c.id);
  if (rec) {
    await handleExit(d, rec);
    return;
  }
  d.log.warn({ id: c.id, monitorPid: t.monitorPid }, 'the container lost its monitor: recording exit 137');
  await d.tasks.signal(d.tasks.handle(c.id, t), SIGKILL, 'all');
  const deadline = Date.now() + LOST_MONITOR_WAIT_MS;
  // Bounded: this path runs only after a monitor crash.
  while ((await isSameProcess(t.pid, t.startTime)) && Date.now() < deadline) await sleep(20);
  if (await isSameProcess(t.pid, t.startTime)) throw new SystemError('tried to kill container, but its process survived SIGKILL');
  await handleExit(d, { id: c.id, code: 137, at: new Date() }, { monitorCleans: false });
}

/** The task's conmon exited (its sync pipe closed): see {@link exitWithoutMonitor}. */
export async function onMonitorGone(d: Daemon, c: Container, pid: number): Promise<void> {
  const t = c.record.Task;
  if (!t || t.pid !== pid) return; // its exit was handled, or this is an older run
  await exitWithoutMonitor(d, c, t);
}

/** Starts the container again after the policy's backoff; a stop or removal meanwhile cancels it. */
function scheduleRestart(d: Daemon, c: Container, runMs: number): void {
  c.restartDelay = nextDelay(c.restartDelay, runMs);
  c.restartTimer = setTimeout(() => {
    c.restartTimer = null;
    if (!c.state.data.Restarting || c.restartCancelled) return;
    startContainer(d, c, { manual: false }).catch((err: Error) => {
      d.log.warn({ err, id: c.id }, 'restart by policy failed');
    });
  }, c.restartDelay);
}

/** Waits for the monitor's teardown of an exited task; does it here when the monitor could not. */
async function afterMonitorCleanup(d: Daemon, c: Container): Promise<void> {
  const result = await d.exits.waitCleaned(c.id, MONITOR_CLEANUP_WAIT_MS);
  if (result === 'ok') {
    await d.exits.forget(c.id);
    return;
  }
  d.log.warn({ id: c.id, result: result ?? 'no report' }, 'the monitor did not tear the task down: doing it here');
  await teardown(d, c);
}

/** Deletes the runtime's record of the exited task and unmounts the rootfs; never throws. */
export async function teardown(d: Daemon, c: Container): Promise<void> {
  await d.tasks.delete(c.id).catch((err: Error) => d.log.warn({ err, id: c.id }, 'runtime delete failed'));
  await unmountOverlay(c.rootfsDir).catch((err: Error) => d.log.warn({ err, id: c.id }, 'unmount failed'));
  await d.exits.forget(c.id);
}
