/**
 * An image's layers as a container's overlay sees them: the lower dirs (top first, as short
 * links relative to the layer store) under the container's writable layer.
 * @module
 */
import { Conflict } from '../../errors.ts';
import type { Container } from '../../container/container.ts';
import { randomBytes } from 'node:crypto';
import { rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { mountLowers, unmountOverlay, type OverlayDirs } from '../../snapshots/overlay.ts';
import type { Engine } from '../engine.ts';

/** The overlay of a container made from its image. */
export function containerOverlay(d: Engine, c: Container): OverlayDirs {
  const image = d.images.byId(c.record.Image);
  if (!image) throw new Conflict(`cannot start container ${c.name}: its image ${c.record.Image} is gone`);
  return { lower: d.layers.lowerDirs(image.chain.at(-1)!), base: d.layers.dir, upper: c.upperDir, work: c.workDir, merged: c.rootfsDir };
}

/** The absolute lower dirs of an image, top first (what inspect's GraphDriver shows). */
export function imageLowerDirs(d: Engine, imageId: string): string {
  const image = d.images.byId(imageId);
  if (!image) return '';
  return image.chain.slice().reverse().map((c) => d.layers.diffDir(c)).join(':');
}

/**
 * Runs `fn` with the image's root filesystem as its layers make it: the one layer's directory,
 * or a read-only overlay of the layers mounted for the call (and unmounted after it).
 */
export async function withImageRoot<T>(d: Engine, imageId: string, fn: (root: string) => Promise<T>): Promise<T> {
  const image = d.images.byId(imageId);
  if (!image) throw new Conflict(`image ${imageId} is gone`);
  if (image.chain.length === 1) return fn(d.layers.diffDir(image.chain[0]!));
  const merged = join(d.config.execRoot, 'image-roots', randomBytes(8).toString('hex'));
  await mountLowers({ lower: d.layers.lowerDirs(image.chain.at(-1)!), base: d.layers.dir, merged });
  try {
    return await fn(merged);
  } finally {
    await unmountOverlay(merged);
    await rmdir(merged).catch(() => {}); // still busy: removed with the exec root
  }
}
