/**
 * The layer store: each layer unpacked once, into `<data-root>/layers/<chain hex>/diff`, keyed
 * by its chain ID, with a short link `l/<id>` to its diff dir (Docker overlay2's trick: the
 * overlay mount names its lower dirs by these links, relative to the store, so a deep image's
 * option string fits in the kernel's one page). A layer is built in a `tmp-` dir and renamed
 * into place only once whole and verified; an interrupted one is removed at the next boot.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, readlink, rename, rm, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.ts';
import { InvalidParameter, NotFound } from '../errors.ts';
import { chainIds } from './chain.ts';
import { extractLayer, type ExtractOptions } from './extract.ts';
import { extractInWorker, THREADED } from './extract-threaded.ts';
import { isGrowing, readGrowing, type GrowingFile } from './growing-file.ts';

/** The deepest image moorage mounts (15 bytes a layer keeps the options well inside 4 KiB). */
export const MAX_DEPTH = 200;

/** Options of {@link LayerStore.unpack}. */
export interface UnpackOptions extends ExtractOptions {
  /** The diffID the content must hash to. */
  expectedDiffId?: string;
  /** Settles once the parent layer is committed (it may be unpacking still). */
  parentReady?: Promise<unknown>;
}

/** One unpacked layer. */
export interface LayerInfo {
  chainId: string;
  diffId: string;
  /** The chain ID of the layer below, or null for a base layer. */
  parent: string | null;
  /** Bytes of file content. */
  size: number;
  /** Name of its short link under `l/`. */
  link: string;
}

const LINK_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function newLink(): string {
  return [...randomBytes(12)].map((b) => LINK_ALPHABET[b & 31]).join('');
}

/** The layers of one engine. */
export class LayerStore {
  readonly dir: string;
  readonly #layers = new Map<string, LayerInfo>();
  readonly #pending = new Map<string, Promise<LayerInfo>>();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Reads every layer; removes unfinished ones and dangling links. */
  async load(): Promise<void> {
    await mkdir(join(this.dir, 'l'), { recursive: true });
    for (const name of await readdir(this.dir)) {
      if (name === 'l') continue;
      if (name.startsWith('tmp-')) {
        await rm(join(this.dir, name), { recursive: true, force: true });
        continue;
      }
      try {
        const info = JSON.parse(await readFile(join(this.dir, name, 'layer.json'), 'utf8')) as LayerInfo;
        this.#layers.set(info.chainId, info);
      } catch {
        await rm(join(this.dir, name), { recursive: true, force: true });
      }
    }
    for (const link of await readdir(join(this.dir, 'l'))) {
      const target = await readlink(join(this.dir, 'l', link)).catch(() => '');
      if (!(await stat(join(this.dir, 'l', target)).catch(() => null))) await rm(join(this.dir, 'l', link), { force: true });
    }
  }

  /** The layer, or undefined. */
  get(chainId: string): LayerInfo | undefined {
    return this.#layers.get(chainId);
  }

  /**
   * Unpacks a layer on top of `parent` from its blob (plain, gzip or zstd). With
   * `expectedDiffId`, a layer whose content does not hash to it is refused. An unpack of the
   * same chain already running is joined; a layer already there is returned as it is. A growing
 * blob file (a download) is extracted in a worker thread. With
   * `parentReady`, the parent may still be on its way: the layer is extracted at once (its
   * directory does not depend on the layers below it) and committed once the parent is.
   */
  unpack(parent: string | null, input: AsyncIterable<Buffer> | GrowingFile, opts: UnpackOptions = {}): Promise<LayerInfo> {
    const expected = opts.expectedDiffId ? chainIds([...(parent ? [parent] : []), opts.expectedDiffId]).at(-1)! : undefined;
    const known = expected && (this.#layers.get(expected) ? Promise.resolve(this.#layers.get(expected)!) : this.#pending.get(expected));
    if (known) return known.then(async (l) => { if (!isGrowing(input)) for await (const _ of input) { /* drain */ } return l; });
    const p = this.#unpack(parent, input, opts);
    if (expected) {
      this.#pending.set(expected, p);
      void p.finally(() => this.#pending.delete(expected)).catch(() => {}); // the failure is the callers'
    }
    return p;
  }

  async #unpack(parent: string | null, input: AsyncIterable<Buffer> | GrowingFile, opts: UnpackOptions): Promise<LayerInfo> {
    if (!opts.parentReady) this.#checkParent(parent);
    const tmp = join(this.dir, `tmp-${randomBytes(8).toString('hex')}`);
    try {
      // A growing blob file is extracted in a worker thread: layers of a pull unpack in parallel.
      const x = !isGrowing(input) ? await extractLayer(input, join(tmp, 'diff'), opts)
        : THREADED ? await extractInWorker(input, join(tmp, 'diff'), opts) : await extractLayer(readGrowing(input), join(tmp, 'diff'), opts);
      const diffId = `sha256:${x.digest}`;
      if (opts.expectedDiffId && opts.expectedDiffId !== diffId) {
        throw new InvalidParameter(`layer content does not match its diffID: expected ${opts.expectedDiffId}, got ${diffId}`, 'MOORAGE_BLOB_INVALID');
      }
      if (opts.parentReady) {
        await opts.parentReady;
        this.#checkParent(parent);
      }
      const chainId = chainIds([...(parent ? [parent] : []), diffId]).at(-1)!;
      const existing = this.#layers.get(chainId);
      if (existing) {
        await rm(tmp, { recursive: true, force: true });
        return existing;
      }
      const info: LayerInfo = { chainId, diffId, parent, size: x.size, link: newLink() };
      const hex = chainId.slice('sha256:'.length);
      await writeFileAtomic(join(tmp, 'layer.json'), JSON.stringify(info));
      await symlink(`../${hex}/diff`, join(this.dir, 'l', info.link));
      await rename(tmp, join(this.dir, hex));
      this.#layers.set(chainId, info);
      return info;
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  #checkParent(parent: string | null): void {
    if (parent && !this.#layers.has(parent)) throw new NotFound(`layer ${parent} not found`);
    if (this.depth(parent) >= MAX_DEPTH) throw new InvalidParameter(`max depth exceeded: an image has at most ${MAX_DEPTH} layers`);
  }

  /** How many layers the chain has. */
  depth(chainId: string | null): number {
    let n = 0;
    for (let c = chainId; c; c = this.#layers.get(c)?.parent ?? null) n++;
    return n;
  }

  /** The lower dirs of a mount of `chainId`, top layer first, relative to {@link dir}. */
  lowerDirs(chainId: string): string[] {
    const out: string[] = [];
    for (let c: string | null = chainId; c; c = this.#layers.get(c)?.parent ?? null) {
      const l = this.#layers.get(c);
      if (!l) throw new NotFound(`layer ${c} not found`);
      out.push(`l/${l.link}`);
    }
    return out;
  }

  /** The absolute diff dir of a layer. */
  diffDir(chainId: string): string {
    return join(this.dir, chainId.slice('sha256:'.length), 'diff');
  }

  /**
   * Deletes the layers `keep` does not want (asked as each comes, so that a layer an image took
   * meanwhile is kept); resolves those deleted. Layers committed during the walk are not looked at.
   */
  async collect(keep: (chainId: string) => boolean): Promise<LayerInfo[]> {
    const gone: LayerInfo[] = [];
    for (const [chainId, info] of [...this.#layers]) {
      if (this.#pending.has(chainId) || keep(chainId)) continue;
      this.#layers.delete(chainId);
      const hex = chainId.slice('sha256:'.length);
      const tmp = join(this.dir, `tmp-rm-${hex}`);
      await rm(join(this.dir, 'l', info.link), { force: true });
      await rename(join(this.dir, hex), tmp).catch(() => {}); // gone already: nothing to remove
      await rm(tmp, { recursive: true, force: true });
      gone.push(info);
    }
    return gone;
  }
}
