/**
 * Disk use as Docker reports it (`docker system df`, `docker ps -s`): each container's
 * writable layer (`SizeRw`) and its whole root (`SizeRootFs`, with its image), and the images'
 * sizes.
 * @module
 */
import type { Container } from '../container/container.ts';
import { treeSize } from '../snapshots/usage.ts';
import type { Engine } from './engine.ts';
import { containerView, type ContainerView } from './containers/view.ts';
import { listImages, type ImageView } from './images/view.ts';

/** A container's sizes in bytes. */
export interface ContainerSizes {
  SizeRw: number;
  SizeRootFs: number;
}

/** What a container takes on disk: its writable layer, and that with its image. */
export async function containerSizes(d: Engine, c: Container): Promise<ContainerSizes> {
  const rw = await treeSize(c.upperDir);
  const image = d.images.find(c.record.Image);
  return { SizeRw: rw, SizeRootFs: rw + (image?.Size ?? 0) };
}

/** Everything `GET /system/df` reports. */
export interface DiskUsage {
  layersSize: number;
  images: ImageView[];
  containers: { view: ContainerView; sizes: ContainerSizes }[];
}

/** Measures every container and image. */
export async function diskUsage(d: Engine): Promise<DiskUsage> {
  const images = listImages(d, true);
  const now = Date.now();
  const containers = await Promise.all(d.containers.all().map(async (c) => ({ view: containerView(d, c, now), sizes: await containerSizes(d, c) })));
  return { layersSize: images.reduce((n, v) => n + v.record.Size, 0), images, containers };
}
