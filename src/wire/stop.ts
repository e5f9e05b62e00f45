/**
 * The stop's wire shapes, shared by the engine (which builds them) and the SDK (which reads
 * them): the stop report — for every process alive when a stop began, what it was sent and how
 * it ended, kept as inspect's `State.LastStop` — and the doctor's prediction.
 * @module
 */

/** Where a stop's signal came from: the stop request, the container's `StopSignal`, the image's `STOPSIGNAL`, or SIGTERM by default. */
export type SignalSource = 'request' | 'container' | 'image' | 'default';

/** How one process ended during a stop. */
export type ProcessEnd =
  | 'exited'                 // exited by itself, with exitCode
  | 'signaled'               // killed by a signal other than the deadline's SIGKILL
  | 'killed-at-deadline'     // SIGKILLed by moorage when the timeout ran out
  | 'killed-by-kernel'       // SIGKILLed by the kernel when the namespace's PID 1 exited
  | 'unknown';               // gone, but nothing recorded how

/** One process in a stop report. */
export interface ProcessReport {
  /** pid on the host. */
  pid: number;
  /** pid inside the container's PID namespace, when known. */
  nsPid: number | null;
  /** Its command line, as /proc showed it when the stop began. */
  command: string;
  /** The signal moorage sent it (`SIGTERM`), or null when it was not signalled directly. */
  signal: string | null;
  end: ProcessEnd;
  exitCode?: number;
  /** The signal that killed it, for `signaled` and the two kill outcomes. */
  killSignal?: string;
  /** When it ended (RFC 3339), when known. */
  endedAt?: string;
}

/** The report of one stop. */
export interface StopReport {
  /** The stop signal, by name. */
  signal: string;
  /** Where the signal came from (absent in reports of older engines). */
  signalSource?: SignalSource;
  /** The timeout in seconds (-1: forever). */
  timeout: number;
  /** `all`: every process got the signal; `init`: only PID 1, as Docker does. */
  scope: 'all' | 'init';
  startedAt: string;
  finishedAt: string;
  /** True when the timeout ran out and SIGKILL was sent. */
  escalated: boolean;
  /** The container's exit code. */
  exitCode: number;
  processes: ProcessReport[];
}

/** How one process will meet the stop signal. */
export type Fate =
  | 'init'               // the init: forwards or drains, exits with its main process
  | 'catches'            // has a handler: runs it
  | 'terminates'         // default action terminates it at once
  | 'ignores'            // ignores it: SIGKILLed at the deadline
  | 'blocked'            // blocks it: SIGKILLed at the deadline unless it unblocks
  | 'pid1-ignores'       // PID 1 without a handler: the kernel drops the signal
  | 'not-signalled'      // Docker's scope: only PID 1 is signalled
  | 'killed-by-kernel';  // not signalled, SIGKILLed by the kernel when PID 1 exits

/** One process's diagnosis. */
export interface ProcessDiagnosis {
  pid: number;
  nsPid: number | null;
  command: string;
  catches: boolean;
  ignores: boolean;
  blocks: boolean;
  fate: Fate;
  explanation: string;
}

/** The whole diagnosis (`GET /containers/{id}/doctor`). */
export interface Diagnosis {
  container: string;
  signal: string;
  /** Where the stop signal comes from. */
  signalSource: SignalSource;
  timeout: number;
  scope: 'all' | 'init';
  init: boolean;
  processes: ProcessDiagnosis[];
  /** `graceful`: every process ends on the signal; `sigkill`: someone is SIGKILLed. */
  outcome: 'graceful' | 'sigkill';
  /** Predicted seconds until the container has stopped (the timeout when escalation is expected). */
  seconds: number;
  summary: string;
  /** What would happen without an init, for a container that has one. */
  withoutInit: string | null;
  fixes: string[];
}
