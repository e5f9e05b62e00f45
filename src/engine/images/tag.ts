/**
 * `docker tag`: another name for an image (taken from whichever image had it).
 * @module
 */
import { InvalidParameter } from '../../errors.ts';
import { familiarString, parseReference } from '../../registry/reference.ts';
import type { Engine } from '../engine.ts';
import { getImage } from './resolve.ts';

/** Tags `source` as `repo[:tag]`; publishes `tag` (and `untag` on the image that had the name). */
export async function tagImage(d: Engine, source: string, repo: string, tag?: string): Promise<string> {
  const img = getImage(d, source);
  if (!repo) throw new InvalidParameter('repository name must have at least one component');
  const r = parseReference(tag ? `${repo}:${tag}` : repo);
  if (r.digest) throw new InvalidParameter('refusing to create a tag with a digest reference');
  const name = familiarString(r);
  const previous = await d.images.tag(img.Id, name);
  if (previous) d.events.publish('image', 'untag', previous, { name });
  d.events.publish('image', 'tag', img.Id, { name });
  return name;
}
