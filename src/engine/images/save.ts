/**
 * `docker save`: images as Docker ≥ 25 writes them — an OCI image layout (`oci-layout`,
 * `index.json`, `blobs/sha256/…`) plus the `manifest.json` every Docker since 1.10 loads. Layer
 * blobs are written as stored (Docker's load detects their compression), each blob once.
 * @module
 */
import { createHash } from 'node:crypto';
import type { ImageRecord } from '../../image/store.ts';
import { fullName, parseReference } from '../../registry/reference.ts';
import { writeTar, type TarWriteEntry } from '../../snapshots/tar-writer.ts';
import { MEDIA, type Descriptor, type ImageIndex } from '../../wire/oci.ts';
import type { Engine } from '../engine.ts';
import { manifestFor } from './push.ts';
import { getImage, storedNames } from './resolve.ts';

interface Saved {
  img: ImageRecord;
  tags: string[];
}

/** Which images and tags `names` select: a tag saves that tag, an ID the image untagged. */
function select(d: Engine, names: string[]): Saved[] {
  const out = new Map<string, Saved>();
  for (const n of names) {
    const img = getImage(d, n);
    const entry = out.get(img.Id) ?? { img, tags: [] };
    for (const s of storedNames(n)) if (img.RepoTags.includes(s) && !entry.tags.includes(s)) entry.tags.push(s);
    out.set(img.Id, entry);
  }
  return [...out.values()];
}

const blobPath = (digest: string) => `blobs/sha256/${digest.slice('sha256:'.length)}`;

/** The archive of `names`; every name must resolve before the first byte. */
export async function saveImages(d: Engine, names: string[]): Promise<AsyncIterable<Buffer>> {
  const selected = select(d, names);
  const manifests = await Promise.all(selected.map(async (s) => ({ ...s, ...(await manifestFor(d, s.img)) })));
  return writeTar(entries(d, manifests));
}

async function* entries(d: Engine, saved: (Saved & { bytes: Buffer; mediaType: string })[]): AsyncGenerator<TarWriteEntry> {
  const mtime = 0;
  const written = new Set<string>();
  const blob = async function* (digest: string, body?: Buffer): AsyncGenerator<TarWriteEntry> {
    if (written.has(digest)) return;
    written.add(digest);
    const size = body?.length ?? (await d.content.size(digest));
    yield { name: blobPath(digest), type: 'file', size, body: body ?? d.content.stream(digest), mtime };
  };
  yield { name: 'blobs', type: 'directory', mode: 0o755, mtime };
  yield { name: 'blobs/sha256', type: 'directory', mode: 0o755, mtime };
  const index: ImageIndex = { schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: [] };
  const legacy: { Config: string; RepoTags: string[]; Layers: string[] }[] = [];
  for (const s of saved) {
    const manifestDigest = `sha256:${createHash('sha256').update(s.bytes).digest('hex')}`;
    yield* blob(s.img.Id);
    for (const l of s.img.layers) yield* blob(l.digest);
    yield* blob(manifestDigest, s.bytes);
    const desc: Descriptor = { mediaType: s.mediaType, digest: manifestDigest, size: s.bytes.length };
    if (!s.tags.length) index.manifests.push(desc);
    for (const t of s.tags) {
      const r = parseReference(t);
      index.manifests.push({ ...desc, annotations: { 'io.containerd.image.name': `${fullName(r)}:${r.tag ?? 'latest'}`, 'org.opencontainers.image.ref.name': r.tag ?? 'latest' } });
    }
    legacy.push({ Config: blobPath(s.img.Id), RepoTags: s.tags, Layers: s.img.layers.map((l) => blobPath(l.digest)) });
  }
  const json = (name: string, v: unknown): TarWriteEntry => ({ name, type: 'file', body: Buffer.from(JSON.stringify(v)), mtime });
  yield json('index.json', index);
  yield json('manifest.json', legacy);
  yield json('oci-layout', { imageLayoutVersion: '1.0.0' });
}
