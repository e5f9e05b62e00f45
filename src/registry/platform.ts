/**
 * Platform selection in a manifest list or OCI index: the entry for this host's OS and
 * architecture (and variant where one is asked), skipping buildkit's attestation manifests. Pure.
 * @module
 */
import { InvalidParameter, NotFound } from '../errors.ts';
import type { Descriptor, ImageIndex, Platform } from '../wire/oci.ts';

/** The platform wanted: os, architecture, optional variant. */
export type Wanted = Pick<Platform, 'os' | 'architecture' | 'variant'>;

/** This host's platform in OCI terms. */
export function hostPlatform(arch = process.arch): Wanted {
  switch (arch) {
    case 'x64': return { os: 'linux', architecture: 'amd64' };
    case 'arm64': return { os: 'linux', architecture: 'arm64', variant: 'v8' };
    case 'arm': return { os: 'linux', architecture: 'arm', variant: 'v7' };
    case 'ia32': return { os: 'linux', architecture: '386' };
    default: return { os: 'linux', architecture: arch };
  }
}

/** Parses the API's `platform` value, `os[/arch[/variant]]`. */
export function parsePlatform(v: string): Wanted {
  const [os, architecture, variant] = v.toLowerCase().split('/');
  if (!os || (architecture !== undefined && !architecture)) throw new InvalidParameter(`invalid platform ${JSON.stringify(v)}: want os/arch[/variant]`);
  const host = hostPlatform();
  return { os, architecture: architecture ?? host.architecture, ...(variant ? { variant } : {}) };
}

/** True for buildkit's attestation entries (`unknown/unknown`). */
export function isAttestation(d: Descriptor): boolean {
  return d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest'
    || (d.platform?.os === 'unknown' && d.platform?.architecture === 'unknown');
}

/** The variant an architecture has when none is written (arm64 is v8). */
function defaultVariant(arch: string): string | undefined {
  return arch === 'arm64' ? 'v8' : undefined;
}

/** The best entry of `index` for `want`: an exact variant first, then one without a variant. */
export function selectManifest(index: ImageIndex, want: Wanted): Descriptor {
  const candidates = index.manifests.filter((d) => !isAttestation(d) && d.platform
    && d.platform.os === want.os && d.platform.architecture === want.architecture);
  const wantVariant = want.variant ?? defaultVariant(want.architecture);
  const variantOf = (d: Descriptor) => d.platform?.variant ?? defaultVariant(want.architecture);
  const exact = candidates.find((d) => variantOf(d) === wantVariant);
  const loose = !want.variant ? candidates.find((d) => !d.platform?.variant) : undefined;
  const found = exact ?? loose;
  if (!found) {
    const name = [want.os, want.architecture, want.variant].filter(Boolean).join('/');
    throw new NotFound(`no matching manifest for ${name} in the manifest list entries`, 'MOORAGE_MANIFEST_UNKNOWN');
  }
  return found;
}
