/**
 * Launches conmon, the per-container monitor, and learns the container's PID 1 from it.
 * conmon runs `<runtime> create`, becomes the parent of the container's PID 1, writes its exit
 * code to the exit dir and its output to a k8s-file log, and outlives the engine.
 * See reference/conmon-runtime.md §2 for the pipe protocol.
 * @module
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable, Writable } from 'node:stream';
import { SystemError } from '../errors.ts';
import { startFailure } from './start-failure.ts';

/** Where conmon lives on Debian. */
export const CONMON_PATH = '/usr/bin/conmon';
/** conmon plus `runtime create` take ~50 ms; anything past this bound is a hung runtime. */
const SYNC_TIMEOUT_MS = 30_000;

/** What conmon needs to create one container. */
export interface ConmonLaunch {
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


/** Starts conmon and waits (bounded) until the runtime has created the container. */
export async function launchConmon(l: ConmonLaunch): Promise<Created> {
  const args = [
    '--api-version', '1', '-c', l.id, '-u', l.id, '-n', l.name, '-r', l.runtimePath,
    '-b', l.bundleDir, '-p', l.pidFile, '--conmon-pidfile', l.conmonPidFile,
    '--exit-dir', l.exitDir, '--persist-dir', l.persistDir, '--full-attach',
    '-l', `k8s-file:${l.logPath}`, '--log-level', 'error',
    ...l.runtimeArgs.flatMap((a) => ['--runtime-arg', a]),
    ...l.exitCommand,
  ];
  const child = spawn(CONMON_PATH, args, {
    detached: true,
    cwd: l.persistDir,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, _OCI_SYNCPIPE: '3', _OCI_STARTPIPE: '4' },
  });
  const [, , errPipe, syncPipe, startPipe] = child.stdio as [null, null, Readable, Readable, Writable];
  // conmon closing its ends early surfaces as ECONNRESET/EPIPE; the sync read below reports it.
  for (const s of [errPipe, syncPipe, startPipe]) s.on('error', () => {});
  child.on('error', () => {});
  let stderr = '';
  errPipe.on('data', (d: Buffer) => { stderr += d; });
  // conmon's fork parent writes the monitor's pid file and exits, concurrently with the monitor.
  const parentExited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  startPipe.end(Buffer.from([0]));
  try {
    const line = await readLine(syncPipe, SYNC_TIMEOUT_MS);
    if (line === null) {
      throw new SystemError(`conmon failed to create the container: ${stderr.trim() || 'no output'}`);
    }
    const msg = JSON.parse(line) as { data: number; message?: string };
    if (msg.data < 0) throw startFailure((msg.message ?? 'runtime create failed').trim());
    await Promise.race([parentExited, sleep(SYNC_TIMEOUT_MS, undefined, { ref: false })]);
    const monitorPid = Number(await readFile(l.conmonPidFile, 'utf8'));
    const monitorGone = new Promise<void>((resolve) => syncPipe.once('close', () => resolve()));
    syncPipe.resume(); // nothing more is expected on it; keep it flowing until it closes
    (syncPipe as Readable & { unref?: () => void }).unref?.();
    return { pid: msg.data, monitorPid, monitorGone };
  } catch (err) {
    syncPipe.destroy();
    throw err;
  } finally {
    errPipe.destroy();
    child.unref();
  }
}

/** Reads one line, or null on EOF; rejects after `ms`. */
function readLine(stream: Readable, ms: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = (v: string | null, err?: Error) => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('close', onEnd);
      stream.off('end', onEnd);
      if (err) reject(err); else resolve(v);
    };
    const onData = (d: Buffer) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) done(buf.slice(0, nl));
    };
    const onEnd = () => done(buf.length ? buf : null);
    const timer = setTimeout(() => done(null, new SystemError(`conmon did not report within ${ms} ms`)), ms);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('close', onEnd);
  });
}
