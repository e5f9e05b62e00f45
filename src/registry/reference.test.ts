import { test } from 'node:test';
import assert from 'node:assert/strict';
import { familiarName, familiarString, parseReference } from './reference.ts';

test('parseReference normalises Docker Hub names and keeps registry hosts', () => {
  assert.deepEqual(parseReference('alpine'), { domain: 'docker.io', path: 'library/alpine', tag: undefined, digest: undefined });
  assert.deepEqual(parseReference('user/app:1.0'), { domain: 'docker.io', path: 'user/app', tag: '1.0', digest: undefined });
  assert.equal(parseReference('index.docker.io/library/alpine').domain, 'docker.io');
  assert.deepEqual(parseReference('127.0.0.1:5000/mr/app:v1'), { domain: '127.0.0.1:5000', path: 'mr/app', tag: 'v1', digest: undefined });
  assert.equal(parseReference('localhost/app').domain, 'localhost');
  assert.equal(parseReference('registry.k8s.io/pause:3.9').path, 'pause', 'no library/ outside Docker Hub');
  const d = `sha256:${'a'.repeat(64)}`;
  assert.equal(parseReference(`alpine@${d}`).digest, d);
  assert.equal(parseReference(`alpine:3@${d}`).tag, '3');
});

test('parseReference refuses what distribution/reference refuses', () => {
  for (const bad of ['', 'app/UPPER', 'app:bad tag', 'app@sha256:short', 'a//b', `${'a'.repeat(256)}`, 'app:-x']) {
    assert.throws(() => parseReference(bad), { code: 'MOORAGE_INVALID_REFERENCE' }, bad);
  }
});

test('familiar forms strip docker.io/ and library/ only', () => {
  assert.equal(familiarString(parseReference('docker.io/library/alpine')), 'alpine:latest');
  assert.equal(familiarName(parseReference('docker.io/user/app')), 'user/app');
  assert.equal(familiarString(parseReference('127.0.0.1:5000/library/app:v1')), '127.0.0.1:5000/library/app:v1');
});
