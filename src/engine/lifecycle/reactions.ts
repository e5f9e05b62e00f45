/**
 * What follows a handled exit: the restart policy starts the container again after its
 * backoff (a manual stop or a removal meanwhile cancels that), or an AutoRemove container is
 * removed (`docker run --rm`), unless the exit came from a manual restart or a shutdown.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { removeContainer } from '../containers/remove.ts';
import { startContainer } from '../containers/start.ts';
import type { Engine } from '../engine.ts';

/** Registers the reactions to exits on the engine. */
export function registerExitReactions(d: Engine): void {
  d.exitReactions.push((c, o) => {
    if (o.restart) scheduleRestart(d, c, o.runMs);
    else if (c.hostConfig.AutoRemove && !d.inflight.manualRestarts.has(c.id) && !d.shuttingDown && !c.state.data.RemovalInProgress) {
      void removeContainer(d, c, { force: true }).catch((err: Error) => d.log.error({ err, id: c.id }, 'auto-remove failed'));
    }
  });
}

/** Starts the container again after the policy's backoff, unless it was stopped or removed meanwhile. */
function scheduleRestart(d: Engine, c: Container, runMs: number): void {
  d.restarts.schedule(c.id, runMs, () => {
    if (!c.state.data.Restarting || d.restarts.isCancelled(c.id)) return;
    startContainer(d, c, { manual: false }).catch((err: Error) => {
      d.log.warn({ err, id: c.id }, 'restart by policy failed');
    });
  });
}
