/**
 * `docker pull`: resolves a reference on its registry (mirrors and mapped endpoints first),
 * picks this platform's manifest from a list or index, then downloads the layers several at a
 * time into the content store while unpacking each one, in order, as it arrives. Layers the
 * engine has are "Already exists"; a layer another pull is fetching is shared. Any failure
 * leaves nothing of this pull behind, and the next pull starts clean.
 * @module
 */
import { SystemError } from '../../errors.ts';
import type { ImageRecord } from '../../image/store.ts';
import type { Credentials } from '../../registry/auth.ts';
import { hostPlatform, parsePlatform, selectManifest } from '../../registry/platform.ts';
import { familiarName, familiarString, parseReference, refSpecifier, type Reference } from '../../registry/reference.ts';
import type { FetchedManifest, RepositorySession } from '../../registry/session.ts';
import { chainIds } from '../../snapshots/chain.ts';
import { isIndex, isManifest, layerCompression, type Descriptor, type ImageConfigFile, type ImageIndex, type ImageManifest } from '../../wire/oci.ts';
import type { Engine } from '../engine.ts';
import type { ImageParts } from '../lifecycle/inflight.ts';
import { fetchBlob, type BlobFetch } from './blob-fetch.ts';
import { ByteProgress, shortDigest, type ProgressSink } from './progress.ts';
import { collectGarbage, recordImage } from './record.ts';

/** The largest image config moorage reads. */
const MAX_CONFIG_BYTES = 8 << 20;

/** What to pull. */
export interface PullOptions {
  /** `fromImage`, possibly with a tag or digest. */
  image: string;
  /** `tag`: a tag or a digest. */
  tag?: string;
  /** `os/arch[/variant]`; this host's by default. */
  platform?: string;
  auth?: Credentials;
  /** Cancels the pull (the client hung up). */
  signal?: AbortSignal;
}

/** The reference a pull request names (moby: trailing `:` trimmed, a digest in `tag` means `@`). */
export function pullReference(image: string, tag?: string): Reference {
  const name = image.replace(/:$/, '');
  if (!tag) {
    const r = parseReference(name);
    return r.tag || r.digest ? r : { ...r, tag: 'latest' };
  }
  return parseReference(/^[a-z0-9]+:[0-9a-f]{32,}$/.test(tag) ? `${name}@${tag}` : `${name}:${tag}`);
}

/** Pulls an image; `onProgress` gets Docker's progress sequence. Errors before the first event are the request's. */
export async function pullImage(d: Engine, o: PullOptions, onProgress: ProgressSink): Promise<ImageRecord> {
  const ref = pullReference(o.image, o.tag);
  const spec = refSpecifier(ref);
  const { session, manifest: top } = await d.registry.resolve(ref, spec, o.auth);
  const { manifest, bytes, descriptor } = await pickManifest(session, top, o.platform);
  onProgress({ status: `Pulling from ${familiarName(ref)}`, id: spec });
  try {
    return await d.inflight.holdImageParts(async (parts) => {
      const img = await fetchImage(d, session, manifest, parts, onProgress, o.signal);
      await d.content.put(bytes, { digest: descriptor.digest });
      parts.blobs.add(descriptor.digest);
      const name = familiarName(ref);
      const before = d.images.find(familiarString(ref))?.Id;
      const image = await recordImage(d, {
        id: img.id, config: img.config, layers: manifest.layers, chain: img.chain, manifest: descriptor,
        tags: ref.tag && !ref.digest ? [familiarString(ref)] : [], digests: [`${name}@${top.digest}`],
      });
      onProgress({ status: `Digest: ${top.digest}` });
      onProgress({ status: before === image.Id ? `Status: Image is up to date for ${familiarString(ref)}` : `Status: Downloaded newer image for ${familiarString(ref)}` });
      d.events.publish('image', 'pull', image.Id, { name: familiarString(ref) });
      return image;
    });
  } catch (err) {
    await collectGarbage(d); // what this pull stored and no image needs
    throw err;
  }
}

/** The image manifest for this platform: `top` itself, or the entry of its list or index. */
async function pickManifest(session: RepositorySession, top: FetchedManifest, platform?: string): Promise<{ manifest: ImageManifest; bytes: Buffer; descriptor: Descriptor }> {
  let m = top;
  if (isIndex(m.mediaType)) {
    const index = JSON.parse(m.bytes.toString('utf8')) as ImageIndex;
    if (!Array.isArray(index.manifests)) throw invalid(`the index ${top.digest} has no manifests`);
    const entry = selectManifest(index, platform ? parsePlatform(platform) : hostPlatform());
    m = await session.manifest(entry.digest);
  }
  if (!isManifest(m.mediaType)) throw invalid(`unsupported manifest media type ${JSON.stringify(m.mediaType)} for ${session.name}`);
  const manifest = JSON.parse(m.bytes.toString('utf8')) as ImageManifest;
  if (!manifest.config?.digest || !Array.isArray(manifest.layers)) throw invalid(`the manifest ${m.digest} has no config or layers`);
  for (const l of manifest.layers) {
    if (!layerCompression(l.mediaType)) throw invalid(`unsupported layer media type ${JSON.stringify(l.mediaType)} in ${m.digest}`);
  }
  return { manifest, bytes: m.bytes, descriptor: { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length } };
}

function invalid(message: string): SystemError {
  return new SystemError(message, { code: 'MOORAGE_MANIFEST_INVALID' });
}

/** Fetches the config and every layer; resolves the image's ID, config and chain. */
async function fetchImage(d: Engine, session: RepositorySession, manifest: ImageManifest, parts: ImageParts, onProgress: ProgressSink,
  signal?: AbortSignal): Promise<{ id: string; config: ImageConfigFile; chain: string[] }> {
  const cfgDesc = manifest.config;
  if (cfgDesc.size > MAX_CONFIG_BYTES) throw invalid(`the image config ${cfgDesc.digest} is ${cfgDesc.size} bytes: over the limit`);
  const cfgBytes = (await d.content.has(cfgDesc.digest)) ? await d.content.read(cfgDesc.digest)
    : await readAll(await fetchBlob(d, parts, { digest: cfgDesc.digest, size: cfgDesc.size }, () => session.blob(cfgDesc.digest, cfgDesc.mediaType)));
  parts.blobs.add(cfgDesc.digest);
  const config = JSON.parse(cfgBytes.toString('utf8')) as ImageConfigFile;
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length) throw invalid(`the image config has ${diffIds.length} layers, its manifest ${manifest.layers.length}`);
  const chain = chainIds(diffIds);
  await fetchLayers(d, session, manifest.layers, diffIds, chain, parts, onProgress, Boolean(d.images.byId(cfgDesc.digest)), signal);
  return { id: cfgDesc.digest, config, chain };
}

/**
 * Why a blob failed, if it did (or does within a moment): a damaged blob also breaks its
 * decompression, and its digest is the clearer reason.
 */
async function blobError(f: BlobFetch): Promise<unknown> {
  const failed = f.done.then(() => null, (e: unknown) => e);
  return Promise.race([failed, new Promise((r) => setTimeout(() => r(null), 2000).unref())]);
}

async function readAll(b: BlobFetch): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of b.read()) chunks.push(c);
  await b.done;
  return Buffer.concat(chunks);
}

/** Downloads layers (a few at a time) and unpacks them in order as they arrive. */
async function fetchLayers(d: Engine, session: RepositorySession, layers: Descriptor[], diffIds: string[], chain: string[], parts: ImageParts,
  onProgress: ProgressSink, known: boolean, signal?: AbortSignal): Promise<void> {
  const present = await Promise.all(layers.map(async (l, i) => Boolean(d.layers.get(chain[i]!)) && (await d.content.has(l.digest))));
  // An image the engine has whole pulls silently ("Image is up to date"), as moby's does.
  if (!known || !present.every(Boolean)) {
    layers.forEach((l, i) => onProgress({ id: shortDigest(l.digest), status: present[i] ? 'Already exists' : 'Pulling fs layer', detail: {} }));
  }
  const slots = new Slots(d.config.maxConcurrentDownloads);
  const fetches: Promise<BlobFetch | null>[] = layers.map(async (l, i) => {
    if (present[i]) return null;
    const id = shortDigest(l.digest);
    if (slots.busy) onProgress({ id, status: 'Waiting', detail: {} });
    await slots.acquire();
    signal?.throwIfAborted();
    const bar = new ByteProgress(onProgress, id, 'Downloading', l.size);
    const f = await fetchBlob(d, parts, { digest: l.digest, size: l.size }, () => session.blob(l.digest, l.mediaType), (n) => bar.set(n))
      .catch((err: unknown) => { slots.release(); throw err; });
    void f.done.then(() => {
      bar.flush();
      onProgress({ id, status: 'Verifying Checksum', detail: {} });
      onProgress({ id, status: 'Download complete', detail: {} });
    }, () => {}).finally(() => slots.release());
    return f;
  });
  for (const f of fetches) f.catch(() => {}); // each is awaited in order below; a later one may fail first
  const cancel = async (err: Error) => {
    for (const f of await Promise.allSettled(fetches)) if (f.status === 'fulfilled' && f.value) await f.value.cancel(err);
  };
  const onAbort = () => void cancel(new SystemError('the pull was cancelled'));
  signal?.addEventListener('abort', onAbort);
  // Each layer is extracted into its own directory as it downloads (a layer's directory does
  // not depend on those below it), a few at a time taken in layer order, and committed strictly
  // in order: its chain ID names its parent.
  const extracting = new Slots(d.config.maxConcurrentDownloads);
  let turn: Promise<void> = Promise.resolve();
  let below: Promise<unknown> = Promise.resolve();
  const unpacks = layers.map((l, i) => {
    const myTurn = turn.then(() => extracting.acquire());
    turn = myTurn;
    const parentReady = below;
    const done = (async () => {
      await myTurn;
      try {
        const f = await fetches[i]!;
        if (!f) return void (await parentReady);
        const id = shortDigest(l.digest);
        const bar = new ByteProgress(onProgress, id, 'Extracting', l.size);
        await d.layers.unpack(chain[i - 1] ?? null, f.file(), { expectedDiffId: diffIds[i], parentReady, onBytes: (n) => bar.add(n) })
          .catch(async (err: unknown) => { throw (await blobError(f)) ?? err; });
        await f.done;
        bar.flush();
        onProgress({ id, status: 'Pull complete', detail: {} });
      } finally {
        extracting.release();
      }
    })();
    done.then(() => parts.chains.add(chain[i]!), () => {});
    done.catch(() => {}); // awaited below, in order
    below = done;
    return done;
  });
  try {
    for (const u of unpacks) {
      await u;
      signal?.throwIfAborted();
    }
  } catch (err) {
    await cancel(err as Error);
    await Promise.allSettled(unpacks); // each removes what it extracted before the pull reports
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** A counting semaphore for downloads. */
class Slots {
  #free: number;
  #queue: (() => void)[] = [];

  constructor(n: number) {
    this.#free = n;
  }

  get busy(): boolean {
    return this.#free <= 0;
  }

  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#queue.push(resolve));
  }

  release(): void {
    const next = this.#queue.shift();
    if (next) next(); else this.#free++;
  }
}
