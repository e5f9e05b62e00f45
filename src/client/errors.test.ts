import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Conflict, errorFromResponse, InvalidParameter, MoorageError, NotFound, NotModified,
  SystemError } from './errors.ts';

test('error statuses map to typed errors carrying the engine message', () => {
  const cases: [number, new (...a: never[]) => MoorageError][] = [
    [404, NotFound], [409, Conflict], [400, InvalidParameter], [304, NotModified], [500, SystemError],
  ];
  for (const [status, cls] of cases) {
    const e = errorFromResponse(status, JSON.stringify({ message: `msg ${status}` }));
    assert.ok(e instanceof cls, `${status}`);
    assert.ok(e instanceof MoorageError);
    assert.equal(e.statusCode, status);
    assert.equal(e.message, `msg ${status}`);
  }
});

test('a non-JSON error body is kept as text', () => {
  const e = errorFromResponse(404, 'page not found\n');
  assert.ok(e instanceof NotFound);
  assert.equal(e.message, 'page not found');
});

test('other 4xx become InvalidParameter with their status, 5xx SystemError', () => {
  const e = errorFromResponse(422, '{"message":"x"}');
  assert.ok(e instanceof InvalidParameter);
  assert.equal(e.statusCode, 422);
  const s = errorFromResponse(503, '');
  assert.ok(s instanceof SystemError);
  assert.equal(s.message, 'HTTP 503');
});

test('typed errors carry their class name', () => {
  assert.equal(new NotFound('x').name, 'NotFound');
});
