/**
 * Extracts an image tarball into an empty layer directory. Entries are parsed here and written
 * by moorage-unpack, which resolves every path inside the directory in the kernel and follows
 * no symlink: an archive cannot reach outside, however its entries are ordered.
 * @module
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidParameter, MoorageError } from '../errors.ts';
import { decompress } from './decompress.ts';
import { readTar, type TarEntry } from './tar-reader.ts';
import { Unpacker, type EntryMeta } from './unpacker.ts';
import { layerXattrAllowed, OPAQUE_XATTR, whiteoutAction } from './whiteout.ts';

/** What an extraction produced. */
export interface Extracted {
  /** sha256 hex of the uncompressed tar stream: the layer's diffID. */
  digest: string;
  /** Bytes of file content written. */
  size: number;
  entries: number;
}

/**
 * The entry's path relative to the layer root (`.` for the root itself), or an error for one
 * that names a place outside it: a leading `/` or a `..` that climbs out.
 */
export function safeEntryPath(name: string): string {
  if (name.startsWith('/')) throw new InvalidParameter(`invalid tar entry "${name}": absolute path`, 'MOORAGE_INVALID_ARCHIVE');
  const norm = posix.normalize(name).replace(/\/+$/, '');
  if (norm === '..' || norm.startsWith('../')) {
    throw new InvalidParameter(`invalid tar entry "${name}": path escapes the image root`, 'MOORAGE_INVALID_ARCHIVE');
  }
  return norm === '' ? '.' : norm;
}

/** A whiteout: a character device 0/0 with no permissions. */
const WHITEOUT_MODE = 0o020000;

/** Options of {@link extractLayer}. */
export interface ExtractOptions {
  /** Called with the count of (compressed) input bytes as they are read. */
  onBytes?: (n: number) => void;
}

/**
 * Extracts `input` (a tar, plain, gzip or zstd) into the directory `root` (created if missing)
 * as an overlay layer: whiteouts become overlay whiteouts and opaque dirs. The digest is the
 * layer's diffID (the sha256 of the uncompressed tar). On a bad entry it throws
 * {@link InvalidParameter}; the caller deletes `root`, so nothing is kept.
 */
export async function extractLayer(input: AsyncIterable<Buffer>, root: string, opts: ExtractOptions = {}): Promise<Extracted> {
  await mkdir(root, { recursive: true });
  const hash = createHash('sha256');
  const counted = (async function* () {
    for await (const chunk of input) {
      opts.onBytes?.(chunk.length);
      yield chunk;
    }
  })();
  const tapped = (async function* () {
    try {
      for await (const chunk of decompress(counted)) {
        hash.update(chunk);
        yield chunk;
      }
    } catch (err) {
      if (err instanceof MoorageError) throw err;
      throw new InvalidParameter(`invalid image archive: ${(err as Error).message}`, 'MOORAGE_INVALID_ARCHIVE');
    }
  })();
  const unpack = Unpacker.start(root, 'beneath');
  let size = 0;
  let entries = 0;
  try {
    for await (const e of readTar(tapped)) {
      entries++;
      size += await writeEntry(unpack, e);
    }
    await unpack.finish();
  } catch (err) {
    await unpack.abort();
    await tapped.return(undefined).catch(() => {}); // closing the source: the first error is the one thrown
    throw err;
  }
  return { digest: hash.digest('hex'), size, entries };
}

/** Sends one entry to the helper; returns the bytes of content written. */
async function writeEntry(u: Unpacker, e: TarEntry): Promise<number> {
  const path = safeEntryPath(e.name);
  const xattrs = Object.fromEntries(Object.entries(e.xattrs).filter(([k]) => layerXattrAllowed(k)));
  const meta: EntryMeta = { mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime, xattrs };
  if (path === '.' && e.type !== 'directory') throw new InvalidParameter(`invalid tar entry "${e.name}": the root must be a directory`, 'MOORAGE_INVALID_ARCHIVE');
  const wh = whiteoutAction(path);
  switch (wh.kind) {
    case 'skip': return 0;
    case 'opaque': await u.xattr(wh.dir, { [OPAQUE_XATTR]: Buffer.from('y') }); return 0;
    case 'whiteout': await u.node(wh.path, { ...meta, mode: WHITEOUT_MODE, xattrs: {} }, 0, 0); return 0;
    case 'entry': break;
  }
  return u.entry(path, e, meta, e.type === 'link' ? safeEntryPath(e.linkname) : '');
}

/** The tar stream inside `input`: decompressed when its first bytes say gzip or zstd. */
export async function tarStream(input: Readable): Promise<Readable> {
  return Readable.from(decompress(input as AsyncIterable<Buffer>), { objectMode: false });
}
