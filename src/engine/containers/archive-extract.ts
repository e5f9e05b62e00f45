/**
 * `PUT /containers/{id}/archive` (moby's `containerExtractToDir`): a tar extracted into a
 * directory of the container. The destination is resolved inside the container's root with
 * every symlink followed (so a copy to a link to a directory lands in that directory), must be a
 * directory, and the entries are written by moorage-unpack resolving each path inside the root
 * again: no symlink of the container's or of the archive's makes a write leave it.
 * @module
 */
import type { Readable } from 'node:stream';
import type { Container } from '../../container/container.ts';
import { InvalidParameter } from '../../errors.ts';
import { copyIn } from '../../snapshots/copy-in.ts';
import { readRootFile, statTree } from '../../snapshots/packer.ts';
import type { Engine } from '../engine.ts';
import { dockerPath, pathError } from './archive.ts';
import { leaseRootfs } from './rootfs-lease.ts';
import { resolveUser } from './user.ts';

/** Largest /etc/passwd or /etc/group read for `copyUIDGID`. */
const MAX_ACCOUNT_FILE = 4 << 20;

/** The flags of the request. */
export interface ExtractOptions {
  /** Refuse to replace a directory with a non-directory or the reverse (the docker CLI always sets it). */
  noOverwriteDirNonDir: boolean;
  /** Own every file by the container's user (`docker cp -a`), looked up in the container's own files. */
  copyUIDGID: boolean;
}

/** Extracts the tar `input` into the directory `path` of the container; publishes `extract-to-dir`. */
export async function extractToContainer(d: Engine, c: Container, path: string, input: Readable, o: ExtractOptions): Promise<void> {
  if (c.hostConfig.ReadonlyRootfs === true) throw new InvalidParameter('container rootfs is marked read-only');
  const p = dockerPath(path);
  const lease = await leaseRootfs(d, c, { mount: true });
  try {
    const target = await statTree(lease.root, p.abs, { follow: true, signal: lease.signal }).catch((err: unknown) => { throw pathError(err, path, c); });
    if (target.type !== 'directory') throw new InvalidParameter('extraction point is not a directory', 'MOORAGE_NOT_A_DIRECTORY');
    const owner = o.copyUIDGID && c.config.User
      ? await resolveUser((file) => readRootFile(lease.root, `/etc/${file}`, MAX_ACCOUNT_FILE, { signal: lease.signal }), c.config.User)
      : undefined;
    await copyIn(input, lease.root, target.resolved.replace(/^\/+/, ''), { keepKinds: o.noOverwriteDirNonDir, owner, signal: lease.signal });
  } finally {
    await lease.release();
  }
  d.emit(c, 'extract-to-dir');
}
