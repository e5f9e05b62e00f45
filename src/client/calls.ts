/**
 * What the SDK's calls share: path encoding, per-call deadlines, and the streams of a hijacked
 * or streamed answer (demultiplexed output, the input side of an attach or exec).
 * @module
 */
import { pipeline, type Duplex, type Readable, type Writable } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';
import type { CallOptions } from './transport.ts';
import { Demuxer, type Frame } from './demux.ts';

/**
 * A demultiplexed output stream (object mode): iterate it with `for await` to get
 * {@link Frame}s; `destroy()` it to hang up.
 */
export type OutputStream = Readable & AsyncIterable<Frame>;

/** An attached container: its output frames, and the connection to close when done. */
export interface Attachment {
  /** Demultiplexed output; ends when the container's output closes. */
  output: OutputStream;
  /** The process's stdin, when the attach asked for it: `end()` it to close the process's stdin. */
  input: Writable | null;
  /** Closes the connection. */
  close(): void;
}

/** An attachment over a hijacked connection (or a plain streamed answer). */
export function attachment(stream: Duplex | Readable, headers: IncomingHttpHeaders, head: Buffer, stdin: boolean): Attachment {
  const output = demux(stream, headers, head);
  const input = stdin && 'write' in stream ? stream as Duplex : null;
  return { output, input, close: () => { stream.destroy(); output.destroy(); } };
}

/** A demultiplexed stream of an answer (raw when the engine says the stream is a TTY's). */
export function demux(src: Readable | NodeJS.ReadableStream & { destroy(): void }, headers: IncomingHttpHeaders,
  head: Buffer = Buffer.alloc(0)): OutputStream {
  const d = new Demuxer();
  if (String(headers['content-type'] ?? '').includes('raw-stream')) d.setRaw();
  if (head.length) d.write(head);
  pipeline(src as Readable, d, () => {});
  return d as OutputStream;
}

/** A path segment. */
export function enc(id: string): string {
  return encodeURIComponent(id);
}

/** The deadline and cancellation of one call, with the call's own default deadline. */
export function call(opts: CallOptions, fallback?: number | null): { timeoutMs?: number | null; abortSignal?: AbortSignal } {
  return { timeoutMs: opts.timeoutMs !== undefined ? opts.timeoutMs : fallback, abortSignal: opts.abortSignal };
}
