/**
 * Container operations of the SDK: create, start, stop, kill, restart, wait, pause, unpause,
 * inspect, list, logs, attach, remove, the container's files (archive stat, get and put,
 * export, changes), and moorage's doctor.
 * @module
 */
import type { CallOptions, Transport } from './transport.ts';
import type { Frame } from './demux.ts';
import { attachment, call, demux, enc, type Attachment, type OutputStream } from './calls.ts';
import { ClientTimeout, errorFromResponse, MoorageError, NotModified, SystemError } from './errors.ts';
import { killDeadlineMs, stopDeadlineMs } from './deadline.ts';
import { pipeline, Readable } from 'node:stream';
import { JsonLines } from './json-lines.ts';
import type { ContainerCreateRequest, ContainerCreateResponse, ContainerInspect, ContainerPathStat, ContainerStats, ContainerSummary,
  ContainerTop, ContainerUpdateRequest, DoctorReport, FilesystemChange, Filters, WaitResponse } from './types.ts';

/** Options of {@link Containers.commit}. */
export interface CommitOptions extends CallOptions {
  /** `repo[:tag]` of the new image; untagged without. */
  ref?: string;
  comment?: string;
  author?: string;
  /** Dockerfile-style changes: `CMD`, `ENTRYPOINT`, `ENV`, `LABEL`, `EXPOSE`, `VOLUME`, `WORKDIR`, `USER`, `STOPSIGNAL`. */
  changes?: string[];
  /** Freeze a running container while its files are read (default true). */
  pause?: boolean;
  /** Settings of the new image that win over the container's. */
  config?: Partial<Pick<ContainerCreateRequest, 'Cmd' | 'Entrypoint' | 'Env' | 'Labels' | 'User' | 'WorkingDir' | 'StopSignal' | 'ExposedPorts' | 'Volumes'>>;
}

/** Options of {@link Containers.create}. */
export interface CreateOptions extends CallOptions {
  /** The container's name (`/name` in inspect). */
  name?: string;
}

/** Options of {@link Containers.stop} and {@link Containers.restart}. */
export interface StopOptions extends CallOptions {
  /**
   * Seconds to wait after the stop signal before SIGKILL; negative: wait forever. Default: the
   * container's `StopTimeout`, else the daemon's (10 s).
   */
  timeout?: number;
  /** The stop signal (name or number); default: the container's `StopSignal`, else SIGTERM. */
  signal?: string;
}

/** What a stop did. */
export interface StopResult {
  /** The container was not running (the engine answered 304). */
  alreadyStopped: boolean;
}

/** What a start did. */
export interface StartResult {
  /** The container was already running (the engine answered 304). */
  alreadyStarted: boolean;
}

/** Options of {@link Containers.kill}. */
export interface KillOptions extends CallOptions {
  /** Signal name or number; default SIGKILL. */
  signal?: string;
}

/** Options of {@link Containers.wait}. */
export interface WaitOptions extends CallOptions {
  /** `not-running` (default), `next-exit` or `removed`. */
  condition?: 'not-running' | 'next-exit' | 'removed';
}

/** Options of {@link Containers.list}. */
export interface ListOptions extends CallOptions {
  /** Include stopped containers. */
  all?: boolean;
  /** Engine filters, e.g. `{ status: ['exited'], label: ['a=b'] }`. */
  filters?: Filters;
  /** Return only the n most recently created. */
  limit?: number;
  /** Ask for sizes. */
  size?: boolean;
}

/** Options of {@link Containers.logs}. */
export interface LogsOptions extends CallOptions {
  follow?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  /** Number of lines from the end, or `all`. */
  tail?: number | 'all';
  /** Prefix lines with RFC3339Nano timestamps. */
  timestamps?: boolean;
  /** Unix seconds (`sec[.nanos]` string allowed). */
  since?: number | string;
  /** Unix seconds (`sec[.nanos]` string allowed). */
  until?: number | string;
}

/** Options of {@link Containers.attach}. */
export interface AttachOptions extends CallOptions {
  stdout?: boolean;
  stderr?: boolean;
  /** Replay the output written so far before streaming. */
  logs?: boolean;
  /** Also send to the container's stdin (it must have been created with `OpenStdin`): see {@link Attachment.input}. */
  stdin?: boolean;
  /** The keys that detach (`ctrl-p,ctrl-q` by default). */
  detachKeys?: string;
}

/** Options of {@link Containers.stats}. */
export interface StatsOptions extends CallOptions {
  /** Answer at once, without the previous sample (no CPU rate). */
  oneShot?: boolean;
}

/** Options of {@link Containers.prune}. */
export interface PruneOptions extends CallOptions {
  /** `until` (a time or Go duration), `label`, `label!`. */
  filters?: Filters;
}

/** Options of {@link Containers.remove}. */
export interface RemoveOptions extends CallOptions {
  /** Kill a running container first. */
  force?: boolean;
  /** Remove anonymous volumes. */
  volumes?: boolean;
}

/** Options of {@link Containers.putArchive}. */
export interface PutArchiveOptions extends CallOptions {
  /** Refuse to replace a directory with a non-directory or the reverse (the docker CLI always sets it). */
  noOverwriteDirNonDir?: boolean;
  /** Own the extracted files by the container's user (`docker cp -a`). */
  copyUIDGID?: boolean;
}

/** A tar of a path in a container, and the path's stat. */
export interface ArchiveResult {
  stat: ContainerPathStat;
  /** The uncompressed tar; destroy it to hang up. */
  stream: Readable;
}

/** Go's `os.FileMode` bit of a directory, in {@link ContainerPathStat.mode}. */
export const MODE_DIR = 2 ** 31;
/** Go's `os.FileMode` bit of a symlink. */
export const MODE_SYMLINK = 2 ** 27;

/** Decodes `X-Docker-Container-Path-Stat` (base64 of JSON). */
export function decodePathStat(header: string | string[] | undefined): ContainerPathStat {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) throw new SystemError('the engine sent no X-Docker-Container-Path-Stat header');
  return JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as ContainerPathStat;
}

/** How long a start may take before the client gives up, in ms. */
const START_TIMEOUT_MS = 60_000;

/** Container operations; reach it as `client.containers`. */
export class Containers {
  constructor(private readonly t: Transport) {}

  /** Creates a container (`POST /containers/create`). */
  create(config: ContainerCreateRequest, opts: CreateOptions = {}): Promise<ContainerCreateResponse> {
    return this.t.json({ method: 'POST', path: '/containers/create', query: { name: opts.name },
      body: config, ...call(opts) });
  }

  /** Starts a container; resolves `{ alreadyStarted: true }` when it was running (304). */
  async start(id: string, opts: CallOptions = {}): Promise<StartResult> {
    const r = await this.t.send({ method: 'POST', path: `/containers/${enc(id)}/start`,
      ...call(opts, START_TIMEOUT_MS) });
    return { alreadyStarted: r.statusCode === 304 };
  }

  /**
   * Stops a container: the stop signal, the grace period, then SIGKILL. Resolves
   * `{ alreadyStopped: true }` for a stopped container (304) instead of throwing. The client
   * deadline is derived from the timeout: timeout + 10 s (the engine's kill escalation) + 2 s +
   * a margin, none for a negative timeout. Without a timeout the container's `StopTimeout`
   * (read by an inspect) or the daemon default (10 s) is used for the computation.
   */
  async stop(id: string, opts: StopOptions = {}): Promise<StopResult> {
    const deadline = opts.timeoutMs !== undefined ? opts.timeoutMs
      : stopDeadlineMs(opts.timeout ?? await this.stopTimeoutOf(id, opts)) ?? null;
    try {
      const r = await this.t.send({ method: 'POST', path: `/containers/${enc(id)}/stop`,
        query: { t: opts.timeout, signal: opts.signal }, timeoutMs: deadline, abortSignal: opts.abortSignal });
      return { alreadyStopped: r.statusCode === 304 };
    } catch (err) {
      if (err instanceof NotModified) return { alreadyStopped: true };
      throw err;
    }
  }

  /**
   * Restarts a container (stop as in {@link stop}, then start). The deadline is the stop's
   * plus the time a start may take; none for a negative timeout.
   */
  async restart(id: string, opts: StopOptions = {}): Promise<void> {
    let deadline: number | null;
    if (opts.timeoutMs !== undefined) {
      deadline = opts.timeoutMs;
    } else {
      const stop = stopDeadlineMs(opts.timeout ?? await this.stopTimeoutOf(id, opts));
      deadline = stop === undefined ? null : stop + START_TIMEOUT_MS;
    }
    await this.t.send({ method: 'POST', path: `/containers/${enc(id)}/restart`,
      query: { t: opts.timeout, signal: opts.signal }, timeoutMs: deadline, abortSignal: opts.abortSignal });
  }

  /**
   * Sends a signal (default SIGKILL). A SIGKILL answers only once the container exited, so its
   * deadline covers the engine's escalation (10 + 2 s + a margin).
   */
  async kill(id: string, opts: KillOptions = {}): Promise<void> {
    const deadline = opts.timeoutMs !== undefined ? opts.timeoutMs : killDeadlineMs(opts.signal);
    await this.t.send({ method: 'POST', path: `/containers/${enc(id)}/kill`,
      query: { signal: opts.signal }, timeoutMs: deadline, abortSignal: opts.abortSignal });
  }

  /**
   * Waits for a condition and resolves the exit status. No deadline unless `timeoutMs` is
   * given: a wait lasts as long as the container runs.
   */
  async wait(id: string, opts: WaitOptions = {}): Promise<WaitResponse> {
    return this.waitHandle(id, opts).then((h) => h.result);
  }

  /**
   * Opens a wait and resolves once the engine accepted it (its 200 headers), before the
   * container exits. `result` resolves with the exit status. Used to wait on a container
   * before starting it, as `docker run` does.
   */
  async waitHandle(id: string, opts: WaitOptions = {}): Promise<{ result: Promise<WaitResponse>; cancel(): void }> {
    const res = await this.t.stream({ method: 'POST', path: `/containers/${enc(id)}/wait`,
      query: { condition: opts.condition }, timeoutMs: opts.timeoutMs ?? null, abortSignal: opts.abortSignal });
    let timer: NodeJS.Timeout | undefined;
    const result = new Promise<WaitResponse>((resolve, reject) => {
      const chunks: Buffer[] = [];
      if (opts.timeoutMs != null) {
        // The engine sends its 200 at once, so the transport's deadline has ended: this one
        // bounds the wait for the exit itself.
        timer = setTimeout(() => {
          reject(new ClientTimeout('POST', `/containers/${id}/wait`, opts.timeoutMs!));
          res.destroy();
        }, opts.timeoutMs);
      }
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('close', () => {
        if (timer) clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8').trim();
        if (!res.complete || !text) return reject(new Error('the wait ended before the container did'));
        try {
          resolve(JSON.parse(text) as WaitResponse);
        } catch (err) {
          reject(err);
        }
      });
    });
    result.catch(() => {});
    return { result, cancel: () => res.destroy() };
  }

  /** Pauses a container (freezes its processes). */
  async pause(id: string, opts: CallOptions = {}): Promise<void> {
    await this.t.send({ method: 'POST', path: `/containers/${enc(id)}/pause`, ...call(opts) });
  }

  /** Unpauses a container. */
  async unpause(id: string, opts: CallOptions = {}): Promise<void> {
    await this.t.send({ method: 'POST', path: `/containers/${enc(id)}/unpause`, ...call(opts) });
  }

  /** Inspects a container (`GET /containers/{id}/json`), including moorage's `State.LastStop`. */
  inspect(id: string, opts: CallOptions = {}): Promise<ContainerInspect> {
    return this.t.json({ method: 'GET', path: `/containers/${enc(id)}/json`, ...call(opts) });
  }

  /** Lists containers (`GET /containers/json`). */
  list(opts: ListOptions = {}): Promise<ContainerSummary[]> {
    return this.t.json({ method: 'GET', path: '/containers/json', query: {
      all: opts.all || undefined, limit: opts.limit, size: opts.size || undefined,
      filters: opts.filters && Object.keys(opts.filters).length ? JSON.stringify(opts.filters) : undefined,
    }, ...call(opts) });
  }

  /**
   * Streams a container's logs as demultiplexed frames. Both streams by default. With `follow`
   * the stream lasts until the container stops or it is destroyed.
   */
  async logs(id: string, opts: LogsOptions = {}): Promise<OutputStream> {
    const res = await this.t.stream({ method: 'GET', path: `/containers/${enc(id)}/logs`, query: {
      stdout: opts.stdout ?? true, stderr: opts.stderr ?? true, follow: opts.follow || undefined,
      tail: opts.tail, timestamps: opts.timestamps || undefined, since: opts.since, until: opts.until,
    }, ...call(opts) });
    return demux(res, res.headers);
  }

  /**
   * Attaches to a container's output through the `101 UPGRADED` hijack (what a foreground
   * `run` uses). Attach before starting to see all of the output.
   */
  async attach(id: string, opts: AttachOptions = {}): Promise<Attachment> {
    const { stream, headers, head } = await this.t.upgrade({ method: 'POST',
      path: `/containers/${enc(id)}/attach`, query: {
        stream: true, stdout: opts.stdout ?? true, stderr: opts.stderr ?? true, logs: opts.logs || undefined,
        stdin: opts.stdin || undefined, detachKeys: opts.detachKeys,
      }, ...call(opts) });
    return attachment(stream, headers, head, Boolean(opts.stdin));
  }

  /** Sets the size of a TTY container's terminal. */
  async resize(id: string, size: { rows: number; cols: number }, opts: CallOptions = {}): Promise<void> {
    await this.t.send({ method: 'POST', path: `/containers/${enc(id)}/resize`, query: { h: size.rows, w: size.cols }, ...call(opts) });
  }

  /** The container's processes as `ps` lists them (`psArgs` default `-ef`). */
  top(id: string, psArgs?: string, opts: CallOptions = {}): Promise<ContainerTop> {
    return this.t.json({ method: 'GET', path: `/containers/${enc(id)}/top`, query: { ps_args: psArgs }, ...call(opts) });
  }

  /** One sample of the container's usage (after a second, to carry a CPU rate, unless `oneShot`). */
  stats(id: string, opts: StatsOptions = {}): Promise<ContainerStats> {
    return this.t.json({ method: 'GET', path: `/containers/${enc(id)}/stats`,
      query: { stream: false, 'one-shot': opts.oneShot || undefined }, ...call(opts) });
  }

  /** A sample a second until the stream is destroyed or the container is removed. */
  async statsStream(id: string, opts: CallOptions = {}): Promise<Readable & AsyncIterable<ContainerStats>> {
    const res = await this.t.stream({ method: 'GET', path: `/containers/${enc(id)}/stats`, query: { stream: true }, ...call(opts) });
    const lines = new JsonLines<ContainerStats>();
    pipeline(res, lines, () => {});
    return lines;
  }

  /** Changes resource limits (applied at once to a running container) and the restart policy. */
  update(id: string, update: ContainerUpdateRequest, opts: CallOptions = {}): Promise<{ Warnings: string[] | null }> {
    return this.t.json({ method: 'POST', path: `/containers/${enc(id)}/update`, body: update, ...call(opts) });
  }

  /** Renames a container. */
  async rename(id: string, name: string, opts: CallOptions = {}): Promise<void> {
    await this.t.send({ method: 'POST', path: `/containers/${enc(id)}/rename`, query: { name }, ...call(opts) });
  }

  /** A new image of the container's files and settings (`POST /commit`); resolves its ID. No deadline by default. */
  async commit(id: string, opts: CommitOptions = {}): Promise<string> {
    const m = opts.ref ? /^(.*[^/]):([\w][\w.-]*)$/.exec(opts.ref) : null;
    const [repo, tag] = m ? [m[1]!, m[2]] : [opts.ref, undefined];
    const r = await this.t.json<{ Id: string }>({ method: 'POST', path: '/commit', query: {
      container: id, repo, tag, comment: opts.comment, author: opts.author, changes: opts.changes,
      pause: opts.pause === false ? '0' : undefined,
    }, body: opts.config ?? {}, ...call(opts, null) });
    return r.Id;
  }

  /** Removes every stopped container the filters select. */
  prune(opts: PruneOptions = {}): Promise<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }> {
    return this.t.json({ method: 'POST', path: '/containers/prune',
      query: { filters: opts.filters ? JSON.stringify(opts.filters) : undefined }, ...call(opts, null) });
  }

  /** Removes a container; `force` kills it first (bounded like a SIGKILL). */
  async remove(id: string, opts: RemoveOptions = {}): Promise<void> {
    const deadline = opts.timeoutMs !== undefined ? opts.timeoutMs
      : opts.force ? killDeadlineMs('KILL') : undefined;
    await this.t.send({ method: 'DELETE', path: `/containers/${enc(id)}`,
      query: { force: opts.force || undefined, v: opts.volumes || undefined },
      timeoutMs: deadline, abortSignal: opts.abortSignal });
  }

  /**
   * The stat of a path in a container (`HEAD /containers/{id}/archive`); a final symlink is not
   * followed (its `linkTarget` says where it leads). A HEAD answer has no body, so the errors'
   * messages are made here.
   */
  async archiveStat(id: string, path: string, opts: CallOptions = {}): Promise<ContainerPathStat> {
    try {
      const r = await this.t.send({ method: 'HEAD', path: `/containers/${enc(id)}/archive`, query: { path }, ...call(opts) });
      return decodePathStat(r.headers['x-docker-container-path-stat']);
    } catch (err) {
      if (!(err instanceof MoorageError) || !/^HTTP \d+$/.test(err.message)) throw err;
      const why = err.statusCode === 404 ? `Could not find the file ${path} in container ${id}`
        : err.statusCode === 400 ? `Could not resolve ${path} in container ${id} (a symlink loop?)`
          : `Could not stat ${path} in container ${id}: ${err.message}`;
      throw errorFromResponse(err.statusCode, JSON.stringify({ message: why }));
    }
  }

  /**
   * A tar of a path in a container (`GET /containers/{id}/archive`): a directory's entries under
   * its base name (`etc/…`; `./…` for a path ending in `/.`), a file or symlink as one entry.
   */
  async getArchive(id: string, path: string, opts: CallOptions = {}): Promise<ArchiveResult> {
    const res = await this.t.stream({ method: 'GET', path: `/containers/${enc(id)}/archive`, query: { path }, ...call(opts) });
    return { stat: decodePathStat(res.headers['x-docker-container-path-stat']), stream: res };
  }

  /**
   * Extracts a tar (plain or gzip) into the directory `path` of a container (`PUT
   * /containers/{id}/archive`); the directory must exist. No deadline by default: an upload
   * takes its time.
   */
  async putArchive(id: string, path: string, tar: Readable | Buffer, opts: PutArchiveOptions = {}): Promise<void> {
    await this.t.send({ method: 'PUT', path: `/containers/${enc(id)}/archive`, query: {
      path, noOverwriteDirNonDir: opts.noOverwriteDirNonDir || undefined, copyUIDGID: opts.copyUIDGID || undefined,
    }, body: Buffer.isBuffer(tar) ? Readable.from([tar]) : tar, contentType: 'application/x-tar',
    timeoutMs: opts.timeoutMs ?? null, abortSignal: opts.abortSignal });
  }

  /** The container's whole filesystem as a tar (`GET /containers/{id}/export`). */
  async export(id: string, opts: CallOptions = {}): Promise<Readable> {
    return this.t.stream({ method: 'GET', path: `/containers/${enc(id)}/export`, ...call(opts) });
  }

  /** What the container changed in its filesystem (`GET /containers/{id}/changes`); [] for nothing. */
  async changes(id: string, opts: CallOptions = {}): Promise<FilesystemChange[]> {
    return (await this.t.json<FilesystemChange[] | null>({ method: 'GET', path: `/containers/${enc(id)}/changes`, ...call(opts) })) ?? [];
  }

  /** moorage extra: how a stop of this container will go (`GET /containers/{id}/doctor`). */
  doctor(id: string, opts: CallOptions = {}): Promise<DoctorReport> {
    return this.t.json({ method: 'GET', path: `/containers/${enc(id)}/doctor`, ...call(opts) });
  }

  /**
   * The stop timeout in force when a call gives none: the container's `StopTimeout`, else the
   * engine's default (moorage's `/info` says it; undefined from an engine that does not).
   */
  async stopTimeoutOf(id: string, opts: CallOptions = {}): Promise<number | undefined> {
    const c = await this.inspect(id, { abortSignal: opts.abortSignal });
    const t = c.Config?.StopTimeout;
    if (typeof t === 'number') return t;
    this.#engineDefault ??= this.t.json<{ DefaultStopTimeout?: unknown }>({ method: 'GET', path: '/info' })
      .then((i) => (typeof i.DefaultStopTimeout === 'number' ? i.DefaultStopTimeout : undefined), () => undefined);
    return this.#engineDefault;
  }

  #engineDefault: Promise<number | undefined> | undefined;
}

/** Collects a finite output stream into strings. */
export async function collectOutput(output: AsyncIterable<Frame>): Promise<{ stdout: string; stderr: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for await (const f of output) (f.stream === 'stderr' ? err : out).push(f.data);
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
