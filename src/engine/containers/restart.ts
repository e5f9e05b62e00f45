/**
 * `POST /containers/{id}/restart`: stop (as a manual restart, which skips AutoRemove), then
 * start, then publish `restart`.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { SystemError, messageOf, NotFound } from '../../errors.ts';
import type { Engine } from '../engine.ts';
import { startContainer } from './start.ts';
import { stopContainer } from './stop.ts';
import type { StopRequest } from '../stop/plan.ts';

/** Restarts a container; a stopped one is simply started. */
export async function restartContainer(d: Engine, c: Container, opts: StopRequest): Promise<void> {
  try {
    if (c.state.running) {
      d.inflight.manualRestarts.add(c.id);
      try {
        await stopContainer(d, c, opts);
      } finally {
        d.inflight.manualRestarts.delete(c.id);
      }
    }
    await startContainer(d, c, { manual: true });
  } catch (err) {
    if (err instanceof NotFound) throw err;
    throw new SystemError(`Cannot restart container ${c.name}: ${messageOf(err)}`);
  }
  d.emit(c, 'restart');
}
