/**
 * `DELETE /images/{name}`: untags, or deletes an image nobody uses (unless forced) and no
 * committed image has as its parent, frees the blobs and layers no image needs any more, and
 * publishes `untag` and `delete`.
 * @module
 */
import { Conflict } from '../../errors.ts';
import type { ImageDeleteItem } from '../../wire/images.ts';
import type { Engine } from '../engine.ts';
import { collectGarbage } from './record.ts';
import { getImage, storedNames } from './resolve.ts';
import { imageUsers } from './view.ts';

/** Removes (or untags) an image; what was untagged and deleted, as Docker answers. */
export async function removeImage(d: Engine, ref: string, force: boolean, noPrune = false): Promise<ImageDeleteItem[]> {
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
  // A committed image's parent stays while it has children (moby): by name it is only
  // untagged, by ID it is refused even when forced.
  const hasChildren = d.images.all().some((i) => i.Parent === img.Id);
  if (hasChildren && !name) {
    throw new Conflict(`conflict: unable to delete ${img.Id.slice(7, 19)} (cannot be forced) - image has dependent child images`, 'MOORAGE_IMAGE_IN_USE');
  }
  if (inUse && !force) {
    throw new Conflict(`conflict: unable to remove repository reference "${ref}" (must force) - container is using its referenced image ${img.Id.slice(7, 19)}`, 'MOORAGE_IMAGE_IN_USE');
  }
  if (!name && img.RepoTags.length > 1 && !force) {
    throw new Conflict(`conflict: unable to delete ${img.Id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`, 'MOORAGE_IMAGE_IN_USE');
  }
  for (const t of [...img.RepoTags, ...img.RepoDigests]) await untag(t);
  // Forced while containers use it: untag only, as Docker does; the image stays for them.
  if (inUse || hasChildren) return out;
  await deleteImage(d, img.Id);
  out.push({ Deleted: img.Id });
  // Untagged parents it kept are deleted with it, as moby does unless asked not to (noprune).
  for (let parent = img.Parent ? d.images.byId(img.Parent) : undefined; parent && !noPrune; parent = parent.Parent ? d.images.byId(parent.Parent) : undefined) {
    const id: string = parent.Id;
    if (parent.RepoTags.length || parent.RepoDigests.length || imageUsers(d, id) > 0 || d.images.all().some((i) => i.Parent === id)) break;
    await deleteImage(d, id);
    out.push({ Deleted: id });
  }
  await collectGarbage(d); // once, for the image and its parents
  return out;
}

/** Deletes an image's record and publishes `delete` (its blobs and layers go with the next collection). */
async function deleteImage(d: Engine, id: string): Promise<void> {
  await d.images.delete(id);
  d.events.publish('image', 'delete', id, { name: id });
}
