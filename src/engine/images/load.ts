/**
 * `docker load`: reads an archive once, storing every file in the content store as it streams
 * by, then makes images from its `manifest.json` (Docker's legacy layout and Docker ≥ 25's) or,
 * without one, from an OCI layout's `index.json`. Each layer is unpacked (by moorage-unpack)
 * and must hash to its config's diffID. What the archive held besides images is collected
 * afterwards; a bad archive leaves nothing.
 * @module
 */
import { posix } from 'node:path';
import { InvalidParameter } from '../../errors.ts';
import type { ImageRecord } from '../../image/store.ts';
import { familiarString, parseReference } from '../../registry/reference.ts';
import { hostPlatform, selectManifest } from '../../registry/platform.ts';
import { chainIds } from '../../snapshots/chain.ts';
import { sniffCompression } from '../../snapshots/decompress.ts';
import { readTar } from '../../snapshots/tar-reader.ts';
import { isIndex, MEDIA, type Descriptor, type ImageConfigFile, type ImageIndex, type ImageManifest } from '../../wire/oci.ts';
import type { Engine } from '../engine.ts';
import type { ImageParts } from '../lifecycle/inflight.ts';
import { ByteProgress, shortDigest, type ProgressSink } from './progress.ts';
import { collectGarbage, recordImage } from './record.ts';

/** One image an archive describes. */
interface Item {
  config: string;
  layers: string[];
  tags: string[];
  manifest?: Descriptor;
}

/** What a load says beside progress: `Loaded image: …` lines (Docker's `stream` messages). */
export type LoadMessage = (line: string) => void;

/** Loads an archive; resolves the images made. */
export async function loadImages(d: Engine, input: AsyncIterable<Buffer>, onProgress: ProgressSink, say: LoadMessage): Promise<ImageRecord[]> {
  try {
    return await d.inflight.holdImageParts(async (parts) => {
      const files = await storeFiles(d, input, parts);
      const items = await describe(d, files);
      const out: ImageRecord[] = [];
      for (const item of items) out.push(await loadItem(d, parts, files, item, onProgress, say));
      return out;
    });
  } finally {
    await collectGarbage(d); // the archive's other files, or everything of a failed load
  }
}

/** Stores every regular file of the archive; resolves path → digest (symlinks resolved). */
async function storeFiles(d: Engine, input: AsyncIterable<Buffer>, parts: ImageParts): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const links = new Map<string, string>();
  for await (const e of readTar(input)) {
    const name = posix.normalize(e.name).replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    if (e.type === 'file') {
      const digest = await d.content.put(e.body);
      parts.blobs.add(digest);
      files.set(name, digest);
    } else if (e.type === 'symlink' || e.type === 'link') {
      links.set(name, e.type === 'symlink' ? posix.normalize(posix.join(posix.dirname(name), e.linkname)) : posix.normalize(e.linkname));
    }
  }
  for (const [name, target] of links) {
    const digest = files.get(target);
    if (digest) files.set(name, digest);
  }
  if (!files.size) throw new InvalidParameter('invalid archive: it holds no files', 'MOORAGE_INVALID_ARCHIVE');
  return files;
}

async function readJson<T>(d: Engine, files: Map<string, string>, path: string): Promise<T> {
  const digest = files.get(path);
  if (!digest) throw new InvalidParameter(`invalid archive: ${path} is missing`, 'MOORAGE_INVALID_ARCHIVE');
  try {
    return JSON.parse((await d.content.read(digest)).toString('utf8')) as T;
  } catch (err) {
    throw new InvalidParameter(`invalid archive: ${path}: ${(err as Error).message}`, 'MOORAGE_INVALID_ARCHIVE');
  }
}

/** The images of the archive: from manifest.json, else from an OCI layout's index.json. */
async function describe(d: Engine, files: Map<string, string>): Promise<Item[]> {
  if (files.has('manifest.json')) {
    const list = await readJson<{ Config: string; RepoTags?: string[] | null; Layers: string[] }[]>(d, files, 'manifest.json');
    if (!Array.isArray(list)) throw new InvalidParameter('invalid archive: manifest.json is not a list', 'MOORAGE_INVALID_ARCHIVE');
    return list.map((m) => ({ config: m.Config, layers: m.Layers ?? [], tags: m.RepoTags ?? [] }));
  }
  if (!files.has('index.json')) {
    throw new InvalidParameter('invalid archive: no manifest.json (Docker) or index.json (OCI layout) in it', 'MOORAGE_INVALID_ARCHIVE');
  }
  const items: Item[] = [];
  const walk = async (desc: Descriptor, tags: string[]): Promise<void> => {
    const path = `blobs/${desc.digest.replace(':', '/')}`;
    if (isIndex(desc.mediaType)) {
      const index = await readJson<ImageIndex>(d, files, path);
      return walk(selectManifest(index, hostPlatform()), tags);
    }
    const m = await readJson<ImageManifest>(d, files, path);
    items.push({
      config: `blobs/${m.config.digest.replace(':', '/')}`, layers: m.layers.map((l) => `blobs/${l.digest.replace(':', '/')}`), tags,
      manifest: { mediaType: desc.mediaType || m.mediaType || MEDIA.ociManifest, digest: desc.digest, size: desc.size },
    });
  };
  const index = await readJson<ImageIndex>(d, files, 'index.json');
  for (const desc of index.manifests ?? []) {
    const name = desc.annotations?.['io.containerd.image.name'];
    await walk(desc, name ? [name] : []);
  }
  return items;
}

/** Unpacks one image's layers in order and records it with its tags. */
async function loadItem(d: Engine, parts: ImageParts, files: Map<string, string>, item: Item, onProgress: ProgressSink, say: LoadMessage): Promise<ImageRecord> {
  const id = files.get(item.config);
  const config = await readJson<ImageConfigFile>(d, files, item.config);
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (!id || diffIds.length !== item.layers.length) {
    throw new InvalidParameter(`invalid archive: ${item.config} names ${diffIds.length} layers, the archive ${item.layers.length}`, 'MOORAGE_INVALID_ARCHIVE');
  }
  const chain = chainIds(diffIds);
  const layers: Descriptor[] = [];
  let parent: string | null = null;
  for (const [i, path] of item.layers.entries()) {
    const digest = files.get(path);
    if (!digest) throw new InvalidParameter(`invalid archive: layer ${path} is missing`, 'MOORAGE_INVALID_ARCHIVE');
    const size = (await d.content.size(digest)) ?? 0;
    if (!d.layers.get(chain[i]!)) {
      const bar = new ByteProgress(onProgress, shortDigest(diffIds[i]!), 'Loading layer', size);
      await d.layers.unpack(parent, d.content.stream(digest), { expectedDiffId: diffIds[i], onBytes: (n) => bar.add(n) });
      bar.flush();
    }
    parent = chain[i]!;
    parts.chains.add(parent);
    layers.push({ mediaType: await layerType(d, digest), digest, size });
  }
  const tags = item.tags.map((t) => familiarString(parseReference(t)));
  const moved = tags.map((t) => ({ t, old: d.images.find(t)?.Id })).filter((x) => x.old && x.old !== id);
  const img = await recordImage(d, { id, config, layers, chain, manifest: item.manifest, tags, digests: [] });
  for (const m of moved) say(`The image ${m.t} already exists, renaming the old one with ID ${m.old} to empty string`);
  if (tags.length) for (const t of tags) say(`Loaded image: ${t}`);
  else say(`Loaded image ID: ${img.Id}`);
  d.events.publish('image', 'load', img.Id, { name: tags[0] ?? img.Id });
  return img;
}

/** A stored layer's media type, from its first bytes. */
async function layerType(d: Engine, digest: string): Promise<string> {
  for await (const chunk of d.content.stream(digest)) {
    const c = (chunk as Buffer).length >= 4 ? sniffCompression(chunk as Buffer) : 'none';
    return c === 'gzip' ? MEDIA.ociLayerGzip : c === 'zstd' ? MEDIA.ociLayerZstd : MEDIA.ociLayer;
  }
  return MEDIA.ociLayer;
}
