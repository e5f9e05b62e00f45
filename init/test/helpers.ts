// Shared plumbing for the moorage-init tests: build, spawn, /proc inspection and
// clean-up of every process a test starts (tracked by pid and start time, so a
// reused pid is never killed by mistake).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const INIT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const INIT = join(INIT_DIR, 'build', 'moorage-init');
export const SIGCONF_EXEC = join(INIT_DIR, 'build', 'sigconf-exec');
export const SUBREAPER_EXEC = join(INIT_DIR, 'build', 'subreaper-exec');

export async function build(): Promise<void> {
  await promisify(execFile)('make', ['-s', '-C', INIT_DIR]);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

interface Stat { pid: number; comm: string; state: string; ppid: number; pgid: number; start: string }

export function stat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const close = text.lastIndexOf(')');
  const f = text.slice(close + 2).split(' ');
  // Fields after the command name: state ppid pgrp session ... starttime is field 22 overall.
  return { pid, comm: text.slice(text.indexOf('(') + 1, close), state: f[0]!, ppid: Number(f[1]), pgid: Number(f[2]), start: f[19]! };
}

export function children(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ')) if (c.trim()) out.push(Number(c));
    } catch {
      /* the task went away */
    }
  }
  return out;
}

export function descendants(pid: number): number[] {
  const out: number[] = [];
  const todo = [pid];
  while (todo.length) for (const c of children(todo.pop()!)) (out.push(c), todo.push(c));
  return out;
}

/** Zombies whose parent is `pid`, seen from the host's /proc. */
export function zombiesOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => stat(Number(d)))
    .filter((s): s is Stat => s !== undefined && s.state === 'Z' && s.ppid === pid)
    .map((s) => s.pid);
}

export interface Result { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }

export class Proc {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout = '';
  stderr = '';
  readonly done: Promise<Result>;
  private readonly t0 = Date.now();

  constructor(cmd: string, args: string[], opts: { env?: Record<string, string>; input?: string; cwd?: string } = {}) {
    this.child = spawn(cmd, args, {
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      cwd: opts.cwd,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (this.child.pid === undefined) throw new Error(`cannot spawn ${cmd}`);
    this.pid = this.child.pid;
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d));
    if (opts.input !== undefined) this.child.stdin!.end(opts.input);
    // 'exit' rather than 'close': a leftover grandchild may hold the pipes open
    // (that is what some tests check); give the output a moment to arrive.
    this.done = new Promise((res, rej) => {
      this.child.on('error', rej);
      this.child.on('exit', (code, signal) => {
        const ms = Date.now() - this.t0;
        const finish = (): void => res({ code, signal, stdout: this.stdout, stderr: this.stderr, ms });
        const timer = setTimeout(finish, 200);
        this.child.on('close', () => (clearTimeout(timer), finish()));
      });
    });
  }

  /** Resolves to the result, or rejects when the process is still running after `ms`. */
  within(ms: number): Promise<Result> {
    return Promise.race([
      this.done,
      sleep(ms).then(() => Promise.reject(new Error(`still running after ${ms} ms; stderr: ${this.stderr}`))),
    ]);
  }

  /** The host pid of the init that `unshare --fork` started. */
  async unsharedChild(): Promise<number> {
    return waitFor('the unshare child', () => children(this.pid)[0]);
  }
}

/** Every process a test starts, or that those start; all SIGKILLed at the end. */
export class Procs {
  private readonly seen = new Map<number, string>();
  private readonly roots: number[] = [];
  readonly dir = mkdtempSync(join(tmpdir(), 'moorage-init-'));

  start(cmd: string, args: string[], opts?: ConstructorParameters<typeof Proc>[2]): Proc {
    const p = new Proc(cmd, args, opts);
    this.roots.push(p.pid);
    this.track(p.pid);
    return p;
  }

  /** Remembers a process and its current descendants for clean-up. */
  track(pid: number): void {
    for (const p of [pid, ...descendants(pid)]) {
      const s = stat(p);
      if (s && !this.seen.has(p)) this.seen.set(p, s.start);
    }
  }

  file(name: string, text?: string): string {
    const path = join(this.dir, name);
    if (text !== undefined) writeFileSync(path, text);
    return path;
  }

  exists(name: string): boolean {
    return existsSync(join(this.dir, name));
  }

  cleanup(): void {
    for (const r of this.roots) if (stat(r)?.start === this.seen.get(r)) this.track(r);
    for (const [pid, start] of this.seen) {
      if (stat(pid)?.start !== start) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function sigBits(status: string, field: 'SigIgn' | 'SigBlk'): bigint {
  const m = new RegExp(`^${field}:\\s*([0-9a-f]+)$`, 'm').exec(status);
  if (!m) throw new Error(`no ${field} in ${status}`);
  return BigInt('0x' + m[1]);
}

export const bit = (sig: number): bigint => 1n << BigInt(sig - 1);
