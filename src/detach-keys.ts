/**
 * Docker's detach keys (`--detach-keys`, default `ctrl-p,ctrl-q`): a comma list of single
 * characters, `ctrl-@` … `ctrl-_` and `DEL`, turned into the bytes a TTY sends, and a scanner
 * that holds back a matching prefix until it is complete (then the attach ends and the container
 * keeps running) or broken (then the held bytes go through).
 * @module
 */
import { InvalidParameter } from './errors.ts';

/** Docker's default. */
export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** The byte sequence of a detach-keys spec; 400 for one Docker would refuse. */
export function parseDetachKeys(spec: string): Buffer {
  const out: number[] = [];
  for (const key of spec.split(',')) {
    const k = key.trim();
    if (k.length === 1) out.push(k.charCodeAt(0));
    else if (k === 'DEL') out.push(0x7f);
    else if (/^ctrl-[a-z@[\\\]^_]$/.test(k)) {
      const c = k.charAt(5);
      out.push(c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 96 : c.charCodeAt(0) - 64);
    } else {
      throw new InvalidParameter(`Invalid detach keys (${spec}) provided`);
    }
  }
  if (!out.length) throw new InvalidParameter(`Invalid detach keys (${spec}) provided`);
  return Buffer.from(out);
}

/** Watches a byte stream for the detach sequence. */
export class DetachScanner {
  readonly #keys: Buffer;
  #matched = 0;

  constructor(keys: Buffer) {
    this.#keys = keys;
  }

  /**
   * Feeds bytes; returns what may go through now, and whether the sequence completed (the bytes
   * after it are dropped, as the attach ends).
   */
  feed(data: Buffer): { pass: Buffer; detach: boolean } {
    const pass: number[] = [];
    for (const b of data) {
      if (b === this.#keys[this.#matched]) {
        this.#matched++;
        if (this.#matched === this.#keys.length) return { pass: Buffer.from(pass), detach: true };
        continue;
      }
      // The held prefix was not the sequence: it goes through, then this byte is judged afresh.
      pass.push(...this.#keys.subarray(0, this.#matched));
      this.#matched = b === this.#keys[0] ? 1 : 0;
      if (!this.#matched) pass.push(b);
    }
    return { pass: Buffer.from(pass), detach: false };
  }
}
