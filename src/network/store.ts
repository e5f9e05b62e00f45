/**
 * The networks of one engine, each a JSON file `<data-root>/networks/<id>.json`, looked up as
 * moby does: full ID, then exact name, then a unique ID prefix.
 * @module
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.ts';
import { Conflict, NotFound } from '../errors.ts';
import type { NetworkRecord } from './types.ts';

/** The network records of one engine. */
export class NetworkStore {
  readonly dir: string;
  #byId = new Map<string, NetworkRecord>();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Reads every record; unreadable ones are skipped and their file names returned. */
  async load(): Promise<string[]> {
    await mkdir(this.dir, { recursive: true });
    const bad: string[] = [];
    for (const f of await readdir(this.dir)) {
      if (!f.endsWith('.json')) continue;
      try {
        const rec = JSON.parse(await readFile(join(this.dir, f), 'utf8')) as NetworkRecord;
        this.#byId.set(rec.id, rec);
      } catch {
        bad.push(f);
      }
    }
    return bad;
  }

  /** Adds (or replaces) a network and writes it; a name in use by another is a 409. */
  async put(rec: NetworkRecord): Promise<void> {
    const other = this.byName(rec.name);
    if (other && other.id !== rec.id) throw new Conflict(`network with name ${rec.name} already exists`, 'MOORAGE_NAME_EXISTS');
    this.#byId.set(rec.id, rec);
    await writeFileAtomic(join(this.dir, `${rec.id}.json`), JSON.stringify(rec));
  }

  /** Forgets a network and deletes its file. */
  async delete(id: string): Promise<void> {
    this.#byId.delete(id);
    await rm(join(this.dir, `${id}.json`), { force: true });
  }

  /** The network of that exact name. */
  byName(name: string): NetworkRecord | undefined {
    for (const n of this.#byId.values()) if (n.name === name) return n;
    return undefined;
  }

  /** Finds by full ID, name, or unique ID prefix. */
  find(ref: string): NetworkRecord | undefined {
    const exact = this.#byId.get(ref) ?? this.byName(ref);
    if (exact) return exact;
    const matches = [...this.#byId.values()].filter((n) => n.id.startsWith(ref));
    return ref && matches.length === 1 ? matches[0] : undefined;
  }

  /** Like {@link find}; 404 `network X not found` on a miss. */
  get(ref: string): NetworkRecord {
    const n = this.find(ref);
    if (!n) throw new NotFound(`network ${ref} not found`, 'MOORAGE_NO_SUCH_NETWORK');
    return n;
  }

  /** Every network. */
  all(): NetworkRecord[] {
    return [...this.#byId.values()];
  }
}
