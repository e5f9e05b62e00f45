import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorBody, statusFor } from './error-status.ts';
import { Conflict, ERROR_CODES, Forbidden, InvalidParameter, MoorageError, NotFound, NotModified, SystemError, type ErrorCode } from '../../errors.ts';
import { splitVersion } from './version.ts';

test('typed errors map to Docker statuses and everything else to 500', () => {
  assert.equal(statusFor(new NotFound('x')), 404);
  assert.equal(statusFor(new InvalidParameter('x')), 400);
  assert.equal(statusFor(new Conflict('x')), 409);
  assert.equal(statusFor(new Forbidden('x', 'MOORAGE_NETWORK_IN_USE')), 403);
  assert.equal(statusFor(new NotModified()), 304);
  assert.equal(statusFor(new SystemError('x')), 500);
  assert.equal(statusFor(new TypeError('x')), 500);
  assert.equal(statusFor('string'), 500);
});

test('every code of the catalogue has a status by its kind, and the body carries the code', () => {
  const statuses = new Set([404, 400, 403, 409, 304, 500]);
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) assert.ok(statuses.has(statusFor(new MoorageError(code, 'x'))), code);
  assert.equal(statusFor(new NotFound('gone', 'MOORAGE_NO_SUCH_CONTAINER')), 404);
  assert.deepEqual(errorBody(new InvalidParameter('bad', 'MOORAGE_INVALID_SIGNAL')), { message: 'bad', code: 'MOORAGE_INVALID_SIGNAL' });
  assert.deepEqual(errorBody(new Error('boom')), { message: 'boom', code: 'MOORAGE_SYSTEM' });
});

test('splitVersion strips the version prefix and refuses versions out of range', () => {
  assert.deepEqual(splitVersion('/v1.41/containers/json'), { version: '1.41', path: '/containers/json' });
  assert.deepEqual(splitVersion('/containers/json'), { version: '1.50', path: '/containers/json' });
  assert.throws(() => splitVersion('/v1.99/info'), { message: /too new. Maximum supported API version is 1.50/ });
  // compose 1.29 pins /v1.38; moby 28 accepts down to 1.24.
  assert.deepEqual(splitVersion('/v1.38/networks'), { version: '1.38', path: '/networks' });
  assert.throws(() => splitVersion('/v1.23/info'), { message: /too old. Minimum supported API version is 1.24/ });
});
