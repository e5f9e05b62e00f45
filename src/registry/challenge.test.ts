import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChallenges } from './challenge.ts';

test('parseChallenges reads Bearer parameters, quoted commas and an error', () => {
  assert.deepEqual(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull,push",error="insufficient_scope"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull,push', error: 'insufficient_scope' } },
  ]);
});

test('parseChallenges reads Basic, several challenges, and unquoted values', () => {
  assert.deepEqual(parseChallenges('Basic realm="Registry Realm"'), [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
  assert.deepEqual(parseChallenges(['Basic realm=x, Bearer realm="r",service=s']).map((c) => c.scheme), ['basic', 'bearer']);
  assert.deepEqual(parseChallenges(undefined), []);
});
