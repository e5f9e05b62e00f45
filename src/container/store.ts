/**
 * The container store: containers in memory, each checkpointed atomically to
 * `<containers>/<id>/config.v2.json`, and looked up the way moby does (full ID, then name, then
 * a unique ID prefix).
 * @module
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
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

/** All containers of a daemon. */
export class ContainerStore {
  readonly dir: string;
  #byId = new Map<string, Container>();
  #byName = new Map<string, Container>();
  readonly #writer = new CheckpointWriter();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Reads every checkpoint. A damaged one costs that container only. */
  async load(): Promise<LoadFailure[]> {
    await mkdir(this.dir, { recursive: true });
    const failures: LoadFailure[] = [];
    for (const id of await readdir(this.dir)) {
      try {
        const record = JSON.parse(await readFile(join(this.dir, id, CHECKPOINT), 'utf8')) as ContainerRecord;
        if (record.Id !== id) throw new Error(`checkpoint names ${record.Id}`);
        this.#index(new Container(record, this.dir));
      } catch (err) {
        failures.push({ id, error: (err as Error).message });
      }
    }
    return failures;
  }

  /** Adds a new container (its name must be free) and writes its first checkpoint. */
  async add(record: ContainerRecord): Promise<Container> {
    this.#claimable(record.Name);
    const c = new Container(record, this.dir);
    this.#index(c);
    await mkdir(c.dir, { recursive: true, mode: 0o700 });
    await this.checkpoint(c);
    return c;
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

  /** Throws Docker's conflict when `name` belongs to a container. */
  #claimable(name: string): void {
    const other = this.#byName.get(name);
    if (other) {
      throw new Conflict(`Conflict. The container name "${name}" is already in use by container "${other.id}". You have to remove (or rename) that container to be able to reuse that name.`, 'MOORAGE_NAME_IN_USE');
    }
  }

  /** Forgets a container and deletes its directory. */
  async remove(c: Container): Promise<void> {
    await this.#writer.settled(c.id);
    this.#byId.delete(c.id);
    if (this.#byName.get(c.record.Name) === c) this.#byName.delete(c.record.Name);
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

  /** Whether a name (with leading slash) is taken. */
  hasName(name: string): boolean {
    return this.#byName.has(name);
  }

  #index(c: Container): void {
    this.#byId.set(c.id, c);
    this.#byName.set(c.record.Name, c);
  }
}
