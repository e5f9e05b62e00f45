/**
 * Host processes of containers, read from /proc and the container's cgroup, and signalled
 * directly by pid once their identity is checked, so a reused pid is never signalled.
 * @module
 */
import { open, type FileHandle } from 'node:fs/promises';

/** What /proc/PID/stat tells about a process. */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** Process group. */
  pgrp: number;
  /** Start time in clock ticks since boot: with the pid, a process's identity. */
  startTime: number;
  /** A zombie's wait status (as `waitpid` gives it to the parent); null while it runs. */
  waitStatus: number | null;
  /** The kernel's per-process flags (PF_*). */
  flags: number;
}

/** PF_EXITING: the process is in exit(), before it is a zombie. */
export const PF_EXITING = 0x4;

/** Parses /proc/PID/stat text (the command may hold spaces and parentheses). */
export function parseStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const rest = text.slice(close + 2).split(' ');
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0]!,
    ppid: Number(rest[1]),
    pgrp: Number(rest[2]),
    flags: Number(rest[6]),
    startTime: Number(rest[19]),
    // Field 52, exit_code (Linux 3.5+), means something only once the process is a zombie.
    waitStatus: rest[0] === 'Z' && rest[49] !== undefined ? Number(rest[49]) : null,
  };
}

/** Reads /proc/PID/stat; null when the process is gone. */
export async function readStat(pid: number): Promise<ProcStat | null> {
  try {
    const text = await readSmall(`/proc/${pid}/stat`, 1024);
    return text === null ? null : parseStat(text);
  } catch {
    return null;
  }
}

/**
 * An open /proc/PID/stat: re-read with one call, and bound to that process for good — once it is
 * reaped, reads fail (ESRCH) even if its pid is reused. For watching processes often and cheaply.
 */
export class ProcStatHandle {
  readonly #fh: FileHandle;
  readonly #buf = Buffer.alloc(1024);

  private constructor(fh: FileHandle) {
    this.#fh = fh;
  }

  /** Opens the stat file of `pid`; null when it is gone. */
  static async open(pid: number): Promise<ProcStatHandle | null> {
    return open(`/proc/${pid}/stat`, 'r').then((fh) => new ProcStatHandle(fh), () => null);
  }

  /** The process's stat now; null once it has been reaped. */
  async read(): Promise<ProcStat | null> {
    try {
      const { bytesRead } = await this.#fh.read(this.#buf, 0, this.#buf.length, 0);
      return bytesRead ? parseStat(this.#buf.toString('latin1', 0, bytesRead)) : null;
    } catch {
      return null;
    }
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.#fh.close().catch(() => {});
  }
}

/** True when `pid` is still the process that started at `startTime`, and not a zombie. */
export async function isSameProcess(pid: number, startTime: number): Promise<boolean> {
  const st = await readStat(pid);
  return st !== null && st.startTime === startTime && st.state !== 'Z';
}

/**
 * Signals `pid` only if it is still the process that started at `startTime`. Returns false
 * when it is gone or is another process now.
 */
export async function signalProcess(pid: number, startTime: number, signal: number): Promise<boolean> {
  if (!(await isSameProcess(pid, startTime))) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** The command line of a process, spaces between arguments; '' when gone. */
export async function readCmdline(pid: number): Promise<string> {
  return (await readSmall(`/proc/${pid}/cmdline`, 4096))?.split('\0').filter(Boolean).join(' ') ?? '';
}

/**
 * Reads the start of a /proc file (at most `max` bytes) with one open, one read and one close:
 * these files have no size to ask for, and a stop reads a few per process of the container.
 * Null when the process is gone.
 */
async function readSmall(path: string, max: number): Promise<string | null> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, 'r');
    const buf = Buffer.allocUnsafe(max);
    const { bytesRead } = await fh.read(buf, 0, max, 0);
    return buf.toString('utf8', 0, bytesRead);
  } catch {
    return null;
  } finally {
    await fh?.close();
  }
}

/** What /proc/PID/status tells about a process's signals and its pid in its namespace. */
export interface ProcSignals {
  /** Its program's name (`Name:`, the kernel's comm: at most 15 characters). */
  name: string;
  /** Its pid inside its own PID namespace (the last `NSpid` entry), when known. */
  nsPid: number | null;
  /** Signals it catches, ignores and blocks, as bit masks (bit N-1 for signal N). */
  caught: bigint;
  ignored: bigint;
  blocked: bigint;
}

/** Parses /proc/PID/status text. */
export function parseStatus(status: string): ProcSignals {
  const field = (name: string) => status.split('\n').find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1).trim() ?? '';
  const mask = (name: string) => BigInt(`0x${field(name) || '0'}`);
  const ns = field('NSpid').split(/\s+/).filter(Boolean).at(-1);
  return { name: field('Name'), nsPid: ns ? Number(ns) : null, caught: mask('SigCgt'), ignored: mask('SigIgn'), blocked: mask('SigBlk') };
}

/** Reads /proc/PID/status; null when the process is gone. */
export async function readSignals(pid: number): Promise<ProcSignals | null> {
  const text = await readSmall(`/proc/${pid}/status`, 8192);
  return text === null ? null : parseStatus(text);
}

/** True when signal `sig` is set in a /proc status mask. */
export function inMask(mask: bigint, sig: number): boolean {
  return ((mask >> BigInt(sig - 1)) & 1n) === 1n;
}

/** How a `waitpid` status reads: exited with a code, or killed by a signal. */
export function decodeWaitStatus(status: number): { how: 'exited'; code: number } | { how: 'signaled'; signal: number } {
  const sig = status & 0x7f;
  return sig === 0 ? { how: 'exited', code: (status >> 8) & 0xff } : { how: 'signaled', signal: sig };
}

/**
 * True when `pid` is conmon monitoring container `id`: a zombie (empty cmdline) or a reused pid
 * does not count.
 */
export async function monitorAlive(pid: number, id: string): Promise<boolean> {
  // conmon's `-c <id>` comes early in its command line.
  const args = (await readSmall(`/proc/${pid}/cmdline`, 4096))?.split('\0') ?? [];
  return args.includes('-c') && args[args.indexOf('-c') + 1] === id;
}

/**
 * Waits (at most `maxMs`) until `pid` runs the program named `comm` and blocks or handles
 * `sig`. A container's init is signalled only then: just after a start the runtime's own init
 * may still be about to exec it, and the kernel drops a signal a namespace's PID 1 neither
 * blocks nor handles. An init asleep in sigtimedwait counts as blocking: the kernel clears the
 * waited signals from the mask /proc shows for the length of the wait, and keeps them in the
 * task's saved mask, where the drop check looks too. Resolves whether it got there.
 */
export async function waitSignalReady(pid: number, sig: number, comm: string, maxMs: number): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const [s, wchan] = await Promise.all([readSignals(pid), readSmall(`/proc/${pid}/wchan`, 128)]);
    if (s === null) return false; // gone
    const waiting = wchan?.startsWith('do_sigtimedwait') ?? false;
    if (s.name === comm && (waiting || inMask(s.blocked, sig) || inMask(s.caught, sig))) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 2));
  }
}
