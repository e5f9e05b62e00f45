/**
 * Atomic file replacement for every checkpoint moorage writes.
 * @module
 */
import { open, rename } from 'node:fs/promises';

let counter = 0;

/**
 * Writes a file atomically: a temporary file beside it, fsync, then rename over the old one,
 * so a crash leaves either the old or the new content, never a torn file.
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${++counter}`; // unique: concurrent writers never share it
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}
