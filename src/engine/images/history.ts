/**
 * `docker history`: the config's history, newest first, each layer-making entry paired with its
 * layer (in order) for the size. Only the top entry is an image moorage knows by ID.
 * @module
 */
import type { ImageHistoryItem } from '../../wire/images.ts';
import type { Engine } from '../engine.ts';
import { getImage } from './resolve.ts';

/** The history of an image, newest first. */
export function imageHistory(d: Engine, ref: string): ImageHistoryItem[] {
  const img = getImage(d, ref);
  const entries = img.config.history ?? [];
  let layer = 0;
  const out = entries.map((h) => {
    const chain = h.empty_layer ? undefined : img.chain[layer++];
    return {
      Id: '<missing>', Created: h.created ? Math.floor(Date.parse(h.created) / 1000) : 0, CreatedBy: h.created_by ?? '',
      Tags: null as string[] | null, Size: chain ? d.layers.get(chain)?.size ?? 0 : 0, Comment: h.comment ?? '',
    };
  });
  if (!out.length) {
    out.push({ Id: '<missing>', Created: Math.floor(Date.parse(img.Created) / 1000), CreatedBy: '', Tags: null, Size: img.Size, Comment: img.Comment });
  }
  out.reverse();
  out[0]!.Id = img.Id;
  out[0]!.Tags = img.RepoTags.length ? img.RepoTags : null;
  return out;
}
