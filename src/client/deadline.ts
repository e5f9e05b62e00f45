/**
 * Client deadlines derived from the engine's own bounds (src/stop-bounds.ts, the module the
 * engine waits by), so the SDK never hangs up before the engine answers.
 * @module
 */
import { DEFAULT_STOP_TIMEOUT_S, killWorstCaseMs, stopWorstCaseMs } from '../stop-bounds.ts';

export { DEFAULT_STOP_TIMEOUT_S } from '../stop-bounds.ts';
/** What the client adds for transport and scheduling, in milliseconds. */
export const DEADLINE_MARGIN_MS = 5_000;
/** The deadline of ordinary calls (inspect, list, create, …), in milliseconds. */
export const DEFAULT_CALL_TIMEOUT_MS = 60_000;

/**
 * The client deadline, in ms, for a stop (or a restart's stop) with the given timeout in
 * seconds, or `undefined` (no deadline) when the timeout is negative (the engine waits forever).
 * @param timeoutS the `t` sent, else the container's `StopTimeout`, else the engine's default
 */
export function stopDeadlineMs(timeoutS: number | undefined, marginMs = DEADLINE_MARGIN_MS): number | undefined {
  const worst = stopWorstCaseMs(timeoutS ?? DEFAULT_STOP_TIMEOUT_S);
  return worst === undefined ? undefined : worst + marginMs;
}

/**
 * The client deadline, in ms, for a kill: a SIGKILL answers only after the container exited
 * (the engine's kill bounds), any other signal answers on delivery.
 */
export function killDeadlineMs(signal: string | number | undefined, marginMs = DEADLINE_MARGIN_MS): number {
  return isSigkill(signal) ? killWorstCaseMs() + marginMs : DEFAULT_CALL_TIMEOUT_MS;
}

/** Whether a signal given by name or number is SIGKILL (an absent signal means SIGKILL for kill). */
export function isSigkill(signal: string | number | undefined): boolean {
  if (signal === undefined || signal === '') return true;
  const s = String(signal).trim().toUpperCase().replace(/^SIG/, '');
  return s === 'KILL' || s === '9';
}
