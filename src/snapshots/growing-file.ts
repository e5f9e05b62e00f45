/**
 * A file another part of the engine is still writing (a blob being downloaded), which an
 * extraction in a worker thread reads as it grows.
 * @module
 */
import { open, type FileHandle } from 'node:fs/promises';

/** How a growing file is doing. */
export type GrowingState = 'open' | 'done' | 'failed';

/** A file being written, readable as it grows. */
export interface GrowingFile {
  /** Where to open it, in order: where it is written, then where it lands once complete. */
  paths: string[];
  /** Bytes written so far (readable). */
  written(): number;
  state(): GrowingState;
  /** Why it failed, once it has. */
  error(): Error | undefined;
  /** Calls `cb` at every change; returns the way to stop. */
  watch(cb: () => void): () => void;
}

/** Whether an input is a growing file (rather than a stream of bytes). */
export function isGrowing(x: unknown): x is GrowingFile {
  return typeof x === 'object' && x !== null && 'paths' in x && 'watch' in x;
}

/** The file's bytes from the start, as they are written, until it is done. */
export async function* readGrowing(file: GrowingFile): AsyncGenerator<Buffer> {
  let wake: (() => void) | null = null;
  const stop = file.watch(() => wake?.());
  const changed = () => new Promise<void>((r) => { wake = r; });
  let fh: FileHandle | undefined;
  try {
    while (!fh) {
      for (const p of file.paths) {
        fh = await open(p, 'r').catch(() => undefined); // renamed meanwhile: try the next path
        if (fh) break;
      }
      if (fh) break;
      if (file.state() === 'failed') throw file.error() ?? new Error('the blob failed');
      await changed();
    }
    let pos = 0;
    for (;;) {
      const written = file.written();
      if (pos < written) {
        const buf = Buffer.allocUnsafe(Math.min(1 << 20, written - pos));
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) throw new Error('the blob shrank while it was read');
        pos += bytesRead;
        yield buf.subarray(0, bytesRead);
        continue;
      }
      if (file.state() === 'failed') throw file.error() ?? new Error('the blob failed');
      if (file.state() === 'done') return;
      await changed();
    }
  } finally {
    stop();
    await fh?.close();
  }
}
