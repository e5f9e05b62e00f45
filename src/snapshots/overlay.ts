/**
 * A container's root filesystem: an overlay mount with the image's layers below (as short links
 * relative to the layer store, so a deep image fits the kernel's one-page option limit) and the
 * container's writable layer above.
 * @module
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { SystemError } from '../errors.ts';

const run = promisify(execFile);
const MOUNT_TIMEOUT_MS = 30_000;
/** mount(2) takes its options in one page. */
const PAGE = 4096;

/** The directories of one overlay. */
export interface OverlayDirs {
  /** Lower dirs, top first, relative to `base`. */
  lower: string[];
  /** The directory the lower dirs are relative to (the layer store). */
  base: string;
  upper: string;
  work: string;
  merged: string;
}

/** Creates the writable layer's directories (at container create). */
export async function prepareOverlay(d: Pick<OverlayDirs, 'upper' | 'work' | 'merged'>): Promise<void> {
  // Every mkdir settles before a failure is reported: the caller then deletes the container's
  // directory, and a recursive mkdir still under way would make it again.
  const results = await Promise.allSettled([d.upper, d.work, d.merged].map((p) => mkdir(p, { recursive: true })));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The mount options; mount(8) runs in `base`, where the kernel resolves the relative lower dirs. */
export function overlayOptions(d: OverlayDirs): string {
  const opts = `lowerdir=${d.lower.join(':')},upperdir=${d.upper},workdir=${d.work}`;
  if (Buffer.byteLength(opts) >= PAGE - 1) {
    throw new SystemError(`cannot mount layer, mount label too large (${d.lower.length} layers)`);
  }
  return opts;
}

/** Mounts the overlay unless it is mounted already. */
export async function mountOverlay(d: OverlayDirs): Promise<void> {
  if (await isMounted(d.merged)) return;
  const opts = overlayOptions(d);
  try {
    await run('mount', ['-t', 'overlay', 'overlay', '-o', opts, d.merged], { timeout: MOUNT_TIMEOUT_MS, cwd: d.base });
  } catch (err) {
    throw new SystemError(`mounting the container's rootfs failed: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`);
  }
}

/**
 * Mounts only the lower dirs, read-only, at `merged` (an image's root as its layers make it;
 * overlayfs needs two lower dirs at least without an upper one).
 */
export async function mountLowers(d: Pick<OverlayDirs, 'lower' | 'base' | 'merged'>): Promise<void> {
  await mkdir(d.merged, { recursive: true });
  const opts = `ro,lowerdir=${d.lower.join(':')}`;
  if (Buffer.byteLength(opts) >= PAGE - 1) throw new SystemError(`cannot mount layer, mount label too large (${d.lower.length} layers)`);
  try {
    await run('mount', ['-t', 'overlay', 'overlay', '-o', opts, d.merged], { timeout: MOUNT_TIMEOUT_MS, cwd: d.base });
  } catch (err) {
    throw new SystemError(`mounting the image's layers failed: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`);
  }
}

/** Unmounts the overlay if it is mounted (lazily if busy, so removal never hangs on it). */
export async function unmountOverlay(merged: string): Promise<void> {
  if (!(await isMounted(merged))) return;
  try {
    await run('umount', [merged], { timeout: MOUNT_TIMEOUT_MS });
  } catch {
    await run('umount', ['-l', merged], { timeout: MOUNT_TIMEOUT_MS }).catch(() => {});
  }
}

/**
 * Unmounts everything mounted at or below `dir`, deepest first (lazily if busy): what a
 * container's directory holds must be unmounted before the directory is deleted, or the
 * deletion would reach into the mounted filesystems.
 */
export async function unmountBelow(dir: string): Promise<void> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  const points = info.split('\n').map((l) => unescapeMount(l.split(' ')[4] ?? ''))
    .filter((p) => p === dir || p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const p of points) await unmountOverlay(p);
}

/** A mount point as /proc prints it (space, tab, newline and backslash in octal) made a path. */
function unescapeMount(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** True when `path` is a mount point in our namespace. */
export async function isMounted(path: string): Promise<boolean> {
  const mounts = await readFile('/proc/self/mounts', 'utf8');
  const escaped = path.replace(/ /g, '\\040');
  return mounts.split('\n').some((l) => l.split(' ')[1] === escaped);
}
