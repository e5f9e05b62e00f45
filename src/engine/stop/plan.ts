/**
 * The stop plan: what one stop will send, to whom, and for how long, worked out once from the
 * request, the container and the daemon. The stop follows it, the recorder reports against it,
 * the doctor predicts from it, and start sets up the init for it. Pure: no I/O.
 * @module
 */
import { parseSignal, signalName, SIGTERM } from '../../runtime/signals.ts';
import type { SignalSource } from '../../wire/stop.ts';

/** Who the stop signal is meant for: every process (moorage) or PID 1 only (Docker). */
export type StopScope = 'all' | 'init';

/** A container's stop settings, before any request. */
export interface StopSettings {
  /** The container's `Config.StopSignal` (from the image when the container set none). */
  stopSignal?: string;
  /** Whether that stop signal is the container's own or its image's (`STOPSIGNAL`); the container's by default. */
  stopSignalFrom?: 'container' | 'image';
  /** The container's `Config.StopTimeout`. */
  stopTimeout?: number | null;
  /** The daemon's `--default-stop-timeout`. */
  defaultTimeout: number;
  /** PID 1 is an init. */
  init: boolean;
  /** That init is moorage-init, which drains and reports (another init, such as tini, does neither). */
  initIsMoorage: boolean;
  scope: StopScope;
}

/** What a stop request asked for; unset fields fall back to the container, then the daemon. */
export interface StopRequest {
  signal?: string;
  timeout?: number;
}

/** The plan of one stop. */
export interface StopPlan {
  signal: number;
  signalName: string;
  /** Where the signal came from. */
  signalSource: SignalSource;
  /** Seconds before SIGKILL; negative waits forever; 0 kills at once after the signal. */
  timeout: number;
  init: boolean;
  scope: StopScope;
  /** Where moorage sends the stop signal itself. */
  deliver: 'pid1' | 'all';
  /**
   * moorage-init delivers the signal to every process of the container when it receives it
   * (it does so for its configured stop signal only).
   */
  drains: boolean;
  /** The container is paused: it is thawed right after the signal, which lands then. */
  thaw: boolean;
}

/** A StopSignal as a signal number, or null when it is unset or does not parse. */
function parseStopSignal(stopSignal: string | undefined): number | null {
  if (!stopSignal) return null;
  try {
    return parseSignal(stopSignal);
  } catch {
    return null;
  }
}

/** The container's own stop signal: its StopSignal when that parses to a signal, else SIGTERM. */
export function containerStopSignal(stopSignal: string | undefined): number {
  return parseStopSignal(stopSignal) ?? SIGTERM;
}

/**
 * Plans a stop. Throws InvalidParameter for a request signal that does not parse. At `t=0`
 * moorage signals PID 1 only and SIGKILLs at once (Docker's meaning of `t=0`); an init that
 * drains still passes the signal on if it gets to it before the SIGKILL.
 */
export function planStop(s: StopSettings, r: StopRequest = {}, paused = false): StopPlan {
  const parsed = parseStopSignal(s.stopSignal);
  const own = parsed ?? SIGTERM;
  const signal = r.signal ? parseSignal(r.signal) : own;
  const ownSource: SignalSource = parsed !== null ? s.stopSignalFrom ?? 'container' : 'default';
  const signalSource: SignalSource = r.signal ? 'request' : ownSource;
  const timeout = r.timeout ?? s.stopTimeout ?? s.defaultTimeout;
  const drains = s.init && s.initIsMoorage && s.scope === 'all' && signal === own;
  const deliver = timeout === 0 || s.init || s.scope === 'init' ? 'pid1' : 'all';
  return { signal, signalName: signalName(signal), signalSource, timeout, init: s.init, scope: s.scope, deliver, drains, thaw: paused };
}

/** moorage-init's flags for a container with these settings (start puts them before `--`). */
export function initFlags(s: StopSettings, reportPath: string): string[] {
  const flags = ['--stop-signal', signalName(containerStopSignal(s.stopSignal)), '--report', reportPath];
  if (s.scope === 'init') flags.push('--no-drain'); // Docker's scope: forward to the child, as tini
  return flags;
}
