/**
 * The local volume driver: `<data-root>/volumes/<name>/` (0701) holds `_data/` (the volume's
 * content, 0755) and `volume.json`. A volume with `type/device/o` options is mounted on `_data`
 * while containers use it (reference-counted) and unmounted when the last one stops.
 * @module
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeFileAtomic } from '../atomic-write.ts';
import { Conflict, InvalidParameter, NotFound, SystemError, messageOf } from '../errors.ts';
import { mountArgs } from './local-options.ts';
import type { VolumeRecord } from './types.ts';

const run = promisify(execFile);
const MOUNT_TIMEOUT_MS = 30_000;
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** The volumes of one engine. */
export class VolumeStore {
  readonly dir: string;
  #volumes = new Map<string, VolumeRecord>();
  /** Creates in progress, by name: a second create of the name gets the first one's volume. */
  readonly #creating = new Map<string, Promise<VolumeRecord>>();
  /** The containers (holders) using each volume now. */
  #users = new Map<string, Set<string>>();
  #ops = new Map<string, Promise<void>>();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Reads every volume; unreadable ones are skipped and their names returned. */
  async load(): Promise<string[]> {
    await mkdir(this.dir, { recursive: true, mode: 0o701 });
    const bad: string[] = [];
    for (const name of await readdir(this.dir)) {
      try {
        this.#volumes.set(name, JSON.parse(await readFile(join(this.dir, name, 'volume.json'), 'utf8')) as VolumeRecord);
      } catch {
        bad.push(name);
      }
    }
    return bad;
  }

  /** Creates a volume; an existing name returns the existing volume (Docker's behaviour). */
  async create(rec: VolumeRecord): Promise<VolumeRecord> {
    if (!NAME_RE.test(rec.name)) {
      throw new InvalidParameter(`create ${rec.name}: "${rec.name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
    }
    const existing = this.#volumes.get(rec.name) ?? this.#creating.get(rec.name);
    if (existing) return existing;
    const creating = this.#make(rec);
    this.#creating.set(rec.name, creating);
    try {
      return await creating;
    } finally {
      this.#creating.delete(rec.name);
    }
  }

  async #make(rec: VolumeRecord): Promise<VolumeRecord> {
    const dir = join(this.dir, rec.name);
    // All or nothing: listed once its record is on disk; a failure leaves no directory.
    try {
      await mkdir(join(dir, '_data'), { recursive: true });
      await chmod(dir, 0o701);
      await chmod(join(dir, '_data'), 0o755);
      await writeFileAtomic(join(dir, 'volume.json'), JSON.stringify(rec));
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    this.#volumes.set(rec.name, rec);
    return rec;
  }

  /** The volume of that name, or a 404 `get <name>: no such volume`. */
  get(name: string): VolumeRecord {
    const v = this.#volumes.get(name);
    if (!v) throw new NotFound(`get ${name}: no such volume`, 'MOORAGE_NO_SUCH_VOLUME');
    return v;
  }

  /** Like {@link get}, undefined on a miss. */
  find(name: string): VolumeRecord | undefined {
    return this.#volumes.get(name);
  }

  /** Every volume. */
  all(): VolumeRecord[] {
    return [...this.#volumes.values()];
  }

  /** Where a volume's content is (Docker's `Mountpoint`). */
  dataPath(name: string): string {
    return join(this.dir, name, '_data');
  }

  /**
   * Makes the volume's content available to `holder` (a container): the first holder's mounts
   * it. Holding twice is holding once.
   */
  acquire(name: string, holder: string): Promise<string> {
    return this.#serial(name, () => this.#acquire(name, holder));
  }

  async #acquire(name: string, holder: string): Promise<string> {
    const v = this.get(name);
    const path = this.dataPath(name);
    const args = mountArgs(v.options, path);
    const users = this.#users.get(name) ?? new Set<string>();
    if (args && users.size === 0 && !(await isMountPoint(path))) {
      try {
        await run('mount', args, { timeout: MOUNT_TIMEOUT_MS });
      } catch (err) {
        throw new SystemError(`error while mounting volume '${path}': ${(err as { stderr?: string }).stderr?.trim() || messageOf(err)}`);
      }
    }
    users.add(holder);
    this.#users.set(name, users);
    return path;
  }

  /** `holder` no longer uses the volume; the last one's release unmounts it. */
  release(name: string, holder: string): Promise<void> {
    return this.#serial(name, () => this.#release(name, holder));
  }

  /**
   * One acquire or release of a volume at a time: two containers starting together must not
   * both see no holder and mount it twice. Each step is bounded (mount's timeout).
   */
  #serial<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const next = (this.#ops.get(name) ?? Promise.resolve()).then(fn, fn);
    const settled = next.then(() => {}, () => {});
    this.#ops.set(name, settled);
    void settled.then(() => { if (this.#ops.get(name) === settled) this.#ops.delete(name); });
    return next;
  }

  async #release(name: string, holder: string): Promise<void> {
    const users = this.#users.get(name);
    users?.delete(holder);
    if (users?.size) return;
    this.#users.delete(name);
    if (this.#volumes.has(name)) await this.#unmount(name);
  }

  async #unmount(name: string): Promise<void> {
    const path = this.dataPath(name);
    if (!(await isMountPoint(path))) return;
    await run('umount', [path], { timeout: MOUNT_TIMEOUT_MS })
      .catch(() => run('umount', ['-l', path], { timeout: MOUNT_TIMEOUT_MS }));
  }

  /** Deletes a volume and its content; `inUseBy` (container IDs) makes it a 409. */
  async remove(name: string, inUseBy: string[]): Promise<void> {
    this.get(name);
    if (inUseBy.length) throw new Conflict(`remove ${name}: volume is in use - [${inUseBy.join(', ')}]`, 'MOORAGE_VOLUME_IN_USE');
    await this.#unmount(name);
    this.#volumes.delete(name);
    this.#users.delete(name);
    await rm(join(this.dir, name), { recursive: true, force: true });
  }

  /** Unmounts every mounted volume nobody uses (after a crash, at boot). */
  async unmountIdle(): Promise<void> {
    for (const name of this.#volumes.keys()) {
      if (!this.#users.has(name)) await this.#unmount(name).catch(() => {});
    }
  }
}

/** True when `path` is a mount point in our namespace. */
async function isMountPoint(path: string): Promise<boolean> {
  const mounts = await readFile('/proc/self/mounts', 'utf8');
  const escaped = path.replace(/ /g, '\\040');
  return mounts.split('\n').some((l) => l.split(' ')[1] === escaped);
}
