/**
 * After a restart, the volumes running containers hold are counted again (their mounts are
 * still there), and volume mounts nobody holds any more are undone.
 * @module
 */
import type { Engine } from '../engine.ts';
import { mountsOf } from './mounts.ts';

/** Re-counts the holders of volumes and unmounts the idle ones. */
export async function reacquireVolumes(d: Engine): Promise<void> {
  for (const c of d.containers.all()) {
    if (!c.record.Task) continue;
    for (const m of mountsOf(c)) {
      if (m.type !== 'volume' || !d.volumes.find(m.source)) continue;
      await d.volumes.acquire(m.source, c.id).catch((err: Error) => d.log.warn({ err, id: c.id, volume: m.source }, 'volume not available'));
    }
  }
  await d.volumes.unmountIdle();
}
