/**
 * The image store: each image is one layer directory plus its metadata, under
 * `<data-root>/images/<hex id>/`. Looked up by ID, ID prefix, or repository[:tag].
 * @module
 */
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Conflict, NotFound } from '../errors.ts';
import { writeFileAtomic } from '../atomic-write.ts';

/** The runtime defaults an image gives its containers. */
export interface ImageConfig {
  Cmd: string[] | null;
  Entrypoint: string[] | null;
  Env: string[];
  WorkingDir: string;
  User: string;
  Labels: Record<string, string>;
  StopSignal?: string;
  /** Ports the image exposes (`EXPOSE`): `{"80/tcp": {}}`; `-P` publishes them. */
  ExposedPorts?: Record<string, object>;
  /** Paths the image declares volumes at (`VOLUME`): each gets an anonymous volume. */
  Volumes?: Record<string, object>;
}

/** One image's metadata, in Docker's field names. */
export interface ImageRecord {
  /** `sha256:<64 hex>` */
  Id: string;
  RepoTags: string[];
  Created: string;
  Size: number;
  Comment: string;
  Config: ImageConfig;
}

/** Normalises a reference to `name:tag` (tag `latest` by default). */
export function normalizeRef(ref: string): string {
  const slash = ref.lastIndexOf('/');
  return ref.indexOf(':', slash + 1) >= 0 ? ref : `${ref}:latest`;
}

/** The images of one daemon. */
export class ImageStore {
  readonly dir: string;
  #images = new Map<string, ImageRecord>();
  #saving = new Map<string, Promise<void>>();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Reads every image's metadata; unreadable ones are skipped and their names returned. */
  async load(): Promise<string[]> {
    await mkdir(this.dir, { recursive: true });
    const bad: string[] = [];
    for (const name of await readdir(this.dir)) {
      if (name.startsWith('tmp-')) {
        await rm(join(this.dir, name), { recursive: true, force: true });
        continue;
      }
      try {
        const rec = JSON.parse(await readFile(join(this.dir, name, 'image.json'), 'utf8')) as ImageRecord;
        this.#images.set(rec.Id, rec);
      } catch {
        bad.push(name);
      }
    }
    return bad;
  }

  /** A fresh temporary directory to build a layer in; move it in with {@link commit}. */
  async scratch(): Promise<string> {
    const dir = join(this.dir, `tmp-${process.pid}-${Math.random().toString(16).slice(2)}`);
    await mkdir(join(dir, 'rootfs'), { recursive: true });
    return dir;
  }

  /**
   * Moves a built layer into place as image `rec`, and takes its tags away from older images.
   * An image with the same ID keeps its layer and gains the tags.
   */
  async commit(scratch: string, rec: ImageRecord): Promise<ImageRecord> {
    const existing = this.#images.get(rec.Id);
    for (const tag of rec.RepoTags) await this.#untag(tag);
    if (existing) {
      await rm(scratch, { recursive: true, force: true });
      existing.RepoTags = [...new Set([...existing.RepoTags, ...rec.RepoTags])];
      await this.#save(existing);
      return existing;
    }
    await writeFileAtomic(join(scratch, 'image.json'), JSON.stringify(rec));
    await rename(scratch, this.#dirOf(rec.Id));
    this.#images.set(rec.Id, rec);
    return rec;
  }

  /** Finds an image by ID, `sha256:` ID, unique ID prefix, or name[:tag]. */
  get(ref: string): ImageRecord {
    const found = this.find(ref);
    if (!found) throw new NotFound(`No such image: ${ref}`, 'MOORAGE_NO_SUCH_IMAGE');
    return found;
  }

  /** Like {@link get}, undefined on a miss. */
  find(ref: string): ImageRecord | undefined {
    const hex = ref.replace(/^sha256:/, '');
    const tagged = normalizeRef(ref);
    for (const img of this.#images.values()) {
      if (img.RepoTags.includes(tagged)) return img;
    }
    if (/^[0-9a-f]{4,64}$/.test(hex)) {
      const matches = [...this.#images.values()].filter((i) => i.Id.slice(7).startsWith(hex));
      if (matches.length === 1) return matches[0];
    }
    return undefined;
  }

  /** Every image. */
  all(): ImageRecord[] {
    return [...this.#images.values()];
  }

  /** The image's root filesystem (the overlay's lower layer). */
  rootfs(img: ImageRecord): string {
    return join(this.#dirOf(img.Id), 'rootfs');
  }

  /**
   * Removes a tag, or the image when `ref` is an ID or its last tag. `inUse` says whether
   * containers use the image (then only `force` removes it). Returns what was done.
   */
  async remove(ref: string, inUse: boolean, force: boolean): Promise<{ Untagged?: string; Deleted?: string }[]> {
    const img = this.get(ref);
    const byTag = img.RepoTags.includes(normalizeRef(ref)) && !ref.startsWith('sha256:') && !img.Id.slice(7).startsWith(ref);
    const out: { Untagged?: string; Deleted?: string }[] = [];
    if (byTag && img.RepoTags.length > 1) {
      await this.#untag(normalizeRef(ref));
      return [{ Untagged: normalizeRef(ref) }];
    }
    if (inUse && !force) {
      throw new Conflict(`conflict: unable to remove repository reference "${ref}" (must force) - container is using its referenced image ${img.Id.slice(7, 19)}`, 'MOORAGE_IMAGE_IN_USE');
    }
    for (const t of img.RepoTags) out.push({ Untagged: t });
    if (inUse) {
      // Forced while containers use it: untag only, as Docker does; the layer stays.
      img.RepoTags = [];
      await this.#save(img);
      return out;
    }
    this.#images.delete(img.Id);
    await rm(this.#dirOf(img.Id), { recursive: true, force: true });
    out.push({ Deleted: img.Id });
    return out;
  }

  /** Takes a tag away from whichever image has it, and saves that image. */
  async #untag(tag: string): Promise<void> {
    for (const img of this.#images.values()) {
      if (img.RepoTags.includes(tag)) {
        img.RepoTags = img.RepoTags.filter((t) => t !== tag);
        await this.#save(img);
      }
    }
  }

  /** Saves an image's metadata; saves of one image are chained so the newest lands last. */
  #save(img: ImageRecord): Promise<void> {
    const next = (this.#saving.get(img.Id) ?? Promise.resolve()).catch(() => {})
      .then(() => writeFileAtomic(join(this.#dirOf(img.Id), 'image.json'), JSON.stringify(img)));
    this.#saving.set(img.Id, next);
    return next;
  }

  #dirOf(id: string): string {
    return join(this.dir, id.replace(/^sha256:/, ''));
  }
}
