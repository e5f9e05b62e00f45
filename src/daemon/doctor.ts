/**
 * The stop doctor: reads each process's `SigCgt`, `SigIgn` and `SigBlk` from /proc/PID/status
 * and predicts how a stop will go — who catches the stop signal, who ignores it, who will be
 * SIGKILLed and why, how long it will take — with a one-line fix.
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { Container } from '../container/container.ts';
import { Conflict } from '../errors.ts';
import { readCmdline } from '../runtime/procs.ts';
import { signalName } from '../runtime/signals.ts';
import type { Daemon } from './daemon.ts';
import { taskOf } from './kill.ts';
import { resolveStop, stopScopeOf, usesInit } from './stop-policy.ts';

/** How one process will meet the stop signal. */
export type Fate =
  | 'init'               // the init: forwards or drains, exits with its main process
  | 'catches'            // has a handler: runs it
  | 'terminates'         // default action terminates it at once
  | 'ignores'            // ignores it: SIGKILLed at the deadline
  | 'blocked'            // blocks it: SIGKILLed at the deadline unless it unblocks
  | 'pid1-ignores'       // PID 1 without a handler: the kernel drops the signal
  | 'not-signalled'      // Docker's scope: only PID 1 is signalled
  | 'killed-by-kernel';  // not signalled, SIGKILLed by the kernel when PID 1 exits

/** One process's diagnosis. */
export interface ProcessDiagnosis {
  pid: number;
  nsPid: number | null;
  command: string;
  catches: boolean;
  ignores: boolean;
  blocks: boolean;
  fate: Fate;
  explanation: string;
}

/** The whole diagnosis. */
export interface Diagnosis {
  container: string;
  signal: string;
  timeout: number;
  scope: 'all' | 'init';
  init: boolean;
  processes: ProcessDiagnosis[];
  /** `graceful`: every process ends on the signal; `sigkill`: someone is SIGKILLed. */
  outcome: 'graceful' | 'sigkill';
  /** Predicted seconds until the container has stopped (the timeout when escalation is expected). */
  seconds: number;
  summary: string;
  /** What would happen without an init, for a container that has one. */
  withoutInit: string | null;
  fixes: string[];
}

/** Signals whose default action is to do nothing. */
const DEFAULT_IGNORED = new Set([17, 18, 23, 28]);
/** Signals whose default action stops (does not terminate) the process. */
const DEFAULT_STOPS = new Set([19, 20, 21, 22]);

/** Parses the hex signal masks of /proc/PID/status into a predicate per mask. */
export function parseMasks(status: string): { cgt: bigint; ign: bigint; blk: bigint; nsPid: number | null } {
  const field = (name: string) => status.split('\n').find((l) => l.startsWith(`${name}:`))?.split(':')[1]?.trim() ?? '';
  const mask = (name: string) => BigInt(`0x${field(name) || '0'}`);
  const ns = field('NSpid').split(/\s+/).filter(Boolean).at(-1);
  return { cgt: mask('SigCgt'), ign: mask('SigIgn'), blk: mask('SigBlk'), nsPid: ns ? Number(ns) : null };
}

const has = (mask: bigint, sig: number) => ((mask >> BigInt(sig - 1)) & 1n) === 1n;

/** Diagnoses a running container. */
export async function diagnose(d: Daemon, c: Container): Promise<Diagnosis> {
  const task = taskOf(d, c);
  if (!task || !c.state.running) throw new Conflict(`container ${c.name} is not running`);
  const { signal, timeout } = resolveStop(d, c, {});
  const sig = signalName(signal);
  const init = usesInit(d, c);
  const scope = stopScopeOf(d, c);
  const pids = await d.tasks.pids(task);
  const procs: ProcessDiagnosis[] = [];
  for (const pid of pids.includes(task.pid) ? pids : [task.pid, ...pids]) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
    if (!status) continue;
    const m = parseMasks(status);
    const command = (await readCmdline(pid)) || '?';
    const p = { pid, nsPid: m.nsPid, command, catches: has(m.cgt, signal), ignores: has(m.ign, signal), blocks: has(m.blk, signal) };
    procs.push({ ...p, ...fateOf(p, { sig, signal, init, scope, timeout, isPid1: pid === task.pid }) });
  }
  procs.sort((a, b) => (a.nsPid ?? 0) - (b.nsPid ?? 0));
  const killed = procs.filter((p) => ['ignores', 'blocked', 'pid1-ignores', 'killed-by-kernel'].includes(p.fate));
  const slow = procs.some((p) => ['ignores', 'blocked', 'pid1-ignores'].includes(p.fate));
  const outcome = killed.length ? 'sigkill' : 'graceful';
  const seconds = slow ? timeout : 0;
  const wait = timeout < 0 ? 'forever' : `${timeout} s`;
  const summary = !killed.length
    ? `every process ends on ${sig}: the stop should take as long as their handlers, without SIGKILL`
    : slow
      ? `${killed.map((p) => describe(p)).join(', ')} will not end on ${sig}: the stop will wait ${wait} and end in SIGKILL (exit 137)`
      : `${killed.map((p) => describe(p)).join(', ')} will be SIGKILLed by the kernel when PID 1 exits, mid-cleanup if it has any`;
  return {
    container: c.id, signal: sig, timeout, scope, init, processes: procs, outcome, seconds, summary,
    withoutInit: init ? withoutInit(procs, sig, wait) : null,
    fixes: fixes(procs, sig, init, scope),
  };
}

function describe(p: ProcessDiagnosis): string {
  return `${p.nsPid === 1 ? 'PID 1' : `pid ${p.nsPid ?? p.pid}`} \`${p.command.split(' ')[0]}\``;
}

interface Ctx { sig: string; signal: number; init: boolean; scope: 'all' | 'init'; timeout: number; isPid1: boolean }

function fateOf(p: { catches: boolean; ignores: boolean; blocks: boolean }, x: Ctx): Pick<ProcessDiagnosis, 'fate' | 'explanation'> {
  if (x.isPid1 && x.init) {
    return { fate: 'init', explanation: x.scope === 'all'
      ? `the init delivers ${x.sig} to every process of the container and exits when the last one has`
      : `the init forwards ${x.sig} to its child only and exits when the child does` };
  }
  const signalled = x.isPid1 || x.scope === 'all';
  if (!signalled) {
    return { fate: 'killed-by-kernel', explanation: `gets no ${x.sig} (only PID 1 is signalled); the kernel SIGKILLs it when PID 1 exits` };
  }
  if (p.catches) return { fate: 'catches', explanation: `catches ${x.sig} and runs its handler` };
  if (p.ignores) return { fate: 'ignores', explanation: `ignores ${x.sig}: it will be SIGKILLed at the deadline` };
  if (p.blocks) return { fate: 'blocked', explanation: `blocks ${x.sig}: unless it unblocks it, it will be SIGKILLed at the deadline` };
  if (x.isPid1) {
    return { fate: 'pid1-ignores', explanation: `neither catches nor ignores ${x.sig}: as PID 1 it will ignore it (the kernel drops signals with the default action sent to a namespace's PID 1)` };
  }
  if (DEFAULT_IGNORED.has(x.signal)) return { fate: 'ignores', explanation: `${x.sig}'s default action is to do nothing: it will be SIGKILLed at the deadline` };
  if (DEFAULT_STOPS.has(x.signal)) return { fate: 'blocked', explanation: `${x.sig}'s default action stops it without ending it: it will be SIGKILLed at the deadline` };
  return { fate: 'terminates', explanation: `${x.sig}'s default action terminates it at once` };
}

/** For a container with an init: what its main process would do as PID 1. */
function withoutInit(procs: ProcessDiagnosis[], sig: string, wait: string): string {
  const main = procs.find((p) => p.nsPid !== 1 && p.fate !== 'init');
  if (!main) return 'the init has no main process left';
  const name = `\`${main.command.split(' ')[0]}\``;
  if (main.catches) return `without an init, PID 1 ${name} would catch ${sig}; other processes would get no ${sig} and be SIGKILLed by the kernel when it exits`;
  return `without an init, PID 1 ${name} would not handle ${sig}, so as PID 1 it would ignore it: the stop would wait ${wait} and end in SIGKILL (exit 137)`;
}

function fixes(procs: ProcessDiagnosis[], sig: string, init: boolean, scope: 'all' | 'init'): string[] {
  const out: string[] = [];
  if (procs.some((p) => p.fate === 'pid1-ignores')) {
    out.push(`run with an init (moorage's default; drop --init=false), or use the exec form so your program is PID 1 and handles ${sig}`);
  }
  for (const p of procs.filter((q) => q.fate === 'ignores' || q.fate === 'blocked')) {
    out.push(`${describe(p)} ${p.fate === 'ignores' ? 'ignores' : 'does not act on'} ${sig}: handle ${sig} in it, or set STOPSIGNAL (--stop-signal) to a signal it handles`);
  }
  if (procs.some((p) => p.fate === 'killed-by-kernel')) {
    out.push(scope === 'init' ? `remove the label moorage.stop-scope=init so every process gets ${sig}` : `run with an init so every process gets ${sig}`);
  }
  if (!init && !out.length && procs.length > 1) out.push('run with an init so orphans are reaped and processes are drained before PID 1 exits');
  return out;
}
