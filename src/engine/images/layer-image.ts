/**
 * An image moorage makes from one tar stream — `docker import`, the embedded busybox, `docker
 * commit` — stored as its layer's blob while it is unpacked, on top of a parent image's layers
 * or of nothing. On any error nothing is kept.
 * @module
 */
import { readdir } from 'node:fs/promises';
import { InvalidParameter } from '../../errors.ts';
import { layerConfig, type ImageConfig } from '../../image/config.ts';
import type { ImageRecord } from '../../image/store.ts';
import { familiarString, parseReference } from '../../registry/reference.ts';
import { sniffCompression } from '../../snapshots/decompress.ts';
import { MEDIA, type Descriptor } from '../../wire/oci.ts';
import type { Engine } from '../engine.ts';
import { fetchBlob } from './blob-fetch.ts';
import { putConfig } from './config-blob.ts';
import { collectGarbage, imageBlobs, recordImage } from './record.ts';

/** Validates and joins `repo` and `tag` into a familiar reference, or [] when there is no repo. */
export function newImageTags(repo?: string, tag?: string): string[] {
  if (!repo) return [];
  const r = parseReference(tag ? `${repo}:${tag}` : repo);
  if (r.digest) throw new InvalidParameter('invalid reference format: a new image cannot be tagged with a digest');
  return [familiarString(r)];
}

/** What an image made from one layer is made of. */
export interface LayerImageSpec {
  tags: string[];
  defaults: ImageConfig;
  comment: string;
  createdBy: string;
  author?: string;
  /** The image below the new layer (commit). */
  parent?: ImageRecord;
  /** Config fields kept as they are (moby's `container` and `container_config` of a commit). */
  extra?: Record<string, unknown>;
  /** A layer with no files: refused (an import) or left out of the image (a commit, as moby). */
  emptyLayer: 'refuse' | 'omit';
  onBytes?: (n: number) => void;
}

/** Makes an image of `spec.parent`'s layers and one more from a tar stream (plain, gzip or zstd), and records it. */
export async function addLayerImage(d: Engine, input: AsyncIterable<Buffer>, spec: LayerImageSpec): Promise<ImageRecord> {
  let leftover = true; // what a failure stored, or the unused layer of a commit that changed nothing
  try {
    return await d.inflight.holdImageParts(async (parts) => {
      // The parent's blobs and layers are this image's too, even if the parent is removed meanwhile.
      for (const b of spec.parent ? imageBlobs(spec.parent) : []) parts.blobs.add(b);
      for (const c of spec.parent?.chain ?? []) parts.chains.add(c);
      let head: Buffer | undefined;
      const blob = await fetchBlob(d, parts, {}, async () => (async function* () {
        for await (const chunk of input) {
          head ??= chunk;
          spec.onBytes?.(chunk.length);
          yield chunk;
        }
      })());
      let layer;
      try {
        layer = await d.layers.unpack(spec.parent?.chain.at(-1) ?? null, blob.read(), {});
      } catch (err) {
        await blob.cancel(err as Error);
        throw err;
      }
      parts.chains.add(layer.chainId);
      const digest = await blob.done;
      const empty = !(await readdir(d.layers.diffDir(layer.chainId))).length;
      if (empty && spec.emptyLayer === 'refuse') throw new InvalidParameter('invalid image archive: it holds no files');
      const compression = head && head.length >= 4 ? sniffCompression(head) : 'none';
      const mediaType = compression === 'gzip' ? MEDIA.ociLayerGzip : compression === 'zstd' ? MEDIA.ociLayerZstd : MEDIA.ociLayer;
      const added: Descriptor[] = empty ? [] : [{ mediaType, digest, size: (await d.content.size(digest)) ?? 0 }];
      const config = {
        ...layerConfig(spec.parent?.config ?? null, empty ? null : layer.diffId, spec.defaults, {
          created: new Date().toISOString(), comment: spec.comment, createdBy: spec.createdBy, author: spec.author,
        }),
        ...spec.extra,
      };
      const id = await putConfig(d, parts, config);
      const img = await recordImage(d, {
        id, config, layers: [...(spec.parent?.layers ?? []), ...added],
        chain: [...(spec.parent?.chain ?? []), ...(empty ? [] : [layer.chainId])],
        tags: spec.tags, digests: [], parent: spec.parent?.Id,
      });
      leftover = empty;
      return img;
    });
  } finally {
    if (leftover) await collectGarbage(d);
  }
}
