/**
 * `moorage cp`: copies between a container and the local filesystem with docker cp's rules (its
 * `copyFromContainer`, `copyToContainer` and go-archive's `PrepareArchiveCopy`): into an
 * existing directory a copy keeps its name; to a path that does not exist (or to a file, for a
 * file) it takes that path's name; `dir/.` copies a directory's content; `-` is a tar on stdin
 * or stdout. The engine resolves container paths inside the container.
 * @module
 */
import { realpath, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { MODE_DIR, MODE_SYMLINK } from '../../client/containers.ts';
import { NotFound } from '../../client/errors.ts';
import type { ContainerPathStat } from '../../client/types.ts';
import { CliError, type CliContext } from '../context.ts';
import { packLocal, unpackLocal } from '../local-tar.ts';

/** Where one side of a copy is: a container's path, or a local one (`container` undefined). */
export interface CpTarget {
  container?: string;
  path: string;
}

/**
 * docker's `splitCpArg`: `CONTAINER:PATH`, unless the argument is an absolute path or names a
 * local relative path explicitly (`./file:name`).
 */
export function splitCpArg(arg: string): CpTarget {
  if (arg.startsWith('/')) return { path: arg };
  const colon = arg.indexOf(':');
  if (colon < 0 || arg.startsWith('.')) return { path: arg };
  return { container: arg.slice(0, colon), path: arg.slice(colon + 1) };
}

/** The name a path's copy has at the top of its archive: its base name, `.` for `dir/.`. */
export function topName(path: string): string {
  if (path === '.' || path.endsWith('/.')) return '.';
  const trimmed = path.replace(/\/+$/, '');
  return trimmed ? posix.basename(trimmed) : '.';
}

const isDir = (s: ContainerPathStat) => (s.mode & MODE_DIR) !== 0;

/** Registers `cp`. */
export function registerCp(program: Command, ctx: CliContext): void {
  program.command('cp')
    .description('Copy files/folders between a container and the local filesystem')
    .argument('<source>', 'CONTAINER:SRC_PATH, a local path, or - for a tar on stdin')
    .argument('<destination>', 'CONTAINER:DEST_PATH, a local path, or - for a tar on stdout')
    .option('-a, --archive', 'Archive mode: the copied files belong to the container\'s user')
    .option('-L, --follow-link', 'Always follow symlinks in SRC_PATH')
    .action(async (source: string, destination: string, o: { archive?: boolean; followLink?: boolean }) => {
      if (!source) throw new CliError('source can not be empty');
      if (!destination) throw new CliError('destination can not be empty');
      const src = splitCpArg(source);
      const dst = splitCpArg(destination);
      if (src.container !== undefined && dst.container !== undefined) throw new CliError('copying between containers is not supported');
      if (src.container !== undefined) await copyFromContainer(ctx, src.container, src.path, dst.path, Boolean(o.followLink));
      else if (dst.container !== undefined) await copyToContainer(ctx, src.path, dst.container, dst.path, o);
      else throw new CliError('must specify at least one container source');
    });
}

/** Stats a local path, following symlinks; null when it does not exist. */
async function localStat(path: string) {
  return stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw new CliError(`${err.syscall ?? 'stat'} ${path}: ${err.message}`);
  });
}

async function copyFromContainer(ctx: CliContext, container: string, srcPath: string, dstPath: string, follow: boolean): Promise<void> {
  const client = ctx.client().containers;
  let path = srcPath;
  if (follow) {
    const s = await client.archiveStat(container, srcPath);
    if (s.mode & MODE_SYMLINK) path = s.linkTarget; // already resolved inside the container
  }
  const local = dstPath === '-' ? null : await localStat(dstPath);
  const { stat: st, stream } = await client.getArchive(container, path);
  if (dstPath === '-') {
    for await (const chunk of stream) {
      if (!ctx.io.stdout.write(chunk)) await new Promise((r) => ctx.io.stdout.once('drain', r));
    }
    return;
  }
  // Into a directory the copy keeps its name (the link's, with -L); elsewhere it takes the destination's.
  let dir = dstPath;
  let name = topName(srcPath);
  if (!local?.isDirectory()) {
    dir = posix.dirname(dstPath.replace(/\/+$/, '') || '/');
    name = topName(dstPath);
    const why = local && isDir(st) ? `cannot copy a directory to a file: ${dstPath}`
      : !local && dstPath.endsWith('/') && !isDir(st) ? `destination directory ${dstPath} does not exist`
        : !(await localStat(dir))?.isDirectory() ? `destination directory ${dir} does not exist` : null;
    if (why) {
      stream.destroy();
      throw new CliError(why);
    }
  }
  await unpackLocal(stream, dir, { from: topName(path), to: name });
}

async function copyToContainer(ctx: CliContext, srcPath: string, container: string, dstPath: string,
  o: { archive?: boolean; followLink?: boolean }): Promise<void> {
  const client = ctx.client().containers;
  let dst: ContainerPathStat | null = null;
  let dstDir = dstPath;
  try {
    dst = await client.archiveStat(container, dstPath);
    if (dst.mode & MODE_SYMLINK) {
      dstDir = dst.linkTarget;
      dst = await client.archiveStat(container, dstDir);
    }
  } catch (err) {
    if (!(err instanceof NotFound)) throw err;
    dst = null; // the parent may still be there: the extraction says
  }
  const put = (tar: Readable, dir: string) => client.putArchive(container, dir, tar, { noOverwriteDirNonDir: true, copyUIDGID: o.archive });
  if (srcPath === '-') {
    if (!dst || !isDir(dst)) throw new CliError(`destination "${container}:${dstPath}" must be a directory`);
    await put(ctx.io.stdin, dstDir);
    return;
  }
  const local = await localStat(srcPath);
  if (!local) throw new CliError(`lstat ${srcPath}: no such file or directory`);
  if (!local.isDirectory() && srcPath.endsWith('/')) throw new CliError(`lstat ${srcPath}: not a directory`);
  // Packed from where it really is when links are followed, under the name it was given.
  const packed = o.followLink ? await realpath(srcPath) : srcPath;
  const top = topName(srcPath);
  const packDir = top === '.' ? packed : posix.dirname(packed.replace(/\/+$/, '') || '/');
  const packName = top === '.' ? '.' : posix.basename(packed.replace(/\/+$/, ''));
  let name = top;
  if (!dst || !isDir(dst)) {
    if (dst && local.isDirectory()) throw new CliError(`cannot copy a directory to a file: ${container}:${dstPath}`);
    if (!dst && dstPath.endsWith('/') && !local.isDirectory()) throw new CliError(`destination directory ${container}:${dstPath} does not exist`);
    name = topName(dstDir);
    dstDir = posix.dirname(dstDir.replace(/\/+$/, '') || '/');
  }
  const tar = packLocal(packDir, packName, { from: packName, to: name });
  // A failed upload ends tar; a failed tar (an unreadable file) says more than the upload it cut.
  const [sent, packedOk] = await Promise.allSettled([put(tar.stream, dstDir).finally(() => tar.stream.destroy()), tar.done]);
  if (packedOk.status === 'rejected' && (sent.status === 'fulfilled' || !/Broken pipe/.test(String(packedOk.reason)))) throw packedOk.reason;
  if (sent.status === 'rejected') throw sent.reason;
}
