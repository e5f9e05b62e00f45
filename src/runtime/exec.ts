/**
 * Runs a process in a running container under its own conmon, as podman does (conmon's exec
 * mode, reference/images-exec-networks.md §E2): conmon runs `<runtime> exec`, is the process's
 * parent, logs its output to the session's k8s-file log, records its exit code in the session's
 * exit dir, and outlives the engine, so a restart loses neither the code nor the output.
 * @module
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SystemError } from '../errors.ts';
import { spawnConmon, stdioArgs, SYNC_TIMEOUT_MS, type ConmonStdio } from './conmon.ts';
import { startFailure } from './start-failure.ts';

/** What one exec needs. */
export interface ExecLaunch extends ConmonStdio {
  containerId: string;
  execId: string;
  name: string;
  runtimePath: string;
  runtimeArgs: string[];
  /** The session's own directory: process spec, pid file, log, exit dir, conmon's sockets. */
  dir: string;
  /** The OCI `process` to run. */
  process: Record<string, unknown>;
}

/** A started exec. */
export interface ExecStarted {
  /** Host pid of the exec'd process. */
  pid: number;
  /** Resolves with its exit code once conmon reports it (rejects only if conmon dies first). */
  exited: Promise<number>;
}

/** The files of an exec session. */
export function execPaths(dir: string) {
  return { spec: join(dir, 'process.json'), pidFile: join(dir, 'exec_pid'), log: join(dir, 'exec.log'), exitDir: join(dir, 'exit'), attach: join(dir, 'attach') };
}

/**
 * Starts the exec: writes the process spec, launches conmon, and waits (bounded) until the
 * runtime reports the pid. `beforeStart` runs once conmon's attach socket exists and before the
 * process runs (to connect stdin, or set the terminal's size).
 */
export async function launchExec(l: ExecLaunch, beforeStart: () => Promise<void>): Promise<ExecStarted> {
  const p = execPaths(l.dir);
  await mkdir(p.exitDir, { recursive: true });
  await writeFile(p.spec, JSON.stringify(l.process));
  const args = [
    '--api-version', '1', '-c', l.containerId, '-u', l.execId, '-n', l.name, '-r', l.runtimePath,
    '-b', l.dir, '-p', p.pidFile, '--exit-dir', p.exitDir, '--full-attach',
    '-l', `k8s-file:${p.log}`, '--log-level', 'error', ...stdioArgs(l),
    '-e', '--exec-attach', '--exec-process-spec', p.spec,
    ...l.runtimeArgs.flatMap((a) => ['--runtime-arg', a]),
  ];
  const c = spawnConmon(args, l.dir, true);
  try {
    c.start.write(Buffer.from([0])); // conmon sets up its sockets…
    const ready = await c.attach!.json(SYNC_TIMEOUT_MS, 'prepare the exec', c.stderr);
    if (ready.data < 0) throw new SystemError(`conmon failed to prepare the exec: ${ready.message ?? ready.data}`);
    await beforeStart();
    c.start.end(Buffer.from([0])); // …and only then lets the runtime run the process
    const started = await c.sync.json(SYNC_TIMEOUT_MS, 'start the exec', c.stderr);
    if (started.data < 0) throw startFailure((started.message ?? 'runtime exec failed').trim());
    const exited = c.sync.json(2 ** 31 - 1, 'report the exec\'s exit', c.stderr).then((m) => m.data);
    exited.catch(() => {}); // the caller reads the exit file then
    return { pid: started.data, exited };
  } catch (err) {
    c.sync.destroy();
    throw err;
  } finally {
    c.child.unref();
  }
}

/** The exit code conmon recorded for the session, or null when it has none (yet). */
export async function readExecExit(dir: string, containerId: string): Promise<number | null> {
  const text = await readFile(join(execPaths(dir).exitDir, containerId), 'utf8').catch(() => null);
  const code = text === null ? NaN : Number.parseInt(text.trim(), 10);
  return Number.isNaN(code) ? null : code;
}
