/**
 * Exact byte counts out of a stream of chunks: what the tar reader and the reader of
 * moorage-pack's records parse their framing with.
 * @module
 */

/** Pulls exact byte counts out of a stream of chunks. */
export class ByteReader {
  readonly #it: AsyncIterator<Buffer>;
  #buf: Buffer = Buffer.alloc(0);
  #done = false;

  constructor(input: AsyncIterable<Buffer>) {
    this.#it = input[Symbol.asyncIterator]();
  }

  /** Exactly `n` bytes, or fewer only at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    while (this.#buf.length < n && !this.#done) {
      const r = await this.#it.next();
      if (r.done) this.#done = true;
      else this.#buf = this.#buf.length ? Buffer.concat([this.#buf, r.value]) : r.value;
    }
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(out.length);
    return out;
  }

  /** Up to `max` bytes as they come (for content), empty at the end. */
  async chunk(max: number): Promise<Buffer> {
    if (!this.#buf.length && !this.#done) {
      const r = await this.#it.next();
      if (r.done) this.#done = true;
      else this.#buf = r.value;
    }
    const out = this.#buf.subarray(0, max);
    this.#buf = this.#buf.subarray(out.length);
    return out;
  }

  /**
   * The next `n` bytes as a section: its content as chunks (once), and `skipRest()`, which
   * consumes whatever the consumer left, so that the next read starts after the section.
   * `short` makes the error for a stream that ends first.
   */
  section(n: number, short: () => Error): Section {
    let left = n;
    const next = async (): Promise<Buffer> => {
      const c = await this.chunk(Math.min(left, 1 << 16));
      if (!c.length) throw short();
      left -= c.length;
      return c;
    };
    return {
      async *[Symbol.asyncIterator]() {
        while (left > 0) yield await next();
      },
      async skipRest() {
        while (left > 0) await next();
      },
    };
  }

  /** Reads the rest of the stream without keeping it (the end-of-archive padding). */
  async drain(): Promise<void> {
    this.#buf = Buffer.alloc(0);
    while (!this.#done) if ((await this.#it.next()).done) this.#done = true;
  }
}

/** A stretch of a stream: its chunks, and what skips past whatever was not read of it. */
export interface Section extends AsyncIterable<Buffer> {
  skipRest(): Promise<void>;
}
