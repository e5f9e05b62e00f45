/**
 * `docker import`: a tarball becomes a one-layer image, with optional Dockerfile-style
 * `changes` (CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL, STOPSIGNAL, EXPOSE, VOLUME). The
 * tarball is stored as the layer's blob while it is unpacked; a bad archive leaves nothing.
 * @module
 */
import { readdir } from 'node:fs/promises';
import { InvalidParameter } from '../../errors.ts';
import { singleLayerConfig, type ImageConfig } from '../../image/config.ts';
import type { ImageRecord } from '../../image/store.ts';
import { parseReference, familiarString } from '../../registry/reference.ts';
import { sniffCompression } from '../../snapshots/decompress.ts';
import { MEDIA } from '../../wire/oci.ts';
import type { Engine } from '../engine.ts';
import { fetchBlob } from './blob-fetch.ts';
import { collectGarbage, recordImage } from './record.ts';
import { putConfig } from './config-blob.ts';

/** Import parameters, as `POST /images/create?fromSrc=-` carries them. */
export interface ImportOptions {
  repo?: string;
  tag?: string;
  message?: string;
  changes?: string[];
  onBytes?: (n: number) => void;
}

/** Validates and joins `repo` and `tag` into a familiar reference, or [] when there is no repo. */
export function importTags(repo?: string, tag?: string): string[] {
  if (!repo) return [];
  const r = parseReference(tag ? `${repo}:${tag}` : repo);
  if (r.digest) throw new InvalidParameter('invalid reference: an import cannot be tagged with a digest');
  return [familiarString(r)];
}

/** Applies Dockerfile-style changes (CMD ENTRYPOINT WORKDIR USER STOPSIGNAL ENV LABEL EXPOSE VOLUME) to an image config. */
export function applyChanges(cfg: ImageConfig, changes: string[]): ImageConfig {
  const out = { ...cfg, Env: [...cfg.Env], Labels: { ...cfg.Labels } };
  for (const change of changes.flatMap((c) => c.split('\n')).map((c) => c.trim()).filter(Boolean)) {
    const m = /^(\w+)\s+(.*)$/s.exec(change);
    if (!m) throw new InvalidParameter(`invalid change: ${change}`);
    const [, instr, arg] = m as unknown as [string, string, string];
    const list = () => (arg.startsWith('[') ? parseJsonList(arg) : ['/bin/sh', '-c', arg]);
    switch (instr.toUpperCase()) {
      case 'CMD': out.Cmd = list(); break;
      case 'ENTRYPOINT': out.Entrypoint = list(); break;
      case 'WORKDIR': out.WorkingDir = arg; break;
      case 'USER': out.User = arg; break;
      case 'STOPSIGNAL': out.StopSignal = arg; break;
      case 'EXPOSE':
        out.ExposedPorts = { ...out.ExposedPorts, ...Object.fromEntries(arg.split(/\s+/).map((p) => [p.includes('/') ? p : `${p}/tcp`, {}])) };
        break;
      case 'VOLUME':
        out.Volumes = { ...out.Volumes, ...Object.fromEntries((arg.startsWith('[') ? parseJsonList(arg) : arg.split(/\s+/)).map((v) => [v, {}])) };
        break;
      case 'ENV': {
        const kv = arg.includes('=') ? arg : arg.replace(/\s+/, '=');
        const key = kv.split('=')[0]!;
        out.Env = [...out.Env.filter((e) => e.split('=')[0] !== key), kv];
        break;
      }
      case 'EXPOSE':
        for (const p of arg.split(/\s+/).filter(Boolean)) {
          if (!/^\d+(\/(tcp|udp|sctp))?$/i.test(p)) throw new InvalidParameter(`invalid containerPort: ${p}`);
          out.ExposedPorts = { ...out.ExposedPorts, [p.includes('/') ? p.toLowerCase() : `${p}/tcp`]: {} };
        }
        break;
      case 'VOLUME':
        for (const v of arg.startsWith('[') ? parseJsonList(arg) : arg.split(/\s+/).filter(Boolean)) {
          out.Volumes = { ...out.Volumes, [v]: {} };
        }
        break;
      case 'LABEL': {
        const eq = arg.indexOf('=');
        if (eq < 0) throw new InvalidParameter(`invalid change: ${change}`);
        out.Labels[arg.slice(0, eq)] = arg.slice(eq + 1).replace(/^"(.*)"$/, '$1');
        break;
      }
      default:
        throw new InvalidParameter(`${instr} is not a valid change command`);
    }
  }
  return out;
}

function parseJsonList(arg: string): string[] {
  try {
    const v = JSON.parse(arg) as unknown;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  } catch { /* fall through */ }
  throw new InvalidParameter(`invalid JSON list: ${arg}`);
}

/** What a one-layer image moorage makes is made of. */
export interface LayerImageSpec {
  tags: string[];
  defaults: ImageConfig;
  comment: string;
  createdBy: string;
  onBytes?: (n: number) => void;
}

/**
 * Makes a one-layer image from a tar stream (plain, gzip or zstd): stored as its blob while
 * it is unpacked, then recorded. On any error nothing is kept.
 */
export async function addLayerImage(d: Engine, input: AsyncIterable<Buffer>, spec: LayerImageSpec): Promise<ImageRecord> {
  try {
    return await d.inflight.holdImageParts(async (parts) => {
      let head: Buffer | undefined;
      const blob = await fetchBlob(d, parts, {}, async () => (async function* () {
        for await (const chunk of input) {
          head ??= chunk;
          spec.onBytes?.(chunk.length);
          yield chunk;
        }
      })());
      let layer;
      try {
        layer = await d.layers.unpack(null, blob.read(), {});
      } catch (err) {
        await blob.cancel(err as Error);
        throw err;
      }
      parts.chains.add(layer.chainId);
      const digest = await blob.done;
      if (!(await readdir(d.layers.diffDir(layer.chainId))).length) throw new InvalidParameter('invalid image archive: it holds no files');
      const compression = head && head.length >= 4 ? sniffCompression(head) : 'none';
      const mediaType = compression === 'gzip' ? MEDIA.ociLayerGzip : compression === 'zstd' ? MEDIA.ociLayerZstd : MEDIA.ociLayer;
      const size = (await d.content.size(digest)) ?? 0;
      const created = new Date().toISOString();
      const config = singleLayerConfig(layer.diffId, spec.defaults, { created, comment: spec.comment, createdBy: spec.createdBy });
      const id = await putConfig(d, parts, config);
      return recordImage(d, { id, config, layers: [{ mediaType, digest, size }], chain: [layer.chainId], tags: spec.tags, digests: [] });
    });
  } catch (err) {
    await collectGarbage(d); // what the failed import stored (a layer of an empty archive)
    throw err;
  }
}

/** Imports a tarball stream as an image and publishes `import`. On any error nothing is kept. */
export async function importImage(d: Engine, input: AsyncIterable<Buffer>, o: ImportOptions): Promise<ImageRecord> {
  const tags = importTags(o.repo, o.tag);
  const defaults = applyChanges({ Cmd: null, Entrypoint: null, Env: [], WorkingDir: '', User: '', Labels: {} }, o.changes ?? []);
  const img = await addLayerImage(d, input, { tags, defaults, comment: o.message ?? '', createdBy: 'moorage import', onBytes: o.onBytes });
  d.events.publish('image', 'import', img.Id, { name: img.RepoTags[0] ?? img.Id });
  return img;
}
