/**
 * The OCI runtime spec (`config.json`) for one container, built from what the daemon resolved:
 * the process, its rootfs, mounts and namespaces, with Docker's defaults.
 * @module
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_CAPS } from './capabilities.ts';


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
}

/** Builds the OCI spec object. */
export function buildSpec(b: BundleSpec): Record<string, unknown> {
  const namespaces: { type: string; path?: string }[] = ['pid', 'ipc', 'uts', 'mount'].map((type) => ({ type }));
  if (!b.hostNetwork) namespaces.push(b.netnsPath ? { type: 'network', path: b.netnsPath } : { type: 'network' });
  const mounts: Record<string, unknown>[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
    // Parents before children (a volume at /data, a tmpfs at /data/cache), as moby sorts them.
    ...[
      ...b.binds.map((m) => ({
        destination: m.destination, type: 'bind', source: m.source,
        options: ['rbind', m.readonly ? 'ro' : 'rw', m.propagation || 'rprivate'],
      })),
      ...(b.tmpfs ?? []).map((t) => ({ destination: t.destination, type: 'tmpfs', source: 'tmpfs', options: t.options })),
    ].sort((x, y) => depth(x.destination) - depth(y.destination)),
  ];
  const caps = DEFAULT_CAPS;
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: b.terminal,
      user: { uid: b.uid, gid: b.gid, additionalGids: b.additionalGids },
      args: b.args,
      env: b.env,
      cwd: b.cwd || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      noNewPrivileges: false,
    },
    root: { path: b.rootfs, readonly: false },
    hostname: b.hostname,
    mounts,
    linux: {
      cgroupsPath: b.cgroupsPath,
      resources: { ...b.resources, devices: [{ allow: false, access: 'rwm' }] },
      namespaces,
      maskedPaths: ['/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
        '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi'],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
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
