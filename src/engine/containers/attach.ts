/**
 * `POST /containers/{id}/attach` (moby's `daemon/attach.go`): the container's output from now on
 * (after the stored log with `logs=1`) until it exits, and the client's input to its stdin
 * through conmon's attach socket. An attach may come before `start` (`docker run` attaches
 * first): the input then waits for the start. With a TTY the detach keys end the attach and
 * leave the container running.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { Conflict } from '../../errors.ts';
import { AttachSession } from '../../runtime/attach.ts';
import type { LogRecord } from '../../runtime/k8s-log.ts';
import type { Engine } from '../engine.ts';
import { DetachScanner, DEFAULT_DETACH_KEYS, parseDetachKeys } from '../../detach-keys.ts';
import { attachOutput, containerLogs } from './logs.ts';

/** What the client asked for. */
export interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** Replay the stored log first. */
  logs: boolean;
  /** Stay for live output (false: return after the replay). */
  stream: boolean;
  detachKeys?: string;
}

/** The client's side of an attach. */
export interface AttachIO {
  /** The client's stdin, or null. */
  input: AsyncIterable<Buffer> | null;
  /** Writes one output record; resolves when the transport can take more. */
  output(r: LogRecord): Promise<void>;
  abort: AbortSignal;
}

/** How an attach ended. */
export type AttachEnd = 'exited' | 'detached' | 'closed';

/** Checks an attach request before the connection is hijacked (errors stay HTTP errors). */
export function prepareAttach(d: Engine, c: Container, o: AttachOptions): { keys: Buffer } {
  if (c.state.data.Paused) throw new Conflict(`You cannot attach to a paused container, unpause it first`);
  if (c.state.data.Restarting) throw new Conflict(`You cannot attach to a restarting container, wait until it is running`);
  return { keys: parseDetachKeys(o.detachKeys || DEFAULT_DETACH_KEYS) };
}

/** Runs an attach until the container exits, the client leaves, or it detaches. */
export async function attachContainer(d: Engine, c: Container, o: AttachOptions, keys: Buffer, from: number, io: AttachIO): Promise<AttachEnd> {
  const streams = { stdout: o.stdout, stderr: o.stderr };
  if (o.logs) {
    const replay = containerLogs(c, { ...streams, follow: false, sinceNano: 0n, untilNano: 0n }, io.abort);
    for await (const r of replay) await io.output(r);
  }
  if (!o.stream) return 'closed';
  d.emit(c, 'attach');
  const local = new AbortController();
  const onAbort = () => local.abort();
  io.abort.addEventListener('abort', onAbort, { once: true });
  let detached = false;
  if (o.stdin && c.config.OpenStdin && io.input) {
    const scanner = c.config.Tty ? new DetachScanner(keys) : null;
    // A detach ends the output too: the attach is over, the container goes on.
    void forwardInput(d, c, io.input, scanner, local.signal).then((end) => {
      if (end === 'detached') {
        detached = true;
        local.abort();
      }
    });
  }
  try {
    for await (const r of attachOutput(c, streams, local.signal, from)) await io.output(r);
  } finally {
    io.abort.removeEventListener('abort', onAbort);
    local.abort(); // ends the input side's session: the client's input no longer matters
  }
  if (detached) {
    d.emit(c, 'detach');
    return 'detached';
  }
  return io.abort.aborted ? 'closed' : 'exited';
}

/**
 * Copies the client's input into the container's stdin once it runs. At the input's end, the
 * stdin of a non-TTY `StdinOnce` container is closed (the process sees EOF); any other stays
 * open for the next attach (conmon runs those with --leave-stdin-open).
 */
async function forwardInput(d: Engine, c: Container, input: AsyncIterable<Buffer>, scanner: DetachScanner | null, abort: AbortSignal): Promise<AttachEnd> {
  const started = c.state.wait('running');
  abort.addEventListener('abort', () => started.cancel(), { once: true });
  await started.result;
  if (abort.aborted || !c.state.running) return 'closed';
  let session: AttachSession;
  try {
    session = await AttachSession.connect(`${c.bundleDir}/attach`);
  } catch (err) {
    d.log.warn({ err, id: c.id }, 'attaching to the container\'s stdin failed');
    return 'closed';
  }
  abort.addEventListener('abort', () => void session.close(), { once: true });
  // The output comes from the log (it also covers what was printed before this connection).
  void (async () => { for await (const _ of session.output()) { /* discard */ } })();
  try {
    for await (const chunk of input) {
      const { pass, detach } = scanner ? scanner.feed(chunk) : { pass: chunk, detach: false };
      if (pass.length && !session.write(pass)) await session.drained();
      if (detach) {
        await session.close();
        return 'detached';
      }
      if (abort.aborted) return 'closed';
    }
  } catch {
    await session.close();
    return 'closed'; // the client went away mid-stream
  }
  if (c.config.StdinOnce && !c.config.Tty) session.endInput(); // conmon then closes the process's stdin
  else await session.close();
  return 'closed';
}
