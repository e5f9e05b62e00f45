/**
 * `DELETE /images/{name}`: untags, or deletes an image nobody uses (unless forced), frees the
 * blobs and layers no image needs any more, and publishes `untag` and `delete`.
 * @module
 */
import { Conflict } from '../../errors.ts';
import type { ImageDeleteItem } from '../../wire/images.ts';
import type { Engine } from '../engine.ts';
import { collectGarbage } from './record.ts';
import { getImage, storedNames } from './resolve.ts';
import { imageUsers } from './view.ts';

/** Removes (or untags) an image; what was untagged and deleted, as Docker answers. */
export async function removeImage(d: Engine, ref: string, force: boolean): Promise<ImageDeleteItem[]> {
  const img = getImage(d, ref);
  const name = storedNames(ref).find((n) => img.RepoTags.includes(n) || img.RepoDigests.includes(n));
  const inUse = imageUsers(d, img.Id) > 0;
  const out: ImageDeleteItem[] = [];
  const untag = async (n: string) => {
    if (img.RepoTags.includes(n)) await d.images.untag(n); else await d.images.undigest(img.Id, n);
    out.push({ Untagged: n });
    d.events.publish('image', 'untag', img.Id, { name: n });
  };
  if (name && img.RepoTags.length + img.RepoDigests.length > 1 && !(img.RepoTags.length === 1 && img.RepoTags[0] === name)) {
    await untag(name);
    return out;
  }
  if (inUse && !force) {
    throw new Conflict(`conflict: unable to remove repository reference "${ref}" (must force) - container is using its referenced image ${img.Id.slice(7, 19)}`, 'MOORAGE_IMAGE_IN_USE');
  }
  if (!name && img.RepoTags.length > 1 && !force) {
    throw new Conflict(`conflict: unable to delete ${img.Id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`, 'MOORAGE_IMAGE_IN_USE');
  }
  for (const t of [...img.RepoTags, ...img.RepoDigests]) await untag(t);
  // Forced while containers use it: untag only, as Docker does; the image stays for them.
  if (inUse) return out;
  await deleteImage(d, img.Id);
  out.push({ Deleted: img.Id });
  return out;
}

/** Deletes an image's record, its blobs and layers no other image needs, and publishes `delete`. */
export async function deleteImage(d: Engine, id: string): Promise<void> {
  await d.images.delete(id);
  d.events.publish('image', 'delete', id, { name: id });
  await collectGarbage(d);
}
