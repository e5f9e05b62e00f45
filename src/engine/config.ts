/**
 * The daemon's settings, with dockerd's flag names where one exists.
 * @module
 */
import { fileURLToPath } from 'node:url';

/** Which processes get the stop signal. */
export type StopScope = 'all' | 'init';

/** Everything a daemon is started with. */
export interface EngineConfig {
  /** `unix:///path` to listen on. */
  host: string;
  /** Persistent state: containers, images. */
  dataRoot: string;
  /** Runtime state: exit files, the runtime's own root. */
  execRoot: string;
  /** Seconds a stop waits before SIGKILL when neither request nor container says (Docker: 10). */
  defaultStopTimeout: number;
  /** Run containers with an init unless they opt out. */
  init: boolean;
  /** The init binary bind-mounted into containers. */
  initPath: string;
  /** `all`: the stop signal reaches every process (moorage); `init`: PID 1 only (Docker). */
  stopScope: StopScope;
  /** `runc` or `crun`. */
  runtime: string;
  /** Parent of every container's cgroup. */
  cgroupParent: string;
  /** pino level. */
  logLevel: string;
  /** The default `bridge` network's Linux bridge device (dockerd `--bridge`; Docker's is docker0). */
  bridgeName: string;
  /** The default bridge's gateway address and prefix (dockerd `--bip`). */
  bip: string;
  /** Pools user networks' subnets are drawn from (dockerd `--default-address-pool base=…,size=…`). */
  addressPools: { base: string; size: number }[];
  /** DNS servers for every container that names none (dockerd `--dns`); else the host's. */
  dns: string[];
}

/** moorage-init as the project's set-up builds it. */
export const BUILT_INIT = fileURLToPath(new URL('../../init/build/moorage-init', import.meta.url));

/** The defaults of `moorage daemon`. */
export function defaultConfig(): EngineConfig {
  return {
    host: 'unix:///run/moorage/moorage.sock',
    dataRoot: '/var/lib/moorage',
    execRoot: '/run/moorage',
    defaultStopTimeout: 10,
    init: true,
    initPath: BUILT_INIT,
    stopScope: 'all',
    runtime: 'runc',
    cgroupParent: 'moorage',
    logLevel: 'info',
    // Not Docker's (docker0, 172.17-31.x, 192.168.x) nor podman's (podman0/cni-podman0, 10.88-89.x):
    // moorage runs beside either without sharing a device or a subnet.
    bridgeName: 'moorage0',
    bip: '10.213.0.1/16',
    addressPools: [{ base: '10.214.0.0/16', size: 24 }],
    dns: [],
  };
}
