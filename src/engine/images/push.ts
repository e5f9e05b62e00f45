/**
 * `docker push`: uploads an image's blobs as they are stored (a layer the registry has is
 * skipped, one another repository of the registry has is mounted), then its manifest — the one
 * it was pulled or loaded with, or an OCI manifest made for it — under the tag.
 * @module
 */
import { pipeline, Transform } from 'node:stream';
import { InvalidParameter, NotFound } from '../../errors.ts';
import type { ImageRecord } from '../../image/store.ts';
import type { Credentials } from '../../registry/auth.ts';
import { familiarName, fullName, parseReference, type Reference } from '../../registry/reference.ts';
import type { RepositorySession } from '../../registry/session.ts';
import { MEDIA, type Descriptor, type ImageManifest } from '../../wire/oci.ts';
import type { Engine } from '../engine.ts';
import { ByteProgress, shortDigest, type ProgressSink } from './progress.ts';

/** What to push. */
export interface PushOptions {
  /** The repository (`127.0.0.1:5000/app`); a tag in it is used when `tag` is unset. */
  name: string;
  /** The tag; unset pushes every tag of the repository. */
  tag?: string;
  auth?: Credentials;
}

/** The manifest an image is pushed with: its own, or an OCI manifest of its stored blobs. */
export async function manifestFor(d: Engine, img: ImageRecord): Promise<{ bytes: Buffer; mediaType: string }> {
  if (img.manifest) return { bytes: await d.content.read(img.manifest.digest), mediaType: img.manifest.mediaType };
  const config = await d.content.read(img.Id);
  const m: ImageManifest = {
    schemaVersion: 2, mediaType: MEDIA.ociManifest,
    config: { mediaType: MEDIA.ociConfig, digest: img.Id, size: config.length },
    layers: img.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  return { bytes: Buffer.from(JSON.stringify(m)), mediaType: MEDIA.ociManifest };
}

/** Pushes; the first event ("The push refers to …") comes before anything can fail in the registry. */
export async function pushImage(d: Engine, o: PushOptions, onProgress: ProgressSink): Promise<void> {
  const parsed = parseReference(o.name);
  if (parsed.digest) throw new InvalidParameter('cannot push a digest reference');
  const repo: Reference = { domain: parsed.domain, path: parsed.path };
  const name = familiarName(repo);
  const tag = o.tag || parsed.tag;
  const tags = tag ? [tag] : [...new Set(d.images.all().flatMap((i) => i.RepoTags.filter((t) => t.startsWith(`${name}:`)).map((t) => t.slice(name.length + 1))))];
  if (!tags.length) throw new NotFound(`An image does not exist locally with the tag: ${name}`, 'MOORAGE_NO_SUCH_IMAGE');
  onProgress({ status: `The push refers to repository [${fullName(repo)}]` });
  for (const t of tags) {
    const img = d.images.find(`${name}:${t}`);
    if (!img) throw new NotFound(`An image does not exist locally with the tag: ${name}:${t}`, 'MOORAGE_NO_SUCH_IMAGE');
    const mountFrom = mountCandidates(img, repo);
    const session = await d.registry.pushSession(repo, o.auth, mountFrom);
    await pushBlobs(d, session, img, mountFrom, onProgress);
    const { bytes, mediaType } = await manifestFor(d, img);
    const digest = await session.putManifest(t, bytes, mediaType);
    onProgress({ status: `${t}: digest: ${digest} size: ${bytes.length}` });
    onProgress({ status: '', aux: { Tag: t, Digest: digest, Size: bytes.length } });
    const ref = `${name}@${digest}`;
    if (!img.RepoDigests.includes(ref)) await d.images.add({ ...img, RepoTags: [], RepoDigests: [ref] });
    d.events.publish('image', 'push', img.Id, { name: `${name}:${t}` });
  }
}

/** Repositories of the same registry the image came from: blobs may be mounted from them. */
function mountCandidates(img: ImageRecord, repo: Reference): string[] {
  const out = new Set<string>();
  for (const r of img.RepoDigests) {
    try {
      const p = parseReference(r);
      if (p.domain === repo.domain && p.path !== repo.path) out.add(p.path);
    } catch { /* not a reference: skip */ }
  }
  return [...out];
}

/** Uploads the config and the layers (a few at a time); layer lines are keyed by diffID, top first. */
async function pushBlobs(d: Engine, session: RepositorySession, img: ImageRecord, mountFrom: string[], onProgress: ProgressSink): Promise<void> {
  const diffIds = img.config.rootfs.diff_ids;
  const layers = img.layers.map((l, i) => ({ desc: l, id: shortDigest(diffIds[i] ?? l.digest) }));
  for (const l of [...layers].reverse()) onProgress({ id: l.id, status: 'Preparing', detail: {} });
  let next = 0;
  const worker = async () => {
    while (next < layers.length) {
      const l = layers[layers.length - 1 - next++]!;
      onProgress({ id: l.id, status: await pushBlob(d, session, l.desc, mountFrom, new ByteProgress(onProgress, l.id, 'Pushing', l.desc.size)), detail: {} });
    }
  };
  await Promise.all(Array.from({ length: Math.min(d.config.maxConcurrentUploads, layers.length) }, worker));
  const config = await d.content.read(img.Id);
  await pushBlob(d, session, { mediaType: MEDIA.ociConfig, digest: img.Id, size: config.length }, [], undefined);
}

/** One blob: skipped, mounted or uploaded; resolves the status line. */
async function pushBlob(d: Engine, session: RepositorySession, desc: Descriptor, mountFrom: string[], bar?: ByteProgress): Promise<string> {
  if ((await session.blobSize(desc.digest)) !== undefined) return 'Layer already exists';
  for (const from of mountFrom) {
    if (await session.mount(desc.digest, from)) return `Mounted from ${from}`;
  }
  const size = await d.content.size(desc.digest);
  if (size === undefined) throw new NotFound(`blob ${desc.digest} of the image is missing from the content store`, 'MOORAGE_NO_SUCH_BLOB');
  const source = d.content.stream(desc.digest);
  const body = new Transform({ transform(c: Buffer, _e, done) { bar?.add(c.length); done(null, c); } });
  pipeline(source, body, () => {}); // an upload that fails destroys `body`, and so the source
  await session.upload(desc.digest, size, body);
  bar?.flush();
  return 'Pushed';
}
