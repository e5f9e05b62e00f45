/**
 * `docker image prune`: deletes dangling images (untagged, unused), or with `dangling=false`
 * every image no container uses; `label` and `until` narrow it. Frees their blobs and layers.
 * @module
 */
import { InvalidParameter } from '../../errors.ts';
import { matchLabels, parseFilters } from '../../events/filters.ts';
import type { ImageDeleteItem, ImagePruneResponse } from '../../wire/images.ts';
import type { Engine } from '../engine.ts';
import { collectGarbage } from './record.ts';
import { imageUsers } from './view.ts';

/** Prunes images by `filters` (Docker's JSON form); resolves what was deleted and the bytes freed. */
export async function pruneImages(d: Engine, filters?: string): Promise<ImagePruneResponse> {
  const f = parseFilters(filters, ['dangling', 'label', 'label!', 'until']);
  const danglingOnly = !['false', '0'].includes((f.get('dangling') ?? ['true'])[0]!);
  const until = f.get('until')?.[0];
  const untilMs = until === undefined ? Infinity : /^\d+(\.\d+)?$/.test(until) ? Number(until) * 1000 : Date.parse(until);
  if (Number.isNaN(untilMs)) throw new InvalidParameter(`invalid filter 'until=${until}'`);
  const deleted: ImageDeleteItem[] = [];
  const parents = new Set(d.images.all().map((i) => i.Parent));
  for (const img of d.images.all()) {
    if (imageUsers(d, img.Id) > 0 || parents.has(img.Id)) continue;
    if (danglingOnly && img.RepoTags.length) continue;
    if (f.has('label') && !matchLabels(f.get('label')!, img.Config.Labels)) continue;
    if (f.has('label!') && matchLabels(f.get('label!')!, img.Config.Labels)) continue;
    if (Date.parse(img.Created) >= untilMs) continue;
    for (const t of [...img.RepoTags, ...img.RepoDigests]) {
      deleted.push({ Untagged: t });
      d.events.publish('image', 'untag', img.Id, { name: t });
    }
    await d.images.delete(img.Id);
    d.events.publish('image', 'delete', img.Id, { name: img.Id });
    deleted.push({ Deleted: img.Id });
  }
  const freed = await collectGarbage(d);
  d.events.publish('image', 'prune', '', { reclaimed: String(freed.layers.reduce((s, l) => s + l.size, 0)) });
  return { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: freed.layers.reduce((s, l) => s + l.size, 0) };
}
