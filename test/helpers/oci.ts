/**
 * Test images written by the tests themselves: OCI image layouts (blobs, manifests, a config,
 * optionally a multi-platform index) with layers built by test/helpers/tar.ts and compressed
 * with gzip or Debian's zstd, pushed to a test registry with Debian's skopeo.
 * @module
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { makeTar, type TarEntry } from './tar.ts';

const run = promisify(execFile);

/** One layer: its entries and how its blob is compressed. */
export interface LayerSpec {
  entries: TarEntry[];
  compression?: 'gzip' | 'zstd' | 'none';
  /** Overrides the layer's media type (to test unknown ones). */
  mediaType?: string;
}

/** One image. */
export interface ImageSpec {
  layers: LayerSpec[];
  /** The config's `config` object (Cmd, Env, StopSignal, …). */
  config?: Record<string, unknown>;
  architecture?: string;
  os?: string;
  variant?: string;
}

/** A written blob. */
export interface Blob {
  mediaType: string;
  digest: string;
  size: number;
}

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function zstd(data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const p = execFile('zstd', ['-q', '-c'], { encoding: 'buffer', maxBuffer: 1 << 30 }, (err, out) => (err ? reject(err) : resolve(out)));
    p.stdin!.end(data);
  });
}

/** An OCI layout under construction. */
export class OciLayout {
  constructor(readonly dir: string) {}

  /** Writes a blob; resolves its descriptor. */
  async blob(data: Buffer, mediaType: string): Promise<Blob> {
    const digest = sha(data);
    await mkdir(join(this.dir, 'blobs', 'sha256'), { recursive: true });
    await writeFile(join(this.dir, 'blobs', 'sha256', digest.slice(7)), data);
    return { mediaType, digest, size: data.length };
  }

  /** Writes an image's layers, config and manifest; resolves the manifest's descriptor and the diffIDs. */
  async image(spec: ImageSpec): Promise<{ manifest: Blob; config: Blob; diffIds: string[]; layers: Blob[] }> {
    const layers: Blob[] = [];
    const diffIds: string[] = [];
    for (const l of spec.layers) {
      const tar = await makeTar(l.entries);
      diffIds.push(sha(tar));
      const c = l.compression ?? 'gzip';
      const data = c === 'gzip' ? gzipSync(tar) : c === 'zstd' ? await zstd(tar) : tar;
      const type = l.mediaType ?? (c === 'gzip' ? 'application/vnd.oci.image.layer.v1.tar+gzip' : c === 'zstd' ? 'application/vnd.oci.image.layer.v1.tar+zstd' : 'application/vnd.oci.image.layer.v1.tar');
      layers.push(await this.blob(data, type));
    }
    const configJson = {
      created: '2026-01-01T00:00:00Z', architecture: spec.architecture ?? 'amd64', os: spec.os ?? 'linux',
      ...(spec.variant ? { variant: spec.variant } : {}), config: spec.config ?? {},
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: diffIds.map((_, i) => ({ created: '2026-01-01T00:00:00Z', created_by: `layer ${i}` })),
    };
    const config = await this.blob(Buffer.from(JSON.stringify(configJson)), 'application/vnd.oci.image.config.v1+json');
    const manifest = await this.blob(Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers,
    })), 'application/vnd.oci.image.manifest.v1+json');
    return { manifest, config, diffIds, layers };
  }

  /** Writes an index of several platform images; resolves its descriptor. */
  async index(entries: { manifest: Blob; platform?: Record<string, string>; annotations?: Record<string, string> }[]): Promise<Blob> {
    return this.blob(Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: entries.map((e) => ({ ...e.manifest, ...(e.platform ? { platform: e.platform } : {}), ...(e.annotations ? { annotations: e.annotations } : {}) })),
    })), 'application/vnd.oci.image.index.v1+json');
  }

  /** Writes `oci-layout` and `index.json` naming `top` as `tag`. */
  async finish(refs: { desc: Blob; tag: string }[]): Promise<void> {
    await writeFile(join(this.dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await writeFile(join(this.dir, 'index.json'), JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: refs.map((r) => ({ ...r.desc, annotations: { 'org.opencontainers.image.ref.name': r.tag } })),
    }));
  }
}

/** Pushes `oci:<dir>:<tag>` to `docker://<dest>` with skopeo (plain HTTP, digests kept). */
export async function skopeoPush(dir: string, tag: string, dest: string, o: { all?: boolean; creds?: string } = {}): Promise<void> {
  await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', '--preserve-digests', ...(o.all ? ['--all'] : []),
    ...(o.creds ? ['--dest-creds', o.creds] : []), `oci:${dir}:${tag}`, `docker://${dest}`], { timeout: 120_000 });
}

/** The entries of a base layer with the host's busybox and some of its applets as symlinks. */
export function busyboxLayer(busybox: Buffer, applets = ['sh', 'cat', 'ls', 'stat', 'readlink', 'wc', 'id', 'sleep', 'grep', 'pwd', 'echo']): TarEntry[] {
  return [
    { name: 'bin', type: 'directory' }, { name: 'bin/busybox', body: busybox, mode: 0o755 },
    ...applets.map((a) => ({ name: `bin/${a}`, type: 'symlink' as const, linkname: 'busybox' })),
  ];
}

/**
 * Writes an image as an OCI layout in a new directory under `work` and pushes it to
 * `<registry>/<repo>:v1`; resolves its written blobs and the reference to pull it by (through
 * `pullHost`, a proxy, when given).
 */
export async function publishImage(registry: string, work: string, repo: string, spec: ImageSpec, pullHost = registry) {
  const dir = await mkdtemp(join(work, 'oci-'));
  const o = new OciLayout(dir);
  const img = await o.image(spec);
  await o.finish([{ desc: img.manifest, tag: 'v1' }]);
  await skopeoPush(dir, 'v1', `${registry}/${repo}:v1`);
  return { ref: `${pullHost}/${repo}:v1`, ...img };
}
