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

/** A one-layer image config for a layer moorage made (import, busybox). */
export function singleLayerConfig(diffId: string, defaults: ImageConfig, o: { created: string; comment: string; createdBy: string }): ImageConfigFile {
  const history: HistoryEntry = { created: o.created, created_by: o.createdBy, ...(o.comment ? { comment: o.comment } : {}) };
  const config: RuntimeConfig = {
    User: defaults.User, Env: defaults.Env, Cmd: defaults.Cmd, Entrypoint: defaults.Entrypoint,
    WorkingDir: defaults.WorkingDir, Labels: Object.keys(defaults.Labels).length ? defaults.Labels : null,
    ...(defaults.StopSignal ? { StopSignal: defaults.StopSignal } : {}),
    ...(defaults.ExposedPorts ? { ExposedPorts: defaults.ExposedPorts } : {}),
    ...(defaults.Volumes ? { Volumes: defaults.Volumes } : {}),
  };
  return {
    architecture: hostArchitecture(), os: 'linux', created: o.created, ...(o.comment ? { comment: o.comment } : {}),
    config, rootfs: { type: 'layers', diff_ids: [diffId] }, history: [history],
  };
}
