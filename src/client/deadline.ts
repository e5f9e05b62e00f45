/**
 * Client deadlines derived from the engine's own bounds, so the SDK never hangs up before the
 * engine answers. A stop answers after up to `t` (the grace period) + 10 s (SIGKILL, then a
 * direct kill) + 2 s (the last bounded wait); the client waits that long plus a margin.
 * @module
 */

/** The engine's default stop timeout in seconds, used when neither the call nor the container gives one. */
export const DEFAULT_STOP_TIMEOUT_S = 10;
/** How long the engine waits after SIGKILL before its direct kill, in seconds. */
export const KILL_ESCALATION_S = 10;
/** The engine's last bounded wait after a kill, in seconds. */
export const FINAL_WAIT_S = 2;
/** What the client adds for transport and scheduling, in milliseconds. */
export const DEADLINE_MARGIN_MS = 5_000;
/** The deadline of ordinary calls (inspect, list, create, …), in milliseconds. */
export const DEFAULT_CALL_TIMEOUT_MS = 60_000;

/**
 * The client deadline, in ms, for a stop (or a restart's stop) with the given timeout in
 * seconds, or `undefined` (no deadline) when the timeout is negative (the engine waits forever).
 * @param timeoutS the `t` sent, else the container's `StopTimeout`, else the daemon default
 */
export function stopDeadlineMs(timeoutS: number | undefined, marginMs = DEADLINE_MARGIN_MS): number | undefined {
  const t = timeoutS ?? DEFAULT_STOP_TIMEOUT_S;
  if (t < 0) return undefined;
  return (t + KILL_ESCALATION_S + FINAL_WAIT_S) * 1000 + marginMs;
}

/**
 * The client deadline, in ms, for a kill: a SIGKILL answers only after the container exited
 * (up to 10 + 2 s), any other signal answers on delivery.
 */
export function killDeadlineMs(signal: string | number | undefined, marginMs = DEADLINE_MARGIN_MS): number {
  return isSigkill(signal)
    ? (KILL_ESCALATION_S + FINAL_WAIT_S) * 1000 + marginMs
    : DEFAULT_CALL_TIMEOUT_MS;
}

/** Whether a signal given by name or number is SIGKILL (an absent signal means SIGKILL for kill). */
export function isSigkill(signal: string | number | undefined): boolean {
  if (signal === undefined || signal === '') return true;
  const s = String(signal).trim().toUpperCase().replace(/^SIG/, '');
  return s === 'KILL' || s === '9';
}
