/**
 * Docker's human Status strings (`Up 3 seconds`, `Exited (0) 2 minutes ago`), from moby's
 * `State.String()` and go-units' `HumanDuration`.
 * @module
 */
import { ZERO_TIME, type StateData } from './state.ts';

/** go-units `HumanDuration`: the coarse English duration Docker prints. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

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
