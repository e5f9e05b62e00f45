/**
 * Notices the death of monitors this engine process did not launch. A monitor it launched
 * holds the other end of a pipe, whose close is the event; one adopted after an engine restart
 * holds nothing of ours, and Node has no pidfd to wait on. So one shared timer looks at each
 * adopted monitor's /proc entry (one small read per monitor per tick) and resolves its promise
 * when it is gone. Exits still arrive as events through the exit files: this only catches a
 * monitor that died without writing one (a crash, `kill -9`).
 * @module
 */
import { monitorAlive } from './procs.ts';

/** How often adopted monitors are looked at: a lost container is noticed within about this. */
export const MONITOR_POLL_MS = 500;

interface Watched {
  pid: number;
  gone: () => void;
  promise: Promise<void>;
}

/** Adopted monitors, by container id. */
export class MonitorWatch {
  readonly #watched = new Map<string, Watched>();
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(intervalMs = MONITOR_POLL_MS) {
    this.#intervalMs = intervalMs;
  }

  /**
   * Resolves when conmon `pid`, monitoring container `id`, is gone (a zombie or a reused pid
   * counts as gone). Asking again for the same monitor returns the same promise.
   */
  watch(pid: number, id: string): Promise<void> {
    const known = this.#watched.get(id);
    if (known?.pid === pid) return known.promise;
    let gone!: () => void;
    const promise = new Promise<void>((resolve) => { gone = resolve; });
    this.#watched.set(id, { pid, gone, promise });
    this.#schedule();
    return promise;
  }

  /** Stops looking (engine shutdown); promises still pending stay so. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** One timer for all, armed while there is something to watch; never keeps the engine alive. */
  #schedule(): void {
    if (this.#timer || this.#closed || !this.#watched.size) return;
    this.#timer = setTimeout(() => void this.#tick(), this.#intervalMs);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    const checks = [...this.#watched].map(async ([id, w]) => {
      if (await monitorAlive(w.pid, id)) return;
      if (this.#watched.get(id) !== w) return; // replaced meanwhile
      this.#watched.delete(id);
      w.gone();
    });
    await Promise.all(checks);
    this.#timer = null; // rearmed only after this tick: ticks never overlap
    this.#schedule();
  }
}
