/**
 * Docker's multiplexed stream framing (stdout/stderr over one connection): an 8-byte header
 * `[stream, 0, 0, 0, size uint32 BE]`, then the payload.
 * @module
 */

/** Stream ids in a frame header. */
export const STREAM = { stdin: 0, stdout: 1, stderr: 2 } as const;

/** One frame. */
export function frame(stream: 0 | 1 | 2, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}
