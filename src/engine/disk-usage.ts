/**
 * Disk use as Docker reports it (`docker system df`, `docker ps -s`): each container's
 * writable layer (`SizeRw`) and its whole root (`SizeRootFs`, with its image), and the images'
 * sizes, and the volumes'.
 * @module
 */
import type { Container } from '../container/container.ts';
import { treeSize } from '../snapshots/usage.ts';
import type { Engine } from './engine.ts';
import { containerView, type ContainerView } from './containers/view.ts';
import { listImages, type ImageView } from './images/view.ts';
import { listVolumes, type VolumeView } from './volumes/operations.ts';
import { usersOf } from './volumes/mounts.ts';

/** A container's sizes in bytes. */
export interface ContainerSizes {
  SizeRw: number;
  SizeRootFs: number;
}

/** What a container takes on disk: its writable layer, and that with its image. */
export async function containerSizes(d: Engine, c: Container): Promise<ContainerSizes> {
  const rw = await treeSize(c.upperDir);
  const image = d.images.byId(c.record.Image);
  return { SizeRw: rw, SizeRootFs: rw + (image?.Size ?? 0) };
}

/** Everything `GET /system/df` reports. */
export interface DiskUsage {
  layersSize: number;
  images: ImageView[];
  containers: { view: ContainerView; sizes: ContainerSizes }[];
  /** Each volume with its bytes and how many containers use it. */
  volumes: { view: VolumeView; size: number; refCount: number }[];
}

/** Measures every container and image. */
export async function diskUsage(d: Engine): Promise<DiskUsage> {
  const images = listImages(d, true);
  const now = Date.now();
  const containers = await Promise.all(d.containers.all().map(async (c) => ({ view: containerView(d, c, now), sizes: await containerSizes(d, c) })));
  const volumes = await Promise.all(listVolumes(d).map(async (v) => ({ view: v, size: await treeSize(v.mountpoint), refCount: usersOf(d, v.record.name).length })));
  return { layersSize: images.reduce((n, v) => n + v.record.Size, 0), images, containers, volumes };
}
