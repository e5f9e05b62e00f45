/**
 * Image operations of the SDK: import a tarball, list, inspect, remove.
 * @module
 */
import { Readable, Transform, pipeline, type TransformCallback } from 'node:stream';
import type { CallOptions, Transport } from './transport.ts';
import { JsonLines } from './json-lines.ts';
import { SystemError } from './errors.ts';
import type { Filters, ImageDeleteItem, ImageInspect, ImageSummary, ImportProgress } from './types.ts';

/** Options of {@link Images.import}. */
export interface ImportOptions extends CallOptions {
  /** Repository of the new image, e.g. `myimage` (optionally `name:tag`). */
  repo?: string;
  /** Tag of the new image (default `latest` when a repository is given). */
  tag?: string;
  /** Commit message. */
  message?: string;
  /** Dockerfile instructions applied to the image (`CMD ["sh"]`, …). */
  changes?: string[];
  /** Called as bytes of the tarball are sent. */
  onUpload?: (bytesSent: number) => void;
  /** Called for every progress message of the engine. */
  onProgress?: (p: ImportProgress) => void;
}

/** What an import produced. */
export interface ImportResult {
  /** The new image's ID (`sha256:…`), from the engine's last status line. */
  id: string | undefined;
  /** Bytes of the tarball sent. */
  bytes: number;
  /** Every progress message of the engine. */
  messages: ImportProgress[];
}

/** Options of {@link Images.remove}. */
export interface ImageRemoveOptions extends CallOptions {
  force?: boolean;
  noprune?: boolean;
}

/** Options of {@link Images.list}. */
export interface ImageListOptions extends CallOptions {
  all?: boolean;
  filters?: Filters;
}

/** Image operations; reach it as `client.images`. */
export class Images {
  constructor(private readonly t: Transport) {}

  /**
   * Imports a root filesystem tarball as an image (`POST /images/create?fromSrc=-`, what
   * `docker import` sends). No deadline by default: a big tarball takes its time.
   * @throws {SystemError} when the engine reports an error in its progress stream
   */
  async import(source: Readable | Buffer, opts: ImportOptions = {}): Promise<ImportResult> {
    let repo = opts.repo;
    let tag = opts.tag;
    if (repo && tag === undefined) {
      const m = /^(.*[^/]):([^:/]+)$/.exec(repo);
      if (m) { repo = m[1]; tag = m[2]; }
    }
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _e: BufferEncoding, done: TransformCallback) {
        bytes += chunk.length;
        opts.onUpload?.(bytes);
        done(null, chunk);
      },
    });
    const body = Buffer.isBuffer(source) ? Readable.from([source]) : source;
    pipeline(body, counter, () => {});
    const res = await this.t.stream({ method: 'POST', path: '/images/create', query: {
      fromSrc: '-', repo, tag, message: opts.message, changes: opts.changes,
    }, body: counter, contentType: 'application/x-tar',
    timeoutMs: opts.timeoutMs ?? null, abortSignal: opts.abortSignal }).catch((err: unknown) => {
      counter.destroy(); // and, through the pipeline, the source (a file stream keeps its fd otherwise)
      throw err;
    });
    const messages: ImportProgress[] = [];
    const lines = new JsonLines<ImportProgress>();
    pipeline(res, lines, () => {});
    let id: string | undefined;
    for await (const m of lines as AsyncIterable<ImportProgress>) {
      messages.push(m);
      opts.onProgress?.(m);
      if (m.error || m.errorDetail) throw new SystemError(m.errorDetail?.message ?? m.error ?? 'import failed');
      if (typeof m.status === 'string' && /^sha256:[0-9a-f]{64}$/.test(m.status.trim())) id = m.status.trim();
    }
    return { id, bytes, messages };
  }

  /** Lists images (`GET /images/json`). */
  list(opts: ImageListOptions = {}): Promise<ImageSummary[]> {
    return this.t.json({ method: 'GET', path: '/images/json', query: {
      all: opts.all || undefined,
      filters: opts.filters && Object.keys(opts.filters).length ? JSON.stringify(opts.filters) : undefined,
    }, timeoutMs: opts.timeoutMs, abortSignal: opts.abortSignal });
  }

  /** Inspects an image by name, ID or ID prefix (`GET /images/{name}/json`). */
  inspect(name: string, opts: CallOptions = {}): Promise<ImageInspect> {
    return this.t.json({ method: 'GET', path: `/images/${encodeURIComponent(name)}/json`,
      timeoutMs: opts.timeoutMs, abortSignal: opts.abortSignal });
  }

  /** Removes an image (`DELETE /images/{name}`); resolves what was untagged and deleted. */
  async remove(name: string, opts: ImageRemoveOptions = {}): Promise<ImageDeleteItem[]> {
    return (await this.t.json<ImageDeleteItem[] | undefined>({ method: 'DELETE',
      path: `/images/${encodeURIComponent(name)}`,
      query: { force: opts.force || undefined, noprune: opts.noprune || undefined },
      timeoutMs: opts.timeoutMs, abortSignal: opts.abortSignal })) ?? [];
  }
}
