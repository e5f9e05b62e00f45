/**
 * Exec operations of the SDK: a process started in a running container, attached (with stdin,
 * on a TTY) or detached, and what became of it.
 * @module
 */
import type { CallOptions, Transport } from './transport.ts';
import { attachment, call, enc, type Attachment } from './calls.ts';
import { collectOutput } from './containers.ts';
import type { ExecCreateRequest, ExecInspect } from './types.ts';

/** Options of {@link Execs.start}. */
export interface ExecStartOptions extends CallOptions {
  /** Start it and return at once: no output, no stdin. */
  detach?: boolean;
  /** Must match the exec's `Tty`. */
  tty?: boolean;
  /** The exec was created with `AttachStdin`: {@link Attachment.input} is its stdin. */
  stdin?: boolean;
  /** The terminal's size at start (rows, columns). */
  consoleSize?: [number, number];
}

/** Options of {@link Execs.run}. */
export interface ExecRunOptions extends CallOptions {
  env?: string[];
  user?: string;
  workingDir?: string;
  privileged?: boolean;
  /** Written to the process's stdin, which is then closed. */
  input?: string | Buffer;
}

/** What {@link Execs.run} gives back. */
export interface ExecRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Exec operations; reach them as `client.execs`. */
export class Execs {
  constructor(private readonly t: Transport) {}

  /** Creates an exec in a running container (`POST /containers/{id}/exec`). */
  create(containerId: string, config: ExecCreateRequest, opts: CallOptions = {}): Promise<{ Id: string }> {
    return this.t.json({ method: 'POST', path: `/containers/${enc(containerId)}/exec`, body: config, ...call(opts) });
  }

  /** Starts an exec: detached (resolves null) or attached through the hijacked connection. */
  async start(execId: string, opts: ExecStartOptions & { detach: true }): Promise<null>;
  async start(execId: string, opts?: ExecStartOptions): Promise<Attachment>;
  async start(execId: string, opts: ExecStartOptions = {}): Promise<Attachment | null> {
    const body = { Detach: Boolean(opts.detach), Tty: Boolean(opts.tty), ...(opts.consoleSize ? { ConsoleSize: opts.consoleSize } : {}) };
    if (opts.detach) {
      await this.t.send({ method: 'POST', path: `/exec/${enc(execId)}/start`, body, ...call(opts) });
      return null;
    }
    const { stream, headers, head } = await this.t.upgrade({ method: 'POST', path: `/exec/${enc(execId)}/start`, body, ...call(opts) });
    return attachment(stream, headers, head, Boolean(opts.stdin));
  }

  /** Sets the size of an exec's terminal. */
  async resize(execId: string, size: { rows: number; cols: number }, opts: CallOptions = {}): Promise<void> {
    await this.t.send({ method: 'POST', path: `/exec/${enc(execId)}/resize`, query: { h: size.rows, w: size.cols }, ...call(opts) });
  }

  /** What became of an exec: running, its exit code, its pid. */
  inspect(execId: string, opts: CallOptions = {}): Promise<ExecInspect> {
    return this.t.json({ method: 'GET', path: `/exec/${enc(execId)}/json`, ...call(opts) });
  }

  /** Runs a command in a container to its end and collects its output and exit code. */
  async run(containerId: string, cmd: string[], opts: ExecRunOptions = {}): Promise<ExecRunResult> {
    const stdin = opts.input !== undefined;
    const { Id } = await this.create(containerId, {
      Cmd: cmd, AttachStdin: stdin, AttachStdout: true, AttachStderr: true, Env: opts.env, User: opts.user,
      WorkingDir: opts.workingDir, Privileged: opts.privileged,
    }, opts);
    const a = await this.start(Id, { stdin, abortSignal: opts.abortSignal, timeoutMs: opts.timeoutMs });
    if (a.input) a.input.end(opts.input);
    const { stdout, stderr } = await collectOutput(a.output);
    a.close();
    const info = await this.inspect(Id, opts);
    return { exitCode: info.ExitCode ?? -1, stdout, stderr };
  }
}
