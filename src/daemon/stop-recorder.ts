/**
 * Records a stop as it happens and turns it into a {@link StopReport}: which processes were alive
 * when it began, what they were sent, and how each ended — from the exit code of PID 1, the
 * init's reap records, a snapshot at the deadline, and a light liveness sampler that runs only
 * while the stop is in progress (the kernel gives no exit events for processes that are not our
 * children, and the sampler is what tells a process that ended on its own from one the kernel
 * killed when PID 1 exited).
 * @module
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Container } from '../container/container.ts';
import type { ProcessReport, StopReport } from '../container/stop-report.ts';
import { isSameProcess, namespacePid, readCmdline, readStat } from '../runtime/procs.ts';
import { signalName } from '../runtime/signals.ts';
import type { SignalScope, TaskHandle } from '../runtime/task.ts';
import type { Daemon } from './daemon.ts';

const SAMPLE_MS = 20;
/** A report larger than this is cut: the init writes a few lines per process. */
const REPORT_MAX = 4 << 20;

interface Tracked {
  pid: number;
  nsPid: number | null;
  startTime: number;
  command: string;
  /**
   * When the sampler first saw it gone (ms since the epoch), set only when PID 1 was seen
   * alive after that: proof that it ended before PID 1, not with it.
   */
  goneAt?: number;
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

/** Parses moorage-init's report lines (`<ns> reaped <pid> exited <code>` and friends). */
export function parseInitReport(text: string): InitReap[] {
  const out: InitReap[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || (f[1] !== 'reaped' && f[1] !== 'main')) continue;
    if (f[3] !== 'exited' && f[3] !== 'signaled') continue;
    out.push({ at: Number(BigInt(f[0]!) / 1_000_000n), nsPid: Number(f[2]), how: f[3], value: Number(f[4]), main: f[1] === 'main' });
  }
  return out;
}

/** What the stop does, as far as the report is concerned. */
export interface StopPlan {
  signal: string;
  timeout: number;
  target: SignalScope;
  /** moorage-init will deliver the signal to every process itself. */
  drain: boolean;
  /** PID 1 is an init, whose exit code is its main process's. */
  init: boolean;
}

/** Watches one stop. */
export class StopRecorder {
  readonly #c: Container;
  readonly #task: TaskHandle;
  readonly #plan: StopPlan;
  readonly #procs: Tracked[];
  readonly #startedAt = new Date();
  #timer: NodeJS.Timeout | null = null;
  #escalated = false;
  /** The report, once {@link finish} has built it. */
  report: StopReport | null = null;

  private constructor(c: Container, task: TaskHandle, plan: StopPlan, procs: Tracked[]) {
    this.#c = c;
    this.#task = task;
    this.#plan = plan;
    this.#procs = procs;
    this.#timer = setInterval(() => void this.#sample(), SAMPLE_MS);
    this.#timer.unref();
  }

  /** Snapshots the container's processes as the stop begins. */
  static async begin(d: Daemon, c: Container, task: TaskHandle, plan: StopPlan): Promise<StopRecorder> {
    const pids = await d.tasks.pids(task);
    if (!pids.includes(task.pid)) pids.unshift(task.pid);
    const procs = (await Promise.all(pids.map(async (pid): Promise<Tracked | null> => {
      const [st, nsPid, command] = await Promise.all([readStat(pid), namespacePid(pid), readCmdline(pid)]);
      return st ? { pid, nsPid, startTime: st.startTime, command: command || st.comm } : null;
    }))).filter((p): p is Tracked => p !== null);
    procs.sort((a, b) => (a.pid === task.pid ? -1 : b.pid === task.pid ? 1 : a.pid - b.pid));
    return new StopRecorder(c, task, plan, procs);
  }

  /** The timeout ran out: whoever is alive now is about to be SIGKILLed. */
  async deadline(): Promise<void> {
    this.#escalated = true;
    await Promise.all(this.#procs.map(async (p) => {
      p.aliveAtDeadline = p.goneAt === undefined && (await isSameProcess(p.pid, p.startTime));
    }));
  }

  /** Ends the sampler (the container has exited or the stop failed). */
  stopSampling(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Builds the report once the container has exited. */
  async finish(): Promise<StopReport> {
    const state = this.#c.state.data;
    const exitAt = Date.parse(state.FinishedAt);
    const reaps = parseInitReport(await readReport(this.#c.initReportPath))
      .filter((r) => r.at >= this.#startedAt.getTime() - 1000);
    const mainReap = reaps.find((r) => r.main);
    const processes = this.#procs.map((p): ProcessReport => {
      const isPid1 = p.pid === this.#task.pid;
      const signalled = isPid1 || this.#plan.target === 'all' || this.#plan.drain
        || (mainReap !== undefined && p.nsPid === mainReap.nsPid);
      const base: ProcessReport = { pid: p.pid, nsPid: p.nsPid, command: p.command, signal: signalled ? this.#plan.signal : null, end: 'unknown' };
      if (p.aliveAtDeadline) return { ...base, end: 'killed-at-deadline', killSignal: 'SIGKILL', endedAt: new Date(exitAt).toISOString() };
      if (isPid1) {
        const end = this.#plan.init ? { end: 'exited' as const, exitCode: state.ExitCode } : ending(state.ExitCode);
        return { ...base, ...end, endedAt: state.FinishedAt };
      }
      const reap = reaps.find((r) => r.nsPid === p.nsPid);
      if (reap) {
        return { ...base, ...ending(reap.how === 'exited' ? reap.value : 128 + reap.value), endedAt: new Date(reap.at).toISOString() };
      }
      if (p.goneAt !== undefined) return { ...base, end: 'exited', endedAt: new Date(p.goneAt).toISOString() };
      if (!this.#plan.drain) return { ...base, end: 'killed-by-kernel', killSignal: 'SIGKILL', endedAt: state.FinishedAt };
      return base;
    });
    this.report = {
      signal: this.#plan.signal, timeout: this.#plan.timeout, scope: this.#plan.target === 'all' || this.#plan.drain ? 'all' : 'init',
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
    const others = this.#procs.filter((p) => p.pid !== this.#task.pid && p.goneAt === undefined);
    const gone = (await Promise.all(others.map(async (p) => ((await isSameProcess(p.pid, p.startTime)) ? null : p))))
      .filter((p): p is Tracked => p !== null);
    if (!gone.length) return;
    const pid1 = this.#procs.find((p) => p.pid === this.#task.pid);
    if (!pid1 || !(await isSameProcess(pid1.pid, pid1.startTime))) return;
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
