/**
 * The container store: containers in memory, each checkpointed atomically to
 * `<containers>/<id>/config.v2.json`, and looked up the way moby does (full ID, then name, then
 * a unique ID prefix). The checkpoint is what makes a container exist: a new one is written
 * last, once everything the container needs is ready, and a removal deletes it first, so a
 * directory without one is an interrupted create or removal, never a container.
 * @module
 */
import { mkdir, readdir, readFile, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointWriter } from '../atomic-write.ts';
import { Conflict, InvalidParameter, NotFound } from '../errors.ts';
import { Container, type ContainerRecord } from './container.ts';

const CHECKPOINT = 'config.v2.json';

/** A checkpoint that could not be read: the container is skipped, the daemon still starts. */
export interface LoadFailure {
  id: string;
  error: string;
}

/** What {@link ContainerStore.load} found besides the containers. */
export interface LoadResult {
  /** Checkpoints there but unreadable (damaged): reported, kept for a human to look at. */
  unreadable: LoadFailure[];
  /** Directories without a checkpoint: what a create or a removal left when it was cut short. */
  unfinished: string[];
}

/** All containers of a daemon. */
export class ContainerStore {
  readonly dir: string;
  #byId = new Map<string, Container>();
  #byName = new Map<string, Container>();
  /** Names of containers being created: taken, though nothing is listed under them yet. */
  readonly #reserved = new Set<string>();
  readonly #writer = new CheckpointWriter();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Reads every checkpoint. A damaged one costs that container only. */
  async load(): Promise<LoadResult> {
    await mkdir(this.dir, { recursive: true });
    const result: LoadResult = { unreadable: [], unfinished: [] };
    for (const entry of await readdir(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const id = entry.name;
      const dir = join(this.dir, id);
      let text: string;
      try {
        text = await readFile(join(dir, CHECKPOINT), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') result.unfinished.push(id);
        else result.unreadable.push({ id, error: (err as Error).message });
        continue;
      }
      // A write the daemon did not finish (its temporary file): the checkpoint before it holds.
      for (const name of await readdir(dir)) {
        if (name.startsWith(`${CHECKPOINT}.tmp-`)) await unlink(join(dir, name)).catch(() => {});
      }
      try {
        const record = JSON.parse(text) as ContainerRecord;
        if (record.Id !== id) throw new Error(`checkpoint names ${record.Id}`);
        this.#index(new Container(record, this.dir));
      } catch (err) {
        result.unreadable.push({ id, error: (err as Error).message });
      }
    }
    return result;
  }

  /**
   * Adds a new container, all or nothing: claims its name, makes its directory, lets `prepare`
   * fill it, and writes the first checkpoint last; only then is the container listed. On any
   * failure the directory goes and the name is free again (what `prepare` made outside the
   * directory is the caller's to undo).
   */
  async add(record: ContainerRecord, prepare: (c: Container) => Promise<void> = async () => {}): Promise<Container> {
    this.#claimable(record.Name);
    this.#reserved.add(record.Name);
    const c = new Container(record, this.dir);
    let made = false;
    try {
      await mkdir(c.dir, { mode: 0o700 }); // not recursive: an existing directory is not ours
      made = true;
      await prepare(c);
      await this.#writer.write(c.id, join(c.dir, CHECKPOINT), () => JSON.stringify(c.record));
      this.#index(c);
      return c;
    } catch (err) {
      if (made) await rm(c.dir, { recursive: true, force: true });
      throw err;
    } finally {
      this.#reserved.delete(record.Name);
    }
  }

  /**
   * Deletes what an interrupted create or removal left of container `id` (a directory without
   * a checkpoint). Anything mounted below it must be unmounted first.
   */
  async discard(id: string): Promise<void> {
    if (this.#byId.has(id)) throw new Conflict(`container ${id} exists: remove it instead`);
    await rm(join(this.dir, id), { recursive: true, force: true });
  }

  /**
   * Persists the container's current record. Writes are chained per container so that the
   * last one on disk is the newest; each call resolves once its own state is durable. Calls
   * made while a write waits its turn share that write: it serialises the record when it
   * starts, so it carries their changes too.
   */
  checkpoint(c: Container): Promise<void> {
    if (this.#byId.get(c.id) !== c) return Promise.resolve(); // removed: nothing left to save
    return this.#writer.write(c.id, join(c.dir, CHECKPOINT), () => JSON.stringify(c.record));
  }

  /**
   * Gives a container a new name (with its leading slash) and persists it; the old name is
   * free once this resolves. A failed write leaves the old name in place.
   */
  async rename(c: Container, name: string): Promise<void> {
    this.#claimable(name);
    const old = c.record.Name;
    this.#byName.set(name, c);
    c.record.Name = name;
    try {
      await this.checkpoint(c);
    } catch (err) {
      c.record.Name = old;
      this.#byName.delete(name);
      throw err;
    }
    if (this.#byName.get(old) === c) this.#byName.delete(old);
  }

  /** Throws Docker's conflict when `name` belongs to a container, or to one being created. */
  #claimable(name: string): void {
    const other = this.#byName.get(name);
    if (other || this.#reserved.has(name)) {
      const owner = other ? ` by container "${other.id}"` : ' by a container being created';
      throw new Conflict(`Conflict. The container name "${name}" is already in use${owner}. You have to remove (or rename) that container to be able to reuse that name.`, 'MOORAGE_NAME_IN_USE');
    }
  }

  /**
   * Forgets a container and deletes its directory: the checkpoint first, so that from then on
   * the container is gone for good, even if a crash stops the rest (boot discards the rest).
   */
  async remove(c: Container): Promise<void> {
    // Unlisted first: no checkpoint is queued after this, and the ones queued before are let finish.
    this.#byId.delete(c.id);
    if (this.#byName.get(c.record.Name) === c) this.#byName.delete(c.record.Name);
    await this.#writer.settled(c.id);
    await unlink(join(c.dir, CHECKPOINT)).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
    await rm(c.dir, { recursive: true, force: true });
  }

  /** Finds a container by full ID, name (with or without `/`), or unique ID prefix. */
  get(ref: string): Container {
    const found = this.find(ref);
    if (!found) throw new NotFound(`No such container: ${ref}`, 'MOORAGE_NO_SUCH_CONTAINER');
    return found;
  }

  /** Like {@link get} but returns undefined for a miss. Ambiguous prefixes still throw. */
  find(ref: string): Container | undefined {
    if (!ref) return undefined;
    const byId = this.#byId.get(ref);
    if (byId) return byId;
    const byName = this.#byName.get(ref.startsWith('/') ? ref : `/${ref}`);
    if (byName) return byName;
    if (!/^[0-9a-f]+$/.test(ref)) return undefined;
    let match: Container | undefined;
    for (const [id, c] of this.#byId) {
      if (!id.startsWith(ref)) continue;
      if (match) throw new InvalidParameter(`multiple IDs found with provided prefix: ${ref}`);
      match = c;
    }
    return match;
  }

  /** Every container, oldest first. */
  all(): Container[] {
    return [...this.#byId.values()].sort((a, b) => a.record.Created.localeCompare(b.record.Created));
  }

  /** Whether a name (with leading slash) is taken, or reserved by a create in progress. */
  hasName(name: string): boolean {
    return this.#byName.has(name) || this.#reserved.has(name);
  }

  #index(c: Container): void {
    this.#byId.set(c.id, c);
    this.#byName.set(c.record.Name, c);
  }
}
