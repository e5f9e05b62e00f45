/**
 * Wire types of the Docker Engine API subset moorage serves, plus moorage's extras
 * (`State.LastStop`, the doctor report). The shapes the engine answers with are the engine's own
 * definitions (src/wire/), so the two sides cannot drift; what is left here is what clients send.
 * @module
 */
export type { ContainerInspect, ContainerPathStat, ContainerStateJSON as ContainerState, ContainerStatus, ContainerSummary,
  FilesystemChange, MountPoint, PortSummary, WaitResponse } from '../wire/containers.ts';
export type { ContainerStats, ContainerTop } from '../wire/stats.ts';
export type { ExecInspect } from '../wire/containers.ts';
export type { AuthResponse, ImageDeleteItem, ImageHistoryItem, ImageInspect, ImagePruneResponse, ImageSummary } from '../wire/images.ts';

/** Registry credentials, as `X-Registry-Auth` and `POST /auth` carry them. */
export interface AuthConfig {
  username?: string;
  password?: string;
  /** base64 of `username:password`. */
  auth?: string;
  email?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}
export type { DiskUsageResponse, EventMessage as EngineEvent, InfoResponse, VersionResponse } from '../wire/system.ts';
export type { NetworkInspect, NetworkCreateRequest, NetworkCreateResponse, NetworkConnectRequest, NetworkContainer, NetworkPruneResponse, IpamPool } from '../wire/networks.ts';
export type { Volume, VolumeCreateRequest, VolumeListResponse, VolumePruneResponse } from '../wire/volumes.ts';
export type { EndpointSettings, NetworkSettings, PortBinding, MountRequest } from '../wire/containers.ts';
import type { MountRequest } from '../wire/containers.ts';
export type { Diagnosis as DoctorReport, ProcessDiagnosis, ProcessReport as StopReportProcess, StopReport } from '../wire/stop.ts';

/** Restart policy of a container. */
export interface RestartPolicy {
  Name: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount?: number;
}

/** Host-side configuration of a container. */
export interface HostConfig {
  Binds?: string[];
  NetworkMode?: string;
  PortBindings?: Record<string, { HostIp?: string; HostPort?: string }[]>;
  PublishAllPorts?: boolean;
  Dns?: string[];
  ExtraHosts?: string[];
  Mounts?: MountRequest[];
  Tmpfs?: Record<string, string>;
  AutoRemove?: boolean;
  RestartPolicy?: RestartPolicy;
  /** `null`/absent: the daemon default (moorage: on). */
  Init?: boolean | null;
  [key: string]: unknown;
}

/** Body of `POST /containers/create`. */
export interface ContainerCreateRequest {
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  Tty?: boolean;
  OpenStdin?: boolean;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  HostConfig?: HostConfig;
  [key: string]: unknown;
}

/** Body of `POST /containers/{id}/update`: zero leaves a limit as it is (`PidsLimit` 0 or -1 lifts it). */
export interface ContainerUpdateRequest {
  Memory?: number;
  MemoryReservation?: number;
  MemorySwap?: number;
  NanoCpus?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  PidsLimit?: number;
  BlkioWeight?: number;
  RestartPolicy?: RestartPolicy;
}

/** Body of `POST /containers/{id}/exec`. */
export interface ExecCreateRequest {
  Cmd: string[];
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  Env?: string[];
  User?: string;
  WorkingDir?: string;
  Privileged?: boolean;
  DetachKeys?: string;
  ConsoleSize?: [number, number];
}

/** Answer of `POST /containers/create`. */
export interface ContainerCreateResponse {
  Id: string;
  Warnings?: string[] | null;
}

/** One progress line of `POST /images/create`. */
export interface ImportProgress {
  status?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  id?: string;
  error?: string;
  errorDetail?: { message: string };
  [key: string]: unknown;
}

/** What `/_ping` told about the engine. */
export interface PingResponse {
  apiVersion?: string;
  osType?: string;
  experimental: boolean;
  server?: string;
}

/** Filters as the engine takes them: `{ key: [values] }`. */
export type Filters = Record<string, string[]>;
