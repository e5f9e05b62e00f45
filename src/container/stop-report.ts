/**
 * The stop report: for every process alive when a stop began, what it was sent and how it
 * ended. Kept with the container as inspect's `State.LastStop`.
 * @module
 */

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
