/**
 * Progress of image operations (pull, push, load), as the engine reports it to a door:
 * plain messages ("Pulling from …"), per-layer state updates ("Pull complete") and byte
 * progress ("Downloading" 3 of 10 MB), throttled the way moby's progress readers are.
 * @module
 */

/** One progress event. */
export interface Progress {
  /** The layer (12 hex digits) or tag the event is about. */
  id?: string;
  status: string;
  /**
   * Absent for a plain message; `{}` for a state update of a layer; bytes for progress
   * (`total` may be unknown).
   */
  detail?: { current?: number; total?: number };
  /** Extra data for the client (push: the tag, digest and size). */
  aux?: Record<string, unknown>;
}

/** Where an operation sends its progress. */
export type ProgressSink = (p: Progress) => void;

/** The short ID Docker shows for a digest: its first 12 hex digits. */
export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

/**
 * Byte progress for one layer: an event every min(512 KiB, 1 % of the total) bytes and at
 * most ten a second, plus the last one ({@link flush}).
 */
export class ByteProgress {
  #current = 0;
  #sentAt = 0;
  #sentBytes = 0;
  readonly #step: number;

  constructor(private readonly sink: ProgressSink, private readonly id: string, private readonly status: string, private readonly total?: number) {
    this.#step = Math.max(1, Math.min(512 << 10, total ? Math.floor(total / 100) : 512 << 10));
  }

  /** Adds `n` bytes. */
  add(n: number): void {
    this.set(this.#current + n);
  }

  /** Sets the bytes done. */
  set(current: number): void {
    this.#current = current;
    const now = Date.now();
    if (current - this.#sentBytes >= this.#step && now - this.#sentAt >= 100) this.flush();
  }

  /** Sends the current figure now. */
  flush(): void {
    this.#sentAt = Date.now();
    this.#sentBytes = this.#current;
    this.sink({ id: this.id, status: this.status, detail: { current: this.#current, ...(this.total !== undefined ? { total: this.total } : {}) } });
  }
}
