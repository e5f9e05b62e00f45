/**
 * `DELETE /images/{name}`: untags, or deletes an image nobody uses (unless forced), and
 * publishes `untag` and `delete`.
 * @module
 */
import type { Engine } from '../engine.ts';
import { imageUsers } from './view.ts';

/** Removes (or untags) an image; what was untagged and deleted, as Docker answers. */
export async function removeImage(d: Engine, ref: string, force: boolean): Promise<{ Untagged?: string; Deleted?: string }[]> {
  const img = d.images.get(ref);
  const result = await d.images.remove(ref, imageUsers(d, img.Id) > 0, force);
  for (const r of result) {
    if (r.Untagged) d.events.publish('image', 'untag', img.Id, { name: r.Untagged });
    if (r.Deleted) d.events.publish('image', 'delete', img.Id, { name: ref });
  }
  return result;
}
