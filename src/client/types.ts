/**
 * Wire types of the Docker Engine API subset moorage serves, plus moorage's extras
 * (`State.LastStop`, the doctor report). Field names are the engine's.
 * @module
 */

/** Restart policy of a container. */
export interface RestartPolicy {
  Name: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount?: number;
}

/** Host-side configuration of a container. */
export interface HostConfig {
  Binds?: string[];
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

/** Answer of `POST /containers/create`. */
export interface ContainerCreateResponse {
  Id: string;
  Warnings?: string[] | null;
}

/** What happened to one process during a stop (moorage extra). */
export interface StopReportProcess {
  /** pid on the host. */
  pid: number;
  /** pid inside the container's PID namespace, when known. */
  nsPid: number | null;
  /** Its command line when the stop began. */
  command: string;
  /** The signal moorage sent it (`SIGTERM`), or null when it was not signalled directly. */
  signal: string | null;
  /** How it ended: `exited`, `signaled`, `killed-at-deadline`, `killed-by-kernel`, `unknown`. */
  end?: string;
  /** Same as `end` (older name). */
  outcome?: string;
  exitCode?: number;
  /** The signal that killed it. */
  killSignal?: string;
  /** When it ended (RFC 3339), when known. */
  endedAt?: string;
  [key: string]: unknown;
}

/** The report of the last stop of a container (`State.LastStop`, moorage extra). */
export interface StopReport {
  /** The stop signal, by name. */
  signal: string;
  /** The timeout in seconds (-1: forever). */
  timeout?: number;
  /** `all`: every process got the signal; `init`: only PID 1, as Docker does. */
  scope?: string;
  startedAt: string;
  finishedAt: string;
  /** True when the timeout ran out and SIGKILL was sent. */
  escalated?: boolean;
  /** The container's exit code. */
  exitCode?: number;
  processes: StopReportProcess[];
  [key: string]: unknown;
}

/** `State` of an inspected container. */
export interface ContainerState {
  Status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
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
  LastStop?: StopReport | null;
  [key: string]: unknown;
}

/** Answer of `GET /containers/{id}/json`. */
export interface ContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  Path: string;
  Args: string[];
  Image: string;
  State: ContainerState;
  RestartCount?: number;
  Config: ContainerCreateRequest & { Image: string; Labels?: Record<string, string> };
  HostConfig: HostConfig;
  [key: string]: unknown;
}

/** One entry of `GET /containers/json`. */
export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID?: string;
  Command: string;
  Created: number;
  State: string;
  Status: string;
  Labels?: Record<string, string>;
  Ports?: unknown[];
  [key: string]: unknown;
}

/** Answer of `POST /containers/{id}/wait`. */
export interface WaitResponse {
  StatusCode: number;
  Error?: { Message: string } | null;
}

/** One entry of `GET /images/json`. */
export interface ImageSummary {
  Id: string;
  RepoTags: string[] | null;
  Created: number;
  Size: number;
  [key: string]: unknown;
}

/** Answer of `GET /images/{name}/json`. */
export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  Created: string;
  Size: number;
  Config?: Record<string, unknown>;
  RootFS?: { Type: string; Layers?: string[] };
  [key: string]: unknown;
}

/** One entry of `DELETE /images/{name}`'s answer. */
export interface ImageDeleteItem {
  Untagged?: string;
  Deleted?: string;
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

/** Answer of `GET /version`. */
export interface VersionResponse {
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  GitCommit?: string;
  GoVersion?: string;
  Os: string;
  Arch: string;
  KernelVersion?: string;
  BuildTime?: string;
  Components?: { Name: string; Version: string; Details?: Record<string, string> }[];
  [key: string]: unknown;
}

/** Answer of `GET /info` (the fields moorage fills; others pass through). */
export interface InfoResponse {
  ID?: string;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  Driver?: string;
  ServerVersion?: string;
  OperatingSystem?: string;
  KernelVersion?: string;
  Name?: string;
  DockerRootDir?: string;
  NCPU?: number;
  MemTotal?: number;
  [key: string]: unknown;
}

/** What `/_ping` told about the engine. */
export interface PingResponse {
  apiVersion?: string;
  osType?: string;
  experimental: boolean;
  server?: string;
}

/** One message of `GET /events`. */
export interface EngineEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope?: string;
  time: number;
  timeNano: number;
  status?: string;
  id?: string;
  from?: string;
  [key: string]: unknown;
}

/** The report of `GET /containers/{id}/doctor` (moorage extra; its shape may grow). */
export type DoctorReport = Record<string, unknown>;

/** Filters as the engine takes them: `{ key: [values] }`. */
export type Filters = Record<string, string[]>;
