/**
 * HTTP for the registry client: node:http/https with keep-alive agents, bounded waits (a
 * connect-and-headers deadline and an idle timeout that ends a stalled body), and redirects
 * followed for GET and HEAD (at most 10, as containerd) without sending `Authorization` to
 * another host (the distribution spec; Go's client does the same).
 * @module
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { SystemError } from '../errors.ts';

/** How long a request may take to get its response headers. */
export const HEADERS_TIMEOUT_MS = 30_000;
/** How long a response body (or an upload) may stall before the request fails. */
export const IDLE_TIMEOUT_MS = 60_000;
const MAX_REDIRECTS = 10;

const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 16 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 16 }),
  insecure: new HttpsAgent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: false }),
};

/** One request. */
export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: Buffer | Readable;
  /** HTTPS without certificate verification (an insecure registry). */
  insecureTls?: boolean;
  headersTimeoutMs?: number;
  idleTimeoutMs?: number;
}

/** The response: status, headers, the final URL after redirects, and the unread body. */
export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  url: URL;
  body: IncomingMessage;
}

/** A transport failure (refused, reset, TLS, timeout): the caller may try another endpoint. */
export class TransportError extends SystemError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'MOORAGE_REGISTRY_UNREACHABLE', cause });
  }
}

/** Sends a request, following redirects for GET and HEAD. */
export async function send(req: HttpRequest): Promise<HttpResponse> {
  let url = req.url;
  let headers = { ...req.headers };
  for (let hops = 0; ; hops++) {
    const res = await once({ ...req, url, headers });
    const location = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(res.status) || !location || !['GET', 'HEAD'].includes(req.method)) return res;
    res.body.resume();
    if (hops >= MAX_REDIRECTS) throw new TransportError(`${req.method} ${req.url.href}: stopped after ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, url);
    if (next.host !== url.host) {
      const { Authorization: _a, authorization: _b, ...rest } = headers;
      headers = rest;
    }
    url = next;
  }
}

function once(req: HttpRequest): Promise<HttpResponse> {
  const https = req.url.protocol === 'https:';
  const agent = https ? (req.insecureTls ? agents.insecure : agents.https) : agents.http;
  const doRequest = https ? httpsRequest : httpRequest;
  const bodyLength = Buffer.isBuffer(req.body) ? { 'Content-Length': String(req.body.length) } : {};
  return new Promise((resolve, reject) => {
    const r = doRequest(req.url, { method: req.method, headers: { 'User-Agent': 'moorage', ...bodyLength, ...req.headers }, agent });
    // The answer is due once the request is sent: an upload's time is bounded by the idle timeout.
    let headersTimer: NodeJS.Timeout | undefined;
    let settled = false;
    r.on('finish', () => {
      if (settled) return;
      headersTimer = setTimeout(() => r.destroy(new TransportError(`${req.method} ${req.url.href}: no answer within ${(req.headersTimeoutMs ?? HEADERS_TIMEOUT_MS) / 1000} s`)),
        req.headersTimeoutMs ?? HEADERS_TIMEOUT_MS);
    });
    const idle = req.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
    r.setTimeout(idle, () => r.destroy(new TransportError(`${req.method} ${req.url.href}: stalled for ${idle / 1000} s`)));
    r.on('error', (err) => {
      settled = true;
      clearTimeout(headersTimer);
      reject(err instanceof TransportError ? err : new TransportError(`${req.method} ${req.url.href}: ${err.message}`, err));
    });
    r.on('response', (res) => {
      settled = true;
      clearTimeout(headersTimer);
      resolve({ status: res.statusCode ?? 0, headers: res.headers, url: req.url, body: res });
    });
    if (!req.body) r.end();
    else if (Buffer.isBuffer(req.body)) r.end(req.body);
    else {
      req.body.on('error', (err) => r.destroy(err));
      req.body.pipe(r);
    }
  });
}

/** Reads a whole (small) body, at most `max` bytes; more is an error. */
export async function readBody(res: HttpResponse, max: number): Promise<Buffer> {
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (declared > max) {
    res.body.destroy();
    throw new SystemError(`${res.url.href}: ${declared} bytes is over the limit of ${max}`, { code: 'MOORAGE_MANIFEST_INVALID' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) {
        res.body.destroy();
        throw new SystemError(`${res.url.href}: the answer is over the limit of ${max} bytes`, { code: 'MOORAGE_MANIFEST_INVALID' });
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof SystemError) throw err;
    throw new TransportError(`${res.url.href}: ${(err as Error).message}`, err);
  }
  return Buffer.concat(chunks);
}
