/**
 * Learns of container exits from the files conmon writes into the exit dir (`<dir>/<id>`, the
 * exit code as text), by watching the directory: no polling.
 * @module
 */
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** One container exit as conmon recorded it. */
export interface ExitRecord {
  id: string;
  /** The exit code, 128+signal when killed. */
  code: number;
  /** When conmon wrote the file. */
  at: Date;
}

/** Watches an exit dir and reports each exit file once it is complete. */
export class ExitWatcher {
  readonly dir: string;
  #watcher: FSWatcher | null = null;
  #onExit: (e: ExitRecord) => void;

  constructor(dir: string, onExit: (e: ExitRecord) => void) {
    this.dir = dir;
    this.#onExit = onExit;
  }

  /** Starts watching for new exit records. */
  async start(onError: (err: Error) => void): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.#watcher = watch(this.dir, (_event, name) => {
      // conmon writes `<id>.XXXXXX` then renames it to `<id>`: only the final name counts.
      if (name && !name.includes('.')) void this.#read(String(name));
    });
    this.#watcher.on('error', onError);
  }

  /** Reports every record already in the directory (written while nobody watched). */
  async scan(): Promise<void> {
    for (const name of await readdir(this.dir)) {
      if (!name.includes('.')) await this.#read(name);
    }
  }

  /** Reads an exit record now, or null when there is none. */
  async read(id: string): Promise<ExitRecord | null> {
    try {
      const path = join(this.dir, id);
      const [text, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
      const code = Number.parseInt(text.trim(), 10);
      if (Number.isNaN(code)) return null;
      return { id, code, at: st.mtime };
    } catch {
      return null;
    }
  }

  /** Deletes a handled exit record so the next run of the container starts clean. */
  async forget(id: string): Promise<void> {
    await unlink(join(this.dir, id)).catch(() => {});
  }

  /** Stops watching. */
  close(): void {
    this.#watcher?.close();
    this.#watcher = null;
  }

  async #read(id: string): Promise<void> {
    const rec = await this.read(id);
    if (rec) this.#onExit(rec);
  }
}
