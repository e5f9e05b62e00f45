/**
 * The docker CLI's rendering of a JSON progress stream (pull, push, load): on a terminal, one
 * line per layer rewritten in place; otherwise `<id>: <status>` lines, without the byte
 * progress ones.
 * @module
 */
import type { Writable } from 'node:stream';
import type { ImportProgress } from '../client/types.ts';
import { LiveLines } from './progress.ts';

/** Prints progress messages as they come. */
export class ProgressPrinter {
  #live: LiveLines | undefined;
  #rows = new Map<string, number>();

  constructor(private readonly out: Writable, private readonly tty: boolean) {}

  /** Prints one message. */
  handle(m: ImportProgress): void {
    if (m.error || m.errorDetail) return; // the caller reports it
    const status = m.status ?? '';
    const stream = typeof m.stream === 'string' ? m.stream : '';
    if (!status && !stream) return;
    const line = `${m.id ? `${m.id}: ` : ''}${status}${m.progress ? ` ${m.progress}` : ''}`;
    if (!this.tty) {
      if (!m.progress) this.out.write(stream || `${line}\n`);
      return;
    }
    if (m.id && m.progressDetail) {
      this.#live ??= new LiveLines(this.out);
      let row = this.#rows.get(m.id);
      if (row === undefined) {
        row = this.#rows.size;
        this.#rows.set(m.id, row);
      }
      this.#live.set(row, line);
      return;
    }
    this.done();
    this.out.write(stream || `${line}\n`);
  }

  /** Ends the current block of live lines. */
  done(): void {
    this.#live = undefined;
    this.#rows.clear();
  }
}
