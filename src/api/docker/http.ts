/**
 * The request context handed to routes, and the helpers routes use to read requests and write
 * Docker-shaped responses (`Content-Type` exactly `application/json`, errors as `{"message"}`).
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import type { Engine } from '../../engine/engine.ts';
import { InvalidParameter } from '../../errors.ts';
import { errorBody, statusFor } from './error-status.ts';
import { MAX_API_VERSION } from './version.ts';
import { VERSION } from '../../version.ts';

/** Everything a route handler gets. */
export interface Ctx {
  daemon: Engine;
  /** The API version the client asked for. */
  version: string;
  params: Record<string, string | undefined>;
  query: URLSearchParams;
  req: IncomingMessage;
  /** The response, for ordinary requests. */
  res: ServerResponse | null;
  /** The raw connection, for `Upgrade: tcp` requests (attach). */
  upgrade: { socket: Duplex & Readable; head: Buffer } | null;
  /** Fires when the client hangs up. */
  abort: AbortSignal;
}

/** A route: method, path pattern, handler. */
export type Route = [method: string, path: string, handler: (ctx: Ctx) => Promise<void>];

/** Headers Docker sets on every response; the CLI reads them on ping. */
export const COMMON_HEADERS: Record<string, string> = {
  'Api-Version': MAX_API_VERSION,
  'Ostype': 'linux',
  'Docker-Experimental': 'false',
  'Server': `moorage/${VERSION} (linux)`,
};

const MAX_BODY = 4 << 20;

/** Writes a JSON response. */
export function sendJson(ctx: Ctx, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  if (ctx.upgrade) {
    writeRaw(ctx.upgrade.socket, status, { 'Content-Type': 'application/json' }, data);
    return;
  }
  const res = ctx.res!;
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

/** Writes a status with no body (204, 304). */
export function sendEmpty(ctx: Ctx, status: number): void {
  if (ctx.upgrade) {
    writeRaw(ctx.upgrade.socket, status, {}, '');
    return;
  }
  ctx.res!.writeHead(status).end();
}

/** Writes Docker's error body for a thrown value, with the status of its kind. */
export function sendError(ctx: Ctx, err: unknown): void {
  const status = statusFor(err);
  if (status === 304) {
    sendEmpty(ctx, 304);
    return;
  }
  sendJson(ctx, status, errorBody(err));
}

/** Writes a whole HTTP/1.1 response on a raw socket and closes it. */
export function writeRaw(socket: Duplex, status: number, headers: Record<string, string>, body: string): void {
  const all = { ...COMMON_HEADERS, ...headers, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' };
  const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, ...Object.entries(all).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  socket.end(`${head}\r\n\r\n${body}`);
}

/** Reads and parses a JSON body; an empty body is `{}`. Malformed JSON is a 400. */
export async function readJson<T>(ctx: Ctx): Promise<T> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (ctx.upgrade) {
    // An upgraded connection carries the body and then the client's stream: take exactly the
    // body (Content-Length) and leave the rest as the stream's first bytes.
    const len = Number(ctx.req.headers['content-length'] ?? 0);
    if (!Number.isInteger(len) || len < 0 || len > MAX_BODY) throw new InvalidParameter('request body is too large');
    chunks.push(await takeBytes(ctx.upgrade, len));
  } else {
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) throw new InvalidParameter('request body is too large');
      chunks.push(chunk);
    }
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {} as T;
  if (nestingDepth(text) > MAX_JSON_DEPTH) throw new InvalidParameter(`invalid JSON: nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new InvalidParameter(`invalid JSON: ${(err as Error).message}`);
  }
}

/** How deep a request body may nest (Go's decoder stops at 10,000; V8's parser overflows its stack long before). */
const MAX_JSON_DEPTH = 1000;

/** The deepest nesting of arrays and objects in JSON text, strings skipped. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // a backslash escapes the next character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) {
      inString = true;
    } else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) max = depth;
    } else if (ch === 0x5d || ch === 0x7d) {
      depth--;
    }
  }
  return max;
}

/** The first `n` bytes of an upgraded connection (from what came with the headers, then the socket). */
async function takeBytes(up: NonNullable<Ctx['upgrade']>, n: number): Promise<Buffer> {
  let have = up.head;
  if (have.length < n) {
    const more: Buffer[] = [have];
    let got = have.length;
    for await (const chunk of up.socket.iterator({ destroyOnReturn: false })) {
      more.push(chunk as Buffer);
      got += (chunk as Buffer).length;
      if (got >= n) break;
    }
    have = Buffer.concat(more);
  }
  up.head = have.subarray(n);
  return have.subarray(0, n);
}

/** A boolean query flag the way Docker reads them (`1`, `true`, `True` are true). */
export function flag(q: URLSearchParams, name: string, dflt = false): boolean {
  const v = q.get(name);
  if (v === null || v === '') return dflt;
  return !['0', 'false', 'False', 'no'].includes(v);
}

/** An integer query value; a malformed one is a 400 (moby's `strconv.Atoi` error). */
export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw new InvalidParameter(`invalid value for "${name}": strconv.Atoi: parsing "${v}": invalid syntax`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new InvalidParameter(`invalid value for "${name}": strconv.Atoi: parsing "${v}": value out of range`);
  return n;
}

/** A required path parameter. */
export function param(ctx: Ctx, name: string): string {
  return decodeURIComponent(ctx.params[name] ?? '');
}

/** Reads and drops a request body an endpoint has no use for (dockerode sends some). */
export async function discardBody(ctx: Ctx): Promise<void> {
  if (ctx.upgrade) return;
  for await (const _ of ctx.req) { /* discard */ }
}

/** Resolves when a stream can take more data (or has closed). */
export function drained(w: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { w.off('drain', done); w.off('close', done); resolve(); };
    w.on('drain', done);
    w.on('close', done);
  });
}

/** Starts a streaming 200 response and flushes the headers at once. */
export function startStream(ctx: Ctx, contentType: string): ServerResponse {
  const res = ctx.res!;
  res.writeHead(200, { 'Content-Type': contentType });
  res.flushHeaders();
  return res;
}
