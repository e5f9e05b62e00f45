/**
 * The host's cgroup layout, read off the filesystems mounted at /sys/fs/cgroup: `unified`
 * (cgroup v2 only), `legacy` (v1 controllers only) or `hybrid` (v1 controllers plus a v2 tree
 * at /sys/fs/cgroup/unified, as on this kind of machine). Containers' cgroups are cgroupfs
 * paths (`/<parent>/<id>`) in whichever hierarchy holds the process lists.
 * @module
 */
import { access, readdir, readFile, rmdir, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';

/** statfs magic numbers. */
export const TMPFS_MAGIC = 0x01021994;
export const CGROUP2_MAGIC = 0x63677270;

/** How the host mounts its cgroups. */
export type CgroupLayout = 'unified' | 'legacy' | 'hybrid';

/** What moorage reports and relies on about the host's cgroups. */
export interface CgroupInfo {
  layout: CgroupLayout;
  /** Docker's `CgroupVersion`: `2` only when every controller is on cgroup v2. */
  version: '1' | '2';
  /** Controllers enabled on the v2 tree (crun refuses a hybrid host when there are any). */
  unifiedControllers: string[];
}

/** The layout, from the filesystem types of /sys/fs/cgroup and of /sys/fs/cgroup/unified. */
export function layoutOf(rootType: number, unifiedType: number | null): CgroupLayout {
  if (rootType === CGROUP2_MAGIC) return 'unified';
  return unifiedType === CGROUP2_MAGIC ? 'hybrid' : 'legacy';
}

/** Reads the host's cgroup layout. */
export async function detectCgroups(base = '/sys/fs/cgroup'): Promise<CgroupInfo> {
  const root = await statfs(base).then((s) => s.type, () => TMPFS_MAGIC);
  const unified = root === CGROUP2_MAGIC ? null : await statfs(join(base, 'unified')).then((s) => s.type, () => null);
  const layout = layoutOf(root, unified);
  const v2dir = layout === 'unified' ? base : layout === 'hybrid' ? join(base, 'unified') : null;
  const controllers = v2dir ? (await readFile(join(v2dir, 'cgroup.controllers'), 'utf8').catch(() => '')).split(/\s+/).filter(Boolean) : [];
  return { layout, version: layout === 'unified' ? '2' : '1', unifiedControllers: controllers };
}

/** Finds where cgroup process lists live on this host, for cgroupfs paths like `/moorage/ID`. */
export async function cgroupRoot(): Promise<string> {
  for (const dir of ['/sys/fs/cgroup/pids', '/sys/fs/cgroup/memory', '/sys/fs/cgroup/unified', '/sys/fs/cgroup']) {
    try {
      await access(join(dir, 'cgroup.procs'));
      return dir;
    } catch { /* try the next hierarchy */ }
  }
  return '/sys/fs/cgroup';
}

/** Every pid in a container's cgroup (empty when the cgroup is gone). */
export async function cgroupPids(root: string, cgroupsPath: string): Promise<number[]> {
  try {
    const text = await readFile(join(root, cgroupsPath, 'cgroup.procs'), 'utf8');
    return text.split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Removes the cgroup `path` (a cgroupfs path such as `/moorage/ID`) from every hierarchy under
 * `base` that has it. rmdir removes only an empty cgroup: one with processes, or another
 * daemon's parent with its containers, stays (and that is not an error).
 */
export async function removeCgroup(path: string, base = '/sys/fs/cgroup'): Promise<void> {
  const hierarchies = await readdir(base).catch(() => [] as string[]);
  const dirs = [join(base, path), ...hierarchies.map((h) => join(base, h, path))];
  await Promise.all(dirs.map((dir) => rmdir(dir).catch(() => {})));
}

/**
 * Thaws the cgroup `path` if it is frozen, in the v1 freezer and on v2: a frozen process does
 * not act on SIGKILL until thawed. Best effort: a cgroup that is not there is nothing to thaw.
 */
export async function thawCgroup(path: string, base = '/sys/fs/cgroup'): Promise<void> {
  await Promise.all([
    writeFile(join(base, 'freezer', path, 'freezer.state'), 'THAWED').catch(() => {}),
    writeFile(join(base, path, 'cgroup.freeze'), '0').catch(() => {}),
    writeFile(join(base, 'unified', path, 'cgroup.freeze'), '0').catch(() => {}),
  ]);
}

/** What this host's cgroups can limit. */
export interface HostLimits {
  /** Online CPUs. */
  cpus: number;
  /** CPUs and memory nodes the root cpuset offers (`0-1`). */
  cpusetCpus: string;
  cpusetMems: string;
  /** The memory controller accounts swap (`memory.memsw.*`, or `memory.swap.max` on v2). */
  swap: boolean;
  /** A block I/O weight can be set (`blkio.weight` or `blkio.bfq.weight`, `io.weight`). */
  blkioWeight: boolean;
}

/** Reads what this host's cgroups can limit. */
export async function detectLimits(info: CgroupInfo, base = '/sys/fs/cgroup'): Promise<HostLimits> {
  const exists = (p: string) => access(join(base, p)).then(() => true, () => false);
  const read = (p: string) => readFile(join(base, p), 'utf8').then((s) => s.trim(), () => '');
  const v2 = info.layout === 'unified';
  const [swap, weight, bfq, cpus, mems] = await Promise.all([
    exists(v2 ? 'memory.swap.max' : 'memory/memory.memsw.limit_in_bytes')
      .then(async (found) => found || (v2 && (await exists('init.scope/memory.swap.max')))),
    exists(v2 ? 'io.weight' : 'blkio/blkio.weight'),
    exists(v2 ? 'io.bfq.weight' : 'blkio/blkio.bfq.weight'),
    read(v2 ? 'cpuset.cpus.effective' : 'cpuset/cpuset.cpus'),
    read(v2 ? 'cpuset.mems.effective' : 'cpuset/cpuset.mems'),
  ]);
  const online = availableParallelism();
  return { cpus: online, cpusetCpus: cpus || `0-${online - 1}`, cpusetMems: mems || '0', swap, blkioWeight: weight || bfq };
}
