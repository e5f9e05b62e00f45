/**
 * A container's stop settings, gathered from the container and the daemon for
 * {@link planStop}: its stop signal and timeout, whether it runs an init (and whether that is
 * moorage-init), and who gets the signal.
 * @module
 */
import { basename } from 'node:path';
import type { Container } from '../../container/container.ts';
import type { Engine } from '../engine.ts';
import { planStop, type StopPlan, type StopRequest, type StopSettings } from './plan.ts';

/** Label that picks the stop scope per container: `init` signals PID 1 only, as Docker does. */
export const STOP_SCOPE_LABEL = 'moorage.stop-scope';

/** The stop settings of a container on this daemon. */
export function stopSettings(d: Engine, c: Container): StopSettings {
  const label = c.config.Labels[STOP_SCOPE_LABEL];
  return {
    stopSignal: c.config.StopSignal,
    stopSignalFrom: c.record.StopSignalFrom ?? 'container',
    stopTimeout: c.config.StopTimeout,
    defaultTimeout: d.config.defaultStopTimeout,
    init: c.hostConfig.Init ?? d.config.init,
    initIsMoorage: basename(d.config.initPath).startsWith('moorage-init'),
    scope: label === 'init' || label === 'all' ? label : d.config.stopScope,
  };
}

/** The plan of a stop of this container now. */
export function planFor(d: Engine, c: Container, r: StopRequest = {}): StopPlan {
  return planStop(stopSettings(d, c), r, c.state.data.Paused);
}
