/**
 * Stopping a child process the tests or benchmarks started: SIGTERM, then SIGKILL after a
 * grace period; resolves once it has exited.
 * @module
 */
import type { ChildProcess } from 'node:child_process';

/** Stops `child` (by its pid, through its handle) unless it has exited already. */
export async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
}

/**
 * Awaits every start before it answers, so that each helper that did start has been handed to
 * its variable (and is stopped by the suite's `after`) even when another start failed; then
 * rethrows the first failure. `Promise.all` would reject at once and leak the rest.
 */
export async function allStarted(starts: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(starts)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
