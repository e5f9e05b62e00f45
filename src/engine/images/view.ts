/**
 * What the engine shows of an image to its front doors: the record and how many containers
 * use it. Also the lookups and listings the doors need.
 * @module
 */
import type { Engine } from '../engine.ts';
import { getImage } from './resolve.ts';
import { imageLowerDirs } from './rootfs.ts';

/** How many containers were created from the image `id`. */
export function imageUsers(d: Engine, id: string): number {
  return d.containers.all().filter((c) => c.record.Image === id).length;
}

/** The image's layer dirs as Docker's GraphDriver shows them: the top one, and those below it. */
function layerPaths(d: Engine, id: string): Record<string, string> {
  const [top, ...lower] = imageLowerDirs(d, id).split(':').filter(Boolean);
  return { ...(top ? { UpperDir: top } : {}), ...(lower.length ? { LowerDir: lower.join(':') } : {}) };
}

/** An image as the doors see it. */
export function imageView(d: Engine, ref: string) {
  const record = getImage(d, ref);
  return { record, containers: imageUsers(d, record.Id), layers: layerPaths(d, record.Id) };
}

/** An image view. */
export type ImageView = ReturnType<typeof imageView>;

/**
 * The images `GET /images/json` lists: tagged ones and untagged ones nobody uses, or every
 * one with `all` (Docker's dangling rule).
 */
export function listImages(d: Engine, all: boolean): ImageView[] {
  return d.images.all().map((record) => ({ record, containers: imageUsers(d, record.Id), layers: layerPaths(d, record.Id) }))
    .filter((v) => all || v.record.RepoTags.length || v.containers === 0);
}
