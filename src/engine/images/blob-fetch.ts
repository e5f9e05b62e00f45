/**
 * A blob on its way into the content store, readable while it arrives: a pull downloads
 * several layers at once and unpacks each from its ingest as it grows; a second pull of the
 * same blob joins the first one's download; a blob the store has is read from the store.
 * @module
 */
import type { Expected } from '../../content/ingest.ts';
import type { GrowingFile } from '../../snapshots/growing-file.ts';
import type { ImageParts } from '../lifecycle/inflight.ts';
import type { Engine } from '../engine.ts';

/** A blob being fetched (or already there). */
export interface BlobFetch {
  /** Settles with the digest once the blob is committed (verified). */
  done: Promise<string>;
  /** The blob's bytes from the start, following the download. */
  read(): AsyncIterable<Buffer>;
  /** The blob as a file that grows while it downloads (for extraction in a worker thread). */
  file(): GrowingFile;
  /** Stops a download this fetch owns (a sibling failed). */
  cancel(err: Error): Promise<void>;
}

/**
 * Starts fetching a blob: `open` gives its bytes (a registry download, a file) and is not
 * called when the store has the blob or another fetch of it is running. `onWritten` follows
 * the bytes stored.
 */
export async function fetchBlob(d: Engine, parts: ImageParts, expected: Expected, open: () => Promise<AsyncIterable<Buffer> & { destroy?(e?: Error): void }>,
  onWritten?: (n: number) => void): Promise<BlobFetch> {
  const stored = async (digest: string): Promise<BlobFetch> => {
    parts.blobs.add(digest);
    const size = (await d.content.size(digest)) ?? 0;
    const file: GrowingFile = { paths: [d.content.path(digest)], written: () => size, state: () => 'done', error: () => undefined, watch: () => () => {} };
    return { done: Promise.resolve(digest), read: () => d.content.stream(digest), file: () => file, cancel: async () => {} };
  };
  if (expected.digest && (await d.content.has(expected.digest))) return stored(expected.digest);
  const { ingest, joined } = await d.content.begin(expected);
  if (!ingest) return stored(expected.digest!);
  const file: GrowingFile = {
    paths: [ingest.path, ...(expected.digest ? [d.content.path(expected.digest)] : [])],
    written: () => ingest.written,
    state: () => (ingest.state === 'failed' ? 'failed' : ingest.state === 'open' ? 'open' : 'done'),
    error: () => ingest.error,
    watch: (cb) => ingest.watch(cb),
  };
  const done = ingest.done.then((digest) => { parts.blobs.add(digest); return digest; });
  done.catch(() => {}); // the failure reaches readers through read() and awaiters of done
  if (joined) return { done, read: () => ingest.follow(), file: () => file, cancel: async () => {} };
  let source: (AsyncIterable<Buffer> & { destroy?(e?: Error): void }) | undefined;
  void (async () => {
    try {
      source = await open();
      for await (const chunk of source) {
        await ingest.write(chunk);
        onWritten?.(ingest.written);
      }
      await ingest.commit();
    } catch (err) {
      await ingest.abort(err as Error);
    }
  })();
  return {
    done, read: () => ingest.follow(), file: () => file,
    async cancel(err) {
      source?.destroy?.(err);
      await ingest.abort(err);
    },
  };
}
