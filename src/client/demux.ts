/**
 * Docker's multiplexed stream: frames of an 8-byte header (stream type, 3 zero bytes, a
 * big-endian uint32 length) followed by the payload. Used by logs and attach when the
 * container has no TTY.
 * @module
 */
import { Transform, type TransformCallback } from 'node:stream';

/** The stream a frame belongs to. */
export type StreamName = 'stdin' | 'stdout' | 'stderr';

/** One demultiplexed piece of output. */
export interface Frame {
  stream: StreamName;
  data: Buffer;
}

const NAMES: Record<number, StreamName> = { 0: 'stdin', 1: 'stdout', 2: 'stderr' };

/**
 * Splits a multiplexed byte stream into {@link Frame} objects (object mode). Frames may arrive
 * split or joined across chunks. Like dockerode, when a header carries a stream type other than
 * 0, 1 or 2 the input is taken to be a raw (TTY) stream and passed through as stdout.
 */
export class Demuxer extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private raw = false;

  constructor() {
    super({ readableObjectMode: true });
  }

  /** Treats the input as a raw (TTY) stream: everything is stdout. */
  setRaw(): void {
    this.raw = true;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.raw) {
      this.push({ stream: 'stdout', data: chunk } satisfies Frame);
      return done();
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const type = this.pending[0]!;
      const name = NAMES[type];
      if (!name || this.pending[1] !== 0 || this.pending[2] !== 0 || this.pending[3] !== 0) {
        this.raw = true;
        this.push({ stream: 'stdout', data: this.pending } satisfies Frame);
        this.pending = Buffer.alloc(0);
        return done();
      }
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const data = this.pending.subarray(8, 8 + size);
      this.pending = this.pending.subarray(8 + size);
      if (size > 0) this.push({ stream: name, data } satisfies Frame);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pending.length) this.push({ stream: 'stdout', data: this.pending } satisfies Frame);
    this.pending = Buffer.alloc(0);
    done();
  }
}

/** Encodes one frame (used by tests and by anyone producing a multiplexed stream). */
export function encodeFrame(stream: StreamName, data: Buffer | string): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  const header = Buffer.alloc(8);
  header[0] = stream === 'stdin' ? 0 : stream === 'stdout' ? 1 : 2;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
