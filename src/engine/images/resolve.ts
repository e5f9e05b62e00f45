/**
 * Image lookups by any name a client may use: `busybox`, `docker.io/library/busybox:latest`,
 * `name@sha256:…`, an ID or an ID prefix. Names are normalised once here, so the store only
 * compares familiar `name:tag` and `name@digest` strings.
 * @module
 */
import { NotFound } from '../../errors.ts';
import type { ImageRecord } from '../../image/store.ts';
import { familiarName, familiarString, parseReference, type Reference } from '../../registry/reference.ts';
import type { Engine } from '../engine.ts';

/** The familiar forms a reference may be stored under (`name:tag`, `name@digest`), or [] for a non-reference. */
export function storedNames(ref: string): string[] {
  let r: Reference;
  try {
    r = parseReference(ref);
  } catch {
    return [];
  }
  const name = familiarName(r);
  if (r.digest) return [`${name}@${r.digest}`];
  return [familiarString(r)];
}

/** The image a reference or ID names, or undefined. */
export function findImage(d: Engine, ref: string): ImageRecord | undefined {
  for (const n of storedNames(ref)) {
    const img = d.images.find(n);
    if (img) return img;
  }
  return /^(sha256:)?[0-9a-f]{4,64}$/.test(ref) ? d.images.find(ref) : undefined;
}

/** Like {@link findImage}; a miss is Docker's `No such image`. */
export function getImage(d: Engine, ref: string): ImageRecord {
  const img = findImage(d, ref);
  if (!img) throw new NotFound(`No such image: ${ref}`, 'MOORAGE_NO_SUCH_IMAGE');
  return img;
}
