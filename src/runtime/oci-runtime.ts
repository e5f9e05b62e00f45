/**
 * Calls to the OCI runtime binary (runc, or crun where it works) for the operations conmon does
 * not do: start, kill, pause, resume, delete, state. Every call is bounded.
 * @module
 */
import { execFile } from 'node:child_process';
import { SystemError } from '../errors.ts';

/** A runtime call that takes longer than this is a hung runtime. */
const CALL_TIMEOUT_MS = 30_000;

/** One OCI runtime with its own state root. */
export class OciRuntime {
  /** Short name (`runc`, `crun`). */
  readonly name: string;
  /** The binary conmon runs for `create` (may be a wrapper). */
  readonly createPath: string;
  /** The binary for every other call. */
  readonly path: string;
  /** Global flags (`--root DIR`). */
  readonly globalArgs: string[];

  constructor(name: string, path: string, root: string, createPath = path) {
    this.name = name;
    this.path = path;
    this.createPath = createPath;
    this.globalArgs = ['--root', root];
  }

  /** Lets a created container run its process. */
  start(id: string): Promise<string> { return this.#call(['start', id]); }

  /** Sends a signal through the runtime (PID 1 only, or every process with `all`). */
  kill(id: string, signal: number, all = false): Promise<string> {
    return this.#call(['kill', ...(all ? ['--all'] : []), id, String(signal)]);
  }

  /** Freezes every process of the container. */
  pause(id: string): Promise<string> { return this.#call(['pause', id]); }

  /** Thaws a paused container. */
  resume(id: string): Promise<string> { return this.#call(['resume', id]); }

  /** Deletes the runtime's state (and cgroup); `force` kills a container still running. */
  delete(id: string, force = false): Promise<string> {
    return this.#call(['delete', ...(force ? ['--force'] : []), id]);
  }

  /** The runtime's view: `created`, `running`, `paused` or `stopped`; null when it has none. */
  async state(id: string): Promise<{ status: string; pid: number } | null> {
    try {
      return JSON.parse(await this.#call(['state', id])) as { status: string; pid: number };
    } catch {
      return null;
    }
  }

  #call(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.path, [...this.globalArgs, ...args], { timeout: CALL_TIMEOUT_MS },
        (err, stdout, stderr) => {
          if (err) {
            const text = String(stderr).trim() || err.message;
            reject(new SystemError(`${this.name} ${args[0]} failed: ${text}`));
          } else {
            resolve(String(stdout));
          }
        });
    });
  }
}
