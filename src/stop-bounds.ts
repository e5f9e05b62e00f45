/**
 * The bounds of a stop, in one place for the engine (which waits this long), the SDK (which
 * must not hang up sooner) and the CLI. A stop with timeout `t` answers after at most
 * t (the grace period) + 10 s (SIGKILL through the runtime) + 2 s (a direct SIGKILL from the
 * host) + 2 s (a last look after a failed kill) — moby's `daemon/stop.go` and `kill.go`.
 * @module
 */

/** dockerd's default stop timeout, in seconds; a moorage engine reports its own in `/info`. */
export const DEFAULT_STOP_TIMEOUT_S = 10;
/** When the stop signal reached no process (it was exiting), the wait is cut to this (moby: 2 s). */
export const UNDELIVERED_WAIT_MS = 2_000;
/** After SIGKILL through the runtime, how long to wait for the exit (moby: 10 s). */
export const KILL_WAIT_MS = 10_000;
/** After the direct SIGKILL from the host, the last wait (moby: 2 s). */
export const DIRECT_KILL_WAIT_MS = 2_000;
/** After a kill that failed, one more look before the stop fails (moby: 2 s). */
export const FAILED_KILL_WAIT_MS = 2_000;
/** How long a container that lost its monitor may take to die of SIGKILL. */
export const LOST_MONITOR_WAIT_MS = 2_000;

/** The longest a SIGKILL (a kill request, or a stop's escalation) keeps the engine, in ms. */
export function killWorstCaseMs(): number {
  return KILL_WAIT_MS + DIRECT_KILL_WAIT_MS;
}

/** The longest delay a timer holds (about 24.8 days): a longer one would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A stop timeout of `t` seconds as a wait in ms; -1 for "until it exits", which is what a
 * negative `t` asks for and what one longer than a timer can hold amounts to.
 */
export function stopWaitMs(t: number): number {
  return t < 0 || t * 1000 > MAX_TIMER_MS ? -1 : t * 1000;
}

/**
 * The longest the engine takes to answer a stop with timeout `t` seconds, in ms; undefined for
 * a stop that waits for the exit however long it takes (see {@link stopWaitMs}).
 */
export function stopWorstCaseMs(t: number): number | undefined {
  if (stopWaitMs(t) < 0) return undefined;
  return t * 1000 + killWorstCaseMs() + FAILED_KILL_WAIT_MS;
}
