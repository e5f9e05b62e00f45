/**
 * Records a stop as it happens and turns it into a {@link StopReport}: which processes were alive
 * when it began, what they were sent, and how each ended — from the exit code of PID 1, the
 * init's own record of what it delivered and reaped, each process's signal dispositions when the
 * stop began, a snapshot at the deadline, and a light liveness sampler that runs only while the
 * stop is in progress, and only for the processes that catch the signal (the kernel gives no
 * exit events for processes that are not our children; the sampler tells one that ended on its
 * own from one the kernel killed when PID 1 exited, and catches the wait status of zombies it
 * sees; a process that does not catch the signal ends by it, as {@link describeEnds} knows).
 * @module
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Container } from '../../container/container.ts';
import type { ProcessReport, StopReport } from '../../wire/stop.ts';
import { decodeWaitStatus, inMask, PF_EXITING, ProcStatHandle, readCmdline, readSignals, type ProcSignals } from '../../runtime/procs.ts';
import { defaultAction, signalName } from '../../runtime/signals.ts';
import type { TaskHandle } from '../../runtime/task.ts';
import type { Engine } from '../engine.ts';
import type { StopPlan } from './plan.ts';

const SAMPLE_MS = 20;
/** A report larger than this is cut: the init writes a few lines per process. */
const REPORT_MAX = 4 << 20;

/** One process as the recorder follows it. */
export interface Tracked {
  pid: number;
  nsPid: number | null;
  pgrp: number;
  startTime: number;
  command: string;
  /** Its signal dispositions when the stop began. */
  signals: Pick<ProcSignals, 'caught' | 'ignored' | 'blocked'>;
  /**
   * When the sampler first saw it gone (ms since the epoch), set only when PID 1 was seen
   * alive after that: proof that it ended before PID 1, not with it.
   */
  goneAt?: number;
  /** Its wait status, when the sampler saw it as a zombie. */
  waitStatus?: number;
  aliveAtDeadline?: boolean;
}

/** One reap record from moorage-init's report file. */
export interface InitReap {
  at: number;
  nsPid: number;
  how: 'exited' | 'signaled';
  value: number;
  main: boolean;
}

/** A signal moorage-init delivered: to every process, or forwarded to one pid (negative: a group). */
export interface InitDelivery {
  at: number;
  signal: number;
  to: 'all' | number;
}

/** What moorage-init's report file says: its deliveries and its reaps, in namespace pids. */
export interface InitReport {
  reaps: InitReap[];
  deliveries: InitDelivery[];
  /** Processes the init did not start (exec'd ones) that it saw end while it waited for them. */
  gone: { at: number; nsPid: number }[];
}

/** Parses moorage-init's report lines (`<ns> reaped <pid> exited <code>`, `<ns> signal 15 all`, …). */
export function parseInitReport(text: string): InitReport {
  const out: InitReport = { reaps: [], deliveries: [], gone: [] };
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (!/^\d+$/.test(f[0] ?? '')) continue;
    const at = Number(BigInt(f[0]!) / 1_000_000n);
    if ((f[1] === 'reaped' || f[1] === 'main') && (f[3] === 'exited' || f[3] === 'signaled') && f.length >= 5) {
      out.reaps.push({ at, nsPid: Number(f[2]), how: f[3], value: Number(f[4]), main: f[1] === 'main' });
    } else if (f[1] === 'signal' && f[3] === 'all') {
      out.deliveries.push({ at, signal: Number(f[2]), to: 'all' });
    } else if (f[1] === 'sigkill' && f[2] === 'all') {
      out.deliveries.push({ at, signal: 9, to: 'all' });
    } else if (f[1] === 'gone' && /^\d+$/.test(f[2] ?? '')) {
      out.gone.push({ at, nsPid: Number(f[2]) });
    } else if (f[1] === 'forward' && f.length >= 4) {
      out.deliveries.push({ at, signal: Number(f[2]), to: Number(f[3]) });
    }
  }
  return out;
}

/** What {@link describeEnds} needs to know about a finished stop. */
export interface StopFacts {
  plan: StopPlan;
  /** Host pid of PID 1. */
  pid1: number;
  /** The container's exit code and when it exited. */
  exitCode: number;
  finishedAt: string;
  /** The init's records made during this stop. */
  init: InitReport;
}

/**
 * How each process ended, from what was observed. A process nobody saw end is judged by the
 * kernel's rules: one that was sent a signal it neither caught, ignored nor blocked, and whose
 * default action terminates, was killed by it.
 */
export function describeEnds(procs: Tracked[], f: StopFacts): ProcessReport[] {
  const { plan } = f;
  const drained = f.init.deliveries.some((d) => d.to === 'all' && d.signal === plan.signal);
  return procs.map((p): ProcessReport => {
    const isPid1 = p.pid === f.pid1;
    const forwarded = f.init.deliveries.some((d) => d.signal === plan.signal && typeof d.to === 'number'
      && (d.to === p.nsPid || (d.to < 0 && -d.to === p.nsPid) || (d.to < 0 && p.nsPid !== null && -d.to === nsPgrp(p, procs))));
    const signalled = isPid1 || plan.deliver === 'all' || drained || forwarded;
    const base: ProcessReport = { pid: p.pid, nsPid: p.nsPid, command: p.command, signal: signalled ? plan.signalName : null, end: 'unknown' };
    if (p.aliveAtDeadline) return { ...base, end: 'killed-at-deadline', killSignal: 'SIGKILL', endedAt: f.finishedAt };
    if (isPid1) return { ...base, ...(plan.init ? { end: 'exited' as const, exitCode: f.exitCode } : ending(f.exitCode)), endedAt: f.finishedAt };
    const reap = f.init.reaps.find((r) => r.nsPid === p.nsPid);
    if (reap) return { ...base, ...ending(reap.how === 'exited' ? reap.value : 128 + reap.value), endedAt: new Date(reap.at).toISOString() };
    const seenGone = f.init.gone.find((g) => g.nsPid === p.nsPid);
    const goneAt = p.goneAt ?? seenGone?.at;
    const endedAt = goneAt !== undefined ? new Date(goneAt).toISOString() : f.finishedAt;
    if (p.waitStatus !== undefined) {
      const w = decodeWaitStatus(p.waitStatus);
      return { ...base, ...ending(w.how === 'exited' ? w.code : 128 + w.signal), endedAt };
    }
    if (signalled && diesOf(p, plan.signal)) return { ...base, ...ending(128 + plan.signal), endedAt };
    if (goneAt !== undefined) return { ...base, end: 'exited', endedAt };
    if (!drained) return { ...base, end: 'killed-by-kernel', killSignal: 'SIGKILL', endedAt: f.finishedAt };
    return base;
  });
}

/** The namespace pid of a process's group leader, when that leader is one of the tracked processes. */
function nsPgrp(p: Tracked, procs: Tracked[]): number | null {
  return procs.find((q) => q.pid === p.pgrp)?.nsPid ?? null;
}

/** True when `sig` kills `p` by its default action: not caught, ignored or blocked, and terminating. */
function diesOf(p: Tracked, sig: number): boolean {
  const s = p.signals;
  return !inMask(s.caught, sig) && !inMask(s.ignored, sig) && !inMask(s.blocked, sig) && defaultAction(sig) === 'terminate';
}

/** Watches one stop. */
export class StopRecorder {
  readonly #c: Container;
  readonly #task: TaskHandle;
  readonly #plan: StopPlan;
  readonly #procs: Tracked[];
  /**
   * Each tracked process's open stat file: one read per look (the sampler's reads share the
   * thread pool with every other stop's exit and checkpoint), and no pid reuse to guard against.
   */
  readonly #stats: Map<Tracked, ProcStatHandle>;
  readonly #startedAt = new Date();
  #timer: NodeJS.Timeout | null = null;
  #escalated = false;
  /** The report, once {@link finish} has built it. */
  report: StopReport | null = null;

  private constructor(c: Container, task: TaskHandle, plan: StopPlan, procs: Map<Tracked, ProcStatHandle>) {
    this.#c = c;
    this.#task = task;
    this.#plan = plan;
    this.#procs = [...procs.keys()];
    this.#stats = procs;
    if (this.#sampled().length) {
      this.#timer = setInterval(() => void this.#sample(), SAMPLE_MS);
      this.#timer.unref();
    }
  }

  /** The processes the sampler watches: not PID 1, not seen gone, catching the signal. */
  #sampled(): Tracked[] {
    return this.#procs.filter((p) => p.pid !== this.#task.pid && p.goneAt === undefined && inMask(p.signals.caught, this.#plan.signal));
  }

  /** Snapshots the container's processes as the stop begins. */
  static async begin(d: Engine, c: Container, task: TaskHandle, plan: StopPlan): Promise<StopRecorder> {
    const pids = await d.tasks.pids(task);
    if (!pids.includes(task.pid)) pids.unshift(task.pid);
    const found = await Promise.all(pids.map(async (pid): Promise<[Tracked, ProcStatHandle] | null> => {
      const handle = await ProcStatHandle.open(pid);
      const [st, sig, command] = await Promise.all([handle?.read(), readSignals(pid), readCmdline(pid)]);
      if (!handle || !st || !sig) {
        await handle?.close();
        return null;
      }
      return [{ pid, nsPid: sig.nsPid, pgrp: st.pgrp, startTime: st.startTime, command: command || st.comm, signals: sig }, handle];
    }));
    const procs = found.filter((p): p is [Tracked, ProcStatHandle] => p !== null)
      .sort(([a], [b]) => (a.pid === task.pid ? -1 : b.pid === task.pid ? 1 : a.pid - b.pid));
    return new StopRecorder(c, task, plan, new Map(procs));
  }

  /** The timeout ran out: whoever is alive now is about to be SIGKILLed. */
  async deadline(): Promise<void> {
    this.#escalated = true;
    await Promise.all(this.#procs.map(async (p) => {
      p.aliveAtDeadline = p.goneAt === undefined && (await this.#alive(p));
    }));
  }

  /** Ends the sampler (the container has exited or the stop failed). */
  stopSampling(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const h of this.#stats.values()) void h.close();
  }

  /** True while the process runs (a zombie has ended). */
  /**
   * Alive and not exiting: a namespace's PID 1 that has begun to exit has its namespace's other
   * processes killed by the kernel while /proc still shows it running.
   */
  async #alive(p: Tracked): Promise<boolean> {
    const st = await this.#stats.get(p)?.read();
    return st !== null && st !== undefined && st.state !== 'Z' && st.state !== 'X' && (st.flags & PF_EXITING) === 0;
  }

  /** Builds the report once the container has exited. */
  async finish(): Promise<StopReport> {
    const state = this.#c.state.data;
    const since = this.#startedAt.getTime() - 1000;
    const all = parseInitReport(this.#plan.init ? await readReport(this.#c.initReportPath) : '');
    const init = { reaps: all.reaps.filter((r) => r.at >= since), deliveries: all.deliveries.filter((r) => r.at >= since), gone: all.gone.filter((r) => r.at >= since) };
    const processes = describeEnds(this.#procs, {
      plan: this.#plan, pid1: this.#task.pid, exitCode: state.ExitCode, finishedAt: state.FinishedAt, init,
    });
    const reached = processes.every((p) => p.signal !== null) ? 'all' : 'init';
    this.report = {
      signal: this.#plan.signalName, signalSource: this.#plan.signalSource, timeout: this.#plan.timeout, scope: this.#plan.scope === 'init' ? 'init' : reached,
      startedAt: this.#startedAt.toISOString(), finishedAt: new Date().toISOString(), escalated: this.#escalated,
      exitCode: state.ExitCode, processes,
    };
    return this.report;
  }

  /**
   * One look at every process, PID 1 last: a process seen gone while PID 1 is still seen alive
   * afterwards ended on its own before PID 1. (Clocks are no help here: the exit file's mtime
   * is coarser than the gaps that matter.)
   */
  async #sample(): Promise<void> {
    const others = this.#sampled();
    if (!others.length) return;
    const gone = (await Promise.all(others.map(async (p) => {
      const st = await this.#stats.get(p)?.read();
      if (st && st.state !== 'Z') return null;
      if (st?.waitStatus != null) p.waitStatus = st.waitStatus;
      return p;
    }))).filter((p): p is Tracked => p !== null);
    if (!gone.length) return;
    const pid1 = this.#procs.find((p) => p.pid === this.#task.pid);
    if (!pid1 || !(await this.#alive(pid1))) return;
    const now = Date.now();
    for (const p of gone) p.goneAt = now;
  }
}

/** A stop report in a few `stop` event attributes. */
export function summarizeReport(r: StopReport): Record<string, string> {
  const count = (e: ProcessReport['end']) => String(r.processes.filter((p) => p.end === e).length);
  return {
    processes: String(r.processes.length), exited: count('exited'), signaled: count('signaled'),
    killedAtDeadline: count('killed-at-deadline'), killedByKernel: count('killed-by-kernel'), escalated: String(r.escalated),
  };
}

/** The container writes this file: read at most {@link REPORT_MAX} bytes of it. */
async function readReport(path: string): Promise<string> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const st = await fh.stat();
    if (!st.isFile()) return '';
    const buf = Buffer.alloc(Math.min(st.size, REPORT_MAX));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } catch {
    return '';
  } finally {
    await fh?.close();
  }
}

/** `exited` with a code, or `signaled` for 128+N codes. */
function ending(code: number): Pick<ProcessReport, 'end' | 'exitCode' | 'killSignal'> {
  if (code > 128 && code <= 128 + 64) return { end: 'signaled', exitCode: code, killSignal: signalName(code - 128) };
  return { end: 'exited', exitCode: code };
}
