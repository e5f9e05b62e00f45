/**
 * An image config's runtime defaults (its `config` object) as containers use them, and the
 * config of an image moorage makes itself (import, the embedded busybox). Pure.
 * @module
 */
import type { HistoryEntry, ImageConfigFile, RuntimeConfig } from '../wire/oci.ts';

/** The runtime defaults an image gives its containers, in Docker's field names. */
export interface ImageConfig {
  Cmd: string[] | null;
  Entrypoint: string[] | null;
  Env: string[];
  WorkingDir: string;
  User: string;
  Labels: Record<string, string>;
  StopSignal?: string;
  ExposedPorts?: Record<string, object>;
  Volumes?: Record<string, object>;
}

/** The defaults an image config gives, with empty values where it says nothing. */
export function runtimeDefaults(file: ImageConfigFile): ImageConfig {
  const c: RuntimeConfig = file.config ?? {};
  return {
    Cmd: c.Cmd ?? null,
    Entrypoint: c.Entrypoint ?? null,
    Env: c.Env ?? [],
    WorkingDir: c.WorkingDir ?? '',
    User: c.User ?? '',
    Labels: c.Labels ?? {},
    ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
    ...(c.ExposedPorts && Object.keys(c.ExposedPorts).length ? { ExposedPorts: c.ExposedPorts } : {}),
    ...(c.Volumes && Object.keys(c.Volumes).length ? { Volumes: c.Volumes } : {}),
  };
}

/** The architecture name of this host in OCI terms. */
export function hostArchitecture(): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[process.arch] ?? process.arch;
}

/** How a layer moorage made came about (its history entry). */
export interface LayerOrigin {
  created: string;
  comment: string;
  createdBy: string;
  author?: string;
}

/**
 * The config of an image moorage made (import, busybox, commit): `parent`'s layers and history
 * (none for a first layer) and one more layer, or only a history entry when `diffId` is null (a
 * commit that changed nothing adds no layer, as moby's).
 */
export function layerConfig(parent: ImageConfigFile | null, diffId: string | null, defaults: ImageConfig, o: LayerOrigin): ImageConfigFile {
  const history: HistoryEntry = {
    created: o.created, created_by: o.createdBy, ...(o.author ? { author: o.author } : {}),
    ...(o.comment ? { comment: o.comment } : {}), ...(diffId ? {} : { empty_layer: true }),
  };
  const config: RuntimeConfig = {
    User: defaults.User, Env: defaults.Env, Cmd: defaults.Cmd, Entrypoint: defaults.Entrypoint,
    WorkingDir: defaults.WorkingDir, Labels: Object.keys(defaults.Labels).length ? defaults.Labels : null,
    ...(defaults.StopSignal ? { StopSignal: defaults.StopSignal } : {}),
    ...(defaults.ExposedPorts && Object.keys(defaults.ExposedPorts).length ? { ExposedPorts: defaults.ExposedPorts } : {}),
    ...(defaults.Volumes && Object.keys(defaults.Volumes).length ? { Volumes: defaults.Volumes } : {}),
  };
  return {
    architecture: parent?.architecture ?? hostArchitecture(), os: parent?.os ?? 'linux',
    ...(parent?.variant ? { variant: parent.variant } : {}),
    created: o.created, ...(o.author ? { author: o.author } : {}), ...(o.comment ? { comment: o.comment } : {}),
    config,
    rootfs: { type: 'layers', diff_ids: [...(parent?.rootfs.diff_ids ?? []), ...(diffId ? [diffId] : [])] },
    history: [...(parent?.history ?? []), history],
  };
}
