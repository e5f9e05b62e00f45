/**
 * An image's unpacked root as `docker diff` compares a container with it. Paths are looked up
 * one component at a time with lstat, so a symlink in the image is never followed on the way
 * (an absolute one would lead into the host's tree): where the image has no directory, it has
 * nothing below. Layers are immutable, so what is checked stays true.
 * @module
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parentOf, type FileFacts, type ImageView } from './layer-changes.ts';
import { fileType } from './packer.ts';

/** The facts of a bigint lstat. */
function facts(st: import('node:fs').BigIntStats): FileFacts {
  const rdev = st.rdev;
  return {
    type: fileType(Number(st.mode)) ?? 'file',
    mode: Number(st.mode) & 0o7777,
    uid: Number(st.uid),
    gid: Number(st.gid),
    size: Number(st.size),
    mtimeSec: Number(st.mtimeNs / 1_000_000_000n),
    mtimeNsec: Number(st.mtimeNs % 1_000_000_000n),
    // glibc's major()/minor() split of a dev_t.
    devmajor: Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn)),
    devminor: Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn)),
  };
}

/** The image whose root filesystem is the directory `root`. */
export function dirImageView(root: string): ImageView {
  const dirs = new Map<string, Promise<boolean>>();
  const look = (path: string) => lstat(join(root, path), { bigint: true }).then(facts, () => null);
  /** Whether `path` is a directory reached through directories only. */
  const isDir = (path: string): Promise<boolean> => {
    if (path === '') return Promise.resolve(true);
    let p = dirs.get(path);
    if (!p) {
      p = isDir(parentOf(path)).then(async (ok) => ok && (await look(path))?.type === 'directory');
      dirs.set(path, p);
    }
    return p;
  };
  return {
    async stat(path) {
      return (await isDir(parentOf(path))) ? look(path) : null;
    },
    async children(path) {
      return (await isDir(path)) ? readdir(join(root, path)) : [];
    },
  };
}
