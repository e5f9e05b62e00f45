/**
 * The OCI runtime spec (`config.json`) for one container, built from what the daemon resolved:
 * the process, its rootfs, mounts and namespaces, with Docker's defaults.
 * @module
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A bind mount from the host. */
export interface BindMount {
  source: string;
  destination: string;
  readonly: boolean;
  /** Mount propagation (`rprivate` unless given). */
  propagation?: string;
}

/** A tmpfs mount (`--tmpfs`, `--mount type=tmpfs`). */
export interface TmpfsMount {
  destination: string;
  options: string[];
}

/** A device node made in the container. */
export interface DeviceNode {
  path: string;
  type: string;
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

/** A device cgroup rule (`major`/`minor` absent: any). */
export interface DeviceRule {
  allow: boolean;
  type?: string;
  major?: number;
  minor?: number;
  access: string;
}

/** The container's confinement, resolved by the engine. */
export interface SecuritySpec {
  capabilities: string[];
  /** The host's devices, writable /sys and cgroups, no masked paths (seccomp is then null). */
  privileged: boolean;
  /** `linux.seccomp`, or null for none. */
  seccomp: Record<string, unknown> | null;
  noNewPrivileges: boolean;
  readonlyRootfs: boolean;
  /** null: Docker's defaults. */
  maskedPaths: string[] | null;
  readonlyPaths: string[] | null;
  rlimits: { type: string; soft: number; hard: number }[];
  oomScoreAdj: number | null;
  sysctl: Record<string, string>;
  devices: DeviceNode[];
  deviceRules: DeviceRule[];
  /** `/dev/shm`'s size in bytes. */
  shmSize: number;
  hostUts: boolean;
  hostIpc: boolean;
}

/** Docker's masked and read-only paths under /proc and /sys. */
export const DEFAULT_MASKED_PATHS = ['/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
  '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi'];
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** Everything the spec needs, already resolved by the daemon. */
export interface BundleSpec {
  id: string;
  hostname: string;
  rootfs: string;
  args: string[];
  env: string[];
  cwd: string;
  uid: number;
  gid: number;
  additionalGids: number[];
  binds: BindMount[];
  /** The cgroup path, cgroupfs style (`/moorage/<id>`). */
  cgroupsPath: string;
  /** Share the host's network namespace (`--network host`). */
  hostNetwork: boolean;
  /** Join this network namespace (made and set up by the network service); else a new one. */
  netnsPath?: string;
  tmpfs?: TmpfsMount[];
  /** Run the process on a pseudo-terminal (conmon must get `-t`). */
  terminal: boolean;
  /** `linux.resources` limits (memory, cpu, pids, blockIO); devices are added here. */
  resources: Record<string, unknown>;
  security: SecuritySpec;
}

/** Builds the OCI spec object. */
export function buildSpec(b: BundleSpec): Record<string, unknown> {
  const sec = b.security;
  const namespaces: { type: string; path?: string }[] = ['pid', ...(sec.hostIpc ? [] : ['ipc']), ...(sec.hostUts ? [] : ['uts']), 'mount']
    .map((type) => ({ type }));
  if (!b.hostNetwork) namespaces.push(b.netnsPath ? { type: 'network', path: b.netnsPath } : { type: 'network' });
  const mounts: Record<string, unknown>[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${sec.shmSize}`] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', sec.privileged ? 'rw' : 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', sec.privileged ? 'rw' : 'ro'] },
    // Parents before children (a volume at /data, a tmpfs at /data/cache), as moby sorts them.
    ...[
      ...b.binds.map((m) => ({
        destination: m.destination, type: 'bind', source: m.source,
        options: ['rbind', m.readonly ? 'ro' : 'rw', m.propagation || 'rprivate'],
      })),
      ...(b.tmpfs ?? []).map((t) => ({ destination: t.destination, type: 'tmpfs', source: 'tmpfs', options: t.options })),
    ].sort((x, y) => depth(x.destination) - depth(y.destination)),
  ];
  const caps = sec.capabilities;
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: b.terminal,
      user: { uid: b.uid, gid: b.gid, additionalGids: b.additionalGids },
      args: b.args,
      env: b.env,
      cwd: b.cwd || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      noNewPrivileges: sec.noNewPrivileges,
      ...(sec.rlimits.length ? { rlimits: sec.rlimits } : {}),
      ...(sec.oomScoreAdj !== null ? { oomScoreAdj: sec.oomScoreAdj } : {}),
    },
    root: { path: b.rootfs, readonly: sec.readonlyRootfs },
    // With the host's UTS namespace the host's name stands (the runtime refuses to set one).
    ...(sec.hostUts ? {} : { hostname: b.hostname }),
    mounts,
    linux: {
      cgroupsPath: b.cgroupsPath,
      // A privileged container may use every device; others the runtime's defaults and theirs.
      resources: { ...b.resources, devices: sec.privileged ? [{ allow: true, access: 'rwm' }] : [{ allow: false, access: 'rwm' }, ...sec.deviceRules] },
      namespaces,
      ...(sec.devices.length ? { devices: sec.devices } : {}),
      ...(Object.keys(sec.sysctl).length ? { sysctl: sec.sysctl } : {}),
      ...(sec.seccomp ? { seccomp: sec.seccomp } : {}),
      maskedPaths: sec.privileged ? [] : sec.maskedPaths ?? DEFAULT_MASKED_PATHS,
      readonlyPaths: sec.privileged ? [] : sec.readonlyPaths ?? DEFAULT_READONLY_PATHS,
    },
  };
}

function depth(path: string): number {
  return path.split('/').filter(Boolean).length;
}

/** Writes `config.json` into the bundle directory. */
export async function writeBundle(bundleDir: string, b: BundleSpec): Promise<void> {
  await writeFile(join(bundleDir, 'config.json'), JSON.stringify(buildSpec(b)));
}

/** The spec a container last ran with (`config.json` of its bundle), or null before its first start. */
export async function readSpec(bundleDir: string): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await readFile(join(bundleDir, 'config.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}
