/**
 * What the engine shows of an image to its front doors: the record and how many containers
 * use it. Also the lookups and listings the doors need.
 * @module
 */
import type { Engine } from '../engine.ts';
import { getImage } from './resolve.ts';

/** How many containers were created from the image `id`. */
export function imageUsers(d: Engine, id: string): number {
  return d.containers.all().filter((c) => c.record.Image === id).length;
}

/** An image as the doors see it. */
export function imageView(d: Engine, ref: string) {
  const record = getImage(d, ref);
  return { record, containers: imageUsers(d, record.Id) };
}

/** An image view. */
export type ImageView = ReturnType<typeof imageView>;

/**
 * The images `GET /images/json` lists: tagged ones and untagged ones nobody uses, or every
 * one with `all` (Docker's dangling rule).
 */
export function listImages(d: Engine, all: boolean): ImageView[] {
  return d.images.all().map((record) => ({ record, containers: imageUsers(d, record.Id) }))
    .filter((v) => all || v.record.RepoTags.length || v.containers === 0);
}
