import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusFor } from './error-status.ts';
import { Conflict, InvalidParameter, NotFound, NotModified, SystemError } from '../../errors.ts';
import { splitVersion } from './version.ts';

test('typed errors map to Docker statuses and everything else to 500', () => {
  assert.equal(statusFor(new NotFound('x')), 404);
  assert.equal(statusFor(new InvalidParameter('x')), 400);
  assert.equal(statusFor(new Conflict('x')), 409);
  assert.equal(statusFor(new NotModified()), 304);
  assert.equal(statusFor(new SystemError('x')), 500);
  assert.equal(statusFor(new TypeError('x')), 500);
  assert.equal(statusFor('string'), 500);
});

test('splitVersion strips the version prefix and refuses versions out of range', () => {
  assert.deepEqual(splitVersion('/v1.41/containers/json'), { version: '1.41', path: '/containers/json' });
  assert.deepEqual(splitVersion('/containers/json'), { version: '1.50', path: '/containers/json' });
  assert.throws(() => splitVersion('/v1.99/info'), { message: /too new. Maximum supported API version is 1.50/ });
  assert.throws(() => splitVersion('/v1.39/info'), { message: /too old. Minimum supported API version is 1.40/ });
});
