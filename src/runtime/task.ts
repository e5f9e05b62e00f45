/**
 * A task: one run of a container's process tree on the OCI runtime under conmon. The engine
 * creates, starts, signals, pauses and deletes tasks here; each task's exit is a promise that
 * the {@link ExitWatcher} resolves once.
 * @module
 */
import { mkdir, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { SystemError } from '../errors.ts';
import { writeBundle, type BundleSpec } from './bundle.ts';
import { launchConmon, monitorPidFile, type ConmonStdio } from './conmon.ts';
import { CLEANED_SUFFIX, monitorCleanupArgs } from './monitor-cleanup.ts';
import type { OciRuntime } from './oci-runtime.ts';
import { cgroupPids, removeCgroup, thawCgroup } from './cgroups.ts';
import type { ExitRecord, ExitWatcher } from './exit-watcher.ts';
import { MonitorWatch } from './monitor-watch.ts';
import { monitorAlive, readStat, signalProcess } from './procs.ts';
import { SIGKILL } from './signals.ts';

/** Where the task's files go. */
export interface TaskPaths {
  bundleDir: string;
  pidFile: string;
  persistDir: string;
  logPath: string;
}

/** A live task: enough to signal its processes without asking the runtime. */
export interface TaskHandle {
  id: string;
  pid: number;
  startTime: number;
  monitorPid: number;
  cgroupsPath: string;
  /** When the task was created (ms since the epoch): exit records older than this are stale. */
  createdAt: number;
  /** Resolves when the task's monitor exits (tasks this engine process created or adopted). */
  monitorGone?: Promise<void>;
}

/** What a container's checkpoint remembers of its task. */
export interface TaskRecord {
  pid: number;
  startTime: number;
  monitorPid: number;
  createdAt?: number;
  cgroupsPath?: string;
}

/** Which processes a signal goes to. */
export type SignalScope = 'pid1' | 'all';

/** Tasks on one runtime, one cgroup hierarchy and one exit dir. */
export class TaskRunner {
  readonly runtime: OciRuntime;
  readonly cgroupRoot: string;
  readonly cgroupParent: string;
  readonly exits: ExitWatcher;
  readonly #monitors = new MonitorWatch();

  constructor(runtime: OciRuntime, cgroupRoot: string, cgroupParent: string, exits: ExitWatcher) {
    this.runtime = runtime;
    this.cgroupRoot = cgroupRoot;
    this.cgroupParent = cgroupParent;
    this.exits = exits;
  }

  /** The cgroupfs path of a container's cgroup. */
  cgroupsPath(id: string): string {
    return `/${this.cgroupParent}/${id}`;
  }

  /** The handle of a task from what the container's checkpoint remembers of it. */
  handle(id: string, t: TaskRecord): TaskHandle {
    return { id, pid: t.pid, startTime: t.startTime, monitorPid: t.monitorPid, cgroupsPath: t.cgroupsPath ?? this.cgroupsPath(id), createdAt: t.createdAt ?? 0 };
  }

  /**
   * The handle of a task that outlived the engine process that created it (a restart): like
   * {@link handle}, and its monitor is watched, so a monitor that dies is noticed as for a task
   * created here.
   */
  adopt(id: string, t: TaskRecord): TaskHandle {
    return { ...this.handle(id, t), monitorGone: this.#monitors.watch(t.monitorPid, id) };
  }

  /** Stops watching adopted monitors (engine shutdown). */
  close(): void {
    this.#monitors.close();
  }

  /** The task's exit: resolves once, with conmon's record or one {@link ExitWatcher.settle} gives. */
  exited(t: TaskHandle): Promise<ExitRecord> {
    return this.exits.expect(t.id, t.createdAt);
  }

  /** Writes the bundle and has conmon create the task; the process waits for {@link start}. */
  async create(spec: Omit<BundleSpec, 'cgroupsPath' | 'terminal'>, stdio: ConmonStdio, name: string, paths: TaskPaths): Promise<TaskHandle> {
    const cgroupsPath = this.cgroupsPath(spec.id);
    const exitDir = this.exits.dir;
    const createdAt = Date.now();
    await Promise.all([mkdir(paths.bundleDir, { recursive: true }), mkdir(paths.persistDir, { recursive: true })]);
    // Exit records of an earlier run must not be taken for this one's.
    await Promise.all([join(paths.persistDir, 'exit'), join(paths.persistDir, 'oom'), join(exitDir, spec.id),
      join(exitDir, spec.id + CLEANED_SUFFIX)].map((f) => rm(f, { force: true })));
    await writeBundle(paths.bundleDir, { ...spec, cgroupsPath, terminal: stdio.tty });
    const created = await launchConmon({
      id: spec.id, name, runtimePath: this.runtime.createPath, runtimeArgs: this.runtime.globalArgs,
      bundleDir: paths.bundleDir, pidFile: paths.pidFile, conmonPidFile: monitorPidFile(paths.persistDir),
      exitDir: exitDir, persistDir: paths.persistDir, logPath: paths.logPath,
      ...stdio,
      exitCommand: monitorCleanupArgs(this.runtime.path, this.runtime.root, spec.id, spec.rootfs, join(exitDir, spec.id + CLEANED_SUFFIX)),
    });
    const st = await readStat(created.pid);
    if (!st) throw new SystemError(`the container's process ${created.pid} vanished after create`);
    return { id: spec.id, pid: created.pid, startTime: st.startTime, monitorPid: created.monitorPid, cgroupsPath, createdAt, monitorGone: created.monitorGone };
  }

  /** Lets the created process exec the container's command. */
  async start(t: TaskHandle): Promise<void> {
    await this.runtime.start(t.id);
  }

  /**
   * Sends a signal. `pid1` goes straight to the container's PID 1 by pid (no runtime call on the
   * stop path), after checking it is still that process; `all` goes to every process of the
   * container's cgroup. Returns how many processes were signalled.
   */
  async signal(t: TaskHandle, signal: number, scope: SignalScope): Promise<number> {
    if (scope === 'pid1') return (await signalProcess(t.pid, t.startTime, signal)) ? 1 : 0;
    let sent = 0;
    const pids = await this.pids(t);
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
        sent++;
      } catch { /* exited meanwhile */ }
    }
    if (!pids.includes(t.pid) && (await signalProcess(t.pid, t.startTime, signal))) sent++;
    return sent;
  }

  /** Every host pid of the container's cgroup. */
  pids(t: TaskHandle): Promise<number[]> {
    return cgroupPids(this.cgroupRoot, t.cgroupsPath);
  }

  /** Applies new cgroup limits to the running task. */
  async update(t: TaskHandle, resources: Record<string, unknown>): Promise<void> {
    await this.runtime.update(t.id, resources);
  }

  /** Freezes the task. */
  pause(t: TaskHandle): Promise<string> { return this.runtime.pause(t.id); }

  /** Thaws the task. */
  resume(t: TaskHandle): Promise<string> { return this.runtime.resume(t.id); }

  /**
   * Removes the parent cgroup in every hierarchy when no container is left in it (rmdir fails
   * harmlessly on a busy one, e.g. another daemon's containers).
   */
  async removeParentCgroups(): Promise<void> {
    await removeCgroup(this.cgroupParent);
  }

  /**
   * Deletes the runtime's record of a task (and its cgroup). Without `force` a task that still
   * runs is refused (an error); with it, it is killed. A task the runtime does not know is fine.
   */
  async delete(id: string, force = false): Promise<void> {
    if (!(await this.runtime.has(id))) return; // nothing to delete: no process to spawn
    await this.runtime.delete(id, force).catch((err: Error) => {
      if (!/does not exist|not exist|no such/i.test(err.message)) throw err;
    });
  }

  /**
   * Ends a task whatever became of it — created but never started, running with no record of
   * it, or with its monitor still there — and leaves nothing of it: the monitor is killed first
   * (if `monitorPid` is still the monitor of `id`), so no exit record or teardown of its own
   * comes later; then the runtime deletes the task by force; then whatever is left in its cgroup
   * (a process the runtime no longer knew) is killed and the cgroup removed. Returns whether
   * there was anything to end.
   */
  async destroy(id: string, opts: { monitorPid?: number; cgroupsPath?: string } = {}): Promise<boolean> {
    let found = false;
    if (opts.monitorPid && (await monitorAlive(opts.monitorPid, id))) {
      found = true;
      try { process.kill(opts.monitorPid, SIGKILL); } catch { /* gone meanwhile */ }
    }
    if (await this.runtime.has(id)) {
      found = true;
      await this.delete(id, true);
    }
    const path = opts.cgroupsPath ?? this.cgroupsPath(id);
    // Bounded: SIGKILLed processes leave their cgroup within milliseconds.
    for (let i = 0; i < DESTROY_TRIES; i++) {
      const pids = await cgroupPids(this.cgroupRoot, path);
      if (!pids.length) break;
      found = true;
      for (const pid of pids) {
        try { process.kill(pid, SIGKILL); } catch { /* exited meanwhile */ }
      }
      await thawCgroup(path); // a frozen process acts on the SIGKILL once thawed
      await sleep(20);
    }
    await removeCgroup(path);
    return found;
  }
}

/** How many times {@link TaskRunner.destroy} kills what is left in a cgroup (20 ms apart). */
const DESTROY_TRIES = 50;
