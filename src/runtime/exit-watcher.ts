/**
 * Learns of task exits from the files conmon writes into the exit dir (`<dir>/<id>`, the exit
 * code as text) and of the monitor's teardown after an exit (`<dir>/<id>.cleaned`), by watching
 * the directory: no polling. Each live task has one expected exit, a promise that resolves once;
 * files of tasks nobody expects cost no read.
 * @module
 */
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CLEANED_SUFFIX } from './monitor-cleanup.ts';

/** One task exit. */
/**
 * Whether an exit record is of the run whose task was created at `createdAt` (ms): one older
 * than the task, by more than the clock's coarseness, is a late write of an earlier run's monitor.
 */
export function isCurrentExit(rec: ExitRecord, createdAt: number): boolean {
  return rec.at.getTime() + 1 >= createdAt;
}

export interface ExitRecord {
  id: string;
  /** The exit code, 128+signal when killed. */
  code: number;
  /** When conmon wrote the file (or when the engine settled the exit itself). */
  at: Date;
  /** Settled by the engine because the task's monitor died: no teardown will come from it. */
  monitorLost?: boolean;
}

interface Expected {
  createdAt: number;
  resolve: (e: ExitRecord) => void;
  promise: Promise<ExitRecord>;
}

/** Watches an exit dir. */
export class ExitWatcher {
  readonly dir: string;
  #watcher: FSWatcher | null = null;
  readonly #expected = new Map<string, Expected>();
  /** Who waits for a task's teardown marker. */
  readonly #cleanWaiters = new Map<string, Set<(text: string) => void>>();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Starts watching. */
  async start(onError: (err: Error) => void): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.#watcher = watch(this.dir, (_event, raw) => {
      const name = String(raw ?? '');
      // conmon writes `<id>.XXXXXX` then renames it to `<id>`: only the final name counts.
      if (this.#expected.has(name)) void this.#check(name);
      else if (name.endsWith(CLEANED_SUFFIX)) void this.#cleaned(name.slice(0, -CLEANED_SUFFIX.length));
    });
    this.#watcher.on('error', onError);
  }

  /**
   * The exit of the task `id` created at `createdAt` (ms since the epoch): resolves once, when
   * conmon's record appears (a record older than the task is an earlier run's and is ignored),
   * or when {@link settle} gives one. Asking again returns the same promise.
   */
  expect(id: string, createdAt: number): Promise<ExitRecord> {
    const known = this.#expected.get(id);
    if (known && known.createdAt === createdAt) return known.promise;
    let resolve!: (e: ExitRecord) => void;
    const promise = new Promise<ExitRecord>((r) => { resolve = r; });
    this.#expected.set(id, { createdAt, resolve, promise });
    void this.#check(id); // written before we started to expect it
    return promise;
  }

  /** Resolves an expected exit without conmon's record (its monitor is gone). */
  settle(e: ExitRecord): void {
    const x = this.#expected.get(e.id);
    if (!x) return;
    this.#expected.delete(e.id);
    x.resolve(e);
  }

  /** Reads an exit record now, or null when there is none. */
  async read(id: string): Promise<ExitRecord | null> {
    let fh;
    try {
      fh = await open(join(this.dir, id), 'r');
      const [st, text] = [await fh.stat(), await fh.readFile('utf8')];
      const code = Number.parseInt(text.trim(), 10);
      return Number.isNaN(code) ? null : { id, code, at: st.mtime };
    } catch {
      return null;
    } finally {
      await fh?.close();
    }
  }

  /**
   * Waits (at most `ms`) for the task's monitor to report its teardown after an exit. Resolves
   * with the marker's text (`ok`, or what failed), or null when none came in time.
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
    this.#expected.delete(id);
    await Promise.all([id, id + CLEANED_SUFFIX].map((n) => unlink(join(this.dir, n)).catch(() => {})));
  }

  /** Stops watching. */
  close(): void {
    this.#watcher?.close();
    this.#watcher = null;
  }

  async #check(id: string): Promise<void> {
    const rec = await this.read(id);
    const x = this.#expected.get(id);
    if (!rec || !x || !isCurrentExit(rec, x.createdAt)) return; // an earlier run's must not end this one
    this.#expected.delete(id);
    x.resolve(rec);
  }

  async #cleaned(id: string): Promise<void> {
    const waiters = this.#cleanWaiters.get(id);
    if (!waiters?.size) return;
    const text = await readFile(join(this.dir, id + CLEANED_SUFFIX), 'utf8').catch(() => null);
    if (text) for (const w of waiters) w(text); // empty: created, not yet written
  }
}
