/**
 * One blob being written into the content store: bytes are appended to a private file under
 * `ingest/`, hashed as they come, and only a complete blob whose digest and size match is
 * renamed into place. While it is written, readers can follow it ({@link Ingest.follow}): a pull
 * unpacks a layer as it downloads, and a second pull of the same blob shares the download.
 * @module
 */
import { createHash, type Hash } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { InvalidParameter, SystemError } from '../errors.ts';

/** How many bytes an ingest gathers before it writes them. */
const BATCH = 1 << 20;

/** The buffers left after `n` bytes of `bufs` were written. */
function remainder(bufs: Buffer[], n: number): Buffer[] {
  const out: Buffer[] = [];
  let skip = n;
  for (const b of bufs) {
    if (skip >= b.length) { skip -= b.length; continue; }
    out.push(skip ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}

/** What the blob must turn out to be; unset fields are not checked. */
export interface Expected {
  digest?: string;
  size?: number;
}

/** An ingest in progress. */
export class Ingest {
  readonly path: string;
  readonly expected: Expected;
  /** Bytes written so far. */
  written = 0;
  readonly #hash: Hash = createHash('sha256');
  readonly #fh: FileHandle;
  readonly #finalPath: (digest: string) => string;
  /** `verified`: all bytes are written and match; the sync and rename are still to come. */
  #state: 'open' | 'verified' | 'committed' | 'failed' = 'open';
  /** Bytes received but not yet written (written in batches: fewer calls into the thread pool). */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Bytes received (written or pending). */
  #received = 0;
  #error: Error | null = null;
  #digest = '';
  #waiters: (() => void)[] = [];
  readonly #watchers = new Set<() => void>();
  /** Settles when the ingest is committed (with the digest) or has failed. */
  readonly done: Promise<string>;
  #settle!: { resolve: (d: string) => void; reject: (e: Error) => void };

  private constructor(path: string, fh: FileHandle, expected: Expected, finalPath: (digest: string) => string) {
    this.path = path;
    this.#fh = fh;
    this.expected = expected;
    this.#finalPath = finalPath;
    this.done = new Promise((resolve, reject) => { this.#settle = { resolve, reject }; });
    this.done.catch(() => {}); // observed by whoever awaits it; an unobserved failure is not a crash
  }

  /** Opens a new ingest file at `path`. */
  static async create(path: string, expected: Expected, finalPath: (digest: string) => string): Promise<Ingest> {
    return new Ingest(path, await open(path, 'wx', 0o644), expected, finalPath);
  }

  /** Appends bytes (written out in batches of about 1 MiB). Fails once more bytes than expected arrive. */
  async write(chunk: Buffer): Promise<void> {
    if (this.#state !== 'open') throw this.#error ?? new SystemError('write after commit');
    if (this.expected.size !== undefined && this.#received + chunk.length > this.expected.size) {
      throw new InvalidParameter(`blob ${this.expected.digest ?? ''} is larger than its ${this.expected.size} bytes`, 'MOORAGE_BLOB_INVALID');
    }
    this.#hash.update(chunk);
    this.#received += chunk.length;
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes >= BATCH) await this.#flush();
  }

  /** Writes the pending bytes and wakes followers. */
  async #flush(): Promise<void> {
    let bufs = this.#pending;
    const total = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    for (let left = total; left > 0;) {
      const { bytesWritten } = await this.#fh.writev(bufs);
      left -= bytesWritten;
      if (left > 0) bufs = remainder(bufs, bytesWritten);
    }
    this.written += total;
    this.#wake();
  }

  /**
   * Verifies the digest and size, flushes, and moves the blob into place. Anything wrong (a
   * short or altered blob) removes the file and throws; nothing is committed.
   */
  async commit(): Promise<string> {
    const digest = `sha256:${this.#hash.digest('hex')}`;
    try {
      const { size, digest: want } = this.expected;
      if (size !== undefined && this.#received !== size) {
        throw new InvalidParameter(`blob ${want ?? digest} is truncated: ${this.#received} of ${size} bytes`, 'MOORAGE_BLOB_INVALID');
      }
      if (want !== undefined && want !== digest) {
        throw new InvalidParameter(`blob ${want} does not match its digest: the content's is ${digest}`, 'MOORAGE_BLOB_INVALID');
      }
      await this.#flush();
      // Followers may finish now (the bytes are whole and right); the blob is durable and in
      // place only after the sync and the rename below, and only then is `done` settled.
      this.#state = 'verified';
      this.#wake();
      await this.#fh.datasync(); // the data and the size reading it needs; the rename below is the commit
      await this.#fh.close();
      await rename(this.path, this.#finalPath(digest));
    } catch (err) {
      await this.abort(err as Error);
      throw err;
    }
    this.#digest = digest;
    this.#state = 'committed';
    this.#settle.resolve(digest);
    this.#wake();
    return digest;
  }

  /** Gives up: removes the partial file; followers and waiters get `err`. */
  async abort(err: Error): Promise<void> {
    if (this.#state === 'committed' || this.#state === 'failed') return;
    this.#state = 'failed';
    this.#error = err;
    await this.#fh.close().catch(() => {}); // may be closed by a failed commit already
    await rm(this.path, { force: true });
    this.#settle.reject(err);
    this.#wake();
  }

  /**
   * The blob's bytes from the start, as they are written, until it is committed. Opened before
   * any wait, so a commit's rename does not lose the file (the descriptor follows it).
   */
  async *follow(): AsyncGenerator<Buffer> {
    let fh: FileHandle;
    try {
      fh = await open(this.path, 'r');
    } catch {
      // Committed (renamed) or failed before we looked.
      const digest = await this.done;
      fh = await open(this.#finalPath(digest), 'r');
    }
    try {
      let pos = 0;
      for (;;) {
        if (pos < this.written) {
          const buf = Buffer.allocUnsafe(Math.min(1 << 20, this.written - pos));
          const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
          if (bytesRead === 0) throw new SystemError(`blob ${this.expected.digest ?? ''} shrank while it was read`);
          pos += bytesRead;
          yield buf.subarray(0, bytesRead);
          continue;
        }
        if (this.#state === 'failed') throw this.#error!;
        if (this.#state === 'verified' || this.#state === 'committed') return;
        await new Promise<void>((resolve) => this.#waiters.push(resolve));
      }
    } finally {
      await fh.close();
    }
  }

  /** Calls `cb` at every change (bytes written, verified, committed, failed); returns the way to stop. */
  watch(cb: () => void): () => void {
    this.#watchers.add(cb);
    return () => this.#watchers.delete(cb);
  }

  /** `open` while bytes come; `verified` once whole and right (readable to the end); then `committed` or `failed`. */
  get state(): 'open' | 'verified' | 'committed' | 'failed' {
    return this.#state;
  }

  /** Why it failed, once it has. */
  get error(): Error | undefined {
    return this.#error ?? undefined;
  }

  /** The committed digest ('' before). */
  get digest(): string {
    return this.#digest;
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
    for (const f of [...this.#watchers]) f();
  }
}
