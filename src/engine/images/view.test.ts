import assert from 'node:assert/strict';
import { test } from 'node:test';
import { referenceMatches } from './view.ts';

test('the reference filter globs over name:tag, or the name alone when the pattern has no tag', () => {
  assert.ok(referenceMatches('busybox', 'busybox:latest'));
  assert.ok(referenceMatches('busybox:latest', 'busybox:latest'));
  assert.ok(!referenceMatches('busybox:1', 'busybox:latest'));
  assert.ok(referenceMatches('busy*', 'busybox:latest'));
  assert.ok(referenceMatches('*:v?', 'app:v1'));
  assert.ok(!referenceMatches('*', 'reg.local/app:v1'), 'a star stops at a slash');
  assert.ok(referenceMatches('reg.local/*', 'reg.local/app:v1'));
  assert.ok(!referenceMatches('x', 'xy:latest'));
  assert.ok(!referenceMatches('a.c', 'abc:latest'), 'a dot is a dot');
  assert.ok(referenceMatches('localhost:5000/app', 'localhost:5000/app:v1'), 'a registry port is no tag');
});
