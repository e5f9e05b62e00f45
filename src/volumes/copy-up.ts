/**
 * Docker's copy-up: a new (empty) volume mounted where the image has content gets that content
 * first, with the directory's own owner, mode and times, and every file's xattrs, hard links
 * and symlinks (`cp -a` keeps them all).
 * @module
 */
import { execFile } from 'node:child_process';
import { lstat, readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InvalidParameter, SystemError, messageOf } from '../errors.ts';

const run = promisify(execFile);
const COPY_TIMEOUT_MS = 120_000;

/**
 * Copies `rootfs/<target>` into `dest` when `dest` is empty and the image has a directory
 * there. A file there is an error (moby's); a path that resolves outside the rootfs (through
 * a symlink) is not copied. Returns whether it copied.
 */
export async function copyUp(rootfs: string, target: string, dest: string): Promise<boolean> {
  if ((await readdir(dest)).length) return false; // a used volume is never overwritten
  const inImage = join(rootfs, target);
  const st = await lstat(inImage).catch(() => null);
  if (!st) return false;
  const real = await realpath(inImage).catch(() => null);
  if (!real || !(real === rootfs || real.startsWith(`${rootfs}/`))) return false;
  const rst = await lstat(real);
  if (!rst.isDirectory()) throw new InvalidParameter(`cannot mount volume over existing file, file exists ${target}`);
  try {
    await run('cp', ['-a', '--', `${real}/.`, `${dest}/`], { timeout: COPY_TIMEOUT_MS });
  } catch (err) {
    throw new SystemError(`copying ${target} from the image into its volume failed: ${(err as { stderr?: string }).stderr?.trim() || messageOf(err)}`);
  }
  return true;
}
