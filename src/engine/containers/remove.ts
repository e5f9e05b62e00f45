/**
 * `DELETE /containers/{id}`: records the removal, kills a running container when forced, tears
 * down its task and rootfs, deletes its files and publishes `destroy`. A removal the daemon
 * does not live to finish is finished at its next boot.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { Conflict, SystemError, messageOf } from '../../errors.ts';
import { unmountOverlay } from '../../snapshots/overlay.ts';
import type { Engine } from '../engine.ts';
import { forceKill } from './kill.ts';
import { teardownSandbox } from '../networks/sandbox.ts';
import { mountsOf, releaseMounts, removeVolumes } from '../volumes/mounts.ts';
import { endLeases } from './rootfs-lease.ts';

/** Removes a container; `force` kills it first if it runs; `volumes` removes its anonymous volumes (`rm -v`). */
export async function removeContainer(d: Engine, c: Container, opts: { force: boolean; volumes?: boolean }): Promise<void> {
  await d.inflight.startSettled(c.id); // judge "running" after a start in progress has settled
  if (c.state.data.RemovalInProgress) {
    throw new Conflict(`removal of container ${c.name} is already in progress`);
  }
  if (c.state.running && !opts.force) {
    const what = c.state.data.Paused ? 'paused' : 'running';
    throw new Conflict(`cannot remove container "${c.record.Name}": container is ${what}: stop the container before removing or force remove`);
  }
  c.state.setRemovalInProgress(true);
  try {
    // On disk before anything is undone: a removal a crash cuts short is finished at boot.
    await d.containers.checkpoint(c);
    if (c.state.running) await forceKill(d, c);
    await endLeases(d, c); // a `docker cp` in progress ends: its files are about to go
    await d.inflight.tornDown(c.id);
    await unmountOverlay(c.rootfsDir);
    await d.tasks.delete(c.id, true);
    await teardownSandbox(d, c);
    if (c.record.Network?.sandboxKey) throw new SystemError('its network could not be torn down (see the engine log); try again');
    await releaseMounts(d, c);
    await d.containers.remove(c);
  } catch (err) {
    c.state.setRemovalInProgress(false);
    c.state.setRemovalError(messageOf(err));
    await d.containers.checkpoint(c).catch((e: Error) => d.log.error({ err: e, id: c.id }, 'checkpoint failed'));
    throw new SystemError(`Could not kill running container ${c.id}, cannot remove - ${messageOf(err)}`);
  }
  d.inflight.forget(c.id);
  d.execs.forget(c.id);
  d.restarts.forget(c.id);
  d.emit(c, 'destroy');
  c.state.setRemoved();
  if (opts.volumes) {
    const anonymous = mountsOf(c).filter((m) => m.type === 'volume' && m.anonymous).map((m) => m.source);
    await removeVolumes(d, anonymous).catch((err: Error) => d.log.warn({ err, id: c.id }, 'removing the container\'s anonymous volumes failed'));
  }
}
