/**
 * The content store: immutable blobs (manifests, configs, layer archives) by digest, under
 * `<data-root>/content/blobs/sha256/<hex>`, shared by every image that names them. Blobs arrive
 * through verified ingests (see ingest.ts); at most one ingest per digest runs at a time, and
 * others join it. A crash mid-ingest leaves only a file under `ingest/`, removed at the next boot.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidParameter, NotFound } from '../errors.ts';
import { Ingest, type Expected } from './ingest.ts';

const DIGEST_RE = /^sha256:([0-9a-f]{64})$/;

/** The blobs of one engine. */
export class ContentStore {
  readonly dir: string;
  readonly #active = new Map<string, Promise<Ingest>>();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Creates the directories and removes what interrupted ingests left. */
  async load(): Promise<void> {
    await rm(join(this.dir, 'ingest'), { recursive: true, force: true });
    await mkdir(join(this.dir, 'ingest'), { recursive: true });
    await mkdir(join(this.dir, 'blobs', 'sha256'), { recursive: true });
  }

  /** Where the blob `digest` lives. */
  path(digest: string): string {
    const m = DIGEST_RE.exec(digest);
    if (!m) throw new InvalidParameter(`invalid digest ${JSON.stringify(digest)}`);
    return join(this.dir, 'blobs', 'sha256', m[1]!);
  }

  /** The blob's size, or undefined when the store does not have it. */
  async size(digest: string): Promise<number | undefined> {
    return stat(this.path(digest)).then((s) => s.size, () => undefined);
  }

  /** Whether the store has the blob. */
  async has(digest: string): Promise<boolean> {
    return (await this.size(digest)) !== undefined;
  }

  /** The whole blob (manifests and configs: small). */
  async read(digest: string): Promise<Buffer> {
    try {
      return await readFile(this.path(digest));
    } catch {
      throw new NotFound(`content ${digest} not found`, 'MOORAGE_NO_SUCH_BLOB');
    }
  }

  /** The blob as a stream. */
  stream(digest: string): Readable {
    return createReadStream(this.path(digest));
  }

  /**
   * Starts an ingest. With an expected digest, an ingest of the same digest already running is
   * returned instead (`joined`: the caller then only follows it), and `ingest` is null when the
   * store has the blob (committed by an ingest that ended just before).
   */
  async begin(expected: Expected): Promise<{ ingest: Ingest | null; joined: boolean }> {
    const key = expected.digest;
    const running = key ? this.#active.get(key) : undefined;
    if (running) return { ingest: await running, joined: true };
    const path = join(this.dir, 'ingest', randomBytes(12).toString('hex'));
    const created = Ingest.create(path, expected, (d) => this.path(d));
    if (!key) return { ingest: await created, joined: false };
    // Registered before any wait, so a concurrent begin joins this one.
    this.#active.set(key, created);
    const forget = () => { if (this.#active.get(key) === created) this.#active.delete(key); };
    created.then((i) => i.done.finally(forget), forget).catch(() => {});
    const ingest = await created;
    if (await this.has(key)) {
      await ingest.abort(new Error('committed meanwhile'));
      return { ingest: null, joined: false };
    }
    return { ingest, joined: false };
  }

  /** Writes a whole blob from bytes or a stream; resolves its digest once committed. */
  async put(data: Buffer | AsyncIterable<Buffer>, expected: Expected = {}): Promise<string> {
    if (expected.digest && (await this.has(expected.digest))) {
      if (!Buffer.isBuffer(data)) for await (const _ of data) { /* drain */ }
      return expected.digest;
    }
    const { ingest, joined } = await this.begin(expected);
    if (!ingest) {
      if (!Buffer.isBuffer(data)) for await (const _ of data) { /* drain */ }
      return expected.digest!;
    }
    if (joined) return ingest.done;
    try {
      if (Buffer.isBuffer(data)) await ingest.write(data);
      else for await (const chunk of data) await ingest.write(chunk);
    } catch (err) {
      await ingest.abort(err as Error);
      throw err;
    }
    return ingest.commit();
  }

  /** Every blob's digest. */
  async list(): Promise<string[]> {
    const names = await readdir(join(this.dir, 'blobs', 'sha256')).catch(() => [] as string[]);
    return names.filter((n) => /^[0-9a-f]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }

  /**
   * Deletes every blob not in `keep` and not being ingested; resolves the digests deleted.
   * The caller gathers `keep` from every image and every operation in progress.
   */
  async collect(keep: (digest: string) => boolean): Promise<string[]> {
    const gone: string[] = [];
    for (const digest of await this.list()) {
      if (this.#active.has(digest) || keep(digest)) continue;
      await rm(this.path(digest), { force: true });
      gone.push(digest);
    }
    return gone;
  }
}
