/**
 * Bounded waits on a container's state. No lock is held while waiting: other operations,
 * inspect and list go on.
 * @module
 */
import type { Container } from '../../container/container.ts';
import type { WaitCondition, WaitResult } from '../../container/state.ts';
import { InvalidParameter } from '../../errors.ts';

/**
 * Waits until the container is not running, for at most `ms` (negative: forever). Resolves true
 * when it stopped, false when the time ran out.
 */
export async function waitStopped(c: Container, ms: number): Promise<boolean> {
  if (!c.state.running) return true;
  const w = c.state.wait('not-running');
  if (ms < 0) {
    await w.result;
    return true;
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  const stopped = await Promise.race([w.result.then(() => true), timedOut]);
  clearTimeout(timer);
  if (!stopped) w.cancel();
  return stopped || !c.state.running;
}

/** Parses `condition` (empty: `not-running`); anything but Docker's three is a 400. */
export function parseWaitCondition(raw: string | null): WaitCondition {
  const c = raw || 'not-running';
  if (c !== 'not-running' && c !== 'next-exit' && c !== 'removed') throw new InvalidParameter(`invalid condition: "${c}"`);
  return c;
}

/**
 * `POST /containers/{id}/wait`: waits for `condition`; `abort` ends the wait early (the client
 * hung up) and drops the waiter.
 */
export function waitContainer(c: Container, condition: WaitCondition, abort: AbortSignal): Promise<WaitResult> {
  const w = c.state.wait(condition);
  if (abort.aborted) w.cancel();
  else abort.addEventListener('abort', () => w.cancel(), { once: true });
  return w.result;
}
