/**
 * Picks the OCI runtime binary. runc works on every cgroup layout here; crun 1.8 refuses hybrid
 * cgroups ("cgroups in hybrid mode not supported") when the unified hierarchy has controllers,
 * so there its `create` runs in a private mount namespace where that hierarchy is hidden, which
 * makes crun use plain cgroup v1 (reference/conmon-runtime.md §7).
 * @module
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidParameter } from '../errors.ts';
import type { CgroupInfo } from './cgroups.ts';
import { OciRuntime } from './oci-runtime.ts';

/** Binaries of the supported runtimes. */
export const RUNTIME_PATHS: Record<string, string> = { runc: '/usr/sbin/runc', crun: '/usr/bin/crun' };

/** The runtime `name` with its state under `execRoot`. */
export async function selectRuntime(name: string, execRoot: string, cgroups: CgroupInfo): Promise<OciRuntime> {
  const path = RUNTIME_PATHS[name];
  if (!path) throw new InvalidParameter(`unknown runtime ${name}: use runc or crun`);
  const root = join(execRoot, name);
  if (name !== 'crun' || cgroups.layout !== 'hybrid' || !cgroups.unifiedControllers.length) return new OciRuntime(name, path, root);
  const wrapper = join(execRoot, 'crun-legacy');
  await writeFile(wrapper, `#!/bin/sh\n# crun create with the cgroup2 hierarchy hidden, so crun uses cgroup v1 (made by moorage)\nexec unshare -m sh -c 'mount -t tmpfs -o size=4k tmpfs /sys/fs/cgroup/unified && exec ${path} "$@"' crun "$@"\n`);
  await chmod(wrapper, 0o755);
  return new OciRuntime(name, path, root, wrapper);
}
