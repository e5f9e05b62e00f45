/**
 * `docker cp` into a container: a tar (plain or gzip) extracted into a directory of the
 * container's root by moorage-unpack in its in-root mode, so the container's own symlinks are
 * followed as the container would follow them — an absolute target, a `..` climb or a chain of
 * links all stay inside its root — and no entry can reach the host, whatever came before it.
 * @module
 */
import type { Readable } from 'node:stream';
import { safeEntryPath, tarStream } from './extract.ts';
import { readTar } from './tar-reader.ts';
import { Unpacker } from './unpacker.ts';

/** Options of {@link copyIn}. */
export interface CopyInOptions {
  /** Refuse to replace a directory with a non-directory or the reverse (`noOverwriteDirNonDir`). */
  keepKinds?: boolean;
  /** Owner of every extracted file (`copyUIDGID`: the container's user); default: the archive's. */
  owner?: { uid: number; gid: number };
  /** Ends the extraction (what was written stays, as with Docker). */
  signal?: AbortSignal;
}

/**
 * Extracts `input` into `dir`, a directory already resolved inside `root` (relative to it, ''
 * for the root itself). Entry names are relative to `dir`; a leading `/` is dropped, as Docker
 * does, and a `..` that climbs above `dir` is refused. Returns the number of entries.
 */
export async function copyIn(input: Readable, root: string, dir: string, opts: CopyInOptions = {}): Promise<number> {
  const at = (name: string) => {
    const rel = safeEntryPath(name.replace(/^\/+/, '') || '.');
    return rel === '.' ? dir || '.' : dir ? `${dir}/${rel}` : rel;
  };
  const source = await tarStream(input);
  const unpack = Unpacker.start(root, 'in-root', { keepKinds: opts.keepKinds });
  const stop = () => { void unpack.abort(); input.destroy(); };
  if (opts.signal?.aborted) stop();
  opts.signal?.addEventListener('abort', stop, { once: true });
  let entries = 0;
  try {
    for await (const e of readTar(source as AsyncIterable<Buffer>)) {
      const meta = { mode: e.mode, uid: opts.owner?.uid ?? e.uid, gid: opts.owner?.gid ?? e.gid, mtime: e.mtime, xattrs: e.xattrs };
      await unpack.entry(at(e.name), e, meta, e.type === 'link' ? at(e.linkname) : '');
      entries++;
    }
    await unpack.finish();
  } catch (err) {
    await unpack.abort();
    input.resume();
    throw opts.signal?.aborted ? opts.signal.reason as Error : err;
  } finally {
    opts.signal?.removeEventListener('abort', stop);
  }
  return entries;
}
