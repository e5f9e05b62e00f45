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

/**
 * Checkpoints of many records, each written atomically and in order: a record's writes are
 * chained, so the last one on disk is the newest. Calls made while a write waits its turn share
 * it: it serialises the record when it starts, so it carries their changes too.
 */
export class CheckpointWriter {
  readonly #writes = new Map<string, Promise<void>>();
  /** Per key, the write that has not started yet (at most one). */
  readonly #queued = new Map<string, Promise<void>>();

  /** Persists `serialise()`'s text at `path` once the key's earlier writes are done; resolves when it is durable. */
  write(key: string, path: string, serialise: () => string): Promise<void> {
    const queued = this.#queued.get(key);
    if (queued) return queued;
    const previous = this.#writes.get(key) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => {
      this.#queued.delete(key);
      return writeFileAtomic(path, serialise());
    });
    this.#queued.set(key, next);
    this.#writes.set(key, next);
    void next.finally(() => { if (this.#writes.get(key) === next) this.#writes.delete(key); }).catch(() => {});
    return next;
  }

  /** Settles when the key's writes so far have. */
  async settled(key: string): Promise<void> {
    await (this.#writes.get(key) ?? Promise.resolve()).catch(() => {});
  }
}
