/**
 * `POST /containers/{id}/pause` and `/unpause`: freeze and thaw every process through the
 * runtime's freezer.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { Conflict, SystemError } from '../../errors.ts';
import type { Engine } from '../engine.ts';
import { taskOf } from './kill.ts';

/** Freezes a running container (409 when not running, paused or restarting). */
export async function pauseContainer(d: Engine, c: Container): Promise<void> {
  const task = taskOf(d, c);
  if (!c.state.running || !task) throw new Conflict(`Container ${c.id} is not running`, 'MOORAGE_NOT_RUNNING');
  if (c.state.data.Paused) throw new Conflict(`Container ${c.id} is already paused`);
  if (c.state.data.Restarting) throw new Conflict(`Container ${c.id} is restarting, wait until the container is running`);
  await d.tasks.pause(task);
  if (!c.state.running) throw new Conflict(`Container ${c.id} is not running`, 'MOORAGE_NOT_RUNNING'); // exited meanwhile
  c.state.setPaused();
  await d.containers.checkpoint(c);
  d.emit(c, 'pause');
}

/** Thaws a paused container (500 when it is not paused, as moby does). */
export async function unpauseContainer(d: Engine, c: Container): Promise<void> {
  const task = taskOf(d, c);
  if (!c.state.data.Paused || !task) throw new SystemError(`Container ${c.id} is not paused`);
  await d.tasks.resume(task);
  c.state.setUnpaused();
  await d.containers.checkpoint(c);
  d.emit(c, 'unpause');
}
