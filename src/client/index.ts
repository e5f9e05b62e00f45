/**
 * moorage's SDK: a typed client of the moorage engine (and of any Docker Engine API).
 * @module
 */
export { MoorageClient, type ClientOptions } from './client.ts';
export { Containers, collectOutput, type CreateOptions, type StopOptions, type StopResult,
  type StartResult, type KillOptions, type WaitOptions, type ListOptions, type LogsOptions,
  type AttachOptions, type RemoveOptions, type StatsOptions, type PruneOptions,
  type PutArchiveOptions, type ArchiveResult, decodePathStat, MODE_DIR, MODE_SYMLINK } from './containers.ts';
export { Execs, type ExecStartOptions, type ExecRunOptions, type ExecRunResult } from './exec.ts';
export type { Attachment, OutputStream } from './calls.ts';
export { Images, encodeAuth, type ImportOptions, type ImportResult, type ImageRemoveOptions,
  type ImageListOptions, type PullOptions, type RegistryCallOptions, type ProgressResult } from './images.ts';
export { Networks } from './networks.ts';
export { Volumes } from './volumes.ts';
export { System, timeArg, type EventsOptions, type EventStream } from './system.ts';
export { Transport, queryString, type CallOptions, type TransportOptions, type TransportRequest,
  type TransportResponse, type Query } from './transport.ts';
export { MoorageError, NotFound, Conflict, Forbidden, InvalidParameter, NotModified, SystemError, ClientTimeout,
  ConnectionError, errorFromResponse } from './errors.ts';
export { Demuxer, encodeFrame, type Frame, type StreamName } from './demux.ts';
export { JsonLines } from './json-lines.ts';
export { DEFAULT_SOCKET, parseHost, resolveHost, formatHost, type EngineAddress } from './host.ts';
export { stopDeadlineMs, killDeadlineMs, isSigkill, DEFAULT_STOP_TIMEOUT_S, DEADLINE_MARGIN_MS,
  DEFAULT_CALL_TIMEOUT_MS } from './deadline.ts';
export { stopWorstCaseMs, killWorstCaseMs, KILL_WAIT_MS, DIRECT_KILL_WAIT_MS, FAILED_KILL_WAIT_MS } from '../stop-bounds.ts';
export { MAX_API_VERSION, negotiateVersion, compareVersions } from './version.ts';
export type * from './types.ts';
