/**
 * `POST /containers/{id}/rename`: a new name for a container, in any state (compose renames a
 * container it recreates); its old name is free at once. The DNS name of a running container
 * on its networks stays the old one until its next start.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { Conflict, InvalidParameter } from '../../errors.ts';
import type { Engine } from '../engine.ts';
import { checkName } from './names.ts';

/** Renames a container and publishes `rename` with the old name. */
export async function renameContainer(d: Engine, c: Container, name: string): Promise<void> {
  if (!name) throw new InvalidParameter('Neither old nor new names may be empty');
  checkName(name);
  const newName = `/${name.replace(/^\//, '')}`;
  const oldName = c.record.Name;
  if (newName === oldName) throw new InvalidParameter('Renaming a container with the same name as its current name');
  if (c.state.data.RemovalInProgress || c.state.data.Dead) {
    throw new Conflict(`Can't rename container ${c.id}: it is marked for removal`);
  }
  await d.containers.rename(c, newName);
  d.emit(c, 'rename', { oldName });
}
