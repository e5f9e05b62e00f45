/**
 * What the engine shows of an image to its front doors: the record and how many containers
 * use it. Also the lookups and listings the doors need.
 * @module
 */
import { RE2JS } from 're2js';
import { InvalidParameter } from '../../errors.ts';
import { matchLabels, parseFilters } from '../../events/filters.ts';
import type { ImageRecord } from '../../image/store.ts';
import type { Engine } from '../engine.ts';
import { getImage } from './resolve.ts';
import { imageLowerDirs } from './rootfs.ts';

/** How many containers were created from the image `id`. */
export function imageUsers(d: Engine, id: string): number {
  return d.containers.all().filter((c) => c.record.Image === id).length;
}

/** The image's layer dirs as Docker's GraphDriver shows them: the top one, and those below it. */
function layerPaths(d: Engine, id: string): Record<string, string> {
  const [top, ...lower] = imageLowerDirs(d, id).split(':').filter(Boolean);
  return { ...(top ? { UpperDir: top } : {}), ...(lower.length ? { LowerDir: lower.join(':') } : {}) };
}

/** An image as the doors see it. */
export function imageView(d: Engine, ref: string) {
  const record = getImage(d, ref);
  return { record, containers: imageUsers(d, record.Id), layers: layerPaths(d, record.Id) };
}

/** An image view. */
export type ImageView = ReturnType<typeof imageView>;

/**
 * The images `GET /images/json` lists: tagged ones and untagged ones that are neither used nor
 * another image's parent, or every one with `all`; `filters` (Docker's JSON) narrow them by
 * `reference` (a glob over `name[:tag]`), `dangling`, `label`, `label!`, `before` and `since`.
 */
export function listImages(d: Engine, all: boolean, filters?: string): ImageView[] {
  const f = parseFilters(filters, ['reference', 'dangling', 'label', 'label!', 'before', 'since']);
  const dangling = f.get('dangling')?.[0];
  if (dangling !== undefined && !['true', 'false', '1', '0'].includes(dangling)) {
    throw new InvalidParameter(`invalid filter 'dangling=${dangling}'`);
  }
  const before = f.has('before') ? Date.parse(getImage(d, f.get('before')![0]!).Created) : Infinity;
  const since = f.has('since') ? Date.parse(getImage(d, f.get('since')![0]!).Created) : -Infinity;
  const parents = new Set(d.images.all().map((i) => i.Parent).filter(Boolean));
  const references = (f.get('reference') ?? []).map(referenceMatcher);
  const keep = (img: ImageRecord, users: number) => {
    if (!all && !img.RepoTags.length && (users > 0 || parents.has(img.Id))) return false;
    if (dangling !== undefined && (img.RepoTags.length === 0) !== ['true', '1'].includes(dangling)) return false;
    if (f.has('label') && !matchLabels(f.get('label')!, img.Config.Labels)) return false;
    if (f.has('label!') && matchLabels(f.get('label!')!, img.Config.Labels)) return false;
    const created = Date.parse(img.Created);
    if (created >= before || created <= since) return false;
    return !references.length || references.some((matches) => img.RepoTags.some(matches));
  };
  return d.images.all().map((record) => ({ record, containers: imageUsers(d, record.Id), layers: layerPaths(d, record.Id) }))
    .filter((v) => keep(v.record, v.containers));
}

/**
 * Docker's reference filter, compiled once: a glob (`*`, `?`) over `name:tag`, or over the
 * name alone when the pattern has no tag.
 */
export function referenceMatcher(pattern: string): (tag: string) => boolean {
  // RE2: a pattern of many stars cannot make the match take exponential time.
  const re = RE2JS.compile(`^${RE2JS.quote(pattern).replace(/\\\*/g, '[^/]*').replace(/\\\?/g, '[^/]')}$`);
  const hasTag = /:[^/]*$/.test(pattern);
  return (tag) => {
    if (re.matches(tag)) return true;
    const colon = tag.lastIndexOf(':');
    return !hasTag && colon > tag.lastIndexOf('/') && re.matches(tag.slice(0, colon));
  };
}

/** Whether `tag` matches the reference filter `pattern`. */
export function referenceMatches(pattern: string, tag: string): boolean {
  return referenceMatcher(pattern)(tag);
}
