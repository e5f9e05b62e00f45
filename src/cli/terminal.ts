/**
 * An interactive session over an attachment (`run -it`, `exec -it`, `attach`): the local
 * terminal in raw mode while it lasts, the local stdin sent to the process, the process's
 * output written out, and the terminal's size kept in step with the local window.
 * @module
 */
import { spawnSync } from 'node:child_process';
import type { Attachment } from '../client/calls.ts';
import { DetachScanner, DEFAULT_DETACH_KEYS, parseDetachKeys } from '../detach-keys.ts';
import type { CliIO } from './context.ts';

/** What a session needs besides the attachment. */
export interface SessionOptions {
  /** The process runs on a terminal: the output is one raw stream and the local one goes raw. */
  tty: boolean;
  /** Send the local stdin. */
  stdin: boolean;
  /** Sets the remote terminal's size. */
  resize?: (size: { rows: number; cols: number }) => Promise<void>;
  /** The detach keys the engine watches for (default ctrl-p,ctrl-q). */
  detachKeys?: string;
}

/** How a session ended. */
export interface SessionEnd {
  /** The detach keys were typed: the process goes on without us. */
  detached: boolean;
}

type TtyIn = NodeJS.ReadStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
type TtyOut = NodeJS.WriteStream & { isTTY?: boolean; rows?: number; columns?: number };

/** The local terminal's size, when stdout is one. */
export function localSize(io: CliIO): [number, number] | undefined {
  const out = io.stdout as TtyOut;
  return out.isTTY && out.rows && out.columns ? [out.rows, out.columns] : undefined;
}

/**
 * Runs a session until the process's output ends (it exited, or the detach keys were typed).
 * The local stdin's end closes the process's stdin.
 */
export async function runSession(io: CliIO, a: Attachment, o: SessionOptions): Promise<SessionEnd> {
  // The engine ends the stream on the detach keys; watching the same bytes here tells a detach
  // from the process's end.
  const scanner = o.stdin ? new DetachScanner(parseDetachKeys(o.detachKeys || DEFAULT_DETACH_KEYS)) : null;
  let detached = false;
  const input = io.stdin as TtyIn;
  const raw = o.tty && o.stdin && input.isTTY === true && typeof input.setRawMode === 'function';
  if (raw) {
    input.setRawMode!(true);
    // libuv's raw mode keeps output processing (a newline becomes CR LF), but the remote
    // terminal already sent CR LF; docker's raw mode turns it off. Leaving raw mode restores it.
    if (input === process.stdin) spawnSync('stty', ['-opost'], { stdio: ['inherit', 'ignore', 'ignore'] });
  }
  const out = io.stdout as TtyOut;
  const onResize = () => {
    const size = localSize(io);
    if (size && o.resize) void o.resize({ rows: size[0], cols: size[1] }).catch(() => {});
  };
  if (o.tty && out.isTTY) {
    out.on('resize', onResize);
    onResize();
  }
  const forward = (chunk: Buffer) => {
    if (scanner?.feed(chunk).detach) detached = true;
    a.input?.write(chunk);
  };
  const ended = () => { a.input?.end(); };
  if (o.stdin && a.input) {
    input.on('data', forward);
    input.once('end', ended);
    input.resume();
  }
  try {
    for await (const f of a.output) (f.stream === 'stderr' ? io.stderr : io.stdout).write(f.data);
  } catch { /* the connection closed */ } finally {
    input.off('data', forward);
    input.off('end', ended);
    if (o.stdin) input.pause();
    out.off('resize', onResize);
    if (raw) input.setRawMode!(false);
    a.close();
  }
  return { detached };
}
