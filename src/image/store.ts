/**
 * The image store: each image's metadata, in `<data-root>/images/<hex id>.json`. An image is its
 * config (whose digest is its ID), the blobs of its layers in the content store, and the chain
 * IDs of its unpacked layers; names are `RepoTags` (`name:tag`, familiar form) and `RepoDigests`
 * (`name@sha256:…`). Lookups take names the engine has normalised, IDs and ID prefixes.
 * @module
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.ts';
import { NotFound } from '../errors.ts';
import type { Descriptor, ImageConfigFile } from '../wire/oci.ts';
import { runtimeDefaults, type ImageConfig } from './config.ts';

export type { ImageConfig } from './config.ts';

/** One image's metadata. */
export interface ImageRecord {
  /** `sha256:<64 hex>`: the digest of its config. */
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  /** RFC 3339. */
  Created: string;
  /** Bytes of file content of all its layers. */
  Size: number;
  Comment: string;
  /** The runtime defaults it gives containers (from `config.config`). */
  Config: ImageConfig;
  /** The whole image config, as in its blob. */
  config: ImageConfigFile;
  /** Its layers' blobs in the content store, bottom first. */
  layers: Descriptor[];
  /** The chain ID of each layer, bottom first (the last one is its root filesystem). */
  chain: string[];
  /** The manifest it was pulled or loaded with, when it came with one. */
  manifest?: Descriptor;
  /** When a tag last moved to it (RFC 3339). */
  LastTagTime: string;
  /** The local image it was committed on, if any (moby's parent; not part of the image's content). */
  Parent?: string;
}

/** The images of one engine. */
export class ImageStore {
  readonly dir: string;
  #images = new Map<string, ImageRecord>();
  #saving = new Map<string, Promise<void>>();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Reads every image; unreadable ones are skipped and their names returned. */
  async load(): Promise<string[]> {
    await mkdir(this.dir, { recursive: true });
    const bad: string[] = [];
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith('.json')) {
        bad.push(name); // not an image of this store (an older layout's directory)
        continue;
      }
      try {
        const rec = JSON.parse(await readFile(join(this.dir, name), 'utf8')) as ImageRecord;
        this.#images.set(rec.Id, rec);
      } catch {
        bad.push(name);
      }
    }
    return bad;
  }

  /**
   * Records an image and moves its tags to it from any other image. An image with the same ID
   * gains the tags and digests. Resolves the stored record and the IDs that lost a tag.
   */
  async add(rec: Omit<ImageRecord, 'Config'>): Promise<{ image: ImageRecord; untagged: { id: string; tag: string }[] }> {
    const untagged: { id: string; tag: string }[] = [];
    for (const tag of rec.RepoTags) {
      for (const other of this.#images.values()) {
        if (other.Id !== rec.Id && other.RepoTags.includes(tag)) {
          untagged.push({ id: other.Id, tag });
          await this.untag(tag);
        }
      }
    }
    const existing = this.#images.get(rec.Id);
    const image: ImageRecord = existing
      ? { ...existing, RepoTags: union(existing.RepoTags, rec.RepoTags), RepoDigests: union(existing.RepoDigests, rec.RepoDigests),
        manifest: existing.manifest ?? rec.manifest, layers: rec.manifest && !existing.manifest ? rec.layers : existing.layers,
        LastTagTime: rec.RepoTags.length ? rec.LastTagTime : existing.LastTagTime }
      : { ...rec, Config: runtimeDefaults(rec.config) };
    this.#images.set(image.Id, image);
    await this.#save(image);
    return { image, untagged };
  }

  /** Finds an image by ID, `sha256:` ID, unique ID prefix, tag or digest reference (normalised). */
  get(ref: string): ImageRecord {
    const found = this.find(ref);
    if (!found) throw new NotFound(`No such image: ${ref}`, 'MOORAGE_NO_SUCH_IMAGE');
    return found;
  }

  /** Like {@link get}, undefined on a miss. */
  find(ref: string): ImageRecord | undefined {
    for (const img of this.#images.values()) {
      if (img.RepoTags.includes(ref) || img.RepoDigests.includes(ref)) return img;
    }
    const hex = ref.replace(/^sha256:/, '');
    if (/^[0-9a-f]{4,64}$/.test(hex)) {
      const matches = [...this.#images.values()].filter((i) => i.Id.slice(7).startsWith(hex));
      if (matches.length === 1) return matches[0];
    }
    return undefined;
  }

  /** The image with this exact ID. */
  byId(id: string): ImageRecord | undefined {
    return this.#images.get(id);
  }

  /** Every image. */
  all(): ImageRecord[] {
    return [...this.#images.values()];
  }

  /** Adds a tag to an image (taking it from whichever image had it); resolves the ID that lost it. */
  async tag(id: string, tag: string): Promise<string | undefined> {
    const img = this.#images.get(id);
    if (!img) throw new NotFound(`No such image: ${id}`, 'MOORAGE_NO_SUCH_IMAGE');
    if (img.RepoTags.includes(tag)) return undefined;
    const previous = this.all().find((i) => i.RepoTags.includes(tag));
    if (previous) await this.untag(tag);
    img.RepoTags = [...img.RepoTags, tag];
    img.LastTagTime = new Date().toISOString();
    await this.#save(img);
    return previous?.Id;
  }

  /** Takes a tag away from whichever image has it (and the digests of that repository when it was the last tag there). */
  async untag(tag: string): Promise<void> {
    for (const img of this.#images.values()) {
      if (!img.RepoTags.includes(tag)) continue;
      img.RepoTags = img.RepoTags.filter((t) => t !== tag);
      await this.#save(img);
    }
  }

  /** Removes a repository digest reference. */
  async undigest(id: string, ref: string): Promise<void> {
    const img = this.#images.get(id);
    if (!img || !img.RepoDigests.includes(ref)) return;
    img.RepoDigests = img.RepoDigests.filter((r) => r !== ref);
    await this.#save(img);
  }

  /** Deletes an image's record (its blobs and layers are collected by the engine). */
  async delete(id: string): Promise<void> {
    if (!this.#images.delete(id)) return;
    await (this.#saving.get(id) ?? Promise.resolve()).catch(() => {});
    await rm(this.#fileOf(id), { force: true });
  }

  /** Saves an image's metadata; saves of one image are chained so the newest lands last. */
  #save(img: ImageRecord): Promise<void> {
    const next = (this.#saving.get(img.Id) ?? Promise.resolve()).catch(() => {})
      .then(() => (this.#images.get(img.Id) === img ? writeFileAtomic(this.#fileOf(img.Id), JSON.stringify(img)) : undefined));
    this.#saving.set(img.Id, next);
    return next;
  }

  #fileOf(id: string): string {
    return join(this.dir, `${id.replace(/^sha256:/, '')}.json`);
  }
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}
