/**
 * OCI image and distribution formats (image-spec, Docker schema2): media types, descriptors,
 * manifests, indexes and the image config. Shared by the registry client, the image store, and
 * the engine's save and load, which read and write the same documents.
 * @module
 */

/** The media types moorage reads and writes. */
export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayerZstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
  dockerForeignGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  ociNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
} as const;

/** How a layer blob is compressed. */
export type Compression = 'none' | 'gzip' | 'zstd';

const LAYER_TYPES: Record<string, Compression> = {
  [MEDIA.ociLayer]: 'none', [MEDIA.dockerLayer]: 'none',
  [MEDIA.ociLayerGzip]: 'gzip', [MEDIA.dockerLayerGzip]: 'gzip', [MEDIA.dockerForeignGzip]: 'gzip', [MEDIA.ociNondistributableGzip]: 'gzip',
  [MEDIA.ociLayerZstd]: 'zstd', [MEDIA.dockerLayerZstd]: 'zstd',
};

/** The compression a layer media type announces, or undefined for a type that is not a layer. */
export function layerCompression(mediaType: string): Compression | undefined {
  return LAYER_TYPES[mediaType];
}

/** True for a manifest list or OCI index. */
export function isIndex(mediaType: string): boolean {
  return mediaType === MEDIA.dockerList || mediaType === MEDIA.ociIndex;
}

/** True for an image manifest (Docker schema2 or OCI). */
export function isManifest(mediaType: string): boolean {
  return mediaType === MEDIA.dockerManifest || mediaType === MEDIA.ociManifest;
}

/** A platform, as in an index entry or an image config. */
export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
  features?: string[];
}

/** A content descriptor. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  urls?: string[];
}

/** An image manifest (Docker schema2 or OCI). */
export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** A manifest list or OCI index. */
export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** The runtime part of an image config (`config` in the JSON), in Docker's field names. */
export interface RuntimeConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[] | null;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  [extra: string]: unknown;
}

/** One `history` entry of an image config. */
export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** An image config (`application/vnd.oci.image.config.v1+json`). */
export interface ImageConfigFile {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: RuntimeConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: HistoryEntry[];
  /** Docker extras. */
  docker_version?: string;
  comment?: string;
  container_config?: RuntimeConfig;
  [extra: string]: unknown;
}

/** The largest manifest or index moorage reads (the spec's "at least 4 MB"). */
export const MAX_MANIFEST_BYTES = 4 << 20;

/** A `sha256:<64 hex>` digest. */
export const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;
