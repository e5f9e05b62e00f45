/**
 * `POST /containers/{id}/stop` (moby's `daemon/stop.go`, made graceful): send the stop signal,
 * wait up to the timeout without holding anything, then SIGKILL every process; record a stop
 * report; publish `stop`. The stop finishes even if the client hangs up.
 * @module
 */
import { basename } from 'node:path';
import type { Container } from '../../container/container.ts';
import { NotModified, SystemError, messageOf } from '../../errors.ts';
import { FAILED_KILL_WAIT_MS, UNDELIVERED_WAIT_MS, stopWaitMs } from '../../stop-bounds.ts';
import type { Engine } from '../engine.ts';
import { forceKill, killWithSignal, taskOf } from './kill.ts';
import type { StopPlan, StopRequest } from '../stop/plan.ts';
import { planFor } from '../stop/settings.ts';
import { StopRecorder, summarizeReport } from '../stop/recorder.ts';
import { waitStopped } from './wait.ts';
import { waitSignalReady } from '../../runtime/procs.ts';

/** How long a stop waits for a just-started init to block signals. */
const INIT_READY_WAIT_MS = 500;

/** The kernel's name for the init's process (its file name, at most 15 characters). */
function initComm(d: Engine): string {
  return basename(d.config.initPath).slice(0, 15);
}

/**
 * Stops a container. 304 when it is not running; 500 when the stop fails. A daemon shutdown
 * lets a stop in progress finish.
 */
export function stopContainer(d: Engine, c: Container, opts: StopRequest): Promise<void> {
  return d.track(stop(d, c, opts));
}

async function stop(d: Engine, c: Container, opts: StopRequest): Promise<void> {
  if (!c.state.running) throw new NotModified('container already stopped');
  let plan: StopPlan;
  try {
    plan = planFor(d, c, opts);
  } catch (err) {
    throw new SystemError(`cannot stop container: ${c.name}: ${messageOf(err)}`, { code: 'MOORAGE_STOP_FAILED' });
  }
  const { signal, timeout } = plan;
  const task = taskOf(d, c);
  // A stop that overlaps another one waits with it; the first one's recorder writes the report.
  let recorder = task && !d.inflight.stops.has(c.id) ? await StopRecorder.begin(d, c, task, plan) : null;
  if (recorder && (d.inflight.stops.has(c.id) || c.record.Task?.pid !== task?.pid)) {
    recorder.stopSampling(); // it exited (or another stop began) while we looked: nothing to report
    recorder = null;
  }
  if (recorder) d.inflight.stops.set(c.id, recorder);
  try {
    // Just after a start the init may not have blocked the signal yet (it would be lost).
    if (plan.init && task) await waitSignalReady(task.pid, signal, initComm(d), INIT_READY_WAIT_MS);
    const delivered = await killWithSignal(d, c, signal, plan.deliver);
    const fullMs = stopWaitMs(timeout);
    // Nobody received the signal (it was exiting already): wait a little, not the whole timeout.
    const waitMs = delivered || timeout === 0 ? fullMs : fullMs < 0 ? UNDELIVERED_WAIT_MS : Math.min(UNDELIVERED_WAIT_MS, fullMs);
    if (!(await waitStopped(c, waitMs))) {
      d.log.info({ id: c.id }, `failed to exit within ${timeout} seconds of signal ${signal} - using the force`);
      await recorder?.deadline();
      try {
        await forceKill(d, c);
      } catch (err) {
        if (!(await waitStopped(c, FAILED_KILL_WAIT_MS))) {
          throw new SystemError(`cannot stop container: ${c.name}: ${messageOf(err)}`, { code: 'MOORAGE_STOP_FAILED' });
        }
      }
    }
    await d.inflight.exits.get(c.id); // the exit's checkpoint, with this stop's report
  } finally {
    if (recorder) {
      recorder.stopSampling();
      d.inflight.stops.delete(c.id);
    }
  }
  d.emit(c, 'stop', recorder?.report ? summarizeReport(recorder.report) : {});
}
