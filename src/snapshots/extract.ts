/**
 * Extracts an image tarball into an empty layer directory. Entries are parsed here and written
 * by moorage-unpack, which resolves every path inside the directory in the kernel and follows
 * no symlink: an archive cannot reach outside, however its entries are ordered.
 * @module
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { posix } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidParameter } from '../errors.ts';
import { readTar, type TarEntry } from './tar-reader.ts';
import { Unpacker, type EntryMeta } from './unpacker.ts';

/** What an extraction produced. */
export interface Extracted {
  /** sha256 of the (uncompressed) tar stream: the layer's identity. */
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

/**
 * Extracts `input` (tar, optionally gzip) into the directory `root` (created if missing). On a
 * bad entry it throws {@link InvalidParameter}; the caller deletes `root`, so nothing is kept.
 */
export async function extractLayer(input: Readable, root: string, onBytes?: (n: number) => void): Promise<Extracted> {
  await mkdir(root, { recursive: true });
  const hash = createHash('sha256');
  const source = await tarStream(input);
  const tapped = (async function* () {
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        hash.update(chunk);
        onBytes?.(chunk.length);
        yield chunk;
      }
    } catch (err) {
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
    input.resume();
    throw err;
  }
  return { digest: hash.digest('hex'), size, entries };
}

/** Sends one entry to the helper; returns the bytes of content written. */
async function writeEntry(u: Unpacker, e: TarEntry): Promise<number> {
  const path = safeEntryPath(e.name);
  const meta: EntryMeta = { mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime, xattrs: e.xattrs };
  if (path === '.' && e.type !== 'directory') throw new InvalidParameter(`invalid tar entry "${e.name}": the root must be a directory`, 'MOORAGE_INVALID_ARCHIVE');
  return u.entry(path, e, meta, e.type === 'link' ? safeEntryPath(e.linkname) : '');
}

/** The tar stream inside `input`: gunzipped when it starts with gzip's magic bytes. */
export async function tarStream(input: Readable): Promise<Readable> {
  const head = await firstBytes(input);
  const source = head.gzip ? head.stream.pipe(createGunzip()) : head.stream;
  source.on('error', () => {}); // reported through the reader's iteration
  return source;
}

/** Peeks at the first bytes to tell gzip from plain tar, keeping them in the stream. */
async function firstBytes(input: Readable): Promise<{ gzip: boolean; stream: Readable }> {
  const out = new PassThrough();
  return new Promise((resolve, reject) => {
    const onReadable = () => {
      const chunk = input.read() as Buffer | null;
      if (chunk === null) return;
      input.off('readable', onReadable);
      input.off('end', onEnd);
      out.write(chunk);
      input.pipe(out);
      resolve({ gzip: chunk[0] === 0x1f && chunk[1] === 0x8b, stream: out });
    };
    const onEnd = () => { out.end(); resolve({ gzip: false, stream: out }); };
    input.on('readable', onReadable);
    input.once('end', onEnd);
    input.once('error', reject);
  });
}
