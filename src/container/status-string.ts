/**
 * Docker's human Status strings (`Up 3 seconds`, `Exited (0) 2 minutes ago`), from moby's
 * `State.String()` and go-units' `HumanDuration`.
 * @module
 */
import { humanDuration } from '../units.ts';
import { ZERO_TIME, type StateData } from './state.ts';

/** The Status column of `docker ps` for a state, relative to `now`. */
export function statusString(s: StateData, now: number = Date.now()): string {
  const since = (t: string) => humanDuration(now - Date.parse(t));
  if (s.Running) {
    if (s.Paused) return `Up ${since(s.StartedAt)} (Paused)`;
    if (s.Restarting) return `Restarting (${s.ExitCode}) ${since(s.FinishedAt)} ago`;
    return `Up ${since(s.StartedAt)}`;
  }
  if (s.RemovalInProgress) return 'Removal In Progress';
  if (s.Dead) return 'Dead';
  if (s.StartedAt === ZERO_TIME) return 'Created';
  if (s.FinishedAt === ZERO_TIME) return '';
  return `Exited (${s.ExitCode}) ${since(s.FinishedAt)} ago`;
}
