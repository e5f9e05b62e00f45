/**
 * OCI/Docker whiteouts (image-spec layer.md) and how they land on an overlay layer directory:
 * `dir/.wh.name` becomes a 0/0 character device `dir/name`, `dir/.wh..wh..opq` the xattr
 * `trusted.overlay.opaque=y` on `dir`, and other `.wh..wh.` names (AUFS's hard-link dir) are
 * dropped. Pure.
 * @module
 */
import { posix } from 'node:path';

const PREFIX = '.wh.';
const META = '.wh..wh.';
const OPAQUE = '.wh..wh..opq';

/** The xattr that makes a directory opaque on overlayfs. */
export const OPAQUE_XATTR = 'trusted.overlay.opaque';

/** What a layer entry means for the layer directory. */
export type WhiteoutAction =
  | { kind: 'entry' }
  | { kind: 'whiteout'; path: string }
  | { kind: 'opaque'; dir: string }
  | { kind: 'skip' };

/** Classifies a normalised relative entry path (`a/b/.wh.c`). */
export function whiteoutAction(path: string): WhiteoutAction {
  const parts = path.split('/');
  const base = parts.at(-1)!;
  const dir = parts.length > 1 ? parts.slice(0, -1).join('/') : '.';
  if (parts.slice(0, -1).some((p) => p.startsWith(META))) return { kind: 'skip' };
  if (base === OPAQUE) return { kind: 'opaque', dir };
  if (base.startsWith(META)) return { kind: 'skip' };
  if (base.startsWith(PREFIX)) {
    const name = base.slice(PREFIX.length);
    if (!name || name === '.' || name === '..') return { kind: 'skip' };
    return { kind: 'whiteout', path: dir === '.' ? name : posix.join(dir, name) };
  }
  return { kind: 'entry' };
}

/**
 * Whether a layer may carry this xattr itself: overlay's own (`trusted.overlay.*`, and the
 * `user.overlay.*` of unprivileged mounts) would let a layer forge redirects and opaque dirs.
 */
export function layerXattrAllowed(name: string): boolean {
  return !name.startsWith('trusted.overlay.') && !name.startsWith('user.overlay.');
}
