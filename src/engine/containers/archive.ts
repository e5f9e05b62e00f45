/**
 * `HEAD` and `GET /containers/{id}/archive` (moby's `containerStatPath` and
 * `containerArchivePath`): the stat of a path in a container, and a tar of it. Paths are
 * resolved inside the container's root by moorage-pack, so a symlink in the container leads to
 * the container's file, never the host's; below the path no symlink is followed. Works on
 * running and stopped containers (a lease mounts the rootfs for the duration).
 * @module
 */
import { posix } from 'node:path';
import type { Container } from '../../container/container.ts';
import { InvalidParameter, MoorageError, NotFound, SystemError } from '../../errors.ts';
import { readTree, statTree, type FsRecord, type FsType } from '../../snapshots/packer.ts';
import { treeTar } from '../../snapshots/tree-tar.ts';
import type { Engine } from '../engine.ts';
import { leaseRootfs } from './rootfs-lease.ts';

/** A path in a container as Docker reads one. */
export interface DockerPath {
  /** Absolute and clean, with a trailing `/` or `/.` kept (they mean something to Docker). */
  abs: string;
  /** The last component is followed: the path ended in `/` or `/.`. */
  follow: boolean;
  /** Its base name (`filepath.Base`): the stat's name and the archive's top entry. */
  name: string;
}

/**
 * A client's path as moby reads it: joined to `/` and cleaned, with the trailing `/` or `/.`
 * it had kept (`archive.PreserveTrailingDotOrSeparator`).
 */
export function dockerPath(path: string): DockerPath {
  if (!path) throw new InvalidParameter('bad parameter: path cannot be empty');
  if (path.includes('\0')) throw new InvalidParameter('bad parameter: path contains a NUL byte');
  let abs = posix.resolve('/', path);
  if (posix.basename(path) === '.' && posix.basename(abs) !== '.') abs += abs.endsWith('/') ? '.' : '/.';
  if (path.endsWith('/') && !abs.endsWith('/')) abs += '/';
  const trimmed = abs.replace(/\/+$/, '');
  return { abs, follow: abs !== '/' && (abs.endsWith('/') || abs.endsWith('/.')), name: trimmed ? posix.basename(trimmed) : '/' };
}

/** Docker's stat of a path (`X-Docker-Container-Path-Stat`), before its wire encoding. */
export interface PathStat {
  name: string;
  size: number;
  type: FsType;
  /** Permission and set-id/sticky bits. */
  mode: number;
  mtimeSec: number;
  mtimeNsec: number;
  /** For a symlink: where it leads inside the container, every link followed; '' otherwise. */
  linkTarget: string;
}

function pathStat(rec: FsRecord, name: string): PathStat {
  return {
    name, size: rec.size, type: rec.type, mode: rec.mode, mtimeSec: rec.mtimeSec, mtimeNsec: rec.mtimeNsec,
    linkTarget: rec.type === 'symlink' ? rec.resolved : '',
  };
}

/** The helper's failures about `path`, in Docker's words (`Could not find the file …`). */
export function pathError(err: unknown, path: string, c: Container): unknown {
  if (!(err instanceof MoorageError)) return err;
  if (err.code === 'MOORAGE_NO_SUCH_PATH') return new NotFound(`Could not find the file ${path} in container ${c.name}`, 'MOORAGE_NO_SUCH_PATH');
  if (err.code === 'MOORAGE_SYMLINK_LOOP') return new InvalidParameter(`Could not resolve ${path} in container ${c.name}: too many levels of symbolic links`, 'MOORAGE_SYMLINK_LOOP');
  return err;
}

/** `HEAD /containers/{id}/archive`: the stat of `path` (lstat: a final symlink is not followed). */
export async function statContainerPath(d: Engine, c: Container, path: string): Promise<PathStat> {
  const p = dockerPath(path);
  const lease = await leaseRootfs(d, c, { mount: true });
  try {
    return pathStat(await statTree(lease.root, p.abs, { follow: p.follow, signal: lease.signal }), p.name);
  } catch (err) {
    throw pathError(err, path, c);
  } finally {
    await lease.release();
  }
}

/** Where a tar goes: written with backpressure, until the client goes away. */
export interface TarSink {
  write(chunk: Buffer): Promise<void>;
  signal: AbortSignal;
}

/**
 * Streams a tar of `path` (moby's `TarResourceRebase`): a directory's entries under its base
 * name (`etc/`, `etc/passwd`; `./…` for a path ending in `/.`), a file or a symlink as one
 * entry of its base name. `onStat` gets the stat before the first byte, and `archive-path` is
 * published. A failure before then is thrown as it is; after it, the stream is cut.
 */
export async function archiveContainerPath(d: Engine, c: Container, path: string, sink: TarSink, onStat: (s: PathStat) => void): Promise<void> {
  const p = dockerPath(path);
  const base = p.name === '/' ? '' : p.name; // the root's entries are `/`, `/bin`, … as moby names them
  await streamTree(d, c, p, sink, (rel) => (rel ? `${base}/${rel}` : base), (rec) => {
    onStat(pathStat(rec, p.name));
    d.emit(c, 'archive-path');
  }, (err) => pathError(err, path, c));
}

/**
 * The tar of the tree at `p` in the container, entries named by `name`, into `sink`: the first
 * record (the path itself) goes to `first` before any byte; `failed` rewrites a failure to
 * find the path.
 */
export async function streamTree(d: Engine, c: Container, p: Pick<DockerPath, 'abs' | 'follow'>, sink: TarSink,
  name: (rel: string) => string | null, first: (rec: FsRecord) => void, failed: (err: unknown) => unknown = (e) => e): Promise<void> {
  const lease = await leaseRootfs(d, c, { mount: true });
  try {
    const signal = AbortSignal.any([sink.signal, lease.signal]);
    const records = readTree(lease.root, p.abs, 'pack', { follow: p.follow, signal });
    const head = await records.next().catch((err: unknown) => { throw failed(err); });
    if (head.done) throw new SystemError('moorage-pack wrote no record');
    first(head.value);
    const all = (async function* () {
      yield head.value;
      yield* records;
    })();
    try {
      for await (const chunk of treeTar(all, name)) await sink.write(chunk);
    } finally {
      await records.return(undefined); // ends the helper however the stream ended
    }
  } finally {
    await lease.release();
  }
}
