/**
 * Host processes of containers, read from /proc and the container's cgroup, and signalled
 * directly by pid once their identity is checked, so a reused pid is never signalled.
 * @module
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What /proc/PID/stat tells about a process. */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** Start time in clock ticks since boot: with the pid, a process's identity. */
  startTime: number;
}

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
    startTime: Number(rest[19]),
  };
}

/** Reads /proc/PID/stat; null when the process is gone. */
export async function readStat(pid: number): Promise<ProcStat | null> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
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
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

/** The pid of a host process inside its own PID namespace (last `NSpid` entry), or null. */
export async function namespacePid(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const line = status.split('\n').find((l) => l.startsWith('NSpid:'));
    const last = line?.trim().split(/\s+/).at(-1);
    return last ? Number(last) : null;
  } catch {
    return null;
  }
}

/** Finds where cgroup process lists live on this host, for cgroupfs paths like `/moorage/ID`. */
export async function cgroupRoot(): Promise<string> {
  for (const dir of ['/sys/fs/cgroup/pids', '/sys/fs/cgroup/memory', '/sys/fs/cgroup/unified', '/sys/fs/cgroup']) {
    try {
      await access(join(dir, 'cgroup.procs'));
      return dir;
    } catch { /* try the next hierarchy */ }
  }
  return '/sys/fs/cgroup';
}

/** Every pid in a container's cgroup (empty when the cgroup is gone). */
export async function cgroupPids(root: string, cgroupsPath: string): Promise<number[]> {
  try {
    const text = await readFile(join(root, cgroupsPath, 'cgroup.procs'), 'utf8');
    return text.split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * True when `pid` is conmon monitoring container `id`: a zombie (empty cmdline) or a reused pid
 * does not count.
 */
export async function monitorAlive(pid: number, id: string): Promise<boolean> {
  try {
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    return args.includes('-c') && args[args.indexOf('-c') + 1] === id;
  } catch {
    return false;
  }
}
