/**
 * The system endpoints' wire shapes (Docker Engine API field names), shared by the engine and
 * the SDK.
 * @module
 */
import type { ContainerSummary } from './containers.ts';
import type { ImageSummary } from './images.ts';
import type { Volume } from './volumes.ts';

/** One message of `GET /events`. Below API 1.52 container and image events also carry `status`, `id` and `from`. */
export interface EventMessage {
  Type: 'container' | 'image' | 'daemon' | 'network' | 'volume';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  /** Nanoseconds since the epoch (more than a double holds exactly: read it with care). */
  timeNano: number;
  status?: string;
  id?: string;
  from?: string;
}

/** `GET /version`. */
export interface VersionResponse {
  Platform: { Name: string };
  Components: { Name: string; Version: string; Details?: Record<string, string> }[];
  Version: string;
  ApiVersion: string;
  MinAPIVersion: string;
  GitCommit: string;
  GoVersion: string;
  Os: string;
  Arch: string;
  KernelVersion: string;
  Experimental: boolean;
  BuildTime: string;
}

/** `GET /info`: the fields moorage fills. */
export interface InfoResponse {
  ID: string;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  Driver: string;
  LoggingDriver: string;
  CgroupDriver: string;
  CgroupVersion: '1' | '2';
  KernelVersion: string;
  OperatingSystem: string;
  OSType: string;
  Architecture: string;
  NCPU: number;
  MemTotal: number;
  Name: string;
  ServerVersion: string;
  DockerRootDir: string;
  DefaultRuntime: string;
  InitBinary: string;
  /** moorage extra: the engine's default stop timeout, for clients' deadlines. */
  DefaultStopTimeout: number;
  /** moorage extra: `unified`, `hybrid` or `legacy`. */
  CgroupLayout: 'unified' | 'hybrid' | 'legacy';
  [other: string]: unknown;
}

/** `GET /system/df`: what images and containers take on disk. */
export interface DiskUsageResponse {
  LayersSize: number;
  Images: ImageSummary[];
  Containers: ContainerSummary[];
  Volumes: (Volume & { UsageData: { Size: number; RefCount: number } })[];
  BuildCache: unknown[];
}
