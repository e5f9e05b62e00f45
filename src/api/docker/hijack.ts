/**
 * Docker's hijacked connections (attach, exec start): on an `Upgrade: tcp` request the answer is
 * `101 UPGRADED` and the connection becomes a raw byte stream both ways (the docker CLI requires
 * the 101); without one, a 200 with the raw stream and no input.
 * @module
 */
import type { Duplex, Readable, Writable } from 'node:stream';
import { COMMON_HEADERS, startStream, type Ctx } from './http.ts';

/** How long a finished stream waits for the client to close its side before it is cut. */
const CLOSE_GRACE_MS = 2_000;

/** A hijacked connection. */
export interface Hijacked {
  out: Writable;
  /** What the client sends (its stdin), or null without an upgrade. */
  input: AsyncIterable<Buffer> | null;
  /** Ends the stream; the connection closes once the client has closed its side too (bounded). */
  end(): void;
}

/** Takes the connection over for a raw stream of `contentType`. */
export function hijack(ctx: Ctx, contentType: string): Hijacked {
  if (!ctx.upgrade) {
    const res = startStream(ctx, contentType);
    return { out: res, input: null, end: () => res.end() };
  }
  const sock: Duplex = ctx.upgrade.socket;
  // The client half-closes when its stdin ends (`CloseWrite`) and then reads the rest of the
  // output: our side must stay open for it.
  sock.allowHalfOpen = true;
  const head = Object.entries({ ...COMMON_HEADERS, 'Content-Type': contentType, Connection: 'Upgrade', Upgrade: 'tcp' })
    .map(([k, v]) => `${k}: ${v}`).join('\r\n');
  sock.write(`HTTP/1.1 101 UPGRADED\r\n${head}\r\n\r\n`);
  const early = ctx.upgrade.head;
  const input = (async function* () {
    if (early.length) yield early;
    // Not `for await (… of sock)`: at the input's end that destroys the socket, and with it
    // the output still to come.
    for await (const chunk of (sock as Duplex & Readable).iterator({ destroyOnReturn: false })) yield chunk as Buffer;
  })();
  return {
    out: sock,
    input,
    end: () => {
      sock.end();
      setTimeout(() => sock.destroy(), CLOSE_GRACE_MS).unref();
    },
  };
}
