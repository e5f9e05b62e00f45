/**
 * HTTP transport to the engine over a unix socket or TCP: version-prefixed paths, JSON bodies,
 * deadlines, typed errors, streaming responses and the `101 UPGRADED` hijack of attach.
 * @module
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage,
  type ClientRequest, type RequestOptions } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { ClientTimeout, ConnectionError, errorFromResponse, MoorageError } from './errors.ts';
import { formatHost, resolveHost, type EngineAddress } from './host.ts';
import { DEFAULT_CALL_TIMEOUT_MS } from './deadline.ts';
import { negotiateVersion, MAX_API_VERSION } from './version.ts';

/** Query values; `undefined` entries are left out, booleans become `1`/`0`. */
export type Query = Record<string, string | number | boolean | string[] | undefined>;

/** Options every SDK call accepts. */
export interface CallOptions {
  /**
   * Deadline for the engine's answer in ms. `undefined` keeps the call's own default
   * (derived from the engine's bounds where they are known); `null` means no deadline.
   */
  timeoutMs?: number | null;
  /** Cancels the call. */
  abortSignal?: AbortSignal;
}

/** One request to the engine. */
export interface TransportRequest {
  method: string;
  /** Path without the version prefix, e.g. `/containers/json`. */
  path: string;
  query?: Query;
  /** A JSON-serialisable body, or a stream/buffer sent as is (with `contentType`). */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** Deadline in ms (whole exchange for buffered calls, until the headers for streams); `null`: none. */
  timeoutMs?: number | null;
  abortSignal?: AbortSignal;
  /** Skip the version prefix (for `/_ping`). */
  unversioned?: boolean;
}

/** A buffered answer. */
export interface TransportResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Options of a {@link Transport}. */
export interface TransportOptions {
  /** `unix:///path` or `tcp://host:port`; default: `MOORAGE_HOST`, `DOCKER_HOST`, then the default socket. */
  host?: string;
  /** Fixed API version (e.g. `1.47`); default: negotiated through `/_ping`. */
  apiVersion?: string;
  /** Default deadline of ordinary calls, in ms. */
  timeoutMs?: number;
}

/** The connection to one engine, shared by every part of the client. */
export class Transport {
  /** Where the engine listens. */
  readonly address: EngineAddress;
  /** Default deadline of ordinary calls, in ms. */
  readonly defaultTimeoutMs: number;
  private readonly agent: Agent;
  private version: Promise<string | undefined> | undefined;

  constructor(opts: TransportOptions = {}) {
    this.address = resolveHost(opts.host);
    this.defaultTimeoutMs = opts.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.agent = new Agent({ keepAlive: true });
    if (opts.apiVersion) this.version = Promise.resolve(opts.apiVersion.replace(/^v/, ''));
  }

  /** The API version used in paths: min(engine's, {@link MAX_API_VERSION}); pings once. */
  apiVersion(): Promise<string | undefined> {
    if (!this.version) {
      const p = this.send({ method: 'GET', path: '/_ping', unversioned: true, timeoutMs: 10_000 })
        .then((r) => negotiateVersion(header(r.headers, 'api-version'), MAX_API_VERSION));
      p.catch(() => { if (this.version === p) this.version = undefined; });
      this.version = p;
    }
    return this.version;
  }

  /** Sends a request and buffers the answer; throws the typed error for a status ≥ 400. */
  async send(req: TransportRequest): Promise<TransportResponse> {
    const res = await this.open(req, true);
    const body = await readAll(res, req);
    const statusCode = res.statusCode ?? 0;
    if (statusCode >= 400) throw errorFromResponse(statusCode, body.toString('utf8'));
    return { statusCode, headers: res.headers, body };
  }

  /** Sends a request and parses a JSON answer. */
  async json<T>(req: TransportRequest): Promise<T> {
    const r = await this.send(req);
    const text = r.body.toString('utf8');
    return (text.trim() ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Sends a request and returns the response stream once the headers arrived (status < 400;
   * otherwise the typed error). The deadline stops at the headers.
   */
  async stream(req: TransportRequest): Promise<IncomingMessage> {
    const res = await this.open(req, false);
    const statusCode = res.statusCode ?? 0;
    if (statusCode >= 400) {
      const body = await readAll(res, req);
      throw errorFromResponse(statusCode, body.toString('utf8'));
    }
    return res;
  }

  /**
   * Sends an upgrade request (`Connection: Upgrade`, `Upgrade: tcp`) and returns the hijacked
   * socket after `101`. An engine that answers `200` with a stream instead is accepted too.
   */
  async upgrade(req: TransportRequest): Promise<{ stream: Duplex | Readable; headers: IncomingHttpHeaders; head: Buffer }> {
    const version = req.unversioned ? undefined : await this.apiVersion();
    return new Promise((resolve, reject) => {
      const r = httpRequest(this.requestOptions(req, version, {
        Connection: 'Upgrade', Upgrade: 'tcp' }));
      const cancel = this.arm(r, req, reject);
      r.on('upgrade', (res, socket, head) => {
        cancel();
        resolve({ stream: socket, headers: res.headers, head });
      });
      r.on('response', (res) => {
        cancel();
        const statusCode = res.statusCode ?? 0;
        if (statusCode >= 400) {
          readAll(res, req).then((b) => reject(errorFromResponse(statusCode, b.toString('utf8'))), reject);
        } else {
          resolve({ stream: res, headers: res.headers, head: Buffer.alloc(0) });
        }
      });
      // A JSON body (exec start's) goes with its length: the stream follows it on the socket.
      if (req.body === undefined) {
        r.end();
      } else {
        const data = JSON.stringify(req.body);
        r.setHeader('Content-Length', Buffer.byteLength(data));
        r.end(data);
      }
    });
  }

  /** Closes every connection of this client, open streams (logs -f, events, waits) included. */
  close(): void {
    this.agent.destroy();
  }

  private async open(req: TransportRequest, wholeExchange: boolean): Promise<IncomingMessage> {
    const version = req.unversioned ? undefined : await this.apiVersion();
    return new Promise((resolve, reject) => {
      const r = httpRequest(this.requestOptions(req, version));
      const cancel = this.arm(r, req, reject);
      r.on('response', (res) => {
        responses.set(r, res);
        if (wholeExchange) {
          res.on('end', cancel);
          res.on('close', cancel);
        } else {
          cancel();
        }
        resolve(res);
      });
      const body = req.body;
      if (body === undefined) {
        r.end();
      } else if (Buffer.isBuffer(body) || typeof body === 'string') {
        r.end(body);
      } else if (isReadable(body)) {
        body.on('error', (err) => r.destroy(err));
        body.pipe(r);
      } else {
        r.end(JSON.stringify(body));
      }
    });
  }

  /** Wires deadline, abort and connection errors of a request; returns a disarm function. */
  private arm(r: ClientRequest, req: TransportRequest, reject: (e: unknown) => void): () => void {
    const timeoutMs = req.timeoutMs === undefined ? this.defaultTimeoutMs : req.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    let failed: MoorageError | undefined;
    if (timeoutMs !== null) {
      timer = setTimeout(() => {
        failed = new ClientTimeout(req.method, req.path, timeoutMs);
        responses.get(r)?.destroy(failed);
        r.destroy(failed);
      }, timeoutMs);
    }
    const onAbort = () => {
      const reason = req.abortSignal?.reason;
      const err = reason instanceof Error ? reason : new Error('the call was aborted');
      responses.get(r)?.destroy(err);
      r.destroy(err);
    };
    if (req.abortSignal) {
      if (req.abortSignal.aborted) queueMicrotask(onAbort);
      else req.abortSignal.addEventListener('abort', onAbort, { once: true });
    }
    r.on('error', (err: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      if (failed) return reject(failed);
      if (err instanceof MoorageError || err.name === 'AbortError' || req.abortSignal?.aborted) return reject(err);
      if (['ENOENT', 'ECONNREFUSED', 'EACCES', 'ENOTFOUND', 'EHOSTUNREACH'].includes(err.code ?? '')) {
        return reject(new ConnectionError(
          `Cannot connect to the moorage daemon at ${formatHost(this.address)}. Is the daemon running? (${err.code})`, err));
      }
      reject(new ConnectionError(`error during connect: ${err.message}`, err));
    });
    return () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      req.abortSignal?.removeEventListener('abort', onAbort);
    };
  }

  private requestOptions(req: TransportRequest, version: string | undefined,
    extra: Record<string, string> = {}): RequestOptions {
    const path = (version ? `/v${version}` : '') + req.path + queryString(req.query);
    const headers: Record<string, string> = { ...req.headers, ...extra };
    if (req.body !== undefined) {
      headers['Content-Type'] = req.contentType
        ?? (Buffer.isBuffer(req.body) || isReadable(req.body) ? 'application/x-tar' : 'application/json');
    }
    const base: RequestOptions = { method: req.method, path, headers };
    if (Object.keys(extra).length === 0) base.agent = this.agent;
    else base.agent = false;
    if (this.address.kind === 'unix') {
      base.socketPath = this.address.socketPath;
      headers.Host = headers.Host ?? 'moorage';
    } else {
      base.host = this.address.host;
      base.port = this.address.port;
    }
    return base;
  }
}

const responses = new WeakMap<ClientRequest, IncomingMessage>();

/** Renders a query string (`?a=1&b=x`), leaving out undefined values. */
export function queryString(q: Query | undefined): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) { for (const x of v) p.append(k, x); continue; }
    p.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function isReadable(v: unknown): v is Readable {
  return typeof v === 'object' && v !== null && typeof (v as Readable).pipe === 'function'
    && typeof (v as Readable).on === 'function';
}

function readAll(res: IncomingMessage, req: TransportRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', (err) => reject(err instanceof MoorageError ? err
      : new ConnectionError(`connection lost during ${req.method} ${req.path}: ${err.message}`, err)));
    res.on('close', () => {
      if (!res.complete) reject(new ConnectionError(`connection lost during ${req.method} ${req.path}`));
    });
  });
}
