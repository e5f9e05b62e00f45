/**
 * Calls to the OCI runtime binary (runc, or crun where it works) for the operations conmon does
 * not do: start, kill, pause, resume, delete, state. Every call is bounded.
 * @module
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SystemError } from '../errors.ts';
import { startFailure } from './start-failure.ts';

/** How long the created process may take to write its start byte. */
const FIFO_WAIT_MS = 10_000;
/** How long a writer may take to appear on the fifo before the runtime's own start is asked. */
const NO_WRITER_WAIT_MS = 2_000;

/**
 * Opens runc's exec fifo without blocking, waits (bounded) for the init's byte, and removes the
 * fifo, which is how runc marks the container running. Returns false when there is no fifo or
 * no process writing to it.
 *
 * runc's init sleeps in open(O_WRONLY) until a reader comes; our open wakes it, but until it
 * has run, the fifo has no writer and a read says end-of-file. Closing then would make its write
 * fail and kill the container (seen under load), so the fifo stays open until the byte arrives.
 */
async function startThroughFifo(path: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return false;
  }
  try {
    const buf = Buffer.alloc(8);
    const deadline = Date.now() + FIFO_WAIT_MS;
    const noWriterDeadline = Date.now() + NO_WRITER_WAIT_MS;
    for (;;) {
      let n: number;
      try {
        ({ bytesRead: n } = await fh.read(buf, 0, buf.length, null));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        if (Date.now() > deadline) throw new SystemError('the container did not start in time');
        await sleep(1);
        continue;
      }
      if (n > 0) break;
      // No writer yet (it has not run since our open woke it), or none at all (it died).
      if (Date.now() > noWriterDeadline) return false; // let the runtime's own start report it
      await sleep(1);
    }
  } finally {
    await fh.close();
  }
  // A container that exits at once is torn down by its monitor (runtime delete removes the
  // state directory) possibly before this: it did start.
  await unlink(path).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
  return true;
}

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
  /** The runtime's state root. */
  readonly root: string;

  constructor(name: string, path: string, root: string, createPath = path) {
    this.name = name;
    this.path = path;
    this.createPath = createPath;
    this.root = root;
    this.globalArgs = ['--root', root];
  }

  /**
   * Lets a created container run its process. For runc this does what `runc start` does —
   * read the byte its init writes into `exec.fifo`, then remove the fifo — without spawning
   * runc (about 7 ms of the start). Other runtimes, or a missing fifo, use the runtime's start.
   */
  async start(id: string): Promise<void> {
    if (this.name === 'runc' && (await startThroughFifo(join(this.root, id, 'exec.fifo')))) return;
    await this.#call(['start', id]);
  }

  /** Freezes every process of the container. */
  pause(id: string): Promise<string> { return this.#call(['pause', id]); }

  /** Thaws a paused container. */
  resume(id: string): Promise<string> { return this.#call(['resume', id]); }

  /** Changes a running container's cgroup limits (`linux.resources` of the OCI spec). */
  update(id: string, resources: Record<string, unknown>): Promise<string> {
    return this.#call(['update', '--resources', '-', id], JSON.stringify(resources));
  }

  /** Whether the runtime keeps state for the container (its state directory exists). */
  async has(id: string): Promise<boolean> {
    return access(join(this.root, id)).then(() => true, () => false);
  }

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

  #call(args: string[], input?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(this.path, [...this.globalArgs, ...args], { timeout: CALL_TIMEOUT_MS },
        (err, stdout, stderr) => {
          if (err) {
            const text = String(stderr).trim() || err.message;
            reject(args[0] === 'start' ? startFailure(`${this.name} start failed: ${text}`) : new SystemError(`${this.name} ${args[0]} failed: ${text}`, { code: 'MOORAGE_RUNTIME_FAILED' }));
          } else {
            resolve(String(stdout));
          }
        });
      child.stdin?.end(input);
    });
  }
}
