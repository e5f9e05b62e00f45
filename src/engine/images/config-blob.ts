/**
 * Image configs as blobs: serialised once, stored in the content store, their digest the
 * image's ID.
 * @module
 */
import type { ImageConfigFile } from '../../wire/oci.ts';
import type { ImageParts } from '../lifecycle/inflight.ts';
import type { Engine } from '../engine.ts';

/** Stores a config; resolves its digest (the image ID). */
export async function putConfig(d: Engine, parts: ImageParts, config: ImageConfigFile): Promise<string> {
  const digest = await d.content.put(Buffer.from(JSON.stringify(config)));
  parts.blobs.add(digest);
  return digest;
}
