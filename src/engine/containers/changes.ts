/**
 * `GET /containers/{id}/changes` (moby's `ContainerChanges`): what the container changed in its
 * filesystem, read from its overlay writable layer against its image. The layer is walked by
 * moorage-pack following no symlink (the container can change it while it runs); the mount
 * points the runtime made for the container's own mounts are no change of the container's.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { readSpec } from '../../runtime/bundle.ts';
import { dirImageView } from '../../snapshots/image-view.ts';
import { layerChanges } from '../../snapshots/layer-changes.ts';
import type { FilesystemChange } from '../../wire/containers.ts';
import { readTree } from '../../snapshots/packer.ts';
import type { Engine } from '../engine.ts';
import { leaseRootfs } from './rootfs-lease.ts';
import { withImageRoot } from '../images/rootfs.ts';

/**
 * Where the runtime mounts something into the container (relative to its root): the runtime
 * makes these mount points in the writable layer, and they are no change of the container's.
 */
export async function runtimeMountPoints(c: Container): Promise<Set<string>> {
  const spec = await readSpec(c.bundleDir) as { mounts?: { destination?: string }[] } | null;
  return new Set((spec?.mounts ?? []).map((m) => String(m.destination ?? '').replace(/^\/+/, '')));
}

/** The container's changes, by path. */
export async function containerChanges(d: Engine, c: Container): Promise<FilesystemChange[]> {
  const mountPoints = await runtimeMountPoints(c);
  const lease = await leaseRootfs(d, c, { mount: false });
  try {
    const upper = readTree(c.upperDir, '.', 'list', { beneath: true, signal: lease.signal });
    return await withImageRoot(d, c.record.Image, (root) => layerChanges(upper, dirImageView(root), (p) => mountPoints.has(p)));
  } finally {
    await lease.release();
  }
}
