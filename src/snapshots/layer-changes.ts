/**
 * What a container changed (`docker diff`), from its overlay writable layer: every entry of the
 * upper directory is compared with what the image has at the same path, as moby's naive diff
 * compares the container's view with the image's. A whiteout (a 0/0 character device) is a
 * deletion; below an opaque directory, or a directory that replaced a file, nothing of the image
 * shows through, so what the image has there and the layer does not is deleted too; a directory
 * counts as changed when something below it did. Pure: the walk and the image come as arguments.
 * @module
 */
import type { FilesystemChange } from '../wire/containers.ts';
import type { FsType } from './packer.ts';

/** Docker's change kinds: modified, added, deleted. */
export const CHANGE = { modified: 0, added: 1, deleted: 2 } as const;

/** What a file's comparison looks at. */
export interface FileFacts {
  type: FsType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeSec: number;
  mtimeNsec: number;
  devmajor: number;
  devminor: number;
}

/** An entry of the writable layer, parents before children. */
export interface UpperEntry extends FileFacts {
  /** Relative to the layer's root. */
  path: string;
  /** `trusted.overlay.opaque=y` on a directory. */
  opaque: boolean;
}

/** The image's files, by path relative to its root. */
export interface ImageView {
  /** The file at `path` (no symlink followed on the way), or null. */
  stat(path: string): Promise<FileFacts | null>;
  /** The names in the directory at `path`. */
  children(path: string): Promise<string[]>;
}

const isWhiteout = (e: FileFacts) => e.type === 'char' && e.devmajor === 0 && e.devminor === 0;

/**
 * moby's `statDifferent`: type and permissions, owner, device numbers, and for anything but a
 * directory its size and time (to the second when either side has no nanoseconds, as tar keeps).
 */
export function statDifferent(a: FileFacts, b: FileFacts): boolean {
  if (a.type !== b.type || a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid) return true;
  if (a.devmajor !== b.devmajor || a.devminor !== b.devminor) return true;
  if (a.type === 'directory') return false;
  const sameTime = a.mtimeSec === b.mtimeSec && (a.mtimeNsec === b.mtimeNsec || a.mtimeNsec === 0 || b.mtimeNsec === 0);
  return !sameTime || a.size !== b.size;
}

/** The parent of a relative path ('' for the root's entries). */
export const parentOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

/**
 * The changes of the layer whose entries are `upper` against `image`, sorted by path; entries
 * at the paths `ignore` names (the mount points the runtime made) are left out.
 */
export async function layerChanges(upper: AsyncIterable<UpperEntry> | Iterable<UpperEntry>, image: ImageView,
  ignore: (path: string) => boolean = () => false): Promise<FilesystemChange[]> {
  const kinds = new Map<string, FilesystemChange['Kind']>();
  const present = new Set<string>();
  /** Upper directories that merge with the image's directory at their path. */
  const merged = new Set<string>(['']);
  /** Upper directories through which the image's directory does not show: its other entries are gone. */
  const hiding: string[] = [];
  const record = (path: string, kind: FilesystemChange['Kind']) => {
    if (!kinds.has(path)) kinds.set(path, kind);
    for (let p = parentOf(path); p !== ''; p = parentOf(p)) {
      if (kinds.has(p)) break;
      kinds.set(p, CHANGE.modified);
    }
  };
  for await (const e of upper) {
    if (e.path === '' || ignore(e.path)) continue;
    const img = await image.stat(e.path);
    if (isWhiteout(e)) {
      if (img) record(e.path, CHANGE.deleted);
      continue;
    }
    present.add(e.path);
    if (!img) record(e.path, CHANGE.added);
    else if (statDifferent(e, img)) record(e.path, CHANGE.modified);
    if (e.type !== 'directory' || img?.type !== 'directory') continue;
    if (!e.opaque && merged.has(parentOf(e.path))) merged.add(e.path);
    else hiding.push(e.path);
  }
  for (const dir of hiding) {
    for (const name of await image.children(dir)) {
      const path = `${dir}/${name}`;
      if (!present.has(path) && !ignore(path)) record(path, CHANGE.deleted);
    }
  }
  const out = [...kinds].map(([p, Kind]) => ({ Path: `/${p}`, Kind }));
  return out.sort((a, b) => (a.Path < b.Path ? -1 : a.Path > b.Path ? 1 : 0));
}
