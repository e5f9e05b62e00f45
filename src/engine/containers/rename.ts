/**
 * `POST /containers/{id}/rename`: a new name (compose renames a container it recreates). The
 * DNS name of a running container on its networks stays the old one until its next start.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { InvalidParameter } from '../../errors.ts';
import type { Engine } from '../engine.ts';
import { NAME_RE } from './names.ts';

/** Renames a container and publishes `rename`. */
export async function renameContainer(d: Engine, c: Container, name: string): Promise<void> {
  const bare = name.replace(/^\//, '');
  if (!bare) throw new InvalidParameter('Neither old nor new names may be empty');
  if (!NAME_RE.test(bare)) throw new InvalidParameter(`Invalid container name (${bare}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  const old = c.record.Name;
  if (old === `/${bare}`) throw new InvalidParameter('Renaming a container with the same name as its current name');
  await d.containers.rename(c, `/${bare}`);
  d.emit(c, 'rename', { oldName: old });
}
