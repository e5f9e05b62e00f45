/**
 * What a crash left of creates and removals it cut short: a container directory without a
 * checkpoint is never a container (create writes the checkpoint last, removal deletes it
 * first), so at boot it is cleaned — whatever is mounted below it unmounted, any task the
 * runtime has for it destroyed, the volumes a create was making for it removed, the directory
 * deleted — and logged once.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ContainerFiles } from '../../container/container.ts';
import { readMonitorPid } from '../../runtime/conmon.ts';
import { unmountBelow } from '../../snapshots/overlay.ts';
import type { Engine } from '../engine.ts';
import { removeVolumes } from '../volumes/mounts.ts';

/** Cleans the directories of container `ids`, which have no checkpoint. One failure costs that directory only. */
export async function discardUnfinished(d: Engine, ids: string[]): Promise<void> {
  for (const id of ids) {
    try {
      await discardOne(d, id);
      d.log.warn({ id }, 'removed what an interrupted create or removal left of a container');
    } catch (err) {
      d.log.error({ err, id }, 'cleaning what an interrupted create or removal left failed');
    }
  }
}

async function discardOne(d: Engine, id: string): Promise<void> {
  const files = new ContainerFiles(join(d.containers.dir, id));
  // Neither a create nor a removal leaves a task, but a crash's timing is anybody's guess.
  await d.tasks.destroy(id, { monitorPid: await readMonitorPid(files.persistDir) });
  await unmountBelow(files.dir);
  const listed = await readFile(files.newVolumesPath, 'utf8').then((t) => JSON.parse(t) as unknown, () => []);
  const volumes = Array.isArray(listed) ? listed.filter((v): v is string => typeof v === 'string') : [];
  await removeVolumes(d, volumes);
  await d.exits.forget(id);
  await d.containers.discard(id);
}
