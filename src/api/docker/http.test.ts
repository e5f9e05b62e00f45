import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nestingDepth } from './http.ts';
import { checkBody, CreateSchema } from './schemas.ts';

test('nesting depth counts arrays and objects, not brackets inside strings', () => {
  assert.equal(nestingDepth('{"a":[1,{"b":2}]}'), 3);
  assert.equal(nestingDepth('{"a":"[[[[\\"[["}'), 1);
  assert.equal(nestingDepth('5'), 0);
});

test('a body of the wrong shape is refused with the path of the field', () => {
  assert.throws(() => checkBody(CreateSchema, { Image: 'x', HostConfig: { Ulimits: [{ Name: 'nofile', Soft: 'a', Hard: 1 }] } }),
    /invalid HostConfig\.Ulimits\.0\.Soft: expected number/);
  const body = { Image: 'x', Unknown: { anything: true }, Cmd: 'sh' };
  assert.equal(checkBody(CreateSchema, body), body);
});
