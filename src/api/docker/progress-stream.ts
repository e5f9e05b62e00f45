/**
 * Docker's JSON progress stream (`JSONMessage`, one object a line, flushed as written) for
 * pull, push and load: progress bars drawn as the daemon draws them (width 200, so always a
 * bar), and moby's error placement: an error before the first line is an ordinary HTTP error,
 * one after it is a last `errorDetail` line under the 200 already sent.
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { Progress } from '../../engine/images/progress.ts';
import { messageOf } from '../../errors.ts';
import { humanSize } from '../../units.ts';
import type { Ctx } from './http.ts';

/** The `progress` string of a JSONMessage: `[=====>     ] 1.483MB/1.982MB`. */
export function progressBar(current: number, total?: number): string {
  if (current <= 0 && (total ?? 0) <= 0) return '';
  if (!total || total <= 0) return humanSize(current).padStart(8);
  const filled = Math.min(50, Math.floor((Math.floor((current / total) * 100)) / 2));
  const bar = `[${'='.repeat(filled)}>${' '.repeat(Math.max(0, 50 - filled))}] `;
  const numbers = current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

/** A progress event as Docker's JSONMessage. */
export function jsonMessage(p: Progress): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  if (p.status) m.status = p.status;
  if (p.detail) {
    const { current, total } = p.detail;
    m.progressDetail = current === undefined ? {} : { current, ...(total !== undefined ? { total } : {}) };
    const bar = current === undefined ? '' : progressBar(current, total);
    if (bar) m.progress = bar;
  } else if (p.aux) {
    m.progressDetail = {};
  }
  if (p.id) m.id = p.id;
  if (p.aux) m.aux = p.aux;
  return m;
}

/** A JSON-lines response that sends its 200 at the first line. */
export class ProgressStream {
  #res: ServerResponse;

  constructor(ctx: Ctx) {
    this.#res = ctx.res!;
  }

  /** Whether a line was written (then errors go in-stream). */
  get started(): boolean {
    return this.#res.headersSent;
  }

  /** Writes one message (an event, or a raw object such as `{"stream": …}`). */
  write(p: Progress | Record<string, unknown>): void {
    if (!this.#res.headersSent) {
      this.#res.writeHead(200, { 'Content-Type': 'application/json' });
    }
    const body = 'status' in p || 'detail' in p || 'aux' in p ? jsonMessage(p as Progress) : p;
    if (!this.#res.destroyed) this.#res.write(`${JSON.stringify(body)}\n`);
  }

  /** Writes the error line moby writes after streaming began. */
  fail(err: unknown): void {
    const message = messageOf(err);
    this.write({ errorDetail: { message }, error: message });
    this.#res.end();
  }

  /** Ends the response (a 200 with no lines if nothing was written). */
  end(): void {
    if (!this.#res.headersSent) this.#res.writeHead(200, { 'Content-Type': 'application/json' });
    this.#res.end();
  }
}

/** Runs a streaming operation with moby's error placement. */
export async function streamProgress(ctx: Ctx, run: (s: ProgressStream) => Promise<void>): Promise<void> {
  const s = new ProgressStream(ctx);
  try {
    await run(s);
  } catch (err) {
    if (!s.started) throw err;
    s.fail(err);
    return;
  }
  s.end();
}
