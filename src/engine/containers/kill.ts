/**
 * Signals and kills (moby's `daemon/kill.go`): `killWithSignal` delivers one signal and records
 * a manual stop; `forceKill` SIGKILLs and waits, each wait bounded, so a stuck container ends in
 * an error, never a hang.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { Conflict, SystemError } from '../../errors.ts';
import { monitorAlive, signalProcess } from '../../runtime/procs.ts';
import { SIGKILL } from '../../runtime/signals.ts';
import type { SignalScope, TaskHandle } from '../../runtime/task.ts';
import type { Daemon } from '../engine.ts';
import { exitWithoutMonitor } from './exit.ts';
import { containerStopSignal } from '../stop/plan.ts';
import { waitStopped } from './wait.ts';

/** After SIGKILL through the runtime, how long to wait for the exit (moby: 10 s). */
export const KILL_WAIT_MS = 10_000;
/** After the direct SIGKILL, the last wait (moby: 2 s). */
export const DIRECT_KILL_WAIT_MS = 2_000;

/** The task handle of a running container, or null. */
export function taskOf(d: Daemon, c: Container): TaskHandle | null {
  const t = c.record.Task;
  return t ? d.tasks.handle(c.id, t) : null;
}

/**
 * Delivers `signal` to the container (moby's `killWithSignal`) and publishes `kill`. Returns
 * false when no process received it (it had already exited).
 */
export async function killWithSignal(d: Daemon, c: Container, signal: number, scope: SignalScope): Promise<boolean> {
  // moby's ExitOnNext: the stop signal (or any, when none is configured) or SIGKILL cancels the
  // restart policy until the next manual start.
  if (!c.config.StopSignal || signal === SIGKILL || signal === containerStopSignal(c.config.StopSignal)) c.restartCancelled = true;
  if (!d.shuttingDown && !c.state.data.HasBeenManuallyStopped) {
    c.state.data.HasBeenManuallyStopped = true;
    // Only `unless-stopped` reads the flag, so only it needs it on disk before the exit's
    // checkpoint (which carries it anyway): no second fsync on every stop path.
    if (c.hostConfig.RestartPolicy.Name === 'unless-stopped') void d.containers.checkpoint(c).catch(() => {});
  }
  // A policy restart under way is about to leave the backoff: signal what it starts (bounded:
  // a start is), instead of ending a backoff that is already over.
  if (c.state.data.Restarting && c.starting) await c.starting.catch(() => {});
  if (c.state.data.Restarting) {
    // In restart backoff nothing runs. A cancelled policy ends the backoff: the container is
    // stopped; any other signal leaves it waiting for its restart.
    if (c.restartCancelled) {
      if (c.restartTimer) clearTimeout(c.restartTimer);
      c.restartTimer = null;
      c.state.setStopped(c.state.data.ExitCode, new Date(Date.parse(c.state.data.FinishedAt)));
      await d.containers.checkpoint(c);
    }
    return true;
  }
  const task = taskOf(d, c);
  const delivered = task ? (await d.tasks.signal(task, signal, scope)) > 0 : false;
  if (task && c.state.data.Paused) {
    // A frozen process receives the signal only when thawed.
    await d.tasks.resume(task).catch(() => {});
    c.state.data.Paused = false;
    void d.containers.checkpoint(c).catch(() => {});
    d.emit(c, 'unpause');
  }
  d.emit(c, 'kill', { signal: String(signal) });
  return delivered;
}

/**
 * SIGKILLs every process of the container and waits for the exit (moby's `daemon.kill`): 10 s,
 * then a direct SIGKILL to PID 1 from the host, then 2 s more. Throws when it still runs.
 */
export async function forceKill(d: Daemon, c: Container): Promise<void> {
  if (!c.state.running) return;
  const t = c.record.Task;
  await killWithSignal(d, c, SIGKILL, 'all');
  if (t && !(await monitorAlive(t.monitorPid, c.id))) {
    await exitWithoutMonitor(d, c, t); // no exit event will come from a dead conmon
    return;
  }
  if (await waitStopped(c, KILL_WAIT_MS)) return;
  if (t) await signalProcess(t.pid, t.startTime, SIGKILL);
  if (await waitStopped(c, DIRECT_KILL_WAIT_MS)) return;
  throw new SystemError(`tried to kill container, but did not receive an exit event`);
}

/** `POST /containers/{id}/kill`: SIGKILL waits for the exit; other signals return on delivery. */
export async function killContainer(d: Daemon, c: Container, signal: number): Promise<void> {
  if (!c.state.running) {
    throw new Conflict(`cannot kill container: ${c.name}: container ${c.id} is not running`);
  }
  if (signal === SIGKILL) {
    await forceKill(d, c);
    return;
  }
  await killWithSignal(d, c, signal, 'pid1');
}
