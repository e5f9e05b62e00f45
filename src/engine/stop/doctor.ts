/**
 * The stop doctor: reads each process's `SigCgt`, `SigIgn` and `SigBlk` from /proc/PID/status
 * and predicts how a stop will go — who catches the stop signal, who ignores it, who will be
 * SIGKILLed and why, how long it will take — with a one-line fix.
 * @module
 */
import type { Container } from '../../container/container.ts';
import type { Diagnosis, ProcessDiagnosis } from '../../wire/stop.ts';
import { Conflict } from '../../errors.ts';
import { inMask, readCmdline, readSignals, readStat, type ProcSignals } from '../../runtime/procs.ts';
import { defaultAction } from '../../runtime/signals.ts';
import type { Engine } from '../engine.ts';
import { taskOf } from '../containers/kill.ts';
import type { StopPlan } from './plan.ts';
import { planFor } from './settings.ts';

/** One process as the doctor reads it from /proc. */
export interface ObservedProcess {
  pid: number;
  ppid: number;
  command: string;
  signals: ProcSignals;
}

/** Diagnoses a running container. */
export async function diagnose(d: Engine, c: Container): Promise<Diagnosis> {
  const task = taskOf(d, c);
  if (!task || !c.state.running) throw new Conflict(`container ${c.name} is not running`, 'MOORAGE_NOT_RUNNING');
  const pids = await d.tasks.pids(task);
  const procs = (await Promise.all((pids.includes(task.pid) ? pids : [task.pid, ...pids]).map(async (pid) => {
    const [st, signals, command] = await Promise.all([readStat(pid), readSignals(pid), readCmdline(pid)]);
    return st && signals ? { pid, ppid: st.ppid, command: command || '?', signals } : null;
  }))).filter((p): p is ObservedProcess => p !== null);
  return { container: c.id, ...predictStop(planFor(d, c), procs, task.pid) };
}

/**
 * Predicts a stop from the plan and each process's signal dispositions: who catches the signal,
 * who ignores it, who never gets it and will be SIGKILLed by the kernel. Pure.
 */
export function predictStop(plan: StopPlan, observed: ObservedProcess[], pid1: number): Omit<Diagnosis, 'container'> {
  const sig = plan.signalName;
  // An init that does not drain forwards the signal to its first child only (its main process).
  const main = plan.init && !plan.drains
    ? observed.filter((p) => p.ppid === pid1).sort((a, b) => (a.signals.nsPid ?? a.pid) - (b.signals.nsPid ?? b.pid))[0]
    : undefined;
  const procs = observed.map((o): ProcessDiagnosis => {
    const s = o.signals;
    const p = { pid: o.pid, nsPid: s.nsPid, command: o.command, catches: inMask(s.caught, plan.signal), ignores: inMask(s.ignored, plan.signal), blocks: inMask(s.blocked, plan.signal) };
    const signalled = o.pid === pid1 || plan.deliver === 'all' || plan.drains || o === main;
    return { ...p, ...fateOf(p, plan, o.pid === pid1, signalled) };
  }).sort((a, b) => (a.nsPid ?? 0) - (b.nsPid ?? 0));
  const killed = procs.filter((p) => ['ignores', 'blocked', 'pid1-ignores', 'killed-by-kernel'].includes(p.fate));
  const slow = procs.some((p) => ['ignores', 'blocked', 'pid1-ignores'].includes(p.fate));
  const wait = plan.timeout < 0 ? 'forever' : `${plan.timeout} s`;
  const summary = !killed.length
    ? `every process ends on ${sig}: the stop should take as long as their handlers, without SIGKILL`
    : slow
      ? `${killed.map((p) => describe(p)).join(', ')} will not end on ${sig}: the stop will wait ${wait} and end in SIGKILL (exit 137)`
      : `${killed.map((p) => describe(p)).join(', ')} will be SIGKILLed by the kernel when PID 1 exits, mid-cleanup if it has any`;
  return {
    signal: sig, signalSource: plan.signalSource, timeout: plan.timeout, scope: plan.scope, init: plan.init, processes: procs,
    outcome: killed.length ? 'sigkill' : 'graceful', seconds: slow ? plan.timeout : 0, summary,
    withoutInit: plan.init ? withoutInit(procs, sig, wait) : null,
    fixes: fixes(procs, sig, plan),
  };
}

function describe(p: ProcessDiagnosis): string {
  return `${p.nsPid === 1 ? 'PID 1' : `pid ${p.nsPid ?? p.pid}`} \`${p.command.split(' ')[0]}\``;
}

function fateOf(p: { catches: boolean; ignores: boolean; blocks: boolean }, plan: StopPlan, isPid1: boolean, signalled: boolean): Pick<ProcessDiagnosis, 'fate' | 'explanation'> {
  const sig = plan.signalName;
  if (isPid1 && plan.init) {
    return { fate: 'init', explanation: plan.drains
      ? `the init delivers ${sig} to every process of the container and exits when the last one has`
      : `the init forwards ${sig} to its child only and exits when the child does` };
  }
  if (!signalled) {
    return { fate: 'killed-by-kernel', explanation: `gets no ${sig} (only PID 1 is signalled); the kernel SIGKILLs it when PID 1 exits` };
  }
  if (p.catches) return { fate: 'catches', explanation: `catches ${sig} and runs its handler` };
  if (p.ignores) return { fate: 'ignores', explanation: `ignores ${sig}: it will be SIGKILLed at the deadline` };
  if (p.blocks) return { fate: 'blocked', explanation: `blocks ${sig}: unless it unblocks it, it will be SIGKILLed at the deadline` };
  if (isPid1) {
    return { fate: 'pid1-ignores', explanation: `neither catches nor ignores ${sig}: as PID 1 it will ignore it (the kernel drops signals with the default action sent to a namespace's PID 1)` };
  }
  const action = defaultAction(plan.signal);
  if (action === 'ignore') return { fate: 'ignores', explanation: `${sig}'s default action is to do nothing: it will be SIGKILLed at the deadline` };
  if (action === 'stop') return { fate: 'blocked', explanation: `${sig}'s default action stops it without ending it: it will be SIGKILLed at the deadline` };
  return { fate: 'terminates', explanation: `${sig}'s default action terminates it at once` };
}

/** For a container with an init: what its main process would do as PID 1. */
function withoutInit(procs: ProcessDiagnosis[], sig: string, wait: string): string {
  const main = procs.find((p) => p.nsPid !== 1 && p.fate !== 'init');
  if (!main) return 'the init has no main process left';
  const name = `\`${main.command.split(' ')[0]}\``;
  if (main.catches) return `without an init, PID 1 ${name} would catch ${sig}; other processes would get no ${sig} and be SIGKILLed by the kernel when it exits`;
  return `without an init, PID 1 ${name} would not handle ${sig}, so as PID 1 it would ignore it: the stop would wait ${wait} and end in SIGKILL (exit 137)`;
}

function fixes(procs: ProcessDiagnosis[], sig: string, plan: StopPlan): string[] {
  const out: string[] = [];
  if (procs.some((p) => p.fate === 'pid1-ignores')) {
    out.push(`run with an init (moorage's default; drop --init=false), or use the exec form so your program is PID 1 and handles ${sig}`);
  }
  for (const p of procs.filter((q) => q.fate === 'ignores' || q.fate === 'blocked')) {
    out.push(`${describe(p)} ${p.fate === 'ignores' ? 'ignores' : 'does not act on'} ${sig}: handle ${sig} in it, or set STOPSIGNAL (--stop-signal) to a signal it handles`);
  }
  if (procs.some((p) => p.fate === 'killed-by-kernel')) {
    out.push(plan.scope === 'init' ? `remove the label moorage.stop-scope=init so every process gets ${sig}` : `run with an init so every process gets ${sig}`);
  }
  if (!plan.init && !out.length && procs.length > 1) out.push('run with an init so orphans are reaped and processes are drained before PID 1 exits');
  return out;
}
