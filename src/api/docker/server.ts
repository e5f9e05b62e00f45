/**
 * The Docker Engine API server: a unix socket, version prefixes, one router for ordinary and
 * `Upgrade: tcp` requests, Docker's common headers, and the single error → status mapping.
 * @module
 */
import { chmod, mkdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import FindMyWay from 'find-my-way';
import type { Engine } from '../../engine/engine.ts';
import { InvalidParameter, MoorageError, NotFound } from '../../errors.ts';
import { statusFor } from './error-status.ts';
import { COMMON_HEADERS, sendError, type Ctx, type Route } from './http.ts';
import { archiveRoutes } from './routes/archive.ts';
import { containerRoutes } from './routes/containers.ts';
import { execRoutes } from './routes/exec.ts';
import { resourceRoutes } from './routes/resources.ts';
import { imageRoutes } from './routes/images.ts';
import { networkRoutes } from './routes/networks.ts';
import { volumeRoutes } from './routes/volumes.ts';
import { systemRoutes } from './routes/system.ts';
import { splitVersion } from './version.ts';

type Handler = (ctx: Ctx) => Promise<void>;

/** Builds the router with every route. */
function router(routes: Route[]) {
  const r = FindMyWay<FindMyWay.HTTPVersion.V1>({ ignoreTrailingSlash: true });
  const handlers = new Map<string, Handler>();
  routes.forEach(([method, path, handler], i) => {
    handlers.set(String(i), handler);
    r.on(method as FindMyWay.HTTPMethod, path, () => {}, { i: String(i) });
  });
  return (method: string, path: string) => {
    const found = r.find(method as FindMyWay.HTTPMethod, path);
    if (!found) return null;
    return { handler: handlers.get((found.store as { i: string }).i)!, params: found.params };
  };
}

/** The API server of one daemon. */
export class ApiServer {
  readonly #daemon: Engine;
  readonly #server: Server;
  readonly #route = router([...systemRoutes, ...containerRoutes, ...archiveRoutes, ...resourceRoutes, ...execRoutes, ...imageRoutes, ...networkRoutes, ...volumeRoutes]);

  constructor(daemon: Engine) {
    this.#daemon = daemon;
    this.#server = createServer((req, res) => void this.#handle(req, res, null));
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => {});
      void this.#handle(req, null, { socket, head });
    });
    this.#server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket) => {
      // Answer what can be answered (a request too big to read) before hanging up.
      if (err.code === 'HPE_HEADER_OVERFLOW' && socket.writable) {
        const nl = (err.rawPacket ?? Buffer.alloc(0)).indexOf(0x0a);
        const [status, text] = nl < 0 || nl > 8192 ? [414, 'URI Too Long'] : [431, 'Request Header Fields Too Large'];
        const body = JSON.stringify({ message: `${text.toLowerCase()}: the request line and headers may take at most 16 KB` });
        socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
        return;
      }
      socket.destroy();
    });
  }

  /** Listens on a `unix://` address with mode 0660. */
  async listen(host: string): Promise<void> {
    if (!host.startsWith('unix://')) throw new InvalidParameter(`unsupported host ${host}: moorage listens on unix:// sockets`);
    const path = host.slice('unix://'.length);
    await mkdir(dirname(path), { recursive: true });
    await rm(path, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(path, () => resolve());
    });
    await chmod(path, 0o660);
  }

  /** Stops accepting connections and closes idle ones. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeIdleConnections();
      setTimeout(() => { this.#server.closeAllConnections(); resolve(); }, 1000).unref();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse | null, upgrade: Ctx['upgrade']): Promise<void> {
    const ac = new AbortController();
    if (res) {
      for (const [k, v] of Object.entries(COMMON_HEADERS)) res.setHeader(k, v);
      res.on('close', () => { if (!res.writableFinished) ac.abort(); });
      res.on('error', () => {});
    } else {
      upgrade!.socket.on('close', () => ac.abort());
    }
    const url = new URL(req.url ?? '/', 'http://moorage');
    const ctx: Ctx = {
      daemon: this.#daemon, version: '', params: {}, query: url.searchParams, req, res, upgrade, abort: ac.signal,
    };
    try {
      const { version, path } = splitVersion(url.pathname);
      ctx.version = version;
      const found = this.#route(req.method ?? 'GET', path);
      if (!found) {
        sendError(ctx, new NotFound('page not found'));
        return;
      }
      ctx.params = found.params;
      await found.handler(ctx);
    } catch (err) {
      if (!(err instanceof MoorageError) || statusFor(err) === 500) {
        this.#daemon.log.warn({ err, method: req.method, url: req.url }, 'request failed');
      }
      if (res?.headersSent) {
        res.destroy();
      } else if (!ac.signal.aborted || upgrade) {
        sendError(ctx, err);
      }
    }
  }
}
