/**
 * Restart policies (moby's `restartmanager`): whether an exited container starts again, and
 * after what backoff — 100 ms, doubling to at most a minute, back to 100 ms after a run of
 * 10 s or more.
 * @module
 */
import type { RestartPolicy } from '../../container/container.ts';

/** The first backoff, and the one after a long enough run. */
export const INITIAL_DELAY_MS = 100;
/** The longest backoff. */
export const MAX_DELAY_MS = 60_000;
/** A run at least this long resets the backoff. */
export const RESET_AFTER_MS = 10_000;

/** What the decision looks at. */
export interface ExitFacts {
  exitCode: number;
  /** Restarts so far under this policy (since the last manual start). */
  restartCount: number;
  /** A user stopped or killed it (persisted), or the daemon is shutting down. */
  manuallyStopped: boolean;
  /** A manual stop or kill cancelled the policy until the next manual start. */
  cancelled: boolean;
}

/** True when the policy starts the container again after this exit. */
export function shouldRestart(p: RestartPolicy, f: ExitFacts): boolean {
  if (f.cancelled) return false;
  switch (p.Name) {
    case 'always': return true;
    case 'unless-stopped': return !f.manuallyStopped;
    case 'on-failure': return f.exitCode !== 0 && (p.MaximumRetryCount === 0 || f.restartCount < p.MaximumRetryCount);
    default: return false;
  }
}

/** The backoff before the next restart, from the previous one and how long the run lasted. */
export function nextDelay(previousMs: number, runMs: number): number {
  if (previousMs <= 0 || runMs >= RESET_AFTER_MS) return INITIAL_DELAY_MS;
  return Math.min(previousMs * 2, MAX_DELAY_MS);
}
