/**
 * Signals and kills (moby's `daemon/kill.go`): `killWithSignal` delivers one signal and records
 * a manual stop; `forceKill` SIGKILLs and waits, each wait bounded, so a stuck container ends in
 * an error, never a hang.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { Conflict, SystemError } from '../../errors.ts';
import { monitorAlive, signalProcess } from '../../runtime/procs.ts';
import { parseSignal, SIGKILL } from '../../runtime/signals.ts';
import type { SignalScope, TaskHandle } from '../../runtime/task.ts';
import { DIRECT_KILL_WAIT_MS, KILL_WAIT_MS } from '../../stop-bounds.ts';
import type { Engine } from '../engine.ts';
import { exitWithoutMonitor } from './exit.ts';
import { containerStopSignal } from '../stop/plan.ts';
import { waitStopped } from './wait.ts';


/** The task handle of a running container, or null. */
export function taskOf(d: Engine, c: Container): TaskHandle | null {
  const t = c.record.Task;
  return t ? d.tasks.handle(c.id, t) : null;
}

/**
 * Delivers `signal` to the container (moby's `killWithSignal`) and publishes `kill`. Returns
 * false when no process received it (it had already exited).
 */
export async function killWithSignal(d: Engine, c: Container, signal: number, scope: SignalScope): Promise<boolean> {
  // moby's ExitOnNext: the stop signal (or any, when none is configured) or SIGKILL cancels the
  // restart policy until the next manual start.
  if (!c.config.StopSignal || signal === SIGKILL || signal === containerStopSignal(c.config.StopSignal)) d.restarts.cancel(c.id);
  if (!d.shuttingDown && !c.state.data.HasBeenManuallyStopped) {
    c.state.setManuallyStopped(true);
    // Only `unless-stopped` reads the flag, so only it needs it on disk before the exit's
    // checkpoint (which carries it anyway): no second fsync on every stop path.
    if (c.hostConfig.RestartPolicy.Name === 'unless-stopped') void checkpointOrLog(d, c);
  }
  // A policy restart under way is about to leave the backoff: signal what it starts (bounded:
  // a start is), instead of ending a backoff that is already over.
  if (c.state.data.Restarting) await d.inflight.startSettled(c.id);
  if (c.state.data.Restarting) {
    // In restart backoff nothing runs. A cancelled policy ends the backoff: the container is
    // stopped; any other signal leaves it waiting for its restart.
    if (d.restarts.isCancelled(c.id)) {
      c.state.setStopped(c.state.data.ExitCode, new Date(Date.parse(c.state.data.FinishedAt)));
      await d.containers.checkpoint(c);
    }
    return true;
  }
  const task = taskOf(d, c);
  const delivered = task ? (await d.tasks.signal(task, signal, scope)) > 0 : false;
  if (task && c.state.data.Paused) {
    // A frozen process receives the signal only when thawed.
    await d.tasks.resume(task).catch((err: Error) => d.log.warn({ err, id: c.id }, 'thaw after a signal failed'));
    c.state.setUnpaused();
    void checkpointOrLog(d, c);
    d.emit(c, 'unpause');
  }
  d.emit(c, 'kill', { signal: String(signal) });
  return delivered;
}

/** Writes the checkpoint without waiting for it; a failure is logged (the next one carries the state). */
async function checkpointOrLog(d: Engine, c: Container): Promise<void> {
  await d.containers.checkpoint(c).catch((err: Error) => d.log.error({ err, id: c.id }, 'checkpoint failed'));
}

/**
 * SIGKILLs every process of the container and waits for the exit (moby's `daemon.kill`): 10 s,
 * then a direct SIGKILL to PID 1 from the host, then 2 s more. Throws when it still runs.
 */
export async function forceKill(d: Engine, c: Container): Promise<void> {
  if (!c.state.running) return;
  const t = taskOf(d, c);
  await killWithSignal(d, c, SIGKILL, 'all');
  // No exit record will come from a dead conmon: the engine records the exit itself.
  if (t && !(await monitorAlive(t.monitorPid, c.id))) await exitWithoutMonitor(d, c, t);
  if (await waitStopped(c, KILL_WAIT_MS)) return;
  if (t) await signalProcess(t.pid, t.startTime, SIGKILL);
  if (await waitStopped(c, DIRECT_KILL_WAIT_MS)) return;
  throw new SystemError(`tried to kill container, but did not receive an exit event`);
}

/** The signal of a kill request (SIGKILL when none); parsed before the container is looked up, as moby does. */
export function killSignal(raw: string | null): number {
  return raw ? parseSignal(raw) : SIGKILL;
}

/** `POST /containers/{id}/kill`: SIGKILL waits for the exit; other signals return on delivery. */
export async function killContainer(d: Engine, c: Container, signal: number): Promise<void> {
  if (!c.state.running) {
    throw new Conflict(`cannot kill container: ${c.name}: container ${c.id} is not running`, 'MOORAGE_NOT_RUNNING');
  }
  if (signal === SIGKILL) {
    await forceKill(d, c);
    return;
  }
  await killWithSignal(d, c, signal, 'pid1');
}
