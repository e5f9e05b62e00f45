/**
 * A tree read by moorage-pack as a tar stream, the way moby's archiver writes one: entries in
 * the walk's order, files that share an inode as hard links to the first one written, sockets
 * left out (tar has no type for them), whole-second times, and a file's `security.capability`
 * kept as a pax record. Read from an overlay writable layer, it is a layer's diff: overlay's
 * whiteouts (0/0 character devices) and opaque directories become the tar's `.wh.` files.
 * @module
 */
import type { FsRecord } from './packer.ts';
import { writeTar, type TarWriteEntry, type TarWriteType } from './tar-writer.ts';

/** How to write the tree. */
export interface TreeTarOptions {
  /** The tree is an overlay writable layer: write its whiteouts as a layer's (for commit). */
  whiteouts?: boolean;
}

/**
 * The tar bytes of `records`; `name` gives each record's entry name from its path relative to
 * the path read ('' for that path itself), or null to leave it out.
 */
export function treeTar(records: AsyncIterable<FsRecord>, name: (path: string) => string | null, opts: TreeTarOptions = {}): AsyncGenerator<Buffer> {
  return writeTar(treeEntries(records, name, opts));
}

async function* treeEntries(records: AsyncIterable<FsRecord>, name: (path: string) => string | null, opts: TreeTarOptions): AsyncGenerator<TarWriteEntry> {
  const seen = new Map<string, string>();
  for await (const r of records) {
    const entryName = name(r.path);
    if (entryName === null || r.type === 'socket') continue;
    const base = {
      name: entryName, mode: r.mode, uid: r.uid, gid: r.gid, mtime: r.mtimeSec,
      devmajor: r.devmajor, devminor: r.devminor,
    };
    if (opts.whiteouts && r.type === 'char' && r.devmajor === 0 && r.devminor === 0) {
      const slash = entryName.lastIndexOf('/');
      yield { ...base, name: `${entryName.slice(0, slash + 1)}.wh.${entryName.slice(slash + 1)}`, type: 'file', mode: 0o600, devmajor: 0, devminor: 0, size: 0 };
      continue;
    }
    if (opts.whiteouts && r.type === 'directory' && r.opaque) {
      yield { ...base, type: 'directory' };
      yield { ...base, name: `${entryName}/.wh..wh..opq`, type: 'file', mode: r.mode & 0o777, size: 0 };
      continue;
    }
    if (r.type !== 'directory' && r.nlink > 1) {
      const key = `${r.dev}:${r.ino}`;
      const first = seen.get(key);
      if (first !== undefined) {
        yield { ...base, type: 'link', linkname: first };
        continue;
      }
      seen.set(key, entryName);
    }
    const type: TarWriteType = r.type;
    yield {
      ...base, type, linkname: r.linkname, size: r.type === 'file' ? r.size : 0, body: r.body,
      ...(r.capability ? { xattrs: { 'security.capability': r.capability } } : {}),
    };
  }
}
