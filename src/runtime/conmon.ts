/**
 * Launches conmon, the per-container monitor, and learns the container's PID 1 from it.
 * conmon runs `<runtime> create`, becomes the parent of the container's PID 1, writes its exit
 * code to the exit dir and its output to a k8s-file log, and outlives the engine.
 * See reference/conmon-runtime.md §2 for the pipe protocol.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable, Writable } from 'node:stream';
import { SystemError } from '../errors.ts';
import { startFailure } from './start-failure.ts';

/** Where conmon lives on Debian. */
export const CONMON_PATH = '/usr/bin/conmon';
/** conmon plus `runtime create` take ~50 ms; anything past this bound is a hung runtime. */
export const SYNC_TIMEOUT_MS = 30_000;

/** The file in the persist dir where conmon writes its monitor's pid. */
const MONITOR_PID_FILE = 'conmon.pid';

/** The monitor pid conmon wrote into `persistDir`; undefined when there is none. */
export async function readMonitorPid(persistDir: string): Promise<number | undefined> {
  const pid = Number(await readFile(join(persistDir, MONITOR_PID_FILE), 'utf8').catch(() => ''));
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Where conmon writes its monitor's pid for a task whose persist dir is `persistDir`. */
export function monitorPidFile(persistDir: string): string {
  return join(persistDir, MONITOR_PID_FILE);
}

/** How the process's stdio is wired: a pipe for stdin (`-i`), a terminal (`-t`). */
export interface ConmonStdio {
  /** Give the process a stdin that attach sessions write to. */
  stdin: boolean;
  /** Run it on a pseudo-terminal (the spec's `process.terminal` must say so too). */
  tty: boolean;
  /** Keep stdin open when an attach session ends (Docker: unless `StdinOnce`). */
  leaveStdinOpen: boolean;
}

/** What conmon needs to create one container. */
export interface ConmonLaunch extends ConmonStdio {
  id: string;
  name: string;
  runtimePath: string;
  /** Global runtime flags placed before `create` (e.g. `--root DIR`). */
  runtimeArgs: string[];
  bundleDir: string;
  pidFile: string;
  conmonPidFile: string;
  exitDir: string;
  persistDir: string;
  logPath: string;
  /** conmon arguments that run a command after the container exits (its teardown). */
  exitCommand: string[];
}

/** The created (not yet started) container. */
export interface Created {
  /** Host pid of the container's PID 1 (still the runtime's init until `start`). */
  pid: number;
  /** Host pid of conmon's monitor process. */
  monitorPid: number;
  /**
   * Resolves when the monitor exits, for whatever reason: conmon holds its end of the sync
   * pipe for its whole life, so the pipe's close is the event (no polling).
   */
  monitorGone: Promise<void>;
}

/** conmon's flags for the process's stdio. */
export function stdioArgs(s: ConmonStdio): string[] {
  return [...(s.stdin ? ['-i'] : []), ...(s.tty ? ['-t'] : []), ...(s.stdin && s.leaveStdinOpen ? ['--leave-stdin-open'] : [])];
}

/** A running conmon and the pipes of its protocol (fd 2 errors, then sync, start and, for exec, attach). */
export interface ConmonChild {
  child: ChildProcess;
  sync: LineReader;
  start: Writable;
  attach: LineReader | null;
  /** What conmon wrote on stderr before it daemonized. */
  stderr(): string;
}

/** Spawns conmon with its pipe protocol's file descriptors. */
export function spawnConmon(args: string[], cwd: string, withAttachPipe: boolean): ConmonChild {
  const child = spawn(CONMON_PATH, args, {
    detached: true,
    cwd,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe', ...(withAttachPipe ? ['pipe' as const] : [])],
    env: { ...process.env, _OCI_SYNCPIPE: '3', _OCI_STARTPIPE: '4', ...(withAttachPipe ? { _OCI_ATTACHPIPE: '5' } : {}) },
  });
  const [, , errPipe, syncPipe, startPipe, attachPipe] = child.stdio as [null, null, Readable, Readable, Writable, Readable?];
  // conmon closing its ends early surfaces as ECONNRESET/EPIPE; the reads report it.
  for (const s of [errPipe, syncPipe, startPipe, attachPipe]) s?.on('error', () => {});
  child.on('error', () => {});
  let stderr = '';
  errPipe.on('data', (d: Buffer) => { stderr += d; });
  errPipe.on('end', () => errPipe.destroy());
  return {
    child, sync: new LineReader(syncPipe), start: startPipe, attach: attachPipe ? new LineReader(attachPipe) : null,
    stderr: () => stderr.trim(),
  };
}

/** Starts conmon and waits (bounded) until the runtime has created the container. */
export async function launchConmon(l: ConmonLaunch): Promise<Created> {
  const args = [
    '--api-version', '1', '-c', l.id, '-u', l.id, '-n', l.name, '-r', l.runtimePath,
    '-b', l.bundleDir, '-p', l.pidFile, '--conmon-pidfile', l.conmonPidFile,
    '--exit-dir', l.exitDir, '--persist-dir', l.persistDir, '--full-attach',
    '-l', `k8s-file:${l.logPath}`, '--log-level', 'error', ...stdioArgs(l),
    ...l.runtimeArgs.flatMap((a) => ['--runtime-arg', a]),
    ...l.exitCommand,
  ];
  const c = spawnConmon(args, l.persistDir, false);
  // conmon's fork parent writes the monitor's pid file and exits, concurrently with the monitor.
  const parentExited = new Promise<void>((resolve) => c.child.once('exit', () => resolve()));
  c.start.end(Buffer.from([0]));
  try {
    const msg = await c.sync.json(SYNC_TIMEOUT_MS, 'create the container', c.stderr);
    if (msg.data < 0) throw startFailure((msg.message ?? 'runtime create failed').trim());
    await Promise.race([parentExited, sleep(SYNC_TIMEOUT_MS, undefined, { ref: false })]);
    const monitorPid = Number(await readFile(l.conmonPidFile, 'utf8'));
    return { pid: msg.data, monitorPid, monitorGone: c.sync.closed() };
  } catch (err) {
    c.sync.destroy();
    throw err;
  } finally {
    c.child.unref();
  }
}

/** One message of conmon's sync or attach pipe. */
export interface ConmonMessage {
  data: number;
  message?: string;
}

/** Reads conmon's pipe messages, one JSON object per line, keeping what arrives early. */
export class LineReader {
  readonly #stream: Readable;
  #buf = '';
  #ended = false;
  #wake: (() => void) | null = null;
  readonly #closed: Promise<void>;

  constructor(stream: Readable) {
    this.#stream = stream;
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => { this.#buf += d; this.#wake?.(); });
    this.#closed = new Promise((resolve) => stream.once('close', () => {
      this.#ended = true;
      this.#wake?.();
      resolve();
    }));
    stream.on('end', () => { this.#ended = true; this.#wake?.(); });
    (stream as Readable & { unref?: () => void }).unref?.();
  }

  /** The next line, or null at the end; rejects after `ms`. */
  async line(ms: number): Promise<string | null> {
    const deadline = Date.now() + ms;
    for (;;) {
      const nl = this.#buf.indexOf('\n');
      if (nl >= 0) {
        const line = this.#buf.slice(0, nl);
        this.#buf = this.#buf.slice(nl + 1);
        return line;
      }
      if (this.#ended) {
        const rest = this.#buf;
        this.#buf = '';
        return rest.length ? rest : null;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new SystemError(`conmon did not report within ${ms} ms`);
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        timer = setTimeout(resolve, left);
        timer.unref(); // a bound, not a reason to keep the engine alive
      });
      clearTimeout(timer);
      this.#wake = null;
    }
  }

  /** The next message; a closed pipe (conmon died) is a SystemError naming `what` and conmon's stderr. */
  async json(ms: number, what: string, stderr: () => string): Promise<ConmonMessage> {
    const line = await this.line(ms);
    if (line === null) throw new SystemError(`conmon failed to ${what}: ${stderr() || 'no output'}`);
    try {
      return JSON.parse(line) as ConmonMessage;
    } catch {
      throw new SystemError(`conmon failed to ${what}: unreadable answer ${JSON.stringify(line)}`);
    }
  }

  /** Resolves when the pipe closes (conmon exited). */
  closed(): Promise<void> {
    return this.#closed;
  }

  /** Drops the pipe. */
  destroy(): void {
    this.#stream.destroy();
  }
}
