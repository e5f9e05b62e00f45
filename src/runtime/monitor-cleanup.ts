/**
 * The teardown a container's monitor runs itself when the container exits (conmon's
 * `--exit-command`, as podman uses it): delete the runtime's state and cgroup, unmount the
 * rootfs, and leave a marker saying how it went. The engine then spawns nothing on the exit
 * path: forking a runtime and `umount` from the engine's process blocked its event loop for
 * about 4 ms each and made parallel stops queue behind one another.
 * @module
 */

/** The marker's name suffix beside the exit file (`<exit-dir>/<id>.cleaned`). */
export const CLEANED_SUFFIX = '.cleaned';

// $1 runtime, $2 its root, $3 container id, $4 rootfs mount point, $5 marker path. The marker
// says `ok`, or what is left for the engine to do; it is two bytes, written by the shell itself.
// It lowers its priority first, without a process of its own: conmon runs it in the container's
// session, and with the kernel's autogroups (on by default) the session's weight is what
// competes with the engine for the CPU.
const SCRIPT = [
  'echo 19 >/proc/self/autogroup 2>/dev/null',
  'out=""',
  '"$1" --root "$2" delete "$3" >/dev/null 2>&1 || out="runtime delete failed"',
  'umount "$4" 2>/dev/null || ! mountpoint -q "$4" || umount -l "$4" 2>/dev/null || out="$out unmount failed"',
  'printf %s "${out:-ok}" >"$5"',
].join('\n');

/**
 * conmon's `--exit-command` arguments for one task. The teardown runs at the lowest CPU
 * priority: a stop is answered once the exit is recorded, and a burst of exits (a shutdown, ten
 * parallel stops) must not have their teardowns compete with it.
 */
export function monitorCleanupArgs(runtimePath: string, runtimeRoot: string, id: string, rootfs: string, marker: string): string[] {
  const argv = ['-c', SCRIPT, 'moorage-cleanup', runtimePath, runtimeRoot, id, rootfs, marker];
  return ['--exit-command', '/bin/sh', ...argv.flatMap((a) => ['--exit-command-arg', a])];
}
