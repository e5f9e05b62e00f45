/**
 * The containers' wire shapes (Docker Engine API field names), shared by the engine, which
 * stores and serves them, and the SDK, which reads them: one definition for both sides.
 * @module
 */
import type { StopReport } from './stop.ts';

/** The `Config` fields moorage honours. */
export interface KnownConfig {
  Hostname: string;
  User: string;
  Env: string[];
  Cmd: string[] | null;
  Entrypoint: string[] | null;
  Image: string;
  WorkingDir: string;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number | null;
  Tty: boolean;
  OpenStdin: boolean;
  /** Close the container's stdin when the attached client closes it. */
  StdinOnce: boolean;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  Domainname?: string;
  /** `{"80/tcp": {}}` */
  ExposedPorts?: Record<string, object> | null;
  /** Anonymous volumes asked for by path: `{"/data": {}}`. */
  Volumes?: Record<string, object> | null;
}

/** Docker's `Config`: the fields moorage honours; any others are kept and echoed. */
export type ContainerConfig = KnownConfig & Record<string, unknown>;

/** Docker's restart policy. */
export interface RestartPolicy {
  Name: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount: number;
}

/** The `HostConfig` fields moorage honours. */
export interface KnownHostConfig {
  Binds: string[] | null;
  AutoRemove: boolean;
  RestartPolicy: RestartPolicy;
  /** null: the daemon's default (moorage: on). */
  Init: boolean | null;
  NetworkMode: string;
  PortBindings?: Record<string, PortBinding[] | null> | null;
  PublishAllPorts?: boolean;
  Dns?: string[] | null;
  DnsSearch?: string[] | null;
  DnsOptions?: string[] | null;
  /** `name:ip` entries for /etc/hosts. */
  ExtraHosts?: string[] | null;
  Mounts?: MountRequest[] | null;
  Tmpfs?: Record<string, string> | null;
}

/** One host binding of a published port. */
export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

/** One `HostConfig.Mounts` entry (`--mount`). */
export interface MountRequest {
  Type: 'bind' | 'volume' | 'tmpfs';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  BindOptions?: { Propagation?: string; CreateMountpoint?: boolean } | null;
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string> | null; DriverConfig?: { Name?: string; Options?: Record<string, string> | null } | null } | null;
  TmpfsOptions?: { SizeBytes?: number; Mode?: number; Options?: string[][] | null } | null;
}

/** A container's settings on one network (`EndpointSettings`). */
export interface EndpointSettings {
  IPAMConfig: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] } | null;
  Links: string[] | null;
  Aliases: string[] | null;
  MacAddress: string;
  DriverOpts: Record<string, string> | null;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  /** API ≥ 1.44: every name the container resolves by on this network. */
  DNSNames?: string[] | null;
}

/** `NetworkSettings` in inspect. The top-level address fields are the default bridge's only. */
export interface NetworkSettings {
  Bridge: string;
  SandboxID: string;
  SandboxKey: string;
  HairpinMode: boolean;
  LinkLocalIPv6Address: string;
  LinkLocalIPv6PrefixLen: number;
  Ports: Record<string, PortBinding[] | null>;
  SecondaryIPAddresses: null;
  SecondaryIPv6Addresses: null;
  EndpointID: string;
  Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  MacAddress: string;
  Networks: Record<string, EndpointSettings>;
}

/** Docker's `HostConfig`: the fields moorage honours; any others are kept and echoed. */
export type HostConfig = KnownHostConfig & Record<string, unknown>;

/** Docker's container statuses. */
export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** `State` in inspect. */
export interface ContainerStateJSON {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  /** moorage extra: what the last stop did to each process. */
  LastStop?: StopReport;
}

/** One entry of `Mounts`. */
export interface MountPoint {
  Type: 'bind' | 'volume' | 'tmpfs';
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

/** `GET /containers/{id}/json`. */
export interface ContainerInspect {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  State: ContainerStateJSON;
  Image: string;
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  LogPath: string;
  Name: string;
  RestartCount: number;
  Driver: string;
  Platform: string;
  MountLabel: string;
  ProcessLabel: string;
  AppArmorProfile: string;
  ExecIDs: string[] | null;
  HostConfig: HostConfig;
  GraphDriver: { Name: string; Data: Record<string, string> };
  Mounts: MountPoint[];
  Config: ContainerConfig;
  NetworkSettings: NetworkSettings;
}

/** A published port in a listing. */
export interface PortSummary {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: 'tcp' | 'udp' | 'sctp';
}

/** One element of `GET /containers/json`. */
export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  /** Unix seconds. */
  Created: number;
  Ports: PortSummary[];
  Labels: Record<string, string>;
  State: ContainerStatus;
  Status: string;
  HostConfig: { NetworkMode: string };
  NetworkSettings: { Networks: Record<string, EndpointSettings> };
  Mounts: MountPoint[];
  /** With `size=true` (and in `/system/df`): bytes in the writable layer, and with the image. */
  SizeRw?: number;
  SizeRootFs?: number;
}

/** `POST /containers/{id}/wait`. */
export interface WaitResponse {
  StatusCode: number;
  Error?: { Message: string } | null;
}

/** `GET /exec/{id}/json`. */
export interface ExecInspect {
  ID: string;
  Running: boolean;
  /** null until the process exits. */
  ExitCode: number | null;
  ProcessConfig: { tty: boolean; entrypoint: string; arguments: string[]; privileged: boolean; user?: string };
  OpenStdin: boolean;
  OpenStderr: boolean;
  OpenStdout: boolean;
  CanRemove: boolean;
  ContainerID: string;
  DetachKeys: string;
  Pid: number;
}

/**
 * The stat of a path in a container, as `X-Docker-Container-Path-Stat` carries it (base64 of
 * this JSON) on `HEAD` and `GET /containers/{id}/archive`.
 */
export interface ContainerPathStat {
  /** The path's base name. */
  name: string;
  size: number;
  /** Go's `os.FileMode`: permission bits, plus 2^31 for a directory, 2^27 for a symlink, … */
  mode: number;
  /** RFC 3339 with nanoseconds. */
  mtime: string;
  /** For a symlink, where it leads inside the container (every link followed); '' otherwise. */
  linkTarget: string;
}

/** One entry of `GET /containers/{id}/changes`: `Kind` 0 modified, 1 added, 2 deleted. */
export interface FilesystemChange {
  Path: string;
  Kind: 0 | 1 | 2;
}
