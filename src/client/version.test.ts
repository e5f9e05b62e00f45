import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions, MAX_API_VERSION, negotiateVersion } from './version.ts';

test('negotiation takes the smaller of the engine and client versions', () => {
  assert.equal(negotiateVersion('1.41'), '1.41');
  assert.equal(negotiateVersion('1.50'), MAX_API_VERSION);
  assert.equal(negotiateVersion('1.47'), '1.47');
});

test('without an Api-Version header the client uses unversioned paths', () => {
  assert.equal(negotiateVersion(undefined), undefined);
  assert.equal(negotiateVersion('garbage'), undefined);
});

test('versions compare numerically, not as strings', () => {
  assert.ok(compareVersions('1.9', '1.41') < 0);
  assert.equal(compareVersions('1.41', '1.41'), 0);
});
