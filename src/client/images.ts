/**
 * Image operations of the SDK: pull, push, tag, history, save, load, prune, login, import a
 * tarball, list, inspect, remove. Streaming operations resolve once the engine's progress stream
 * ends, and reject with the stream's error line if it has one.
 * @module
 */
import { Readable, Transform, pipeline, type TransformCallback } from 'node:stream';
import type { CallOptions, Transport } from './transport.ts';
import { JsonLines } from './json-lines.ts';
import { SystemError } from './errors.ts';
import type { AuthConfig, AuthResponse, Filters, ImageDeleteItem, ImageHistoryItem, ImageInspect, ImagePruneResponse, ImageSummary, ImportProgress } from './types.ts';

/** Options of the streaming registry calls. */
export interface RegistryCallOptions extends CallOptions {
  /** Credentials for the registry (sent as `X-Registry-Auth`). */
  auth?: AuthConfig;
  /** Called for every progress message of the engine. */
  onProgress?: (p: ImportProgress) => void;
}

/** Options of {@link Images.pull}. */
export interface PullOptions extends RegistryCallOptions {
  /** `os/arch[/variant]`; the engine's own by default. */
  platform?: string;
}

/** What a pull or push reported. */
export interface ProgressResult {
  /** The digest the engine reported (`Digest: …` of a pull, the aux digest of a push). */
  digest: string | undefined;
  messages: ImportProgress[];
}

/** `X-Registry-Auth`: base64url of the JSON AuthConfig, as the docker CLI sends it (`e30=` for none). */
export function encodeAuth(auth: AuthConfig | undefined): string {
  return Buffer.from(JSON.stringify(auth ?? {})).toString('base64url');
}

/** Reads a JSON progress stream to its end; rejects on an error line. */
async function readProgress(res: Readable, onProgress?: (p: ImportProgress) => void): Promise<ImportProgress[]> {
  const messages: ImportProgress[] = [];
  const lines = new JsonLines<ImportProgress>();
  pipeline(res, lines, () => {});
  for await (const m of lines as AsyncIterable<ImportProgress>) {
    messages.push(m);
    onProgress?.(m);
    if (m.error || m.errorDetail) throw new SystemError(m.errorDetail?.message ?? m.error ?? 'the operation failed');
  }
  return messages;
}

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

  /** Pulls an image (`POST /images/create?fromImage=`); no deadline by default. */
  async pull(ref: string, opts: PullOptions = {}): Promise<ProgressResult> {
    const res = await this.t.stream({ method: 'POST', path: '/images/create', query: { fromImage: ref, platform: opts.platform },
      headers: { 'X-Registry-Auth': encodeAuth(opts.auth) }, timeoutMs: opts.timeoutMs ?? null, abortSignal: opts.abortSignal });
    const messages = await readProgress(res, opts.onProgress);
    const digest = messages.map((m) => /^Digest: (sha256:[0-9a-f]{64})$/.exec(m.status ?? '')?.[1]).find(Boolean);
    return { digest, messages };
  }

  /** Pushes `name[:tag]` (`POST /images/{name}/push`); no deadline by default. */
  async push(ref: string, opts: RegistryCallOptions = {}): Promise<ProgressResult> {
    const m = /^(.*[^/]):([\w][\w.-]*)$/.exec(ref);
    const [name, tag] = m ? [m[1]!, m[2]] : [ref, undefined];
    const res = await this.t.stream({ method: 'POST', path: `/images/${name}/push`, query: { tag },
      headers: { 'X-Registry-Auth': encodeAuth(opts.auth) }, timeoutMs: opts.timeoutMs ?? null, abortSignal: opts.abortSignal });
    const messages = await readProgress(res, opts.onProgress);
    const digest = messages.map((x) => (x.aux as { Digest?: string } | undefined)?.Digest).find(Boolean);
    return { digest, messages };
  }

  /** Tags an image (`POST /images/{name}/tag`): `target` is `repo[:tag]`. */
  async tag(source: string, target: string, opts: CallOptions = {}): Promise<void> {
    const m = /^(.*[^/]):([\w][\w.-]*)$/.exec(target);
    const [repo, tag] = m ? [m[1]!, m[2]] : [target, undefined];
    await this.t.json({ method: 'POST', path: `/images/${encodeURIComponent(source)}/tag`, query: { repo, tag },
      timeoutMs: opts.timeoutMs, abortSignal: opts.abortSignal });
  }

  /** An image's history, newest first (`GET /images/{name}/history`). */
  history(name: string, opts: CallOptions = {}): Promise<ImageHistoryItem[]> {
    return this.t.json({ method: 'GET', path: `/images/${encodeURIComponent(name)}/history`, timeoutMs: opts.timeoutMs, abortSignal: opts.abortSignal });
  }

  /** The archive of one or more images (`GET /images/get`), as a stream; no deadline by default. */
  save(names: string[], opts: CallOptions = {}): Promise<Readable> {
    return this.t.stream({ method: 'GET', path: '/images/get', query: { names }, timeoutMs: opts.timeoutMs ?? null, abortSignal: opts.abortSignal });
  }

  /** Loads an archive (`POST /images/load`); resolves the `Loaded image…` lines. */
  async load(source: Readable | Buffer, opts: { quiet?: boolean; onProgress?: (p: ImportProgress) => void } & CallOptions = {}): Promise<string[]> {
    const body = Buffer.isBuffer(source) ? Readable.from([source]) : source;
    const res = await this.t.stream({ method: 'POST', path: '/images/load', query: { quiet: opts.quiet ?? !opts.onProgress },
      body, contentType: 'application/x-tar', timeoutMs: opts.timeoutMs ?? null, abortSignal: opts.abortSignal });
    const messages = await readProgress(res, opts.onProgress);
    return messages.map((m) => (typeof m.stream === 'string' ? m.stream.trim() : '')).filter(Boolean);
  }

  /** Deletes unused images (`POST /images/prune`): dangling ones, or all unused with `{ dangling: ['false'] }`. */
  prune(filters: Filters = {}, opts: CallOptions = {}): Promise<ImagePruneResponse> {
    return this.t.json({ method: 'POST', path: '/images/prune',
      query: { filters: Object.keys(filters).length ? JSON.stringify(filters) : undefined }, timeoutMs: opts.timeoutMs, abortSignal: opts.abortSignal });
  }

  /** Checks credentials against a registry (`POST /auth`). */
  login(auth: AuthConfig, opts: CallOptions = {}): Promise<AuthResponse> {
    return this.t.json({ method: 'POST', path: '/auth', body: auth, timeoutMs: opts.timeoutMs, abortSignal: opts.abortSignal });
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
