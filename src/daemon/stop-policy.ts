/**
 * How a container is to be stopped: its stop signal, timeout, whether it runs an init, and who
 * gets the signal. Read by start (which sets up the init) and by stop.
 * @module
 */
import type { Container } from '../container/container.ts';
import { parseSignal, SIGTERM } from '../runtime/signals.ts';
import type { Daemon } from './daemon.ts';

/** Label that picks the stop scope per container: `init` signals PID 1 only, as Docker does. */
export const STOP_SCOPE_LABEL = 'moorage.stop-scope';

/** What a stop request asked for; unset fields fall back to the container, then the daemon. */
export interface StopOptions {
  timeout?: number;
  signal?: string;
}

/** Whether this container runs with an init: its own choice, else the daemon's default. */
export function usesInit(d: Daemon, c: Container): boolean {
  return c.hostConfig.Init ?? d.config.init;
}

/** The container's configured stop signal, SIGTERM when unset or invalid. */
export function stopSignalOf(c: Container): number {
  try {
    const n = c.config.StopSignal ? parseSignal(c.config.StopSignal) : SIGTERM;
    return n > 0 ? n : SIGTERM;
  } catch {
    return SIGTERM;
  }
}

/** `init` when the stop signal should reach PID 1 only (Docker's way), else `all`. */
export function stopScopeOf(d: Daemon, c: Container): 'all' | 'init' {
  const label = c.config.Labels[STOP_SCOPE_LABEL];
  if (label === 'init' || label === 'all') return label;
  return d.config.stopScope;
}

/** The stop signal and timeout in force for one stop (request, then container, then daemon). */
export function resolveStop(d: Daemon, c: Container, opts: StopOptions): { signal: number; timeout: number } {
  const signal = opts.signal ? parseSignal(opts.signal) : stopSignalOf(c);
  const timeout = opts.timeout ?? c.config.StopTimeout ?? d.config.defaultStopTimeout;
  return { signal, timeout };
}
