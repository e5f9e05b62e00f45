/**
 * A session on conmon's attach socket (SOCK_SEQPACKET, which Node cannot open), through the
 * moorage-attach helper (init/moorage-attach.c): bytes written here reach the process's stdin;
 * what conmon sends back comes out as stdout/stderr chunks; ending stdin shuts the socket's
 * write side, so conmon closes the process's stdin (unless it keeps it open by design).
 * @module
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { open } from 'node:fs/promises';
import { constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SystemError } from '../errors.ts';

/** moorage-attach as the project's set-up builds it. */
export const ATTACH_PATH = fileURLToPath(new URL('../../init/build/moorage-attach', import.meta.url));

/** How long the socket may take to accept us. */
const CONNECT_TIMEOUT_MS = 10_000;
const CONNECTED = 255;

/** One chunk of the process's output. */
export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** A connected attach session. */
export class AttachSession {
  readonly #child: ChildProcess;
  readonly #chunks: OutputChunk[] = [];
  #wake: (() => void) | null = null;
  #ended = false;
  /** Resolves when conmon closed the session (the process exited) or it was closed here. */
  readonly done: Promise<void>;

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.done = new Promise((resolve) => child.once('close', () => {
      this.#ended = true;
      this.#wake?.();
      resolve();
    }));
    child.stdin!.on('error', () => {}); // the helper is gone: `done` says so
  }

  /** Connects to the attach socket at `path`; rejects when it cannot (bounded). */
  static async connect(path: string): Promise<AttachSession> {
    const child = spawn(ATTACH_PATH, [path], { stdio: ['pipe', 'pipe', 'pipe'] });
    const session = new AttachSession(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d; });
    child.on('error', () => {});
    await session.#readFrames(() => stderr);
    return session;
  }

  /** Writes to the process's stdin; false when the caller should wait for `drain`. */
  write(data: Buffer): boolean {
    return this.#child.stdin!.write(data);
  }

  /** Waits until stdin can take more. */
  drained(): Promise<void> {
    return new Promise((resolve) => {
      const stdin = this.#child.stdin!;
      if (!stdin.writableNeedDrain) return resolve();
      const done = () => { stdin.off('drain', done); stdin.off('close', done); resolve(); };
      stdin.on('drain', done);
      stdin.on('close', done);
    });
  }

  /** Ends the process's stdin (the client sent EOF). */
  endInput(): void {
    this.#child.stdin!.end();
  }

  /** The process's output until conmon closes the session. */
  async *output(): AsyncGenerator<OutputChunk> {
    for (;;) {
      const c = this.#chunks.shift();
      if (c) {
        yield c;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => { this.#wake = resolve; });
      this.#wake = null;
    }
  }

  /** Leaves the session (the process keeps running). */
  async close(): Promise<void> {
    if (!this.#ended) this.#child.kill('SIGTERM');
    await this.done;
  }

  /** Parses the helper's frames; resolves once it says it is connected. */
  #readFrames(stderr: () => string): Promise<void> {
    return new Promise((resolve, reject) => {
      let buf: Buffer = Buffer.alloc(0);
      let connected = false;
      const timer = setTimeout(() => {
        this.#child.kill('SIGKILL');
        reject(new SystemError(`attaching timed out after ${CONNECT_TIMEOUT_MS} ms`));
      }, CONNECT_TIMEOUT_MS);
      this.#child.stdout!.on('data', (d: Buffer) => {
        buf = buf.length ? Buffer.concat([buf, d]) : d;
        while (buf.length >= 5) {
          const len = buf.readUInt32BE(1);
          if (buf.length < 5 + len) break;
          const stream = buf[0]!;
          const data = buf.subarray(5, 5 + len);
          buf = buf.subarray(5 + len);
          if (stream === CONNECTED) {
            connected = true;
            clearTimeout(timer);
            resolve();
          } else {
            this.#chunks.push({ stream: stream === 3 ? 'stderr' : 'stdout', data });
            this.#wake?.();
          }
        }
      });
      void this.done.then(() => {
        clearTimeout(timer);
        if (!connected) reject(new SystemError(`attaching failed: ${stderr().trim() || 'the session closed'}`));
      });
    });
  }
}

/** How long a resize waits for conmon to open its control fifo (it does so just after the start). */
const CTL_OPEN_WAIT_MS = 1_000;

/**
 * Writes a message to conmon's control fifo (`<dir>/ctl`): `1 <rows> <cols>` resizes the
 * terminal. Non-blocking: a fifo nobody reads fails at once instead of hanging, and is tried
 * again for a moment — a client resizes right after the start, which can come before conmon
 * reads its fifo — but not for longer (conmon gone).
 */
export async function resizeTerminal(dir: string, rows: number, cols: number): Promise<void> {
  const deadline = Date.now() + CTL_OPEN_WAIT_MS;
  for (;;) {
    let fh;
    try {
      fh = await open(`${dir}/ctl`, constants.O_WRONLY | constants.O_NONBLOCK);
      await fh.write(`1 ${rows} ${cols}\n`);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENXIO' || Date.now() >= deadline) {
        throw new SystemError(`resizing the terminal failed: ${(err as Error).message}`);
      }
    } finally {
      await fh?.close();
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Sets the size of a created container's terminal before it runs, on its PID 1's stdin (the
 * terminal's slave side). conmon's control fifo would race the start: conmon applies the size
 * in its own time, and a process that looks at once sees 0x0.
 */
export function setTerminalSize(pid: number, rows: number, cols: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('stty', ['-F', `/proc/${pid}/fd/0`, 'rows', String(rows), 'cols', String(cols)], { timeout: 5000 }, (err, _out, stderr) => {
      if (err) reject(new SystemError(`setting the terminal size failed: ${String(stderr).trim() || err.message}`));
      else resolve();
    });
  });
}
