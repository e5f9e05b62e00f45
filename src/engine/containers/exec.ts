/**
 * `docker exec` (moby's `daemon/exec.go`): create an exec instance in a running container, start
 * it once — detached, or attached with its output (from the session's log) and the client's
 * input (through conmon's attach socket) — and record its exit code before the stream closes.
 * The process runs in the container's namespaces and cgroup, so a stop drains it with the rest.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { Container } from '../../container/container.ts';
import type { ExecConfig, ExecRecord } from '../../container/execs.ts';
import { Conflict, InvalidParameter, MoorageError, messageOf } from '../../errors.ts';
import { AttachSession, resizeTerminal } from '../../runtime/attach.ts';
import { readSpec } from '../../runtime/bundle.ts';
import { availableCaps } from '../../runtime/capabilities.ts';
import { execPaths, launchExec, readExecExit } from '../../runtime/exec.ts';
import { followLog, type LogRecord } from '../../runtime/k8s-log.ts';
import type { Engine } from '../engine.ts';
import { DetachScanner, DEFAULT_DETACH_KEYS, parseDetachKeys } from '../../detach-keys.ts';
import { consoleSize } from './resize.ts';
import { resolveUser } from './user.ts';

/** The body of `POST /containers/{id}/exec`. */
export interface ExecCreateBody {
  Cmd?: unknown;
  User?: unknown;
  WorkingDir?: unknown;
  Env?: unknown;
  Tty?: unknown;
  AttachStdin?: unknown;
  AttachStdout?: unknown;
  AttachStderr?: unknown;
  Privileged?: unknown;
  DetachKeys?: unknown;
  ConsoleSize?: unknown;
}

/** The client's side of an attached exec. */
export interface ExecIO {
  input: AsyncIterable<Buffer> | null;
  output(r: LogRecord): Promise<void>;
  abort: AbortSignal;
}

const str = (v: unknown, name: string): string => {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new InvalidParameter(`${name} must be a string`);
  return v;
};
const strings = (v: unknown, name: string): string[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new InvalidParameter(`${name} must be a list of strings`);
  return v as string[];
};

/** Refuses an exec in a container that is not running, paused or restarting (409). */
function assertExecutable(c: Container): void {
  if (!c.state.running || !c.record.Task) throw new Conflict(`container ${c.id} is not running`, 'MOORAGE_NOT_RUNNING');
  if (c.state.data.Paused) throw new Conflict(`Container ${c.name} is paused, unpause the container before exec`);
  if (c.state.data.Restarting) throw new Conflict(`Container ${c.name} is restarting, wait until the container is running`);
}

/** Creates an exec instance and publishes `exec_create`. */
export async function createExec(d: Engine, c: Container, body: ExecCreateBody): Promise<{ Id: string }> {
  if (typeof body !== 'object' || body === null) throw new InvalidParameter('exec config cannot be empty');
  const cmd = strings(body.Cmd, 'Cmd');
  if (!cmd.length) throw new InvalidParameter('No exec command specified');
  const keys = str(body.DetachKeys, 'DetachKeys');
  if (keys) parseDetachKeys(keys);
  assertExecutable(c);
  const size = consoleSize(body.ConsoleSize);
  const config: ExecConfig = {
    Cmd: cmd, User: str(body.User, 'User'), WorkingDir: str(body.WorkingDir, 'WorkingDir'), Env: strings(body.Env, 'Env'),
    Tty: body.Tty === true, AttachStdin: body.AttachStdin === true, AttachStdout: body.AttachStdout !== false,
    AttachStderr: body.AttachStderr !== false, Privileged: body.Privileged === true, DetachKeys: keys, ConsoleSize: size,
  };
  if (config.WorkingDir && !config.WorkingDir.startsWith('/')) throw new InvalidParameter(`WorkingDir must be an absolute path: ${config.WorkingDir}`);
  const rec: ExecRecord = { ID: randomBytes(32).toString('hex'), ContainerID: c.id, Config: config, Started: false, Running: false, ExitCode: null, Pid: 0 };
  await d.execs.add(rec);
  d.emit(c, `exec_create: ${cmd.join(' ')}`, { execID: rec.ID });
  return { Id: rec.ID };
}

/** An exec by full ID or unique prefix; 404 otherwise. */
export function getExec(d: Engine, ref: string): ExecRecord {
  return d.execs.get(ref);
}

/** Refusals of a start, before the connection is hijacked. */
export function prepareExecStart(d: Engine, ref: string): { exec: ExecRecord; container: Container } {
  const exec = d.execs.get(ref);
  if (exec.Started) throw new Conflict(`exec command ${exec.ID} has already run`);
  const container = d.containers.get(exec.ContainerID);
  assertExecutable(container);
  return { exec, container };
}

/**
 * Starts an exec. Detached, it returns once the process runs. Attached, it streams the output
 * until the process exits (and its output is drained); the exit code is recorded first.
 */
export async function startExec(d: Engine, c: Container, e: ExecRecord, o: { detach: boolean; consoleSize?: [number, number] | null }, io: ExecIO | null): Promise<void> {
  e.Started = true;
  const dir = d.execs.dir(e);
  const attach = !o.detach && io !== null;
  let session: AttachSession | null = null;
  const size = o.consoleSize ?? e.Config.ConsoleSize;
  let exited: Promise<number>;
  try {
    const started = await launchExec({
      containerId: c.id, execId: e.ID, name: c.name, runtimePath: d.tasks.runtime.path, runtimeArgs: d.tasks.runtime.globalArgs,
      dir, process: await processSpec(c, e), stdin: attach && e.Config.AttachStdin, tty: e.Config.Tty, leaveStdinOpen: false,
    }, async () => {
      if (e.Config.Tty && size) await resizeTerminal(dir, size[0], size[1]);
      if (attach && e.Config.AttachStdin && io?.input) session = await AttachSession.connect(execPaths(dir).attach);
    });
    e.Running = true;
    e.Pid = started.pid;
    exited = started.exited;
  } catch (err) {
    // moby: the error text goes into the stream and the exit code says what kind it was.
    const code = err instanceof MoorageError ? err.code : undefined;
    e.ExitCode = code === 'MOORAGE_COMMAND_NOT_FOUND' ? 127 : code === 'MOORAGE_COMMAND_NOT_EXECUTABLE' ? 126 : 128;
    await d.execs.save(e);
    if (io && attach) await io.output({ timeNano: 0n, stream: 'stderr', text: `${messageOf(err)}\r\n` });
    else throw err;
    return;
  }
  // Saved in order (the store chains one exec's writes); nothing waits on the disk: the record
  // in memory is what inspect reads, and the exit code is in it before the output ends.
  const saved = (what: string) => (err: Error) => d.log.error({ err, id: c.id, exec: e.ID }, `saving the exec's ${what} failed`);
  void d.execs.save(e).catch(saved('start'));
  d.emit(c, `exec_start: ${e.Config.Cmd.join(' ')}`, { execID: e.ID });
  const finished = exited.then((code) => {
    e.Running = false;
    e.ExitCode = code;
    void d.execs.save(e).catch(saved('exit'));
    d.emit(c, 'exec_die', { execID: e.ID, exitCode: String(code) });
  }, (err: Error) => d.log.warn({ err, id: c.id, exec: e.ID }, 'the exec\'s monitor ended without its exit code'));
  if (!attach || !io) return;
  const s = session as AttachSession | null;
  if (s) void forwardExecInput(s, io.input!, e.Config.Tty ? new DetachScanner(parseDetachKeys(e.Config.DetachKeys || DEFAULT_DETACH_KEYS)) : null, io.abort);
  for await (const r of followLog(execPaths(dir).log, 0, finished, io.abort)) {
    if ((r.stream === 'stdout' && e.Config.AttachStdout) || (r.stream === 'stderr' && e.Config.AttachStderr)) await io.output(r);
  }
  if (!io.abort.aborted) await finished; // a client that went away does not wait for the process
  await s?.close();
}

/** Copies the client's input into the exec's stdin; its end closes the process's stdin. */
async function forwardExecInput(session: AttachSession, input: AsyncIterable<Buffer>, scanner: DetachScanner | null, abort: AbortSignal): Promise<void> {
  abort.addEventListener('abort', () => void session.close(), { once: true });
  void (async () => { for await (const _ of session.output()) { /* the output comes from the log */ } })();
  try {
    for await (const chunk of input) {
      const { pass, detach } = scanner ? scanner.feed(chunk) : { pass: chunk, detach: false };
      if (pass.length && !session.write(pass)) await session.drained();
      if (detach) return void (await session.close());
    }
    session.endInput();
  } catch {
    await session.close(); // the client went away
  }
}

/**
 * An exec as inspect shows it. One that ran across an engine restart learns its exit code from
 * the exit file its conmon wrote.
 */
export async function inspectExec(d: Engine, e: ExecRecord) {
  if (e.Running) {
    const code = await readExecExit(d.execs.dir(e), e.ContainerID);
    if (code !== null) {
      e.Running = false;
      e.ExitCode = code;
      await d.execs.save(e);
    }
  }
  return e;
}

/** How long a resize waits for its exec to run, as moby's. */
const RESIZE_START_WAIT_MS = 10_000;

/**
 * Resizes an exec's terminal. Like moby, it waits (bounded) for the exec to run: a client
 * resizes right after its start request, which can come before the runtime has run the process.
 */
export async function resizeExec(d: Engine, e: ExecRecord, rows: number, cols: number): Promise<void> {
  if (!e.Config.Tty) throw new InvalidParameter(`exec ${e.ID} has no TTY to resize`);
  const deadline = Date.now() + RESIZE_START_WAIT_MS;
  while (!e.Running && e.ExitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  if (!e.Running) throw new Conflict(`exec ${e.ID} is not running`, 'MOORAGE_NOT_RUNNING');
  await resizeTerminal(d.execs.dir(e), rows, cols);
}

/**
 * The process to run: the container's own (its capabilities, limits, environment), with the
 * exec's command, terminal, user, working directory and environment over it.
 */
async function processSpec(c: Container, e: ExecRecord): Promise<Record<string, unknown>> {
  const spec = await readSpec(c.bundleDir) as { process: Record<string, unknown> } | null;
  if (!spec) throw new Conflict(`container ${c.id} has no runtime spec`);
  const base = spec.process;
  const env = new Map<string, string>();
  for (const kv of [...(base.env as string[] ?? []), ...(e.Config.Tty ? ['TERM=xterm'] : []), ...e.Config.Env]) env.set(kv.split('=')[0]!, kv);
  const out: Record<string, unknown> = {
    ...base, terminal: e.Config.Tty, args: e.Config.Cmd, env: [...env.values()],
    cwd: e.Config.WorkingDir || (base.cwd as string) || '/',
  };
  if (e.Config.User) {
    const u = await resolveUser(c.rootfsDir, e.Config.User);
    out.user = { uid: u.uid, gid: u.gid, additionalGids: u.additionalGids };
  }
  if (e.Config.Privileged) {
    const all = availableCaps();
    out.capabilities = { bounding: all, effective: all, permitted: all };
  }
  return out;
}
