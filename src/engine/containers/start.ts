/**
 * `POST /containers/{id}/start`: mounts the rootfs, builds the bundle, has conmon create the
 * task, starts it, and records the running state. A second start while one is in progress waits
 * for it; a start of a running container is a 304.
 * @module
 */
import { chmod, writeFile } from 'node:fs/promises';
import type { Container } from '../../container/container.ts';
import { Conflict, MoorageError, NotModified, SystemError, messageOf, type ErrorCode } from '../../errors.ts';
import { unmountOverlay } from '../../snapshots/overlay.ts';
import { mountRootfs } from './rootfs-lease.ts';
import { resolveUser } from './user.ts';
import type { BindMount } from '../../runtime/bundle.ts';
import { ociResources, resourcesOf } from './resources.ts';
import { securitySpec } from './security.ts';
import type { Engine } from '../engine.ts';
import { setupSandbox, teardownSandbox } from '../networks/sandbox.ts';
import { mountsForStart, releaseMounts } from '../volumes/mounts.ts';
import { watchExit } from './exit.ts';
import { setTerminalSize } from '../../runtime/attach.ts';
import { consoleSize } from './resize.ts';
import { removeContainer } from './remove.ts';
import { initFlags } from '../stop/plan.ts';
import { stopSettings } from '../stop/settings.ts';

/** Where the init binary appears inside containers. */
export const INIT_DEST = '/sbin/moorage-init';
/** The file inside containers where moorage-init writes its report. */
export const INIT_REPORT = '/run/moorage-init.report';

/** Starts a container; `manual` (a user's start, not a policy restart) resets the manual-stop flag. */
export async function startContainer(d: Engine, c: Container, opts: { manual?: boolean } = {}): Promise<void> {
  if (d.inflight.starts.has(c.id)) {
    await d.inflight.startSettled(c.id);
    if (c.state.running) throw new NotModified('container already started');
  }
  // A policy restart starts a container in backoff, which counts as running.
  const backoff = !(opts.manual ?? true) && c.state.data.Restarting;
  if (c.state.running && !backoff) throw new NotModified('container already started');
  if (c.state.data.RemovalInProgress || c.state.data.Dead) {
    throw new Conflict(`cannot start container ${c.id}: container is marked for removal and cannot be started`);
  }
  const starting = run(d, c, opts.manual ?? true);
  d.inflight.starts.set(c.id, starting);
  try {
    await starting;
  } finally {
    if (d.inflight.starts.get(c.id) === starting) d.inflight.starts.delete(c.id);
  }
}

async function run(d: Engine, c: Container, manual: boolean): Promise<void> {
  await d.inflight.tornDown(c.id);
  try {
    await mountRootfs(d, c);
    const user = await resolveUser(c.rootfsDir, c.config.User, (c.hostConfig.GroupAdd as string[] | undefined) ?? []);
    const mounts = await mountsForStart(d, c);
    const sandbox = await setupSandbox(d, c, Object.keys(c.config.ExposedPorts ?? {}));
    const { args, binds } = await processArgs(d, c, [...sandbox.mounts, ...mounts.binds]);
    const env = c.config.Env.some((e) => e.startsWith('HOME=')) ? c.config.Env : [...c.config.Env, `HOME=${user.home}`];
    const task = await d.tasks.create({
      id: c.id, hostname: c.config.Hostname, rootfs: c.rootfsDir, args, env, cwd: c.config.WorkingDir || '/',
      uid: user.uid, gid: user.gid, additionalGids: user.additionalGids, binds, tmpfs: mounts.tmpfs,
      hostNetwork: sandbox.hostNetwork, netnsPath: sandbox.netnsPath,
      resources: ociResources(resourcesOf(c.hostConfig)),
      security: securitySpec(c.hostConfig, sandbox.hostNetwork),
    }, {
      stdin: c.config.OpenStdin, tty: c.config.Tty,
      // Docker closes a container's stdin when its attached client ends it only with StdinOnce.
      leaveStdinOpen: !c.config.StdinOnce,
    }, c.name, { bundleDir: c.bundleDir, pidFile: c.pidFile, persistDir: c.persistDir, logPath: c.logPath });
    c.record.Task = {
      pid: task.pid, startTime: task.startTime, monitorPid: task.monitorPid, runtime: d.tasks.runtime.name,
      createdAt: task.createdAt, cgroupsPath: task.cgroupsPath,
    };
    void watchExit(d, c, task);
    // Persist the task before it runs, so a restarted engine finds its monitor. Not awaited:
    // the checkpoint after start is chained behind it, and reports its failure.
    void d.containers.checkpoint(c).catch((err: Error) => d.log.error({ err, id: c.id }, 'checkpoint before start failed'));
    const size = consoleSize(c.hostConfig.ConsoleSize);
    // The terminal has its size before the process looks at it (`docker run -t` sends it).
    if (c.config.Tty && size) await setTerminalSize(task.pid, size[0], size[1]).catch((err: Error) => d.log.warn({ err, id: c.id }, 'setting the terminal size failed'));
    await d.tasks.start(task);
    c.state.setRunning(task.pid);
    if (manual) {
      // A manual start gives the restart policy a fresh start.
      c.state.setManuallyStopped(false);
      c.record.RestartCount = 0;
      d.restarts.reset(c.id);
    }
    await d.containers.checkpoint(c);
    d.emit(c, 'start');
  } catch (err) {
    await failStart(d, c, err);
  }
}

/** The command line, with the init in front when the container uses one, and its mounts. */
async function processArgs(d: Engine, c: Container, mounts: BindMount[]): Promise<{ args: string[]; binds: BindMount[] }> {
  const argv = [c.record.Path, ...c.record.Args];
  const binds = [...mounts];
  const settings = stopSettings(d, c);
  if (!settings.init) return { args: argv, binds };
  binds.push({ source: d.config.initPath, destination: INIT_DEST, readonly: true });
  if (!settings.initIsMoorage) return { args: [INIT_DEST, '--', ...argv], binds }; // another init (tini): its own flags only
  await writeFile(c.initReportPath, ''); // each run's report starts empty
  await chmod(c.initReportPath, 0o666); // the init runs as the container's user, whoever that is
  binds.push({ source: c.initReportPath, destination: INIT_REPORT, readonly: false });
  return { args: [INIT_DEST, ...initFlags(settings, INIT_REPORT), '--', ...argv], binds };
}

/**
 * Records a failed start the way moby does — exit code 127 for a missing executable, 126 for
 * one that cannot run (both the user's error: 400), 128 otherwise (500) — and tears down what
 * was made. The cause comes classified from the runtime layer, never guessed here.
 */
async function failStart(d: Engine, c: Container, err: unknown): Promise<never> {
  const typed = err instanceof MoorageError ? err : new SystemError(messageOf(err), { code: 'MOORAGE_START_FAILED', cause: err });
  c.record.Task = null;
  await d.tasks.delete(c.id, true).catch((e: Error) => d.log.warn({ err: e, id: c.id }, 'runtime delete after a failed start failed'));
  await teardownSandbox(d, c);
  await releaseMounts(d, c);
  await unmountOverlay(c.rootfsDir).catch((e: Error) => d.log.warn({ err: e, id: c.id }, 'unmount after a failed start failed'));
  await d.exits.forget(c.id);
  c.state.setStartFailed(START_EXIT_CODES[typed.code] ?? 128, typed.message);
  await d.containers.checkpoint(c);
  if (c.hostConfig.AutoRemove) {
    // moby removes an AutoRemove container whose start failed; `docker run --rm` waits for it.
    void removeContainer(d, c, { force: true }).catch((e: Error) => d.log.error({ err: e, id: c.id }, 'auto-remove after a failed start failed'));
  }
  throw typed;
}

/** The exit code moby records for a start that failed (daemon/errors.go); 128 otherwise. */
const START_EXIT_CODES: Partial<Record<ErrorCode, number>> = {
  MOORAGE_COMMAND_NOT_FOUND: 127,
  MOORAGE_COMMAND_NOT_EXECUTABLE: 126,
};
