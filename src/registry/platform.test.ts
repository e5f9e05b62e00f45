import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostPlatform, parsePlatform, selectManifest } from './platform.ts';
import type { Descriptor, ImageIndex } from '../wire/oci.ts';

const d = (n: string, platform?: Descriptor['platform'], annotations?: Record<string, string>): Descriptor =>
  ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${n.repeat(64)}`, size: 1, platform, annotations });
const index = (...m: Descriptor[]): ImageIndex => ({ schemaVersion: 2, manifests: m });

test('selectManifest picks the platform, skipping attestations', () => {
  const att = d('a', { architecture: 'unknown', os: 'unknown' }, { 'vnd.docker.reference.type': 'attestation-manifest' });
  const amd = d('b', { architecture: 'amd64', os: 'linux' });
  const arm = d('c', { architecture: 'arm64', os: 'linux', variant: 'v8' });
  assert.equal(selectManifest(index(att, arm, amd), { os: 'linux', architecture: 'amd64' }), amd);
  assert.equal(selectManifest(index(att, amd, arm), { os: 'linux', architecture: 'arm64' }), arm, 'arm64 means v8');
  assert.throws(() => selectManifest(index(att, amd), { os: 'linux', architecture: 's390x' }), /no matching manifest for linux\/s390x/);
});

test('selectManifest prefers the exact variant and accepts an unmarked arm64', () => {
  const v7 = d('d', { architecture: 'arm', os: 'linux', variant: 'v7' });
  const v6 = d('e', { architecture: 'arm', os: 'linux', variant: 'v6' });
  assert.equal(selectManifest(index(v6, v7), { os: 'linux', architecture: 'arm', variant: 'v7' }), v7);
  const plain = d('f', { architecture: 'arm64', os: 'linux' });
  assert.equal(selectManifest(index(plain), { os: 'linux', architecture: 'arm64', variant: 'v8' }), plain);
});

test('hostPlatform maps Node architectures to OCI ones; parsePlatform reads os/arch/variant', () => {
  assert.deepEqual(hostPlatform('x64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(hostPlatform('arm64'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.throws(() => parsePlatform('linux/'), /invalid platform/);
});
