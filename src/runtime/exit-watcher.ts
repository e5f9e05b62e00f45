/**
 * Learns of container exits from the files conmon writes into the exit dir (`<dir>/<id>`, the
 * exit code as text), and of the monitor's teardown after an exit (`<dir>/<id>.cleaned`), by
 * watching the directory: no polling.
 * @module
 */
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CLEANED_SUFFIX } from './monitor-cleanup.ts';

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
  /** Who waits for a container's teardown marker. */
  #cleanWaiters = new Map<string, Set<(text: string) => void>>();

  constructor(dir: string, onExit: (e: ExitRecord) => void) {
    this.dir = dir;
    this.#onExit = onExit;
  }

  /** Starts watching for new exit records. */
  async start(onError: (err: Error) => void): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.#watcher = watch(this.dir, (_event, raw) => {
      const name = String(raw ?? '');
      // conmon writes `<id>.XXXXXX` then renames it to `<id>`: only the final name counts.
      if (name && !name.includes('.')) void this.#read(name);
      else if (name.endsWith(CLEANED_SUFFIX)) void this.#cleaned(name.slice(0, -CLEANED_SUFFIX.length));
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

  /**
   * Waits (at most `ms`) for the container's monitor to report its teardown after an exit.
   * Resolves with the marker's text (`ok`, or what failed), or null when none came in time.
   */
  async waitCleaned(id: string, ms: number): Promise<string | null> {
    let resolve!: (text: string | null) => void;
    const done = new Promise<string | null>((r) => { resolve = r; });
    const set = this.#cleanWaiters.get(id) ?? new Set();
    this.#cleanWaiters.set(id, set.add(resolve));
    const timer = setTimeout(() => resolve(null), ms);
    void this.#cleaned(id); // written before we started waiting
    const text = await done;
    clearTimeout(timer);
    set.delete(resolve);
    if (!set.size && this.#cleanWaiters.get(id) === set) this.#cleanWaiters.delete(id);
    return text;
  }

  /** Deletes a handled exit record (and its teardown marker) so the next run starts clean. */
  async forget(id: string): Promise<void> {
    await Promise.all([id, id + CLEANED_SUFFIX].map((n) => unlink(join(this.dir, n)).catch(() => {})));
  }

  /** Stops watching. */
  close(): void {
    this.#watcher?.close();
    this.#watcher = null;
  }

  async #cleaned(id: string): Promise<void> {
    const waiters = this.#cleanWaiters.get(id);
    if (!waiters?.size) return;
    const text = await readFile(join(this.dir, id + CLEANED_SUFFIX), 'utf8').catch(() => null);
    if (text) for (const w of waiters) w(text); // empty: created, not yet written
  }

  async #read(id: string): Promise<void> {
    const rec = await this.read(id);
    if (rec) this.#onExit(rec);
  }
}
