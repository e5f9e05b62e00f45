/**
 * The container model: what the user asked for (Config, HostConfig, as in Docker's API), its
 * run state, and where its files live. Serialised whole as the container's checkpoint.
 * @module
 */
import { join } from 'node:path';
import { State, type StateData } from './state.ts';
import type { ContainerConfig, HostConfig } from '../wire/containers.ts';
import type { StopReport } from '../wire/stop.ts';
import type { MountSpec } from './mounts.ts';
import type { PortRequest } from './ports.ts';

export type { ContainerConfig, HostConfig, KnownConfig, KnownHostConfig, RestartPolicy } from '../wire/containers.ts';

/** Where a running container's processes are, remembered to signal them without the runtime. */
export interface TaskInfo {
  /** Host pid of the container's PID 1. */
  pid: number;
  /** Its start time in clock ticks (field 22 of /proc/PID/stat): guards against pid reuse. */
  startTime: number;
  /** Host pid of the container's conmon. */
  monitorPid: number;
  /** The runtime that created the task (runc or crun): the one that must delete it. */
  runtime: string;
  /** When the task was created (ms since the epoch): exit records older than this are stale. */
  createdAt?: number;
  /** Its cgroup (cgroupfs path), as created: a later `--cgroup-parent` does not move it. */
  cgroupsPath?: string;
}

/** A mount as resolved at create: an anonymous volume has its generated name by then. */
export interface MountRecord extends MountSpec {
  /** A volume made for this container alone (`docker rm -v` removes it). */
  anonymous: boolean;
}

/** What a container's endpoint on a network has while its sandbox is up. */
export interface ActiveEndpoint {
  endpointId: string;
  ip: string;
  prefixLen: number;
  gateway: string;
  mac: string;
  interfaceName: string;
}

/** A container's place on one network: asked for at create or connect, active while it runs. */
export interface EndpointRecord {
  networkId: string;
  /** Names the user gave it on this network (`--network-alias`, compose's service name). */
  aliases: string[];
  /** A fixed address (`--ip`), or null for the next free one. */
  ipv4Address: string | null;
  links: string[] | null;
  macAddress: string | null;
  active: ActiveEndpoint | null;
}

/** A container's networking: its endpoints (by network name) and, while it runs, its sandbox. */
export interface NetworkState {
  endpoints: Record<string, EndpointRecord>;
  /** The network namespace's path while the sandbox is up; '' otherwise. */
  sandboxKey: string;
  /** Published ports with their host ports chosen, while the sandbox is up. */
  ports: PortRequest[];
}

/** Everything persisted about one container. */
export interface ContainerRecord {
  Id: string;
  Name: string;
  Created: string;
  Path: string;
  Args: string[];
  /** The image's ID (sha256:…). */
  Image: string;
  Config: ContainerConfig;
  HostConfig: HostConfig;
  State: StateData;
  RestartCount: number;
  Task: TaskInfo | null;
  LastStop: StopReport | null;
  /**
   * Whether `Config.StopSignal` is the container's own or was copied from its image's
   * `STOPSIGNAL` at create (Docker copies it; moorage remembers which, for the stop report and
   * the doctor). Absent: the container's own.
   */
  StopSignalFrom?: 'container' | 'image';
  /** Mounts resolved at create (absent in checkpoints of older versions: Binds are read then). */
  Mounts?: MountRecord[];
  /** Networks (absent in checkpoints of older versions: no network then). */
  Network?: NetworkState;
}

/**
 * Where a container's files live, from its directory alone: also what boot needs to clean the
 * directory of a container that was never completed (no record to build a {@link Container}).
 */
export class ContainerFiles {
  /** Root of the container's files. */
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** The OCI bundle directory (config.json; conmon's attach socket and fifos). */
  get bundleDir(): string { return join(this.dir, 'bundle'); }
  /** The k8s-file log conmon writes. */
  get logPath(): string { return join(this.dir, 'container.log'); }
  /** conmon's persist dir (exit code copy, oom marker). */
  get persistDir(): string { return join(this.dir, 'persist'); }
  /** Where the overlay rootfs is mounted. */
  get rootfsDir(): string { return join(this.dir, 'rootfs'); }
  /** The writable layer. */
  get upperDir(): string { return join(this.dir, 'upper'); }
  /** overlayfs' work dir. */
  get workDir(): string { return join(this.dir, 'work'); }
  /** The container's PID 1 pid file, written by the runtime. */
  get pidFile(): string { return join(this.dir, 'pidfile'); }
  /**
   * Where moorage-init appends its reap records: a host file bind-mounted into the container.
   * A mount point cannot be unlinked or renamed from inside, so the container can change its
   * content but never make this host path a symlink or a fifo.
   */
  get initReportPath(): string { return join(this.dir, 'init-report'); }
  /**
   * The volumes a create in progress is making for the container, listed before it makes them:
   * a create cut short by a crash leaves this file, and boot removes those volumes with the rest.
   */
  get newVolumesPath(): string { return join(this.dir, 'new-volumes.json'); }
  /** The container's `/etc/hosts`, `/etc/resolv.conf` and `/etc/hostname`, bind-mounted. */
  get hostsPath(): string { return join(this.dir, 'hosts'); }
  get resolvConfPath(): string { return join(this.dir, 'resolv.conf'); }
  get hostnamePath(): string { return join(this.dir, 'hostname'); }
}

/**
 * A container in memory: its record, its live state with waiters, and its paths. What is in
 * flight (a start, a stop, a teardown) is the engine's business, not the model's.
 */
export class Container extends ContainerFiles {
  readonly record: ContainerRecord;
  readonly state: State;

  constructor(record: ContainerRecord, containersDir: string) {
    super(join(containersDir, record.Id));
    this.record = record;
    this.state = new State(record.State);
  }

  get id(): string { return this.record.Id; }
  /** The name without Docker's leading slash. */
  get name(): string { return this.record.Name.replace(/^\//, ''); }
  get config(): ContainerConfig { return this.record.Config; }
  get hostConfig(): HostConfig { return this.record.HostConfig; }
}
