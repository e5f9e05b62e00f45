/**
 * The state of restart policies per container (moby's `restartmanager`): whether a manual stop
 * cancelled the policy until the next manual start, the last backoff, and the pending restart.
 * The decision itself is {@link shouldRestart}; the restart is scheduled by the exit reactions.
 * @module
 */
import { nextDelay } from './restart-policy.ts';

/** Restart-policy state of every container. */
export class RestartManager {
  readonly #cancelled = new Set<string>();
  readonly #delays = new Map<string, number>();
  readonly #timers = new Map<string, NodeJS.Timeout>();

  /** A manual stop or kill cancelled the policy until the next manual start (moby's ExitOnNext). */
  cancel(id: string): void {
    this.#cancelled.add(id);
    this.clearPending(id);
  }

  /** Whether the policy is cancelled. */
  isCancelled(id: string): boolean {
    return this.#cancelled.has(id);
  }

  /** A manual start gives the policy a fresh start: no cancellation, the first backoff. */
  reset(id: string): void {
    this.#cancelled.delete(id);
    this.#delays.delete(id);
  }

  /** Runs `start` after the next backoff (from the last one and how long the run lasted). */
  schedule(id: string, runMs: number, start: () => void): void {
    const delay = nextDelay(this.#delays.get(id) ?? 0, runMs);
    this.#delays.set(id, delay);
    this.clearPending(id);
    this.#timers.set(id, setTimeout(() => {
      this.#timers.delete(id);
      start();
    }, delay));
  }

  /** Drops a scheduled restart. */
  clearPending(id: string): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
  }

  /** Forgets a removed container. */
  forget(id: string): void {
    this.clearPending(id);
    this.#cancelled.delete(id);
    this.#delays.delete(id);
  }

  /** Drops every scheduled restart (engine shutdown). */
  close(): void {
    for (const id of [...this.#timers.keys()]) this.clearPending(id);
  }
}
