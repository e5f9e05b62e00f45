/**
 * Recording an image once its blobs and layers are in place, and collecting what no image
 * needs any more (blobs and layers), as rmi and image prune do.
 * @module
 */
import type { ImageRecord } from '../../image/store.ts';
import type { Descriptor, ImageConfigFile } from '../../wire/oci.ts';
import type { LayerInfo } from '../../snapshots/layers.ts';
import type { Engine } from '../engine.ts';

/** What a new image is made of. */
export interface NewImage {
  /** The config's digest: the image's ID. */
  id: string;
  config: ImageConfigFile;
  layers: Descriptor[];
  chain: string[];
  manifest?: Descriptor;
  tags: string[];
  digests: string[];
  /** The local image it was made on (commit). */
  parent?: string;
}

/** Records an image and publishes `untag` for images that lost a tag to it (the operation publishes its own event). */
export async function recordImage(d: Engine, n: NewImage): Promise<ImageRecord> {
  const size = n.chain.reduce((sum, c) => sum + (d.layers.get(c)?.size ?? 0), 0);
  const now = new Date().toISOString();
  const { image, untagged } = await d.images.add({
    Id: n.id, RepoTags: n.tags, RepoDigests: n.digests, Created: n.config.created ?? now, Size: size,
    Comment: n.config.comment ?? n.config.history?.at(-1)?.comment ?? '', config: n.config,
    layers: n.layers, chain: n.chain, manifest: n.manifest, LastTagTime: now, ...(n.parent ? { Parent: n.parent } : {}),
  });
  for (const u of untagged) d.events.publish('image', 'untag', u.id, { name: u.tag });
  return image;
}

/** The blobs an image needs: its config, layers and manifest. */
export function imageBlobs(img: ImageRecord): string[] {
  return [img.Id, ...img.layers.map((l) => l.digest), ...(img.manifest ? [img.manifest.digest] : [])];
}

/**
 * Deletes the blobs and layers no image needs (images used by containers are never deleted,
 * so their layers stay). Runs one at a time: two collections never race. A pull or a load
 * commits while it runs: what is not in the needs taken at the start is looked up again before
 * it is deleted.
 */
export function collectGarbage(d: Engine): Promise<{ blobs: string[]; layers: LayerInfo[] }> {
  const run = (collecting.get(d) ?? Promise.resolve()).then(async () => {
    let needed = neededNow(d);
    const keeps = (kind: 'blobs' | 'chains') => (id: string) => needed[kind].has(id) || (needed = neededNow(d))[kind].has(id);
    return { layers: await d.layers.collect(keeps('chains')), blobs: await d.content.collect(keeps('blobs')) };
  });
  collecting.set(d, run.catch(() => undefined));
  return run;
}

/** The blobs and layers the images and the work in progress need now. */
function neededNow(d: Engine): { blobs: Set<string>; chains: Set<string> } {
  const blobs = new Set<string>();
  const chains = new Set<string>();
  for (const img of d.images.all()) {
    for (const b of imageBlobs(img)) blobs.add(b);
    for (const c of img.chain) chains.add(c);
  }
  for (const p of d.inflight.imageParts) {
    for (const b of p.blobs) blobs.add(b);
    for (const c of p.chains) chains.add(c);
  }
  return { blobs, chains };
}
const collecting = new WeakMap<Engine, Promise<unknown>>();
