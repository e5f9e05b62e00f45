/**
 * Extracts an image tarball into an empty layer directory, refusing any entry that could write
 * outside it: `..`, absolute paths, writes through a symlink, and links that point out.
 * @module
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, link, lchown, lstat, lutimes, mkdir, rm, symlink } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { InvalidParameter } from '../errors.ts';

/** What an extraction produced. */
export interface Extracted {
  /** sha256 of the (uncompressed) tar stream: the layer's identity. */
  digest: string;
  /** Bytes of file content written. */
  size: number;
  entries: number;
}

/**
 * The entry's path relative to the layer root, or an error for one that escapes it. Leading
 * `./` is fine; a leading `/` or any `..` that climbs out is not.
 */
export function safeEntryPath(name: string): string {
  if (name.startsWith('/')) throw new InvalidParameter(`invalid tar entry "${name}": absolute path`);
  const norm = posix.normalize(name).replace(/\/+$/, '');
  if (norm === '..' || norm.startsWith('../')) {
    throw new InvalidParameter(`invalid tar entry "${name}": path escapes the image root`);
  }
  return norm === '.' ? '' : norm;
}

/** Rejects a symlink whose relative target climbs above the layer root from where it stands. */
export function checkSymlinkTarget(entry: string, target: string): void {
  if (target.startsWith('/')) return; // resolved inside the container's root at run time
  const resolved = posix.normalize(posix.join(posix.dirname(entry), target));
  if (resolved === '..' || resolved.startsWith('../')) {
    throw new InvalidParameter(`invalid tar entry "${entry}": symlink to "${target}" points outside the image root`);
  }
}

/** Rejects a hard link to anything but an earlier entry inside the layer. */
function checkHardlinkTarget(entry: string, target: string, seen: Set<string>): string {
  let rel: string;
  try {
    rel = safeEntryPath(target);
  } catch {
    throw new InvalidParameter(`invalid tar entry "${entry}": hard link to "${target}" points outside the image root`);
  }
  if (!seen.has(rel)) {
    throw new InvalidParameter(`invalid tar entry "${entry}": hard link to "${target}", which is not in the archive`);
  }
  return rel;
}

/**
 * Extracts `input` (tar, optionally gzip) into the empty directory `root`. On a bad entry it
 * throws {@link InvalidParameter}; the caller deletes `root`, so nothing is kept.
 */
export async function extractLayer(input: Readable, root: string, onBytes?: (n: number) => void): Promise<Extracted> {
  const hash = createHash('sha256');
  const extract = tar.extract();
  const seen = new Set<string>();
  const dirModes: [string, number][] = [];
  let size = 0;
  let entries = 0;

  const consume = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      const rel = safeEntryPath(h.name);
      entries++;
      const dest = join(root, rel);
      if (rel) {
        await assertRealParents(root, rel, h.name);
        await mkdir(dirname(dest), { recursive: true });
        await clearFor(dest, h.type === 'directory');
      }
      switch (h.type) {
        case 'directory':
          await mkdir(dest, { recursive: true });
          dirModes.push([dest, h.mode ?? 0o755]);
          break;
        case 'file':
        case 'contiguous-file':
          // O_EXCL: never opens through a symlink, whatever is at `dest`.
          await pipeline(entry, createWriteStream(dest, { flags: 'wx', mode: h.mode ?? 0o644 }));
          size += h.size ?? 0;
          await chmod(dest, h.mode ?? 0o644);
          break;
        case 'symlink':
          checkSymlinkTarget(rel, h.linkname ?? '');
          await symlink(h.linkname ?? '', dest);
          break;
        case 'link':
          await link(join(root, checkHardlinkTarget(rel, h.linkname ?? '', seen)), dest);
          break;
        default:
          break; // devices and fifos are not needed in a layer and are skipped
      }
      entry.resume();
      if (rel && h.type !== 'link') {
        seen.add(rel);
        await lchown(dest, h.uid ?? 0, h.gid ?? 0).catch(() => {});
        if (h.mtime && h.type !== 'symlink') await lutimes(dest, h.mtime, h.mtime).catch(() => {});
      }
    }
  })();

  const head = await firstBytes(input);
  const source = head.gzip ? head.stream.pipe(createGunzip()) : head.stream;
  source.on('data', (d: Buffer) => { hash.update(d); onBytes?.(d.length); });
  const feeding = pipeline(source, extract).catch((err: Error) => { throw toInvalid(err); });
  try {
    await Promise.all([consume, feeding]);
  } catch (err) {
    extract.destroy();
    input.resume();
    throw toInvalid(err);
  }
  // Directory modes last, so a read-only directory does not stop its own extraction; a path
  // a later entry turned into something else is left alone.
  for (const [dir, mode] of dirModes.reverse()) {
    if ((await lstat(dir).catch(() => null))?.isDirectory()) await chmod(dir, mode).catch(() => {});
  }
  return { digest: hash.digest('hex'), size, entries };
}

/** Refuses an entry whose parent directories include a symlink (checked on disk, not by name). */
async function assertRealParents(root: string, rel: string, name: string): Promise<void> {
  let p = root;
  for (const part of posix.dirname(rel).split('/').filter((x) => x && x !== '.')) {
    p = join(p, part);
    const st = await lstat(p).catch(() => null);
    if (!st) return; // the rest is created fresh by mkdir
    if (st.isSymbolicLink()) throw new InvalidParameter(`invalid tar entry "${name}": path goes through a symlink`);
    if (!st.isDirectory()) throw new InvalidParameter(`invalid tar entry "${name}": a parent is not a directory`);
  }
}

/** Makes room for an entry: a later entry replaces an earlier one, as tar does. */
async function clearFor(dest: string, isDir: boolean): Promise<void> {
  const st = await lstat(dest).catch(() => null);
  if (!st || (isDir && st.isDirectory())) return;
  await rm(dest, { recursive: st.isDirectory(), force: true });
}

function toInvalid(err: unknown): Error {
  if (err instanceof InvalidParameter) return err;
  const msg = (err as Error).message ?? String(err);
  return new InvalidParameter(`invalid image archive: ${msg}`);
}

/** Peeks at the first bytes to tell gzip from plain tar, keeping them in the stream. */
async function firstBytes(input: Readable): Promise<{ gzip: boolean; stream: Readable }> {
  const { PassThrough } = await import('node:stream');
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
